/**
 * The fused kernels of the wasm backend (src/backend-wasm/fused-kernels.ts over wasm/train-kernels.wasm) against
 * the composed tfjs ops on the same backend: values and gradients, odd widths (the lanes' scalar tails), ties,
 * empty shapes; Top-k's kept entries and AdamW's update bit for bit; a training step both ways.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { FUSED_KERNELS, fusedAdamWBackends, fusedLayerBackends } from '../../src/fused-kernels.js';
import { registerWasmFusedKernels } from '../../src/backend-wasm/fused-kernels.js';
import { initBackend } from '../../src/backend.js';
import { sectionIds, TRAIN_KERNELS_FILE } from '../../src/backend-wasm/train-kernels.js';
import { fusedAttention, fusedAttentionAvailable, layerNorm, linear, positiveCounts, reluTopK, scaledSoftmax } from '../../src/models/fused.js';
import { ViT } from '../../src/models/vit.js';
import { AdamW } from '../../src/train/adamw.js';
import { crossEntropy } from '../../src/train/loss.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';
import { attentionReference, mismatch, rememberBackend, runOn, t, t1, t2, valueAndGrads, type Out } from '../native/helpers.js';


/** f on wasm with the fused kernels, and with the composed ops. */
async function bothWays(f: () => tf.Tensor | tf.Tensor[]): Promise<{ fused: Out[]; composed: Out[] }> {
  fusedLayerBackends.add('wasm');
  fusedAdamWBackends.add('wasm');
  const fused = await runOn('wasm', f);
  fusedLayerBackends.delete('wasm');
  fusedAdamWBackends.delete('wasm');
  const composed = await runOn('wasm', f);
  return { fused, composed };
}

async function agree(f: () => tf.Tensor | tf.Tensor[], tol = 2e-5): Promise<void> {
  const { fused, composed } = await bothWays(f);
  const bad = mismatch(fused, composed, tol);
  expect(bad, bad ?? '').to.equal(null);
}

const unsigned = (v: number) => (v === 0 ? 0 : v);

async function kernelsOf(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  const info = await tf.profile(() => {
    tf.tidy(f);
  });
  return info.kernels.map((k) => k.name);
}

describe('wasm backend: fused layer and AdamW kernels', function () {
  this.timeout(60_000);
  let restore: () => Promise<void>;
  let had: { layer: boolean; adam: boolean };
  before(async () => {
    await ensureGradients();
    restore = rememberBackend();
    had = { layer: fusedLayerBackends.has('wasm'), adam: fusedAdamWBackends.has('wasm') };
    await tf.setBackend('wasm');
    expect(registerWasmFusedKernels()).to.equal(true);
  });
  after(async () => {
    for (const [set, keep] of [[fusedLayerBackends, had.layer], [fusedAdamWBackends, had.adam]] as const) {
      if (keep) set.add('wasm');
      else set.delete('wasm');
    }
    await restore();
  });

  it('the backend record says the fused kernels run (the scorecard keeps it: the composed ops round differently)', async () => {
    const info = await initBackend('wasm', () => {});
    expect(info.fusedKernels).to.equal(true);
  });

  it('wasm/train-kernels.wasm has no data section (it would be written over the backend memory it imports)', () => {
    const ids = sectionIds(readFileSync(TRAIN_KERNELS_FILE));
    expect(ids).to.include(2); // the memory import
    expect(ids).to.not.include(11);
  });

  describe('layerNorm', () => {
    for (const [rows, d] of [[5, 64], [7, 13], [3, 3], [1, 1]] as [number, number][]) {
      it(`[${rows},${d}]: values and the gradients of x, gain and bias`, () =>
        agree(() => valueAndGrads((x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), t2([rows, d], 4, -3, 5), t1(d, 5), t1(d, 6))));
    }
    it('[0,8]: an empty output and zero gain and bias gradients (the composed wasm Sum of nothing reads garbage)', async () => {
      fusedLayerBackends.add('wasm');
      const out = await runOn('wasm', () => valueAndGrads((x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), t2([0, 8], 4), t1(8, 5), t1(8, 6)));
      expect(out[0].shape).to.deep.equal([0, 8]);
      expect(out[3].values.concat(out[4].values)).to.deep.equal(new Array(16).fill(0));
    });
  });

  describe('reluTopK', () => {
    for (const [rows, d, k] of [[6, 40, 5], [6, 40, null], [4, 40, 40], [3, 200, 100], [7, 256, 16], [2, 9, 1], [5, 7, 6], [0, 8, 3]] as [number, number, number | null][]) {
      it(`[${rows},${d}] k=${k}: the same outputs bit for bit, and the same gradient`, async () => {
        const { fused, composed } = await bothWays(() => valueAndGrads((h) => reluTopK(h as tf.Tensor2D, k), t2([rows, d], 11)));
        expect(fused[0].values).to.deep.equal(composed[0].values);
        // dy where kept: a selection, no arithmetic (the composed dy·0 leaves −0 where dy < 0, the kernel +0)
        expect(fused[2].values.map(unsigned)).to.deep.equal(composed[2].values.map(unsigned));
      });
    }
    it('keeps every entry tied with the k-th largest, and the whole ReLU row when fewer than k are positive', async () => {
      const h = () => tf.tensor2d([[3, 1, 2, 2, 2, 0, -1, 5, 2], [-1, 0.5, -2, 0, -3, 0.25, -1, -1, -5]]);
      const { fused, composed } = await bothWays(() => reluTopK(h(), 3));
      expect(fused[0].values).to.deep.equal([3, 0, 2, 2, 2, 0, 0, 5, 2, 0, 0.5, 0, 0, 0, 0.25, 0, 0, 0]);
      expect(fused[0].values).to.deep.equal(composed[0].values);
    });
    it('NaN entries are dropped from the selection and zeroed', async () => {
      fusedLayerBackends.add('wasm');
      const [out] = await runOn('wasm', () => reluTopK(tf.tensor2d([[NaN, 1, 2, 3, 0.5, 4], [1, NaN, NaN, NaN, NaN, NaN]]), 2));
      expect(out.values).to.deep.equal([0, 0, 0, 3, 0, 4, 1, 0, 0, 0, 0, 0]);
    });
  });

  describe('positiveCounts', () => {
    it('[0,6]: zeros (the composed wasm Sum of no rows reads garbage)', async () => {
      fusedLayerBackends.add('wasm');
      const [out] = await runOn('wasm', () => positiveCounts(t2([0, 6], 51)));
      expect(out.values).to.deep.equal([0, 0, 0, 0, 0, 0]);
    });
    for (const [rows, d] of [[7, 256], [5, 13], [1, 1]] as [number, number][]) {
      it(`[${rows},${d}]: the composed Σ step(x) exactly (zeros and negatives not counted)`, async () => {
        // a third of the entries exactly 0, the rest of either sign
        const x = () => tf.tidy(() => tf.mul(t2([rows, d], 51), tf.step(tf.sub(t2([rows, d], 52, 0, 1), 1 / 3))) as tf.Tensor2D);
        const { fused, composed } = await bothWays(() => positiveCounts(x()));
        expect(fused[0].values).to.deep.equal(composed[0].values);
        expect(fused[0].shape).to.deep.equal([d]);
      });
    }
  });

  describe('linear', () => {
    for (const [rows, i, o] of [[7, 5, 3], [1, 64, 10], [128, 64, 256], [33, 256, 64]] as const) {
      it(`[${rows},${i}]·[${i},${o}] + [${o}]: values and gradients of x, w and bias`, () =>
        agree(() => valueAndGrads((x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), t2([rows, i], 21), t2([i, o], 22), t1(o, 23)), 1e-4));
    }
  });

  describe('scaledSoftmax (the batched attention layout)', () => {
    for (const [shape, scale] of [[[3, 5, 49], 0.25], [[2, 1], 1], [[4, 33], 3]] as [number[], number][]) {
      it(`[${shape}] scale ${scale}: values and gradient`, () => agree(() => valueAndGrads((x) => scaledSoftmax(x, scale), t(shape, 7, -4, 4))));
    }
  });

  describe('attention', () => {
    for (const [b, n, h, dh] of [[3, 5, 2, 3], [4, 16, 4, 16], [2, 17, 1, 8], [1, 1, 2, 4]] as const) {
      it(`B ${b}, N ${n}, ${h} heads of ${dh}: values and the gradients of q, k and v against the textbook ops`, async () => {
        const args = () => [t2([b * n, h * dh], 31, -2, 2), t2([b * n, h * dh], 32, -2, 2), t2([b * n, h * dh], 33)] as const;
        fusedLayerBackends.add('wasm');
        await tf.setBackend('wasm');
        expect(fusedAttentionAvailable()).to.equal(true);
        const fused = await runOn('wasm', () => valueAndGrads((q, k, v) => fusedAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, b, h), ...args()));
        const ref = await runOn('cpu', () => valueAndGrads((q, k, v) => attentionReference(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, b, h), ...args()));
        const bad = mismatch(fused, ref, 1e-5);
        expect(bad, bad ?? '').to.equal(null);
      });
    }
    it('very different scores: no overflow, the softmax saturates', async () => {
      fusedLayerBackends.add('wasm');
      const q = () => tf.tensor2d([[100, 0], [0, 100]]);
      const k = () => tf.tensor2d([[100, 0], [-100, 0]]);
      const v = () => tf.tensor2d([[1, 2], [3, 4]]);
      const [out] = await runOn('wasm', () => fusedAttention(q(), k(), v(), 1, 1));
      expect(out.values).to.deep.equal([1, 2, 2, 3]); // row 0 picks key 0; row 1 scores 0 and 0: the mean
    });
  });

  it('AdamW: the fused update equals the composed formula bit for bit (decayed and not, odd sizes)', async () => {
    const run = () => {
      const params = new Map<string, tf.Variable>([
        ['a.w', tf.variable(t([7, 5], 1), true, 'wasm-adam-a')],
        ['a.b', tf.variable(t([5], 2), true, 'wasm-adam-b')],
        ['c.w', tf.variable(t([64, 3], 3), true, 'wasm-adam-c')],
      ]);
      const opt = new AdamW(params, (n) => n.endsWith('.w'), { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 });
      for (let s = 0; s < 4; s++) {
        const grads: Record<string, tf.Tensor> = {};
        let i = 10 + s * 3;
        for (const [name, p] of params) grads[name] = t(p.shape, i++, -2, 2);
        opt.apply(grads, 1e-3 * (s + 1));
        tf.dispose(Object.values(grads));
      }
      const out = [...params.values(), ...opt.m.values(), ...opt.v.values()].map((v) => v.clone());
      opt.dispose();
      params.forEach((v) => v.dispose());
      return out;
    };
    const { fused, composed } = await bothWays(run);
    expect(fused.map((o) => o.values)).to.deep.equal(composed.map((o) => o.values));
  });

  it('a ViT training step runs the fused kernels, and its loss and updated weights agree with the composed ops', async () => {
    const step = () => {
      const cfg = { imageHeight: 8, imageWidth: 8, channels: 1, numClasses: 3, patchSize: 4, dim: 8, depth: 1, heads: 2, mlpDim: 16, pool: 'mean', k: 4, initStd: 0.2, layerNormEps: 1e-5 } as const;
      const model = new ViT(cfg as unknown as ConstructorParameters<typeof ViT>[0], 0);
      const opt = new AdamW(model.params, (n) => model.isDecayed(n), { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 });
      const x = t([5, 8, 8, 1], 3, 0, 1) as tf.Tensor4D;
      const y = tf.tensor1d([0, 1, 2, 1, 0], 'int32');
      const vars = [...model.params.values()];
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
      const named: Record<string, tf.Tensor> = {};
      [...model.params.keys()].forEach((n, i) => (named[n] = grads[vars[i].name]));
      opt.apply(named, 1e-2);
      // Not the key bias: it shifts every score of a row alike, so softmax cancels it and its gradient is rounding
      // noise, which AdamW's m/√v scales up to ±lr either way.
      const out = [value, ...vars.filter((v) => !v.name.startsWith('block0.attn.k.b')).map((v) => v.clone())];
      opt.dispose();
      model.dispose();
      return out;
    };
    fusedLayerBackends.add('wasm');
    fusedAdamWBackends.add('wasm');
    await tf.setBackend('wasm');
    const kernels = await kernelsOf(step);
    // (not the batched layout's softmax pair, nor the activation probes: a training step measures nothing; nor the
    // projections-and-attention pair and the MLP pair, which only the libtorch backend registers)
    const notInStep: string[] = [
      FUSED_KERNELS.softmax, FUSED_KERNELS.softmaxGrad, FUSED_KERNELS.positiveCounts,
      FUSED_KERNELS.qkvAttention, FUSED_KERNELS.qkvAttentionGrad, FUSED_KERNELS.mlp, FUSED_KERNELS.mlpGrad, FUSED_KERNELS.linearResidual,
    ];
    for (const k of Object.values(FUSED_KERNELS)) if (!notInStep.includes(k)) expect(kernels).to.include(k);
    expect(kernels).to.not.include('TopK');
    await agree(step, 1e-4);
  });
});
