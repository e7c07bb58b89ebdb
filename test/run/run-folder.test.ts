/**
 * Issue 17, items 5, 7 and 8: one process per run folder (a lock naming its holder, stale locks of dead processes
 * taken over), no folder left behind by a run that fails before training, and timing that adds up every invocation.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig, parseOverrides } from '../../src/config/schema.js';
import { RunFolderLockedError } from '../../src/run/lock.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { useTestBackend } from '../support/backend.js';
import { rejection as rejects } from '../support/capture.js';

const config = resolveConfig(
  [parseOverrides({
    seed: 1,
    data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 100 },
    model: { patchSize: 4, dim: 32, depth: 1, heads: 2, mlpDim: 64 },
    models: [{ name: 'vanilla', k: null }],
    train: { epochs: 2, batchSize: 50, evalBatchSize: 100 },
    suites: ['calibration'],
  })],
  'smoke',
);


describe('run folder: lock, cleanup, timing', function () {
  this.timeout(120_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-folder-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses a second process on the same folder, naming the holder; takes over the lock of a process that is gone', async () => {
    const dir = path.join(tmp, 'run');
    expect((await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 3 })).interrupted).to.equal(true);
    const sleeper = spawn('sleep', ['30']);
    try {
      // a live holder on this host: its lock directory and who it is, as lock.ts writes them
      fs.mkdirSync(path.join(dir, '.lock'));
      fs.writeFileSync(path.join(dir, '.lock-holder.json'), JSON.stringify({ pid: sleeper.pid, host: os.hostname(), since: '2026-12-06T00:00:00.000Z', command: 'run --resume x' }));
      const e = await rejects(runExperiment({ config, outDir: dir, progress: false, resume: true }));
      expect(e).to.be.instanceOf(RunFolderLockedError);
      expect(e.message).to.equal(`run folder ${dir} is in use by process ${sleeper.pid} on ${os.hostname()} (since 2026-12-06T00:00:00.000Z: run --resume x); wait for it to finish, or stop it first`);
    } finally {
      sleeper.kill('SIGKILL');
    }
    await new Promise((r) => sleeper.once('exit', r));
    // the holder is gone (killed like kill -9, its lock left behind): the next run takes the folder over and finishes
    const out = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    expect(out.interrupted).to.equal(false);
    expect(fs.existsSync(path.join(dir, '.lock'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, '.lock-holder.json'))).to.equal(false);
  });

  it('leaves no run folder behind when the run fails before training', async () => {
    const dir = path.join(tmp, 'bad');
    const bad = { ...config, data: { ...config.data, dataset: 'folder' as const, dataDir: path.join(tmp, 'no-such-images') } };
    const e = await rejects(runExperiment({ config: bad, outDir: dir, progress: false }));
    expect(e.message).to.contain('no-such-images');
    expect(fs.existsSync(dir)).to.equal(false);
  });

  it('adds up the wall time of every invocation of a resumed run', async () => {
    const dir = path.join(tmp, 'timed');
    await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 5 });
    const first = (JSON.parse(fs.readFileSync(path.join(dir, 'elapsed.json'), 'utf8')) as { seconds: number }).seconds;
    expect(first).to.be.above(0);
    const t0 = performance.now();
    const out = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    const second = (performance.now() - t0) / 1000;
    expect(out.scorecard.timing.totalSeconds).to.be.above(first);
    expect(out.scorecard.timing.totalSeconds).to.be.at.most(first + second + 0.01);
    expect(out.scorecard.timing.totalSeconds).to.be.at.least(first + 0.5 * second);
  });
});
