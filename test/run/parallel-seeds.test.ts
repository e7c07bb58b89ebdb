/**
 * Issue 20: on a single-threaded backend the seeds of a multi-seed run run side by side in child processes; the
 * aggregate and every seed's scorecard are byte for byte the sequential ones (timing, provenance and folder name
 * aside), and a SIGINT of the parent stops every child at a checkpoint, from which --resume finishes the same run.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runSeeds } from '../../src/run/multi-seed.js';
import { useTestBackend } from '../support/backend.js';
import { comparableScorecard, withStderrCaptured } from '../support/capture.js';
import { withWorkers } from '../support/env.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const OVERRIDES = {
  backend: 'wasm',
  seeds: [3, 4, 5],
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 50 },
  model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
  train: { epochs: 2, batchSize: 50, checkpointEverySteps: 2 },
  suites: ['calibration'],
};
const config = resolveConfig([parseOverrides(OVERRIDES)], 'smoke');


/** The aggregate, and each seed's config.json and scorecard, of two multi-seed run folders are the same. */
function expectSameRun(a: string, b: string): void {
  expect(comparable(path.join(a, 'scorecard.json'))).to.equal(comparable(path.join(b, 'scorecard.json')));
  for (const s of config.seeds!) {
    const [da, db] = [a, b].map((d) => path.join(d, `seed-${s}`));
    expect(fs.readFileSync(path.join(da, 'config.json'), 'utf8'), `seed ${s} config`).to.equal(fs.readFileSync(path.join(db, 'config.json'), 'utf8'));
    expect(comparable(path.join(da, 'scorecard.json')), `seed ${s}`).to.equal(comparable(path.join(db, 'scorecard.json')));
  }
}

/** A scorecard's reproducible part as text: key order included, so that equal means byte for byte. */
const comparable = (file: string): string => JSON.stringify(comparableScorecard(file));

describe('parallel seeds on wasm', function () {
  this.timeout(300_000);
  before(useTestBackend);
  let tmp: string;
  let sequential: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-pseeds-'));
    sequential = path.join(tmp, 'sequential');
    await withWorkers('1', () => runSeeds({ config, outDir: sequential, progress: false }));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('three seeds on two processes give the sequential scorecards byte for byte', async () => {
    const { out, text } = await withStderrCaptured(() => withWorkers('2', () => runSeeds({ config, outDir: path.join(tmp, 'parallel') })));
    expect(text).to.contain('running seeds 3, 4, 5 side by side (2 processes, wasm');
    expect(text).to.contain('[seed 4] === seed 4 (2 of 3) ===');
    expect(out.interrupted).to.equal(false);
    expectSameRun(path.join(tmp, 'parallel'), sequential);
  });

  it('a SIGINT stops every seed at a checkpoint; --resume finishes the same run', async () => {
    const cfg = path.join(tmp, 'run.json');
    fs.writeFileSync(cfg, JSON.stringify(OVERRIDES));
    const dir = path.join(tmp, 'interrupted');
    const cli = (args: string[]) => {
      // node with tsx directly (not npx), so that the signal goes to the run's own process
      const child = spawn(process.execPath, ['--import', 'tsx', 'api/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TOPK_WORKERS: '2' } });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
      return { child, done };
    };
    const first = cli(['run', '--preset', 'smoke', '--config', cfg, '--out', dir]);
    const ckpt = (s: number) => path.join(dir, `seed-${s}`, 'checkpoints');
    const deadline = Date.now() + 120_000;
    while (![3, 4].every((s) => fs.existsSync(ckpt(s)) && fs.readdirSync(ckpt(s)).some((f) => f.endsWith('.ckpt')))) {
      if (Date.now() > deadline) throw new Error(`no checkpoints of seeds 3 and 4 within 120 s:\n${(first.child.kill('SIGKILL'), (await first.done).stderr)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGINT'); // the parent only: it passes the signal on to its children
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).to.equal(130);
    // every seed still running when the signal came stops at a checkpoint (a seed this small may finish first on a loaded
    // machine: its scorecard is then already there, and --resume reuses it)
    const unfinished = [3, 4].filter((s) => !fs.existsSync(path.join(dir, `seed-${s}`, 'scorecard.json')));
    expect(unfinished.length, stopped.stderr).to.be.above(0);
    // the parent passes a stop on as SIGTERM (its children ignore the SIGINT a terminal would also send them)
    for (const s of unfinished) expect(stopped.stderr).to.contain(`[seed ${s}] SIGTERM: stopping at the next checkpoint`);
    expect(fs.existsSync(path.join(dir, 'scorecard.json'))).to.equal(false);

    const resumed = await cli(['run', '--resume', dir, '--quiet']).done;
    expect(resumed.code, resumed.stderr).to.equal(0);
    expectSameRun(dir, sequential);
  });
});
