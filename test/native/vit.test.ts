/**
 * The harness's ViT on the libtorch backend: a full training step (vanilla and Top-k) gives the loss and gradients
 * of the cpu backend; the trainer's loss curve matches wasm's; training is deterministic for a seed; tensors and
 * native memory do not leak over many steps. Skipped when the addon is not built (`npm run build:native`).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { splitTrainValidation } from '../../src/data/split.js';
import { predict } from '../../src/eval/predict.js';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { attentionLayout, setAttentionLayout, ViT } from '../../src/models/vit.js';
import { AdamW } from '../../src/train/adamw.js';
import { TRAIN_DEFAULTS, TrainConfig } from '../../src/train/config.js';
import { crossEntropy } from '../../src/train/loss.js';
import { train } from '../../src/train/trainer.js';
import { libtorchNativeStats } from '../../src/backend-libtorch/index.js';
import { rand, rememberBackend, requireLibtorch } from './helpers.js';

const small: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64, numClasses: 4 };

/** Loss and every gradient of one training step, as plain arrays, on `backend`. */
async function stepOn(backend: string, cfg: ViTConfig): Promise<{ loss: number; grads: Map<string, Float32Array>; logits: Float32Array }> {
  await tf.setBackend(backend);
  const model = new ViT(cfg, 7);
  const vars = [...model.params.values()];
  const out = scoped(() => {
    const x = tf.tensor4d(rand(8 * 16 * 16, 3, 0, 1), [8, 16, 16, 1]);
    const y = tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32');
    let logits!: Float32Array;
    const { value, grads } = tf.variableGrads(() => {
      const l = model.forward(x).logits;
      logits = l.dataSync() as Float32Array;
      return crossEntropy(l, y);
    }, vars);
    const g = new Map<string, Float32Array>();
    for (const [name, v] of model.params) g.set(name, grads[v.name].dataSync() as Float32Array);
    return { loss: value.dataSync()[0], grads: g, logits };
  });
  model.dispose();
  return out;
}

/** Runs f in a tidy scope and returns its plain (non-tensor) result. */
function scoped<T>(f: () => T): T {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}

/** max |a − b| relative to max |b| (the tensor's scale), floored at 1e-3 (some gradients are 0 up to rounding:
 * the key bias's, since softmax ignores a shift of all scores). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 1e-3;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('libtorch backend: the ViT', function () {
  this.timeout(300_000);
  let restore: () => Promise<void>;
  before(async function () {
    restore = rememberBackend();
    await requireLibtorch.call(this);
  });
  after(async () => restore?.());

  for (const [label, cfg] of [['vanilla', small], ['Top-k (k=8)', { ...small, k: 8 }], ['Top-k, cls pooling', { ...small, k: 8, pool: 'cls' as const }]] as [string, ViTConfig][]) {
    it(`${label}: one training step gives the cpu backend's loss and gradients (1e-4)`, async () => {
      const ref = await stepOn('cpu', cfg);
      const got = await stepOn('libtorch', cfg);
      expect(Math.abs(got.loss - ref.loss) / Math.abs(ref.loss)).to.be.below(1e-5);
      expect(relErr(got.logits, ref.logits)).to.be.below(1e-5);
      for (const [name, g] of ref.grads) expect(relErr(got.grads.get(name)!, g), name).to.be.below(1e-4);
    });
  }

  /** Logits and gradients of one step on libtorch with attention forced into `layout`. */
  async function stepWithLayout(layout: 'grouped' | 'batched', cfg: ViTConfig, bsz: number) {
    await tf.setBackend('libtorch');
    setAttentionLayout(layout);
    try {
      const model = new ViT(cfg, 3);
      const vars = [...model.params.values()];
      const px = cfg.imageHeight * cfg.imageWidth * cfg.channels;
      const out = scoped(() => {
        const x = tf.tensor4d(rand(bsz * px, 11, 0, 1), [bsz, cfg.imageHeight, cfg.imageWidth, cfg.channels]);
        const y = tf.tensor1d(Int32Array.from({ length: bsz }, (_, i) => i % cfg.numClasses), 'int32');
        let logits!: Float32Array;
        const { grads } = tf.variableGrads(() => {
          const l = model.forward(x).logits;
          logits = l.dataSync().slice() as Float32Array;
          return crossEntropy(l, y);
        }, vars);
        const g = new Map<string, Float32Array>();
        for (const [name, v] of model.params) g.set(name, grads[v.name].dataSync() as Float32Array);
        return { logits, grads: g };
      });
      model.dispose();
      return out;
    } finally {
      setAttentionLayout(null);
    }
  }

  it('uses the batched attention layout on libtorch (the grouped one elsewhere)', async () => {
    await tf.setBackend('libtorch');
    expect(attentionLayout()).to.equal('batched');
    await tf.setBackend('cpu');
    expect(attentionLayout()).to.equal('grouped');
  });

  for (const [label, cfg, bsz] of [
    ['reference config, Top-16', { ...VIT_DEFAULTS, k: 16 }, 6],
    ['small, cls pooling', { ...small, pool: 'cls' as const }, 5],
  ] as [string, ViTConfig, number][]) {
    it(`${label}: the batched attention path gives the grouped path's logits (1e-4) and gradients`, async () => {
      const ref = await stepWithLayout('grouped', cfg, bsz);
      const got = await stepWithLayout('batched', cfg, bsz);
      expect(relErr(got.logits, ref.logits)).to.be.below(1e-4);
      for (const [name, g] of ref.grads) expect(relErr(got.grads.get(name)!, g), name).to.be.below(1e-4);
    });
  }

  const all = syntheticDataset({ count: 420, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
  const { train: trainSet, validation } = splitTrainValidation(all, 100, 1);
  const trainCfg: TrainConfig = { ...TRAIN_DEFAULTS, epochs: 2, batchSize: 32, learningRate: 3e-3, evalBatchSize: 64 };

  async function curve(backend: string, k: number | null): Promise<{ losses: number[]; weights: Float32Array[]; history: number[] }> {
    await tf.setBackend(backend);
    const m = new ViT({ ...small, k }, 0);
    const losses: number[] = [];
    const res = await train({
      model: m, train: trainSet, validation, config: trainCfg, seed: 0,
      progress: { line: () => {}, update: (_s: number, _t: number, msg: string) => losses.push(Number(/loss ([0-9.]+)/.exec(msg)![1])) } as never,
    });
    const weights = [...m.params.values()].map((v) => v.dataSync().slice() as Float32Array);
    m.dispose();
    return { losses, weights, history: res.state.history.map((h) => h.validationLoss) };
  }

  for (const k of [null, 8]) {
    it(`${k === null ? 'vanilla' : 'Top-k'}: the trainer's loss curve matches wasm's, and repeats exactly for a seed`, async () => {
      const ref = await curve('wasm', k);
      const a = await curve('libtorch', k);
      const b = await curve('libtorch', k);
      expect(a.losses.length).to.equal(ref.losses.length).and.to.be.greaterThan(10);
      // Printed losses have 4 decimals; float differences grow slowly over 20 Adam steps.
      for (let i = 0; i < ref.losses.length; i++) expect(a.losses[i], `step ${i + 1}`).to.be.closeTo(ref.losses[i], 2e-3);
      for (let i = 0; i < ref.history.length; i++) expect(a.history[i], `epoch ${i}`).to.be.closeTo(ref.history[i], 2e-3);
      expect(b.losses).to.deep.equal(a.losses);
      b.weights.forEach((w, i) => expect(Array.from(w)).to.deep.equal(Array.from(a.weights[i])));
    });
  }

  it('leaks no tensors and no native memory over many steps, and frees everything on dispose', async () => {
    await tf.setBackend('libtorch');
    const model = new ViT({ ...small, k: 8 }, 0);
    const opt = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
    const vars = [...model.params.values()];
    const names = [...model.params.keys()];
    const x = tf.tensor4d(rand(32 * 256, 5, 0, 1), [32, 16, 16, 1]);
    const y = tf.tensor1d(Int32Array.from({ length: 32 }, (_, i) => i % 4), 'int32');
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
        const named: Record<string, tf.Tensor> = {};
        vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
        opt.apply(named, 1e-3);
        return value.dataSync()[0];
      });
    for (let i = 0; i < 3; i++) step();
    const after3 = { js: tf.memory().numTensors, native: libtorchNativeStats(), rss: process.memoryUsage().rss };
    for (let i = 0; i < 60; i++) step();
    predict(model, trainSet, { batchSize: 64 });
    const after63 = { js: tf.memory().numTensors, native: libtorchNativeStats(), rss: process.memoryUsage().rss };
    expect(after63.js).to.equal(after3.js);
    expect(after63.native.tensors).to.equal(after3.native.tensors);
    expect(after63.native.bytes).to.equal(after3.native.bytes);
    // Process memory may grow a little (allocator, JIT); a leak of one step's activations would be ~10 MB per step.
    expect(after63.rss - after3.rss).to.be.below(64 * 2 ** 20);
    opt.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
    // One native tensor per live tfjs data buffer of this backend, before and after disposal.
    // (ViT and AdamW leave their variables' initial tensors alive: a harness issue, once per model, not per step.)
    expect(libtorchNativeStats().tensors).to.equal(tf.engine().backend.numDataIds());
    expect(libtorchNativeStats().tensors).to.be.below(after63.native.tensors);
  });

  it('releases a tensor\'s native memory when it is disposed, views included', async () => {
    await tf.setBackend('libtorch');
    const before = libtorchNativeStats();
    const big = tf.zeros([1024, 1024]);
    const view = tf.tidy(() => tf.transpose(tf.reshape(big, [2048, 512]))); // a view: shares big's storage
    expect(libtorchNativeStats().tensors).to.equal(before.tensors + 2);
    expect(libtorchNativeStats().bytes - before.bytes).to.be.at.least(4 * 2 ** 20);
    big.dispose();
    expect(libtorchNativeStats().tensors).to.equal(before.tensors + 1);
    view.dispose();
    expect(libtorchNativeStats()).to.deep.equal(before);
  });
});
