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


describe('parallel training on wasm', function () {
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

  it('TOPK_WORKERS must be a positive integer', async () => {
    await withWorkers('two', async () => expect(() => workerCount()).to.throw("TOPK_WORKERS must be a positive integer, got 'two'"));
  });
});
