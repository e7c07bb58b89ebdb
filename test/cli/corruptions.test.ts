/**
 * `topk-harness corruptions list|preview` and the corruption flags of `run`, on a program built here (main.ts wires
 * the same functions). Output is captured through commander's configureOutput.
 */
import { expect } from 'chai';
import corruptionSuite from '../../suites/corruption/index.js';
import type { RunConfig } from '../../src/config/run-config.js';
import type { DataSplits } from '../../src/data/dataset.js';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import {
  addCorruptionRunOptions, corruptionFlagOverrides, registerCorruptionsCommand, type CorruptionRunFlags,
} from '../../src/cli/corruptions-command.js';
import { formatCorruptionList, type CorruptionListing } from '../../src/cli/corruptions-actions.js';
import { PRESETS } from '../../src/config/run-config.js';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from '../../src/corruptions/index.js';
import { HarnessInputError } from '../../src/errors.js';

const DEFINE_URL = pathToFileURL(path.resolve('src/corruptions/define.ts')).href;

/** Run the corruptions command; returns what it wrote to stdout. */
async function cli(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} });
  registerCorruptionsCommand(program);
  await program.parseAsync(['node', 'topk-harness', ...args]);
  return out;
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('corruptions command', function () {
  this.timeout(60_000);
  let tmp: string;
  let plugin: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corruptions-cli-'));
    plugin = path.join(tmp, 'invert.ts');
    fs.writeFileSync(plugin, `
import { defineCorruption } from '${DEFINE_URL}';
export default defineCorruption({
  name: 'invert', version: 3, family: 'custom', severities: { cifar: [1, 2, 3, 4, 5], imagenet: [10, 20, 30, 40, 50] },
  description: 'inverts the image', apply: (im) => ({ ...im, data: im.data.map((v) => 255 - v) }),
});
`);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('list --json: every built-in with family, version, source, group and both tables; plugins after them', async () => {
    const rows = JSON.parse(await cli(['corruptions', 'list', '--json', '--corruption-module', plugin])) as CorruptionListing[];
    expect(rows.map((r) => r.name)).to.deep.equal([...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS, 'invert']);
    expect(rows[0]).to.deep.equal({
      name: 'gaussian_noise', family: 'noise', version: 2, source: 'built-in', group: 'benchmark',
      description: rows[0].description,
      severities: { cifar: [0.04, 0.06, 0.08, 0.09, 0.1], imagenet: [0.08, 0.12, 0.18, 0.26, 0.38] },
    });
    expect(rows.find((r) => r.name === 'saturate')).to.include({ group: 'held-out', source: 'built-in' });
    expect(rows.find((r) => r.name === 'jpeg_compression')!.severities).to.deep.equal({ cifar: [80, 65, 58, 50, 40], imagenet: [25, 18, 15, 10, 7] });
    expect(rows[19]).to.deep.equal({
      name: 'invert', family: 'custom', version: 3, source: plugin, group: 'plugin', description: 'inverts the image',
      severities: { cifar: [1, 2, 3, 4, 5], imagenet: [10, 20, 30, 40, 50] },
    });
    for (const r of rows) expect(Object.keys(r)).to.deep.equal(['name', 'family', 'version', 'source', 'group', 'description', 'severities']);
  });

  it('list: an aligned text table with both tables per corruption', async () => {
    const text = await cli(['corruptions', 'list']);
    const lines = text.split('\n');
    expect(lines[0]).to.equal('name               family   version  group      source');
    expect(lines[1]).to.equal('gaussian_noise     noise    v2       benchmark  built-in');
    expect(text).to.contain('                   cifar    1-5: 0.04 | 0.06 | 0.08 | 0.09 | 0.1\n                   imagenet 1-5: 0.08 | 0.12 | 0.18 | 0.26 | 0.38\n');
    expect(text).to.contain('speckle_noise      noise    v2       held-out   built-in');
    expect(formatCorruptionList([{ name: 'x', family: 'custom', version: 1, source: 'a.js', group: 'plugin', description: 'd', severities: { cifar: [[1, 2], 2, 3, 4, 5], imagenet: [[1, 2], 2, 3, 4, 5] } }]))
      .to.equal('name  family   version  group      source\nx     custom   v1       plugin     a.js\n      d\n      severities 1-5 (both tables): (1, 2) | 2 | 3 | 4 | 5\n');
  });

  it('list reports a broken plugin with its file', async () => {
    const e = await rejects(cli(['corruptions', 'list', '--corruption-module', path.join(tmp, 'missing.js')]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(`${path.join(tmp, 'missing.js')}: corruption module not found (looked for ${path.join(tmp, 'missing.js')})`);
  });

  it('preview writes a PNG grid of the first test images', async () => {
    const out = path.join(tmp, 'grid.png');
    const printed = await cli(['corruptions', 'preview', '--dataset', 'synthetic', '--corruption', 'fog', '--corruption', 'invert',
      '--corruption-module', plugin, '--severities', '1,5', '--count', '2', '--seed', '3', '--out', out]);
    expect(printed).to.equal(`${out}\n`);
    const meta = await sharp(out).metadata();
    expect(meta.format).to.equal('png');
    // 2 corruptions x 2 images = 4 rows of 96-px cells (16 px x 6) under a 26-px header
    expect(meta.height).to.equal(26 + 4 * (96 + 4) + 4);
  });

  it('preview refuses an unknown corruption with did-you-mean before loading data', async () => {
    const e = await rejects(cli(['corruptions', 'preview', '--dataset', 'synthetic', '--corruption', 'frots']));
    expect(e.message).to.match(/^unknown corruption 'frots'\. Did you mean frost\? Available: gaussian_noise, /);
    expect((await rejects(cli(['corruptions', 'preview', '--dataset', 'mnsit']))).message).to.match(/^unknown dataset 'mnsit'\. Did you mean mnist\?/);
    expect((await rejects(cli(['corruptions', 'preview', '--dataset', 'synthetic', '--severities', '0,2']))).message)
      .to.equal("--severities must be distinct severities 1..5 separated by commas (e.g. 1,3,5), got '0,2'");
  });
});

describe('run flags for the corruption suite', function () {
  this.timeout(60_000);

  function parseRunFlags(args: string[]): CorruptionRunFlags {
    let flags: CorruptionRunFlags = {};
    const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    addCorruptionRunOptions(program.command('run')).action((f: CorruptionRunFlags) => void (flags = f));
    program.parse(['node', 'topk-harness', 'run', ...args]);
    return flags;
  }

  it('--corruption-module is repeatable and becomes corruption.plugins; --severity-table becomes corruption.table', () => {
    expect(corruptionFlagOverrides(parseRunFlags([]))).to.equal(undefined);
    const f = parseRunFlags(['--corruption-module', './a.js', '--corruption-module', 'some-package', '--severity-table', 'imagenet']);
    expect(f.corruptionModule).to.deep.equal(['./a.js', 'some-package']);
    const layer = corruptionFlagOverrides(f);
    expect(layer).to.deep.equal({ plugins: ['./a.js', 'some-package'], table: 'imagenet' });
    const cfg = resolveConfig([parseOverrides({ corruption: layer })], 'smoke');
    expect(cfg.corruption).to.deep.equal({ ...PRESETS.smoke.corruption, plugins: ['./a.js', 'some-package'], table: 'imagenet' });
  });

  it('the suite check loads plugins and checks names before training', async () => {
    const check = (c: RunConfig) => Promise.resolve(corruptionSuite.check!(c, {} as DataSplits, undefined));
    const cfg = resolveConfig([parseOverrides({ suites: ['corruption'], corruption: { corruptions: ['zoom_blurr'], plugins: ['./no/such/plugin.js'] } })], 'smoke');
    expect((await rejects(check(cfg))).message).to.match(/^\.\/no\/such\/plugin\.js: corruption module not found/);
    const e = await rejects(check({ ...cfg, corruption: { ...cfg.corruption, plugins: [] } }));
    expect(e.message).to.match(/^corruption\.corruptions\.0: unknown corruption 'zoom_blurr'\. Did you mean zoom_blur\? Available: /);
  });
});
