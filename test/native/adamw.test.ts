/**
 * The fused AdamW kernel of the libtorch backend ('TopkHarnessAdamW', used by src/train/adamw.ts on libtorch): it
 * follows the composed tfjs formula (run on the cpu backend) for decayed and non-decayed parameters over several
 * steps, leaks no tensors, and leaves a training run's loss curve as the composed path gives it on libtorch.
 * Skipped when the addon is not built (`npm run build:native`).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { AdamW, fusedAdamWBackends } from '../../src/train/adamw.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { crossEntropy } from '../../src/train/loss.js';
import { rand, rememberBackend, requireLibtorch } from './helpers.js';

const opts = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 };
const shapes: Record<string, number[]> = { w: [37, 29], b: [29], s: [] };

/** Runs `steps` AdamW updates on `backend` with deterministic gradients; returns p, m, v per parameter. */
async function run(backend: string, steps: number): Promise<Map<string, { p: Float32Array; m: Float32Array; v: Float32Array }>> {
  await tf.setBackend(backend);
  const params = new Map<string, tf.Variable>();
  let seed = 11;
  for (const [name, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    params.set(name, tf.variable(tf.tensor(rand(n, seed++), shape), true, `adamw_test_${backend}_${name}`));
  }
  const opt = new AdamW(params, (n) => n === 'w', opts);
  for (let t = 0; t < steps; t++) {
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, p] of params) grads[name] = tf.tensor(rand(p.size, 100 + t * 7 + seed++, -0.5, 0.5), p.shape);
    opt.apply(grads, 1e-2 * (1 + t));
    for (const g of Object.values(grads)) g.dispose();
  }
  const out = new Map<string, { p: Float32Array; m: Float32Array; v: Float32Array }>();
  for (const [name, p] of params) {
    out.set(name, {
      p: p.dataSync() as Float32Array,
      m: opt.m.get(name)!.dataSync() as Float32Array,
      v: opt.v.get(name)!.dataSync() as Float32Array,
    });
  }
  opt.dispose();
  for (const p of params.values()) p.dispose();
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('libtorch backend: fused AdamW', function () {
  this.timeout(120_000);
  const restore = rememberBackend();
  before(requireLibtorch);
  after(async () => {
    fusedAdamWBackends.add('libtorch');
    await restore();
  });

  it('gives the composed formula\'s p, m, v on the cpu backend (1e-6), decayed and not, over 5 steps', async () => {
    const ref = await run('cpu', 5);
    const got = await run('libtorch', 5);
    for (const [name, r] of ref) {
      const g = got.get(name)!;
      expect(g.p.length).to.equal(r.p.length);
      expect(maxDiff(g.p, r.p), `${name}: p`).to.be.at.most(1e-6);
      expect(maxDiff(g.m, r.m), `${name}: m`).to.be.at.most(1e-6);
      expect(maxDiff(g.v, r.v), `${name}: v`).to.be.at.most(1e-6);
    }
  });

  it('runs as one kernel that never writes its inputs, and leaks no tensors over steps', async () => {
    await tf.setBackend('libtorch');
    const p = tf.variable(tf.tensor(rand(64, 1), [8, 8]));
    const g = tf.tensor(rand(64, 2), [8, 8]);
    const before = { p: p.dataSync().slice(), g: g.dataSync().slice() };
    const params = new Map([['p', p]]);
    const opt = new AdamW(params, () => true, opts);
    const counts: number[] = [];
    for (let t = 0; t < 6; t++) {
      opt.apply({ p: g }, 1e-3);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size, `numTensors per step ${counts}`).to.equal(1);
    expect(Array.from(g.dataSync())).to.deep.equal(Array.from(before.g));
    expect(maxDiff(p.dataSync() as Float32Array, before.p as Float32Array)).to.be.above(0);
    // A direct call returns new tensors and leaves param, m and v as they were.
    const m = opt.m.get('p')!, v = opt.v.get('p')!;
    const held = [p, m, v].map((t) => Array.from(t.dataSync()));
    const [pn, mn, vn] = tf.engine().runKernel('TopkHarnessAdamW', { param: p, grad: g, m, v },
      { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, c1: 0.5, c2: 0.1 }) as tf.Tensor[];
    expect([p, m, v].map((t) => Array.from(t.dataSync()))).to.deep.equal(held);
    expect(maxDiff(pn.dataSync() as Float32Array, p.dataSync() as Float32Array)).to.be.above(0);
    expect([pn.shape, mn.shape, vn.shape]).to.deep.equal([[8, 8], [8, 8], [8, 8]]);
    tf.dispose([pn, mn, vn]);
    opt.dispose();
    p.dispose();
    g.dispose();
  });

  it('leaves a ViT training run\'s loss curve as the composed path gives it on libtorch (1e-5)', async () => {
    await tf.setBackend('libtorch');
    const cfg: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64, numClasses: 4 };
    const curve = (fused: boolean): number[] => {
      if (fused) fusedAdamWBackends.add('libtorch');
      else fusedAdamWBackends.delete('libtorch');
      const model = new ViT(cfg, 3);
      const opt = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
      const vars = [...model.params.values()];
      const names = [...model.params.keys()];
      const x = tf.tensor4d(rand(16 * 256, 9, 0, 1), [16, 16, 16, 1]);
      const y = tf.tensor1d(Int32Array.from({ length: 16 }, (_, i) => i % 4), 'int32');
      const losses: number[] = [];
      for (let t = 0; t < 15; t++) {
        losses.push(tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
          const named: Record<string, tf.Tensor> = {};
          vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
          opt.apply(named, 3e-3);
          return value.dataSync()[0];
        }));
      }
      fusedAdamWBackends.add('libtorch');
      opt.dispose();
      model.dispose();
      x.dispose();
      y.dispose();
      return losses;
    };
    const composed = curve(false);
    const fused = curve(true);
    expect(composed[14]).to.be.below(composed[0]);
    for (let i = 0; i < composed.length; i++) expect(fused[i], `step ${i + 1}`).to.be.closeTo(composed[i], 1e-5);
    // The kernel rounds as the composed kernels do (same float32 operations, no FMA): in fact bit for bit.
    expect(fused).to.deep.equal(composed);
  });
});
