/**
 * Scale-out: `run --shard i/n` runs a deterministic slice of the seeds, `merge` combines shard folders into the same
 * scorecard as a single-machine multi-seed run (timings, provenance and runId aside), and refuses (exit 2) shard
 * folders of different configurations or with missing / duplicated seeds. Also the seed cache (a finished seed is
 * reused only with the same config) and `--fresh`.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { RunConfig } from '../../src/config/run-config.js';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { HarnessInputError } from '../../src/errors.js';
import { aggregateSeeds, runSeeds } from '../../src/run/multi-seed.js';
import { cellsToRemove, mergeShards, parseShard, removeCells, runShard, shardSeeds } from '../../src/run/shard.js';
import { useTestBackend } from '../support/backend.js';
import { comparableScorecard } from '../support/capture.js';

/** The tiny synthetic multi-seed config of test/run/multi-seed.test.ts. */
const TINY = {
  preset: 'smoke',
  backend: 'wasm',
  seeds: [3, 4, 5],
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 50 },
  model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
  train: { epochs: 1, batchSize: 50 },
  suites: [],
};

function tinyConfig(edit: (c: Record<string, any>) => void = () => {}): RunConfig {
  const raw = structuredClone(TINY) as Record<string, any>;
  edit(raw);
  return resolveConfig([parseOverrides(raw)]);
}

/** A scorecard without what legitimately differs between two runs of the same cells. */

function inputError(f: () => unknown): HarnessInputError {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessInputError);
    return e as HarnessInputError;
  }
  throw new Error('expected a HarnessInputError');
}

/** Run the CLI in-process; returns its exit code and what it wrote. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out.stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((out.stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'topk-harness', ...args]);
    return { code, ...out };
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
}

describe('--shard i/n', () => {
  it('parses i/n with 1 ≤ i ≤ n and names a bad value', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard('1/1')).to.deep.equal({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '2', '1/0', 'a/b', '-1/2', '1/2/3', '']) {
      expect(inputError(() => parseShard(bad)).message, bad).to.contain(`got '${bad}'`).and.contain('1 ≤ i ≤ n');
    }
  });

  it('splits the seed list by position, p mod n == i-1, covering every seed exactly once', () => {
    const seeds = [10, 11, 12, 13, 14, 15, 16];
    expect(shardSeeds(seeds, { index: 1, count: 3 })).to.deep.equal([10, 13, 16]);
    expect(shardSeeds(seeds, { index: 2, count: 3 })).to.deep.equal([11, 14]);
    expect(shardSeeds(seeds, { index: 3, count: 3 })).to.deep.equal([12, 15]);
    expect(shardSeeds([1, 2], { index: 3, count: 3 })).to.deep.equal([]);
    for (const n of [1, 2, 3, 5, 9]) {
      const all = Array.from({ length: n }, (_, i) => shardSeeds(seeds, { index: i + 1, count: n })).flat();
      expect([...all].sort((a, b) => a - b)).to.deep.equal(seeds);
    }
  });
});

describe('sharded runs and merge', function () {
  this.timeout(120_000);
  before(useTestBackend);
  let tmp: string;
  let shardA: string;
  let shardB: string;
  let direct: string;
  const config = tinyConfig();

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-shard-'));
    shardA = path.join(tmp, 'shard-1');
    shardB = path.join(tmp, 'shard-2');
    direct = path.join(tmp, 'direct');
    await useTestBackend();
    const a = await runShard({ config, outDir: shardA, progress: false }, { index: 1, count: 2 });
    const b = await runShard({ config, outDir: shardB, progress: false }, { index: 2, count: 2 });
    expect(a.seeds).to.deep.equal([3, 5]);
    expect(b.seeds).to.deep.equal([4]);
    await runSeeds({ config, outDir: direct, progress: false });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a shard runs only its seeds and writes no aggregate', () => {
    expect(fs.readdirSync(shardA).sort()).to.deep.equal(['config.json', 'seed-3', 'seed-5']);
    expect(fs.readdirSync(shardB).sort()).to.deep.equal(['config.json', 'seed-4']);
    for (const f of ['seed-3', 'seed-5']) expect(fs.existsSync(path.join(shardA, f, 'scorecard.json'))).to.equal(true);
  });

  it('two shards merged equal a single-machine run, timings and provenance aside', () => {
    const merged = path.join(tmp, 'merged');
    const out = mergeShards([shardB, shardA], merged, { warn: () => {} }); // order of the folders does not matter
    expect(out.sources).to.deep.equal({ 3: shardA, 4: shardB, 5: shardA });
    expect(comparableScorecard(out.scorecardPath)).to.deep.equal(comparableScorecard(path.join(direct, 'scorecard.json')));
    for (const s of [3, 4, 5]) {
      expect(comparableScorecard(path.join(merged, `seed-${s}`, 'scorecard.json'))).to.deep.equal(comparableScorecard(path.join(direct, `seed-${s}`, 'scorecard.json')));
    }
    expect(fs.readFileSync(path.join(merged, 'config.json'), 'utf8')).to.equal(fs.readFileSync(path.join(direct, 'config.json'), 'utf8'));
    expect(fs.readFileSync(path.join(merged, 'scorecard.md'), 'utf8')).to.contain('## Statistics over 3 seeds (3, 4, 5)');
    expect(fs.readFileSync(path.join(merged, 'report.html'), 'utf8')).to.contain('<html');
    // re-aggregating the direct run's folder gives the same scorecard again (the one aggregation function)
    const again = aggregateSeeds(direct, config);
    expect(comparableScorecard(again.scorecardPath)).to.deep.equal(comparableScorecard(out.scorecardPath));
  });

  it('names missing and duplicated seeds', () => {
    const missing = inputError(() => mergeShards([shardA], path.join(tmp, 'm1'), { warn: () => {} }));
    expect(missing.message).to.contain('missing seed 4');
    const copy = path.join(tmp, 'shard-1-copy');
    fs.cpSync(shardA, copy, { recursive: true });
    const dup = inputError(() => mergeShards([shardA, shardB, copy], path.join(tmp, 'm2'), { warn: () => {} }));
    expect(dup.message).to.contain('seed 3 is duplicated').and.contain('seed 5 is duplicated').and.not.contain('missing');
    fs.rmSync(copy, { recursive: true });
    expect(fs.existsSync(path.join(tmp, 'm1'))).to.equal(false);
  });

  it('names the field when the shards come from different configurations', () => {
    const other = path.join(tmp, 'shard-2-other');
    fs.cpSync(shardB, other, { recursive: true });
    const cfgPath = path.join(other, 'config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
    cfg.train.epochs = 2;
    fs.writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
    const e = inputError(() => mergeShards([shardA, other], path.join(tmp, 'm3'), { warn: () => {} }));
    expect(e.message).to.contain('different configurations').and.contain(`train.epochs is 2 in ${cfgPath} but 1 in`);
    fs.rmSync(other, { recursive: true });
  });

  it('a finished seed is reused only with the same config; another code version only warns', async () => {
    const work = path.join(tmp, 'cache');
    fs.cpSync(direct, work, { recursive: true });
    const seedCard = path.join(work, 'seed-4', 'scorecard.json');
    const card = JSON.parse(fs.readFileSync(seedCard, 'utf8'));
    card.provenance.harnessVersion = '0.0.1-old';
    fs.writeFileSync(seedCard, JSON.stringify(card));
    const warnings: string[] = [];
    const before = fs.statSync(seedCard).mtimeMs;
    const out = await runSeeds({ config, outDir: work, resume: true, progress: false, warn: (m) => warnings.push(m) });
    expect(fs.statSync(seedCard).mtimeMs).to.equal(before); // reused, not recomputed
    expect(warnings, warnings.join("\n")).to.have.length(1);
    expect(warnings[0]).to.contain('seed 4').and.contain('0.0.1-old');
    expect(comparableScorecard(out.scorecardPath)).to.deep.equal(comparableScorecard(path.join(direct, 'scorecard.json')));

    const seedCfg = path.join(work, 'seed-5', 'config.json');
    const cfg = JSON.parse(fs.readFileSync(seedCfg, 'utf8'));
    cfg.model.dim = 32;
    fs.writeFileSync(seedCfg, JSON.stringify(cfg));
    let err: unknown;
    try {
      await runSeeds({ config, outDir: work, resume: true, progress: false, warn: () => {} });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(HarnessInputError);
    expect((err as Error).message).to.contain('seed-5').and.contain('model.dim is 32').and.contain('--fresh');
  });

  it('--fresh removes the previous cells, and a new run starts in the same folder', async () => {
    const work = path.join(tmp, 'fresh');
    fs.cpSync(direct, work, { recursive: true });
    fs.writeFileSync(path.join(work, 'notes.txt'), 'mine');
    const names = cellsToRemove(work).map((p) => path.relative(work, p)).sort();
    expect(names).to.deep.equal(['config.json', 'report.html', 'scorecard.json', 'scorecard.md', 'seed-3', 'seed-4', 'seed-5']);
    const lines: string[] = [];
    removeCells(work, (l) => lines.push(l));
    expect(lines.join('\n')).to.contain('seed-4').and.contain('scorecard.json');
    expect(fs.readdirSync(work)).to.deep.equal(['notes.txt']);
    const out = await runShard({ config: tinyConfig((c) => (c.seeds = [7])), outDir: work, progress: false }, { index: 1, count: 1 });
    expect(out.seeds).to.deep.equal([7]);
  });
});

describe('run --shard / --fresh and merge on the command line', function () {
  this.timeout(120_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-shard-cli-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function configFile(edit: (c: Record<string, any>) => void = () => {}): string {
    const raw = structuredClone(TINY) as Record<string, any>;
    edit(raw);
    const file = path.join(tmp, 'config.json');
    fs.writeFileSync(file, JSON.stringify(raw));
    return file;
  }

  it('refuses a bad --shard, a sharded single-seed run and --fresh with --resume (exit 2)', async () => {
    const multi = configFile();
    let r = await cli('run', '--config', multi, '--shard', '3/2', '--out', path.join(tmp, 'x'), '--quiet');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--shard must be i/n").and.contain("got '3/2'");
    const single = configFile((c) => (c.seeds = null));
    r = await cli('run', '--config', single, '--shard', '1/2', '--out', path.join(tmp, 'y'), '--quiet');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('sharding splits the seeds').and.contain('--seeds');
    expect(fs.existsSync(path.join(tmp, 'y'))).to.equal(false);
    r = await cli('run', '--fresh', '--resume', path.join(tmp, 'x'), '--quiet');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--fresh and --resume');
  });

  it('runs shards, prints the seeds and the merge command, merges; merge exits 2 on a missing seed', async () => {
    const cfg = configFile();
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    let r = await cli('run', '--config', cfg, '--shard', '2/2', '--out', b, '--quiet');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('shard 2/2: seed 4 in').and.contain(`topk-harness merge ${b} <the other 1 shard folder> --out`);
    r = await cli('merge', b, '--out', path.join(tmp, 'partial'));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('missing seeds 3, 5');
    r = await cli('run', '--config', cfg, '--shard', '1/2', '--out', a, '--quiet');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('shard 1/2: seeds 3, 5');
    // rerunning a finished shard with --resume reuses its seeds
    r = await cli('run', '--resume', a, '--shard', '1/2', '--quiet');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('(reused: 3, 5)');
    const merged = path.join(tmp, 'merged');
    r = await cli('merge', a, b, '--out', merged);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(path.join(merged, 'scorecard.json'));
    r = await cli('merge', a, b, '--out', merged);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('not empty');
    // --fresh on a shard folder starts it over
    r = await cli('run', '--config', cfg, '--shard', '2/2', '--out', b, '--quiet', '--fresh');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('--fresh: removing').and.contain('seed-4');
    expect(r.stdout).to.not.contain('reused');
  });
});
