import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { splitTrainValidation } from '../../src/data/split.js';
import { NonFiniteLossError } from '../../src/errors.js';
import { predict } from '../../src/eval/predict.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { ViTConfig, VIT_DEFAULTS } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { TrainConfig, TRAIN_DEFAULTS } from '../../src/train/config.js';
import { learningRateAt } from '../../src/train/schedule.js';
import { train } from '../../src/train/trainer.js';
import { useTestBackend } from '../support/backend.js';

const all = syntheticDataset({ count: 700, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
const { train: trainSet, validation } = splitTrainValidation(all, 100, 1);
const testSet = syntheticDataset({ count: 200, height: 16, width: 16, channels: 1, classes: 4, seed: 2 });
const modelCfg: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, channels: 1, patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64, numClasses: 4 };
const trainCfg: TrainConfig = { ...TRAIN_DEFAULTS, epochs: 3, batchSize: 32, learningRate: 3e-3, evalBatchSize: 256, checkpointEverySteps: 7 };

function weights(m: ViT): Float32Array[] {
  return [...m.params.values()].map((v) => v.dataSync().slice() as Float32Array);
}

/** The error a promise rejects with, as a function that throws it (so chai's .to.throw() can match it). */
async function rejection(p: Promise<unknown>): Promise<() => never> {
  try {
    await p;
  } catch (e) {
    return () => {
      throw e;
    };
  }
  throw new Error('expected a rejection');
}

describe('training loop', function () {
  this.timeout(120_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-train-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('warms up linearly, then decays by cosine to the floor', () => {
    expect(learningRateAt(0, 100, 1, 0.1, 0)).to.be.closeTo(0.1, 1e-12);
    expect(learningRateAt(9, 100, 1, 0.1, 0)).to.be.closeTo(1, 1e-12);
    expect(learningRateAt(10, 100, 1, 0.1, 0)).to.be.closeTo(1, 1e-12);
    expect(learningRateAt(55, 100, 1, 0.1, 0)).to.be.closeTo(0.5, 1e-12); // half way through the cosine
    expect(learningRateAt(100, 100, 1, 0.1, 0.01)).to.be.closeTo(0.01, 1e-12);
  });

  it('reaches high accuracy on the synthetic set within seconds, vanilla and Top-k', async () => {
    for (const k of [null, 8]) {
      const m = new ViT({ ...modelCfg, k }, 0);
      const t0 = Date.now();
      const res = await train({ model: m, train: trainSet, validation, config: trainCfg, seed: 0 });
      const seconds = (Date.now() - t0) / 1000;
      const p = predict(m, testSet);
      const acc = accuracy({ data: p.probs, numClasses: 4 }, testSet.labels);
      expect(acc, `k=${k} test accuracy`).to.be.above(0.9);
      expect(seconds).to.be.below(30);
      expect(res.state.history.map((h) => h.epoch)).to.deep.equal([0, 1, 2, 3]);
      expect(res.state.history[0].trainLoss).to.equal(null);
      m.dispose();
    }
  });

  it('gives identical weights for the same seed and different weights for another seed', async () => {
    const run = async (seed: number) => {
      const m = new ViT({ ...modelCfg, k: 8 }, seed);
      await train({ model: m, train: trainSet, validation, config: { ...trainCfg, epochs: 1 }, seed });
      const w = weights(m);
      m.dispose();
      return w;
    };
    const a = await run(5), b = await run(5), c = await run(6);
    a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer))).to.equal(true));
    expect(Buffer.from(a[3].buffer).equals(Buffer.from(c[3].buffer))).to.equal(false);
  });

  it('resumes an interrupted training (mid-epoch) to exactly the uninterrupted result', async () => {
    const ckpt = path.join(tmp, 'm.ckpt');
    const straight = new ViT(modelCfg, 3);
    const full = await train({ model: straight, train: trainSet, validation, config: trainCfg, seed: 3 });
    const first = new ViT(modelCfg, 3);
    const cut = await train({ model: first, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, stopAfterSteps: 25 });
    expect(cut.interrupted).to.equal(true);
    first.dispose();
    const second = new ViT(modelCfg, 3); // fresh process state: weights come from the checkpoint
    const resumed = await train({ model: second, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, resume: true });
    expect(resumed.interrupted).to.equal(false);
    const a = weights(straight), b = weights(second);
    a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer)), `parameter ${i}`).to.equal(true));
    expect(resumed.state.history).to.deep.equal(full.state.history);
    expect(resumed.state.globalStep).to.equal(full.state.globalStep);
    straight.dispose();
    second.dispose();
  });

  it('refuses to resume from a checkpoint written for another configuration', async () => {
    const ckpt = path.join(tmp, 'm.ckpt');
    const m = new ViT(modelCfg, 3);
    await train({ model: m, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, stopAfterSteps: 3, identity: { lr: 1 } });
    expect(await rejection(train({ model: m, train: trainSet, validation, config: trainCfg, seed: 3, checkpointPath: ckpt, resume: true, identity: { lr: 2 } }))).to.throw(
      /was written for a different configuration, seed or dataset \(lr is 1 there, 2 now\); refusing to resume/,
    );
    m.dispose();
  });

  it('stops with the step number when the loss diverges', async () => {
    const m = new ViT(modelCfg, 0);
    // lr 1e30 without clipping: the first update makes the weights ~1e30, the next forward pass overflows
    const wild = { ...trainCfg, learningRate: 1e30, warmupFraction: 0, gradClipNorm: 0 };
    expect(await rejection(train({ model: m, train: trainSet, validation, config: wild, seed: 0 }))).to.throw(NonFiniteLossError, /^training loss became (NaN|Infinity) at step 2; training stopped/);
    m.dispose();
  });

  it('reports non-finite outputs at initialisation as step 0', async () => {
    const m = new ViT(modelCfg, 0);
    m.params.get('head.b')!.assign(tf.tensor1d([NaN, 0, 0, 0]));
    expect(await rejection(train({ model: m, train: trainSet, validation, config: trainCfg, seed: 0 }))).to.throw(NonFiniteLossError, 'validation logits became NaN at step 0');
    m.dispose();
  });

  it('does not leak tensors across training steps, nor after the model and optimiser are gone', async () => {
    const before = tf.memory().numTensors;
    const m = new ViT({ ...modelCfg, k: 8 }, 0);
    const counts: number[] = [];
    // count live tensors at each epoch boundary, after validation; the optimizer state is created once up front
    await train({ model: m, train: trainSet, validation, config: trainCfg, seed: 0, onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(counts).to.have.length(4);
    expect(new Set(counts).size, `tensor counts per epoch: ${counts.join(', ')}`).to.equal(1);
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before); // the trainer disposed the optimiser state; nothing else was left
  });

});
