/**
 * The fused layer kernels (src/models/fused.ts → native/src/fused.cc) on the libtorch backend against the composed
 * tfjs ops on the cpu backend: values and gradients, odd and empty shapes, the Top-k tie rule, NaN, bad arguments.
 * Skipped when the addon is not built (`npm run build:native`).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, fusedBlockBackends, fusedLayerBackends } from '../../src/fused-kernels.js';
import { ViT } from '../../src/models/vit.js';
import { AdamW } from '../../src/train/adamw.js';
import { crossEntropy } from '../../src/train/loss.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';
import { fusedAttention, fusedAttentionAvailable, fusedMlp, fusedMlpAvailable, fusedQkvAttention, fusedQkvAttentionAvailable, layerNorm, linear, positiveCounts, reluTopK, scaledSoftmax } from '../../src/models/fused.js';
import { attentionReference, mismatch, rememberBackend, requireLibtorch, runOn, t, t1, t2, valueAndGrads } from './helpers.js';


/** f's outputs on the libtorch backend with 1 thread and with 2 are the same bits. */
async function sameOnOneAndTwoThreads(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const { loadLibtorchBackend } = await import('../../src/backend-libtorch/index.js');
  const one = await runOn('libtorch', f);
  await loadLibtorchBackend({ threads: 2 });
  try {
    const two = await runOn('libtorch', f);
    expect(two.map((o) => o.values)).to.deep.equal(one.map((o) => o.values));
  } finally {
    await loadLibtorchBackend({ threads: 1 });
  }
}

/** Runs f on cpu (composed ops) and on libtorch (fused kernels) and checks that they agree to tol. */
async function agree(f: () => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  const ref = await runOn('cpu', f);
  const got = await runOn('libtorch', f);
  const bad = mismatch(got, ref, tol);
  expect(bad, bad ?? '').to.equal(null);
}

/** The kernels f runs on libtorch. */
async function kernelsOf(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  await tf.setBackend('libtorch');
  const info = await tf.profile(() => {
    tf.tidy(f);
  });
  return info.kernels.map((k) => k.name);
}

describe('libtorch backend: fused layer kernels', function () {
  this.timeout(60_000);
  let restore: () => Promise<void>;
  before(async function () {
    await requireLibtorch.call(this);
    restore = rememberBackend();
  });
  after(async () => restore?.());

  describe('layerNorm', () => {
    for (const [rows, d] of [[5, 7], [1, 64], [300, 64], [3, 1], [600, 17]] as const) {
      it(`[${rows},${d}]: values and gradients of x, gain and bias`, () =>
        agree(() => valueAndGrads((x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), t2([rows, d], 1, -2, 3), t1(d, 2, 0.5, 1.5), t1(d, 3))));
    }
    it('empty [0,6]: empty output, zero gain and bias gradients', () =>
      agree(() => valueAndGrads((x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), t2([0, 6], 1), t1(6, 2), t1(6, 3))));
    it('a constant row normalises to the bias (variance 0, only epsilon under the root)', async () => {
      const [out] = await runOn('libtorch', () => layerNorm(tf.fill([2, 4], 3) as tf.Tensor2D, tf.ones([4]) as tf.Tensor1D, tf.tensor1d([1, 2, 3, 4]), 1e-5));
      expect(out.values).to.deep.equal([1, 2, 3, 4, 1, 2, 3, 4]);
    });
    it('dg and db do not depend on the number of threads (fixed row blocks)', () =>
      sameOnOneAndTwoThreads(() => valueAndGrads((x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), t2([1000, 24], 4), t1(24, 5), t1(24, 6))));
  });

  describe('scaledSoftmax', () => {
    for (const [shape, scale] of [[[3, 5, 49], 0.25], [[2, 1], 1], [[4, 33], 3], [[2, 2, 2, 16], 0.5]] as [number[], number][]) {
      it(`[${shape}] scale ${scale}: values and gradient`, () => agree(() => valueAndGrads((x) => scaledSoftmax(x, scale), t(shape, 7, -4, 4))));
    }
    it('large and very negative scores: no overflow, underflowing terms vanish', () =>
      agree(() => scaledSoftmax(tf.tensor2d([[1000, 999, -1000, 0], [-1e30, 0, 1, 2]]), 1)));
    it('empty [0,5] and [3,0]', () => agree(() => [scaledSoftmax(t([0, 5], 1), 0.5), scaledSoftmax(t([3, 0], 1), 0.5)]));
    it('a NaN makes its row NaN and leaves the other rows alone (as tfjs)', async () => {
      const [out] = await runOn('libtorch', () => scaledSoftmax(tf.tensor2d([[0, NaN, 1], [0, 0, 0]]), 1));
      expect(out.values.slice(0, 3).every(Number.isNaN)).to.equal(true);
      expect(out.values.slice(3).map((v) => +v.toFixed(6))).to.deep.equal([0.333333, 0.333333, 0.333333]);
    });
  });

  describe('reluTopK', () => {
    for (const [rows, d, k] of [[6, 40, 5], [6, 40, null], [4, 40, 40], [3, 200, 100], [7, 256, 16], [2, 9, 1]] as [number, number, number | null][]) {
      it(`[${rows},${d}] k=${k}: values and gradient`, () => agree(() => valueAndGrads((h) => reluTopK(h as tf.Tensor2D, k), t2([rows, d], 11))));
    }
    it('keeps every entry tied with the k-th largest, and the whole ReLU row when fewer than k are positive', async () => {
      const h = () => tf.tensor2d([[3, 1, 2, 2, 2, 0, -1, 5], [-1, 0.5, -2, 0, -3, 0.25, -1, -1]]);
      const [out] = await runOn('libtorch', () => reluTopK(h(), 3));
      expect(out.values).to.deep.equal([3, 0, 2, 2, 2, 0, 0, 5, 0, 0.5, 0, 0, 0, 0.25, 0, 0]);
      await agree(() => valueAndGrads((x) => reluTopK(x as tf.Tensor2D, 3), h()));
    });
    it('empty [0,8]', () => agree(() => reluTopK(t2([0, 8], 1), 3)));
    it('a row with NaNs gets the same threshold on both selection paths (NaNs ignored, then zeroed by the mask)', async () => {
      const h = () => tf.tensor2d([[NaN, 1, 2, 3, 0.5, 4], [1, NaN, NaN, NaN, NaN, NaN], [NaN, 5, 4, 3, 2, 1]]);
      const want = [0, 0, 0, 3, 0, 4, 1, 0, 0, 0, 0, 0, 0, 5, 4, 0, 0, 0];
      const [fast] = await runOn('libtorch', () => reluTopK(h(), 2));
      expect(fast.values).to.deep.equal(want);
      process.env.TOPK_LIBTORCH_NO_AVX512 = '1';
      try {
        const [portable] = await runOn('libtorch', () => reluTopK(h(), 2));
        expect(portable.values).to.deep.equal(want);
      } finally {
        delete process.env.TOPK_LIBTORCH_NO_AVX512;
      }
    });
    it('the portable selection (CPUs without AVX-512) gives the same values and gradients', async () => {
      process.env.TOPK_LIBTORCH_NO_AVX512 = '1';
      try {
        for (const [rows, d, k] of [[7, 256, 16], [3, 200, 100], [2, 9, 1]] as const) await agree(() => valueAndGrads((h) => reluTopK(h as tf.Tensor2D, k), t2([rows, d], 12)));
        await agree(() => reluTopK(tf.tensor2d([[3, 1, 2, 2, 2, 0, -1, 5], [-1, 0.5, -2, 0, -3, 0.25, -1, -1]]), 3));
      } finally {
        delete process.env.TOPK_LIBTORCH_NO_AVX512;
      }
    });
  });

  describe('linear', () => {
    for (const [rows, i, o] of [[7, 5, 3], [1, 64, 10], [6272 / 49, 64, 256], [0, 4, 3]] as const) {
      it(`[${rows},${i}]·[${i},${o}] + [${o}]: values and gradients of x, w and bias`, () =>
        agree(() => valueAndGrads((x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), t2([rows, i], 21), t2([i, o], 22), t1(o, 23))));
    }
    it('a transposed input (a view) gives the same product', () =>
      agree(() => valueAndGrads((x, w, b) => linear(tf.transpose(x) as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), t2([9, 5], 24), t2([9, 4], 25), t1(4, 26))));
    // oneDNN's sgemm is the default; TOPK_LIBTORCH_GEMM=openblas selects ATen's addmm (OpenBLAS). Both against cpu.
    for (const gemm of ['onednn', 'openblas']) {
      it(`${gemm}: the training shapes ([2048,64]·[64,256], its gradients' 2,048-long sums) within 1e-4 of cpu`, async () => {
        process.env.TOPK_LIBTORCH_GEMM = gemm;
        try {
          await agree(() => valueAndGrads((x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), t2([2048, 64], 27), t2([64, 256], 28), t1(256, 29)), 1e-4);
        } finally {
          delete process.env.TOPK_LIBTORCH_GEMM;
        }
      });
    }
    it('rows split over 2 threads give the 1-thread bits (values and gradients; 33-row blocks and the remainder)', () =>
      sameOnOneAndTwoThreads(() => valueAndGrads((x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), t2([2047, 64], 30), t2([64, 256], 31), t1(256, 32))));
    it('an unknown TOPK_LIBTORCH_GEMM is an error naming the value and the choices', async () => {
      process.env.TOPK_LIBTORCH_GEMM = 'mkl';
      try {
        await tf.setBackend('libtorch');
        expect(() => tf.tidy(() => linear(t2([3, 2], 1), t2([2, 4], 2), t1(4, 3)))).to.throw(/TOPK_LIBTORCH_GEMM must be onednn or openblas, got 'mkl'/);
      } finally {
        delete process.env.TOPK_LIBTORCH_GEMM;
      }
    });
  });

  describe('positiveCounts', () => {
    for (const [rows, d] of [[7, 256], [5, 13], [1, 1], [0, 6]] as [number, number][]) {
      it(`[${rows},${d}]: the composed Σ step(x) on cpu exactly`, () =>
        agree(() => positiveCounts(tf.tidy(() => tf.mul(t2([rows, d], 51), tf.step(tf.sub(t2([rows, d], 52, 0, 1), 1 / 3))) as tf.Tensor2D)), 0));
    }
  });

  describe('attention', () => {
    for (const [b, n, h, dh] of [[3, 5, 2, 3], [4, 16, 4, 16], [2, 17, 1, 8], [1, 1, 2, 4], [2, 49, 4, 16]] as const) {
      it(`B ${b}, N ${n}, ${h} heads of ${dh}: values and the gradients of q, k and v against the textbook ops on cpu`, async () => {
        const args = () => [t2([b * n, h * dh], 31, -2, 2), t2([b * n, h * dh], 32, -2, 2), t2([b * n, h * dh], 33)] as const;
        const ref = await runOn('cpu', () => valueAndGrads((q, k, v) => attentionReference(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, b, h), ...args()));
        await tf.setBackend('libtorch');
        expect(fusedAttentionAvailable()).to.equal(true);
        const got = await runOn('libtorch', () => valueAndGrads((q, k, v) => fusedAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, b, h), ...args()));
        const bad = mismatch(got, ref, 1e-5);
        expect(bad, bad ?? '').to.equal(null);
      });
    }
    it('the same bits on 1 and 2 threads (each group writes only its own rows)', () =>
      sameOnOneAndTwoThreads(() => valueAndGrads((q, k, v) => fusedAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, 8, 4), t2([8 * 16, 64], 41), t2([8 * 16, 64], 42), t2([8 * 16, 64], 43))));
    it('bad arguments name what is wrong', async () => {
      await tf.setBackend('libtorch');
      const q = tf.zeros([6, 4]);
      expect(() => tf.engine().runKernel(FUSED_KERNELS.attention, { q, k: q, v: q }, { batch: 4, heads: 2, scale: 1 })).to.throw(/rows must divide into the batch/);
      expect(() => tf.engine().runKernel(FUSED_KERNELS.attention, { q, k: tf.zeros([6, 2]), v: q }, { batch: 2, heads: 2, scale: 1 })).to.throw(/q, k and v must be/);
      q.dispose();
    });
  });

  describe('qkvAttention (the projections and attention as one kernel pair)', () => {
    /** x, wq, wk, wv, bq, bk, bv for B sequences of N tokens, H heads of dh. */
    const inputs = (b: number, n: number, h: number, dh: number) => {
      const d = h * dh;
      return [t2([b * n, d], 61, -2, 2), t2([d, d], 62, -0.5, 0.5), t2([d, d], 63, -0.5, 0.5), t2([d, d], 64, -0.5, 0.5), t1(d, 65), t1(d, 66), t1(d, 67)] as const;
    };
    /** The textbook ops: three products plus biases, then attention. */
    const textbook = (b: number, h: number) => (x: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, bq: tf.Tensor, bk: tf.Tensor, bv: tf.Tensor) => {
      const proj = (w: tf.Tensor, bias: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), bias) as tf.Tensor2D;
      return attentionReference(proj(wq, bq), proj(wk, bk), proj(wv, bv), b, h);
    };
    const fused = (b: number, h: number) => (x: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, bq: tf.Tensor, bk: tf.Tensor, bv: tf.Tensor) =>
      fusedQkvAttention(x as tf.Tensor2D, wq as tf.Tensor2D, wk as tf.Tensor2D, wv as tf.Tensor2D, bq as tf.Tensor1D, bk as tf.Tensor1D, bv as tf.Tensor1D, b, h);
    for (const [b, n, h, dh] of [[3, 5, 2, 3], [4, 16, 4, 16], [2, 17, 1, 8], [2, 49, 4, 16]] as const) {
      it(`B ${b}, N ${n}, ${h} heads of ${dh}: values and the gradients of x, the weights and biases against the textbook ops on cpu`, async () => {
        const ref = await runOn('cpu', () => valueAndGrads(textbook(b, h), ...inputs(b, n, h, dh)));
        await tf.setBackend('libtorch');
        expect(fusedQkvAttentionAvailable()).to.equal(true);
        const got = await runOn('libtorch', () => valueAndGrads(fused(b, h), ...inputs(b, n, h, dh)));
        const bad = mismatch(got, ref, 1e-4); // the products' 64-long sums round differently from cpu's (the attention alone agrees to 1e-5)
        expect(bad, bad ?? '').to.equal(null);
      });
    }
    it('the same bits on 1 and 2 threads', () => sameOnOneAndTwoThreads(() => valueAndGrads(fused(8, 4), ...inputs(8, 16, 4, 16))));
    it('bad arguments name what is wrong', async () => {
      await tf.setBackend('libtorch');
      const [x, w, , , bias] = inputs(2, 3, 2, 2);
      const run = (inp: tf.NamedTensorMap, attrs: Record<string, number>) => () => tf.tidy(() => tf.engine().runKernel(FUSED_KERNELS.qkvAttention, inp, attrs as unknown as tf.NamedAttrMap));
      const attrs = { batch: 2, heads: 2, scale: 0.5 };
      expect(run({ x, wq: w, wk: w, wv: tf.zeros([4, 3]), bq: bias, bk: bias, bv: bias }, attrs)).to.throw(/wq, wk and wv must be \[D, D\]/);
      expect(run({ x, wq: w, wk: w, wv: w, bq: bias, bk: tf.zeros([3]), bv: bias }, attrs)).to.throw(/bq, bk and bv must be \[D\]/);
      expect(run({ x, wq: w, wk: w, wv: w, bq: bias, bk: bias, bv: bias }, { ...attrs, batch: 4 })).to.throw(/rows must divide into the batch/);
    });
  });

  describe('mlp (the MLP block as one kernel pair)', () => {
    const inputs = (t: number, d: number, f: number) =>
      [t2([t, d], 71, -2, 2), t2([d, f], 72, -0.5, 0.5), t1(f, 73), t2([f, d], 74, -0.5, 0.5), t1(d, 75)] as const;
    const separate = (k: number | null) => (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      linear(reluTopK(linear(x as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D), k), w2 as tf.Tensor2D, b2 as tf.Tensor1D);
    const fused = (k: number | null) => (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      fusedMlp(x as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D, w2 as tf.Tensor2D, b2 as tf.Tensor1D, k).y;
    for (const [t, d, f, k] of [[7, 5, 12, 3], [64, 16, 64, null], [2048, 64, 256, 16], [33, 8, 40, 40]] as const) {
      it(`[${t},${d}] through ${f} (k ${k}): the same bits as linear, reluTopK and linear on libtorch, values and gradients; and the textbook ops on cpu to 1e-4`, async () => {
        await tf.setBackend('libtorch');
        expect(fusedMlpAvailable()).to.equal(true);
        const one = await runOn('libtorch', () => valueAndGrads(separate(k), ...inputs(t, d, f)));
        const got = await runOn('libtorch', () => valueAndGrads(fused(k), ...inputs(t, d, f)));
        expect(got.map((o) => o.values)).to.deep.equal(one.map((o) => o.values));
        const ref = await runOn('cpu', () => valueAndGrads(separate(k), ...inputs(t, d, f)));
        const bad = mismatch(got, ref, 1e-4);
        expect(bad, bad ?? '').to.equal(null);
      });
    }
    it('counts: the activation\'s positive counts per column, as positiveCounts gives them', async () => {
      const [x, w1, b1, w2, b2] = inputs(40, 8, 32);
      const withCounts = await runOn('libtorch', () => {
        const { y, counts } = fusedMlp(x, w1, b1, w2, b2, 5, true);
        return [y, counts!];
      });
      const separately = await runOn('libtorch', () => [separate(5)(x, w1, b1, w2, b2), positiveCounts(reluTopK(linear(x, w1, b1), 5))]);
      expect(withCounts.map((o) => o.values)).to.deep.equal(separately.map((o) => o.values));
    });
    it('the same bits on 1 and 2 threads', () => sameOnOneAndTwoThreads(() => valueAndGrads(fused(16), ...inputs(512, 64, 256))));
    it('bad arguments name what is wrong', async () => {
      await tf.setBackend('libtorch');
      const [x, w1, b1, w2, b2] = inputs(4, 3, 6);
      const run = (inp: tf.NamedTensorMap, attrs: Record<string, number>) => () => tf.tidy(() => tf.engine().runKernel(FUSED_KERNELS.mlp, inp, attrs as unknown as tf.NamedAttrMap));
      expect(run({ x, w1: w2, b1, w2, b2 }, { k: 2, counts: 0 })).to.throw(/mlp: x must be \[T, D\], w1 \[D, F\] and w2 \[F, O\]/);
      expect(run({ x, w1, b1: b2, w2, b2 }, { k: 2, counts: 0 })).to.throw(/b1 must be \[F\] and b2 \[O\]/);
      expect(run({ x, w1, b1, w2, b2 }, { k: -1, counts: 0 })).to.throw(/k must be ≥ 0/);
    });
  });

  describe('the blocks as two ops each (fusedAttentionBlock, fusedMlpBlock)', () => {
    /** Three AdamW steps of a small ViT (16 tokens of 4 heads, Top-k or not): losses, then every weight and moment. */
    const train = (k: number | null) => () => {
      const cfg = { imageHeight: 16, imageWidth: 16, channels: 1, numClasses: 3, patchSize: 4, dim: 32, depth: 2, heads: 4, mlpDim: 64, pool: 'mean', k, initStd: 0.2, layerNormEps: 1e-5 } as const;
      const model = new ViT(cfg as unknown as ConstructorParameters<typeof ViT>[0], 0);
      const opt = new AdamW(model.params, (n) => model.isDecayed(n), { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 });
      const x = t([6, 16, 16, 1], 3, 0, 1) as tf.Tensor4D;
      const y = tf.tensor1d([0, 1, 2, 1, 0, 2], 'int32');
      const vars = [...model.params.values()];
      const losses: tf.Tensor[] = [];
      for (let s = 0; s < 3; s++) {
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
        const named: Record<string, tf.Tensor> = {};
        [...model.params.keys()].forEach((n, i) => (named[n] = grads[vars[i].name]));
        opt.apply(named, 1e-2);
        losses.push(value);
      }
      const probe = model.forward(x, { nonzeroFraction: true, neuronFiring: true });
      const out = [...losses, probe.logits, ...probe.nonzeroFraction!, ...probe.neuronFiring!, ...vars.map((v) => v.clone()), ...[...opt.m.values(), ...opt.v.values()].map((v) => v.clone())];
      opt.dispose();
      model.dispose();
      return out;
    };
    for (const k of [4, null]) {
      it(`three training steps (k ${k}): the same losses, weights, moments and activation probes as the separate ops, bit for bit`, async () => {
        await ensureGradients();
        const fusedRun = await runOn('libtorch', train(k));
        fusedBlockBackends.delete('libtorch');
        try {
          const separate = await runOn('libtorch', train(k));
          expect(fusedRun.map((o) => o.values)).to.deep.equal(separate.map((o) => o.values));
        } finally {
          fusedBlockBackends.add('libtorch');
        }
      });
    }
    it('a training step runs them (no tf.add per residual), and bad residuals are refused by name', async () => {
      await ensureGradients();
      const kernels = await kernelsOf(() => train(2)());
      expect(kernels).to.include.members([FUSED_KERNELS.linearResidual, FUSED_KERNELS.mlp, FUSED_KERNELS.mlpGrad, FUSED_KERNELS.qkvAttentionGrad]);
      expect(kernels.filter((k) => k === 'Add').length, 'Add kernels in three steps of two blocks').to.be.below(6);
      await tf.setBackend('libtorch');
      const run = (name: string, inputs: tf.NamedTensorMap) => () => tf.tidy(() => tf.engine().runKernel(name, inputs, { epsilon: 1e-5 } as unknown as tf.NamedAttrMap));
      expect(run(FUSED_KERNELS.linearResidual, { x: t([4, 3], 1), w: t([3, 5], 2), bias: t([5], 3), r: t([4, 4], 4) })).to.throw(/linearResidual: r must match the output's shape/);
      expect(run(FUSED_KERNELS.layerNormGrad, { dy: t([4, 3], 1), x: t([4, 3], 2), gain: t([3], 3), mean: t([4], 4), rstd: t([4], 5), addend: t([4, 2], 6) })).to.throw(/layerNormGrad: addend must match/);
    });
  });

  it('on libtorch each op runs its fused kernels; with libtorch out of fusedLayerBackends, the composed ops', async () => {
    const f = () => valueAndGrads((x, g, b) => scaledSoftmax(linear(layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), x as tf.Tensor2D, b as tf.Tensor1D), 2), t2([4, 4], 1), t1(4, 2), t1(4, 3));
    const fused = await kernelsOf(f);
    for (const k of [FUSED_KERNELS.layerNorm, FUSED_KERNELS.layerNormGrad, FUSED_KERNELS.linear, FUSED_KERNELS.linearGrad, FUSED_KERNELS.softmax, FUSED_KERNELS.softmaxGrad]) {
      expect(fused).to.include(k);
    }
    expect(fused).not.to.include('Softmax');
    fusedLayerBackends.delete('libtorch');
    try {
      const composed = await kernelsOf(f);
      expect(composed.filter((k) => k.startsWith('TopkHarness'))).to.deep.equal([]);
      expect(composed).to.include('Softmax');
    } finally {
      fusedLayerBackends.add('libtorch');
    }
    const act = await kernelsOf(() => valueAndGrads((h) => reluTopK(h as tf.Tensor2D, 2), t2([3, 6], 1)));
    expect(act).to.include.members([FUSED_KERNELS.reluTopK, FUSED_KERNELS.reluGrad]);
    expect(act).not.to.include('TopK');
  });

  it('rejects bad arguments with a message naming them', async () => {
    await tf.setBackend('libtorch');
    const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, number> = {}) => () =>
      tf.tidy(() => tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap));
    expect(run(FUSED_KERNELS.softmax, { x: t([2, 3], 1) }, { scale: 0 })).to.throw(/kernel TopkHarnessSoftmax: softmax: scale must be a positive finite number, got 0/);
    expect(run(FUSED_KERNELS.layerNorm, { x: t([2, 3], 1), gain: t([4], 2), bias: t([3], 3) }, { epsilon: 1e-5 })).to.throw(/layerNorm: gain and bias must be \[D\]/);
    expect(run(FUSED_KERNELS.reluTopK, { x: t([2, 3, 4], 1) }, { k: 2 })).to.throw(/reluTopK: h must be \[T, D\]/);
    expect(run(FUSED_KERNELS.reluTopK, { x: t([2, 3], 1) }, { k: -1 })).to.throw(/reluTopK: k must be ≥ 0/);
    expect(run(FUSED_KERNELS.linear, { x: t([2, 3], 1), w: t([4, 5], 2), bias: t([5], 3) })).to.throw(/linear: x must be \[T, I\] and w \[I, O\]/);
    expect(run(FUSED_KERNELS.layerNorm, { x: tf.tensor2d([[1, 2]], [1, 2], 'int32'), gain: t([2], 2), bias: t([2], 3) }, { epsilon: 1e-5 })).to.throw(/float32 tensors only/);
  });
});
