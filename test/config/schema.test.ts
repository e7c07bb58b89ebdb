import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/config/run-config.js';
import { parseOverrides, readConfigFile, resolveConfig } from '../../src/config/schema.js';
import { HarnessInputError } from '../../src/errors.js';

describe('run configuration', () => {
  it('defaults to the quick preset and layers file and flags over it in order', () => {
    expect(resolveConfig([])).to.deep.equal(PRESETS.quick);
    const c = resolveConfig([parseOverrides({ seed: 3, train: { epochs: 7 } }), parseOverrides({ seed: 4 })], 'smoke');
    expect(c.preset).to.equal('smoke');
    expect(c.seed).to.equal(4);
    expect(c.train.epochs).to.equal(7);
    expect(c.train.batchSize).to.equal(PRESETS.smoke.train.batchSize);
  });

  it('names the field, the problem and the value for a wrong type', () => {
    expect(() => parseOverrides({ train: { learningRate: 'fast' } })).to.throw(HarnessInputError, /train\.learningRate: .*expected number.*\(got "fast"\)/);
  });

  it('accepts a top-level description for readers of the file, and leaves it out of the resolved config', () => {
    const c = resolveConfig([parseOverrides({ description: 'why this config', train: { epochs: 2 } })]);
    expect(c.train.epochs).to.equal(2);
    expect(c).to.not.have.property('description');
    expect(() => parseOverrides({ description: 3 })).to.throw(/description: .*expected string/);
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(() => parseOverrides({ train: { epoch: 3 } })).to.throw(/train: Unrecognized key.*"epoch"/);
  });

  it('checks cross-field constraints: k against mlpDim, per-layer k count, dim divisible by heads, unique names', () => {
    expect(() => resolveConfig([parseOverrides({ models: [{ name: 'v', k: null }, { name: 't', k: 999 }] })])).to.throw(/models\.1\.k: k=999 exceeds model\.mlpDim=256/);
    expect(() => resolveConfig([parseOverrides({ models: [{ name: 't', k: [1, 2] }] })])).to.throw(/models\.0\.k: has 2 entries but model\.depth is 4/);
    expect(() => resolveConfig([parseOverrides({ model: { heads: 3 } })])).to.throw(/model\.heads: model\.dim \(64\) must be divisible by model\.heads \(3\)/);
    expect(() => resolveConfig([parseOverrides({ models: [{ name: 'a', k: null }, { name: 'a', k: 4 }] })])).to.throw(/models\.1\.name: duplicate model name 'a'/);
  });

  it('rejects an unknown dataset and preset by listing what is allowed', () => {
    expect(() => parseOverrides({ data: { dataset: 'mnsit' } })).to.throw(/data\.dataset: .*"mnist".*\(got "mnsit"\)/);
    expect(() => parseOverrides({ preset: 'fast' })).to.throw(/preset: .*"smoke"\|"quick"\|"paper"/);
  });

  it('reports unreadable and malformed config files with the file name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-cfg-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, '{ "seed": 1,, }');
      expect(() => readConfigFile(bad)).to.throw(`config file ${bad} is not valid JSON`);
      expect(() => readConfigFile(path.join(dir, 'missing.json'))).to.throw(`cannot read config file ${path.join(dir, 'missing.json')}`);
      const wrong = path.join(dir, 'wrong.json');
      fs.writeFileSync(wrong, JSON.stringify({ data: { limitTrain: -5 } }));
      expect(() => readConfigFile(wrong)).to.throw(new RegExp(`invalid config file ${wrong}:\\n  data\\.limitTrain: .*\\(got -5\\)`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
