/**
 * Suite caches (suites/<name>.json) are verified when a resumed run reuses them (issue 17, item 3): a file cut
 * short, not a suite record, edited or written for another configuration is refused with one line that names it
 * and says how to recompute that suite; nothing is overwritten.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { HarnessInputError } from '../../src/errors.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { readSuiteCache, SuiteCacheError, suiteRecordProblems, writeSuiteCache, type StoredSuiteRecord } from '../../src/scorecard/suite-cache.js';
import { readSuiteRecord } from '../../src/scorecard/read.js';
import type { Scorecard } from '../../src/scorecard/scorecard.js';
import { useTestBackend } from '../support/backend.js';
import { thrown } from '../support/capture.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

const record: StoredSuiteRecord = {
  result: { models: { vanilla: { ece: 0.05, nll: Number.NaN } } }, // NaN is stored as null
  markdown: '## Calibration\n',
  files: ['calibration/reliability.svg'],
  seconds: 1.5,
  version: 1,
  source: 'built-in',
  headline: [{ key: 'ece', label: 'ECE', kind: 'fraction', values: { vanilla: 0.05 } }],
};

function fix(file: string, runDir: string): string {
  return `delete ${file} and rerun with --resume ${runDir} to recompute that suite`;
}

describe('suite caches', () => {
  let tmp: string;
  let runDir: string;
  let file: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-suite-cache-'));
    runDir = path.join(tmp, 'run');
    file = path.join(runDir, 'suites', 'calibration.json');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** readSuiteCache's error for `file`, checked to be a one-line SuiteCacheError (exit 2) naming the file. */
  function refusal(configHash?: string): string {
    const before = fs.readFileSync(file);
    const e = thrown(() => readSuiteCache(file, configHash));
    expect(e).to.be.instanceOf(SuiteCacheError);
    expect(e).to.be.instanceOf(HarnessInputError);
    expect((e as HarnessInputError).path).to.equal(file);
    expect(e.message).to.not.contain('\n');
    expect(fs.readFileSync(file).equals(before)).to.equal(true);
    return e.message;
  }

  it('writes the record with its integrity field and reads it back without it', () => {
    writeSuiteCache(file, record, HASH_A);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrity: { configHash: string; sha256: string } };
    expect(raw.integrity.configHash).to.equal(HASH_A);
    expect(raw.integrity.sha256).to.match(/^[0-9a-f]{64}$/);
    const back = readSuiteCache(file, HASH_A);
    expect(back).to.deep.equal(JSON.parse(JSON.stringify(record)));
    expect(back).to.not.have.property('integrity');
    expect(readSuiteCache(file)).to.deep.equal(back); // no hash to compare: the checksum alone
    expect(readSuiteRecord(file)).to.deep.equal({ result: back.result, markdown: back.markdown, files: back.files, seconds: back.seconds });
  });

  it('refuses a cache cut short', () => {
    writeSuiteCache(file, record, HASH_A);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    expect(refusal(HASH_A)).to.equal(`${file}: suite cache is not valid JSON (the file is damaged); ${fix(file, runDir)}`);
  });

  it('refuses {} and other values that are not a suite record', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{}');
    expect(refusal(HASH_A)).to.equal(
      `${file}: not a suite record (result is missing, markdown is missing, files is missing, seconds is missing); ${fix(file, runDir)}`,
    );
    fs.writeFileSync(file, '[1]');
    expect(refusal()).to.equal(`${file}: not a suite record (it is an array, not an object); ${fix(file, runDir)}`);
    fs.writeFileSync(file, JSON.stringify({ result: 1, markdown: 2, files: ['a', 3], seconds: -1, headline: {} }));
    expect(refusal()).to.equal(
      `${file}: not a suite record (markdown is 2, not a string, files holds a value that is not a string, seconds is -1, not a number >= 0, ` +
        `headline is an object, not an array of {key, label, kind, values}); ${fix(file, runDir)}`,
    );
  });

  it('refuses a cache whose result was edited (checksum mismatch), also when a report reads it', () => {
    writeSuiteCache(file, record, HASH_A);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { result: { models: { vanilla: { ece: number } } } };
    raw.result.models.vanilla.ece = 0.01;
    fs.writeFileSync(file, JSON.stringify(raw, null, 2));
    const message = `${file}: checksum mismatch: the file is damaged or was edited; ${fix(file, runDir)}`;
    expect(refusal(HASH_A)).to.equal(message);
    const e = thrown(() => readSuiteRecord(file));
    expect(e).to.be.instanceOf(SuiteCacheError);
    expect(e.message).to.equal(message);
  });

  it('refuses a malformed integrity field', () => {
    writeSuiteCache(file, record, HASH_A);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...raw, integrity: 'ok' }));
    expect(refusal(HASH_A)).to.equal(`${file}: its integrity field is malformed (the file is damaged); ${fix(file, runDir)}`);
  });

  it('refuses a cache of another configuration', () => {
    writeSuiteCache(file, record, HASH_B);
    expect(refusal(HASH_A)).to.equal(
      `${file}: it belongs to another configuration (config hash bbbbbbbbbbbb there, aaaaaaaaaaaa now); ${fix(file, runDir)}`,
    );
    // an edited config hash is caught by the checksum, not taken for this configuration
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { integrity: { configHash: string } };
    raw.integrity.configHash = HASH_A;
    fs.writeFileSync(file, JSON.stringify(raw));
    expect(refusal(HASH_A)).to.equal(`${file}: checksum mismatch: the file is damaged or was edited; ${fix(file, runDir)}`);
  });

  it('accepts a cache written before integrity fields, once its shape checks out', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = { result: { x: 1 }, markdown: '## X\n', files: [], seconds: 2 };
    fs.writeFileSync(file, JSON.stringify(old));
    expect(readSuiteCache(file, HASH_A)).to.deep.equal(old);
    expect(suiteRecordProblems(old)).to.deep.equal([]);
  });

  it('names the multi-seed run above a seed folder', () => {
    const seedFile = path.join(runDir, 'seed-4', 'suites', 'ood.json');
    fs.mkdirSync(path.dirname(seedFile), { recursive: true });
    fs.writeFileSync(seedFile, '{"res');
    expect(thrown(() => readSuiteCache(seedFile)).message).to.equal(`${seedFile}: suite cache is not valid JSON (the file is damaged); ${fix(seedFile, runDir)}`);
  });
});

describe('suite caches through runExperiment', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-suite-cache-run-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const config = resolveConfig(
    [
      parseOverrides({
        backend: 'wasm',
        data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 300, syntheticTestCount: 100, validationCount: 50 },
        model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
        models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
        train: { epochs: 1, batchSize: 50 },
        suites: ['calibration'],
      }),
    ],
    'smoke',
  );

  function comparable(card: Scorecard): unknown {
    const { timing: _t, provenance: _p, runId: _r, ...rest } = card;
    return rest;
  }

  it('a damaged suite cache: --resume refuses it in one line; deleted, the suite is recomputed to the same scorecard', async () => {
    const dir = path.join(tmp, 'run');
    const first = await runExperiment({ config, outDir: dir, progress: false });
    const file = path.join(dir, 'suites', 'calibration.json');
    const good = fs.readFileSync(file, 'utf8');
    const resumeError = async (): Promise<Error> => {
      try {
        await runExperiment({ config, outDir: dir, progress: false, resume: true });
      } catch (e) {
        return e as Error;
      }
      return expect.fail('expected --resume to refuse the suite cache');
    };

    fs.writeFileSync(file, good.slice(0, 100));
    let e = await resumeError();
    expect(e).to.be.instanceOf(SuiteCacheError);
    expect(e.message).to.equal(`${file}: suite cache is not valid JSON (the file is damaged); ${fix(file, dir)}`);
    expect(fs.readFileSync(file, 'utf8')).to.equal(good.slice(0, 100));

    fs.writeFileSync(file, '{}');
    e = await resumeError();
    expect(e.message).to.equal(`${file}: not a suite record (result is missing, markdown is missing, files is missing, seconds is missing); ${fix(file, dir)}`);

    fs.writeFileSync(file, good.replace('"seconds": ', '"seconds": 1'));
    e = await resumeError();
    expect(e.message).to.equal(`${file}: checksum mismatch: the file is damaged or was edited; ${fix(file, dir)}`);

    fs.rmSync(file);
    const again = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    expect(comparable(again.scorecard)).to.deep.equal(comparable(first.scorecard));
    expect(readSuiteCache(file).result).to.deep.equal(JSON.parse(good).result);
  });
});
