/**
 * Issue 20: on a single-threaded backend the label-noise suite's retrainings (its work items, one per noise spec and
 * model) run side by side in child processes before the suite's `run`; the scorecard and suites/label-noise.json are
 * byte for byte the sequential ones (timing, provenance and folder name aside). A failing work item's error is the
 * run's error, and a SIGINT of the parent stops every child at a checkpoint, from which --resume finishes the run.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { useTestBackend } from '../support/backend.js';
import { withStderrCaptured } from '../support/capture.js';
import { withWorkers } from '../support/env.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const OVERRIDES = {
  backend: 'wasm',
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 500, syntheticTestCount: 100, validationCount: 100 },
  model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
  train: { epochs: 2, batchSize: 25, learningRate: 3e-3, checkpointEverySteps: 4 },
  suites: ['label-noise'],
  labelNoise: { specs: ['uniform:0.4', 'pair-flip:0.2'], memorisationProbe: 50 },
};
const config = resolveConfig([parseOverrides(OVERRIDES)], 'smoke');
const KEYS = ['noise-uniform_0.4_exact-vanilla', 'noise-uniform_0.4_exact-topk', 'noise-pair-flip_0.2_independent-vanilla', 'noise-pair-flip_0.2_independent-topk'];

/** A scorecard or saved suite record without its timing, provenance and folder name (and the hash that covers them). */
function comparable(file: string): string {
  const card = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { integrity?: { sha256?: string } };
  for (const k of ['timing', 'provenance', 'runId', 'seconds']) delete card[k];
  delete card.integrity?.sha256;
  return JSON.stringify(card);
}

/** The scorecard, suites/label-noise.json (its Markdown included) and every progress file of two run folders are the same. */
function expectSameRun(a: string, b: string): void {
  expect(comparable(path.join(a, 'scorecard.json'))).to.equal(comparable(path.join(b, 'scorecard.json')));
  expect(comparable(path.join(a, 'suites', 'label-noise.json'))).to.equal(comparable(path.join(b, 'suites', 'label-noise.json')));
  for (const key of KEYS) {
    const file = (d: string) => fs.readFileSync(path.join(d, 'label-noise', 'progress', `${key}.json`), 'utf8');
    expect(file(a), key).to.equal(file(b));
  }
}



describe('label-noise retrainings side by side on wasm', function () {
  this.timeout(300_000);
  before(useTestBackend);
  let tmp: string;
  let sequential: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ln-parallel-'));
    sequential = path.join(tmp, 'sequential');
    await withWorkers('1', () => runExperiment({ config, outDir: sequential, progress: false }));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('two specs on two processes give the sequential scorecard and suite result byte for byte', async () => {
    const dir = path.join(tmp, 'parallel');
    const { out, text } = await withStderrCaptured(() => withWorkers('2', () => runExperiment({ config, outDir: dir })));
    expect(out.interrupted).to.equal(false);
    expect(text).to.contain('[suite label-noise] 4 work items side by side (2 processes, wasm');
    expect(text).to.match(/^\[noise-pair-flip_0\.2_independent-topk\] .*epoch/m); // a child's progress, relayed once prefixed
    expect(text).not.to.contain('[noise-uniform_0.4_exact-topk] [noise-uniform_0.4_exact-topk]');
    expectSameRun(dir, sequential);
  });

  it("a failing work item's error is the run's error", async () => {
    const plugin = path.join(tmp, 'items-suite.mjs');
    fs.writeFileSync(plugin, [
      'export default {',
      "  name: 'items', version: 1, description: 'work items that fail', needs: ['training'],",
      "  workItems: () => ['fine', 'broken'],",
      "  runWorkItem: async (ctx, item) => { if (item === 'broken') throw new Error(`item ${item} cannot be done`); },",
      "  run: async () => ({ result: {}, markdown: '## Items', files: [] }),",
      '};',
      '',
    ].join('\n'));
    const withPlugin = resolveConfig([parseOverrides({ ...OVERRIDES, suites: [], labelNoise: undefined }), { suitePlugins: [plugin] }], 'smoke');
    const dir = path.join(tmp, 'failing');
    fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
    // the run's models are trained already (the same training as the sequential run's): only the items run
    for (const m of ['vanilla', 'topk']) fs.copyFileSync(path.join(sequential, 'checkpoints', `${m}.ckpt`), path.join(dir, 'checkpoints', `${m}.ckpt`));
    const err = await withWorkers('2', () => runExperiment({ config: withPlugin, outDir: dir, progress: false })).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal(`suite plugin 'items' (${plugin}): runWorkItem failed: item broken cannot be done`);
    expect(fs.existsSync(path.join(dir, 'suites', 'items.json'))).to.equal(false);
  });

  it('a SIGINT stops every retraining at a checkpoint; --resume finishes the same run', async () => {
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
    const ckpt = (key: string) => path.join(dir, 'checkpoints', `${key}.ckpt`);
    const deadline = Date.now() + 120_000;
    while (!KEYS.slice(0, 2).every((k) => fs.existsSync(ckpt(k)))) {
      if (Date.now() > deadline) throw new Error(`no retraining checkpoints within 120 s:\n${(first.child.kill('SIGKILL'), (await first.done).stderr)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGINT'); // the parent only: it passes the signal on to its children
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).to.equal(130);
    // every retraining still running when the signal came stops at a checkpoint, told by SIGTERM (the parent passes a
    // stop on as SIGTERM); one this small may finish its last epoch first on a loaded machine (.ci/run saw it), and
    // --resume then reuses it, as the seeds' test allows
    const finished = (k: string) => new RegExp(`\\[${k}\\] epoch (\\d+)/\\1 `).test(stopped.stderr);
    const unfinished = KEYS.slice(0, 2).filter((k) => !finished(k));
    expect(unfinished.length, stopped.stderr).to.be.above(0);
    for (const k of unfinished) expect(stopped.stderr).to.contain(`[${k}] SIGTERM: stopping at the next checkpoint`);
    expect(fs.existsSync(path.join(dir, 'suites', 'label-noise.json'))).to.equal(false);

    const resumed = await cli(['run', '--resume', dir, '--quiet']).done;
    expect(resumed.code, resumed.stderr).to.equal(0);
    expectSameRun(dir, sequential);
  });
});
