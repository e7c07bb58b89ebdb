/**
 * Issue 20: on a single-threaded backend the models of a run train side by side in child processes; the scorecard
 * is byte for byte the sequential one (timing, provenance and folder name aside).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { workerCount } from '../../src/run/child-pool.js';
import { earlyTrainingBackend, trainingWidth } from '../../src/run/parallel-training.js';
import { defaultLibtorchThreads } from '../../src/backend-libtorch/index.js';
import type { BackendInfo } from '../../src/backend.js';
import * as tf from '@tensorflow/tfjs-core';
import { addonBuilt } from '../native/helpers.js';
import { useTestBackend } from '../support/backend.js';
import { comparableScorecard, withStderrCaptured } from '../support/capture.js';
import { withWorkers } from '../support/env.js';

const config = resolveConfig(
  [parseOverrides({
    backend: 'wasm',
    seed: 6,
    data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 500, syntheticTestCount: 100, validationCount: 100 },
    model: { patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
    models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }, { name: 'topk4', k: 4 }],
    train: { epochs: 2, batchSize: 50, checkpointEverySteps: 4 },
    suites: ['calibration'],
  })],
  'smoke',
);


/** A scorecard's reproducible part as text: key order included, so that equal means byte for byte. */
const comparable = (file: string): string => JSON.stringify(comparableScorecard(file));


describe('parallel training (wasm; libtorch where the addon is built)', function () {
  this.timeout(300_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-parallel-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('three models on two processes give the sequential scorecard byte for byte', async () => {
    const { out: parallel, text } = await withStderrCaptured(() => withWorkers('2', () => runExperiment({ config, outDir: path.join(tmp, 'parallel') })));
    expect(text).to.contain('training vanilla, topk, topk4 side by side (2 processes, wasm');
    const sequential = await withWorkers('1', () => runExperiment({ config, outDir: path.join(tmp, 'sequential'), progress: false }));
    expect(parallel.interrupted).to.equal(false);
    expect(comparable(parallel.scorecardPath)).to.equal(comparable(sequential.scorecardPath));
  });

  it('on libtorch two models train side by side on one thread each, and give the sequential scorecard byte for byte', async function () {
    if (!addonBuilt) this.skip(); // `npm run build:native`
    try {
      const lt = { ...config, backend: 'libtorch' as const, models: config.models.slice(0, 2) };
      const { loadLibtorchBackend } = await import('../../src/backend-libtorch/index.js');
      await loadLibtorchBackend({ threads: 2 });
      const { out: parallel, text } = await withStderrCaptured(() => withWorkers('2', () => runExperiment({ config: lt, outDir: path.join(tmp, 'parallel') })));
      expect(text).to.contain('training vanilla, topk side by side (2 processes, libtorch, 1 thread each;');
      const sequential = await withWorkers('1', () => runExperiment({ config: lt, outDir: path.join(tmp, 'sequential'), progress: false }));
      expect(comparable(parallel.scorecardPath)).to.equal(comparable(sequential.scorecardPath));
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('libtorch splits its threads between the children; one thread or one worker trains in this process', () => {
    const lt = (threads: number) => ({ name: 'libtorch', libtorch: { threads } }) as unknown as BackendInfo;
    expect(trainingWidth(lt(2), 2, 2)).to.deep.equal({ width: 2, libtorchThreads: 1 });
    expect(trainingWidth(lt(8), 3, 8)).to.deep.equal({ width: 3, libtorchThreads: 2 });
    expect(trainingWidth(lt(4), 2, 4)).to.deep.equal({ width: 2, libtorchThreads: 2 });
    expect(trainingWidth(lt(1), 2, 2)).to.deep.equal({ width: 0 });
    expect(trainingWidth(lt(2), 2, 1)).to.deep.equal({ width: 0 });
    expect(trainingWidth(lt(2), 1, 2)).to.deep.equal({ width: 0 });
    expect(trainingWidth({ name: 'wasm' } as BackendInfo, 3, 2)).to.deep.equal({ width: 2 });
  });

  it('tells the backend the children train on before this process loads one, where it can without loading it', () => {
    expect(earlyTrainingBackend('wasm')).to.deep.equal({ name: 'wasm' });
    expect(earlyTrainingBackend('cpu')).to.deep.equal({ name: 'cpu' });
    expect(earlyTrainingBackend('libtorch')).to.deep.equal({ name: 'libtorch', libtorch: { threads: defaultLibtorchThreads() } });
    expect(earlyTrainingBackend('tensorflow')).to.equal(undefined); // every core in one process: no children
    // auto: tfjs-node first (not installed on these machines), then the libtorch addon when built, then wasm
    let tfjsNode = true;
    try {
      import.meta.resolve('@tensorflow/tfjs-node');
    } catch {
      tfjsNode = false;
    }
    const auto = earlyTrainingBackend('auto');
    if (tfjsNode) expect(auto).to.equal(undefined);
    else expect(auto?.name).to.equal(addonBuilt ? 'libtorch' : 'wasm');
  });

  it('children started before the run\'s checks are stopped when a check fails: its error, and no run folder left', async () => {
    const bad = { ...config, data: { ...config.data, dataset: 'folder' as const, dataDir: path.join(tmp, 'no-such-images') } };
    const dir = path.join(tmp, 'bad');
    let error: Error | undefined;
    const { text } = await withStderrCaptured(() => withWorkers('2', () => runExperiment({ config: bad, outDir: dir }).catch((e: Error) => void (error = e))));
    expect(text).to.contain('side by side (2 processes, wasm'); // they had started
    expect(error?.message).to.contain('no-such-images');
    expect(fs.existsSync(dir)).to.equal(false);
  });

  it('TOPK_WORKERS must be a positive integer', async () => {
    await withWorkers('two', async () => expect(() => workerCount()).to.throw("TOPK_WORKERS must be a positive integer, got 'two'"));
  });
});
