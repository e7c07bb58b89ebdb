/**
 * The addon's thread pool (native/src/pool.cc): the default thread count, results that do not depend on the number
 * of threads (a whole training step, bit for bit), and errors raised inside a worker's chunk reaching JS. Skipped
 * when the addon is not built (`npm run build:native`).
 */
import { expect } from 'chai';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { defaultLibtorchThreads, libtorchGemm, libtorchInfo, loadLibtorchBackend } from '../../src/backend-libtorch/index.js';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { AdamW } from '../../src/train/adamw.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { crossEntropy } from '../../src/train/loss.js';
import { addonBuilt, rand, rememberBackend, requireLibtorch } from './helpers.js';

/** Losses of three AdamW steps and the final weights of the reference ViT (batch 64: its products are split). */
function threeSteps(cfg: ViTConfig): { losses: number[]; weights: Float32Array[] } {
  const model = new ViT(cfg, 5);
  const adam = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
  const vars = [...model.params.values()];
  const names = [...model.params.keys()];
  const losses: number[] = [];
  const x = tf.tensor4d(rand(64 * 28 * 28, 21, 0, 1), [64, 28, 28, 1]);
  const y = tf.tensor1d(Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 10), 'int32');
  for (let s = 0; s < 3; s++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
      const named: Record<string, tf.Tensor> = {};
      vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
      adam.apply(named, 1e-3);
      losses.push(value.dataSync()[0]);
    });
  }
  const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  for (const v of [...adam.m.values(), ...adam.v.values()]) v.dispose();
  return { losses, weights };
}

describe('libtorch backend: threads', function () {
  this.timeout(120_000);

  it('defaults to every available core, or TOPK_LIBTORCH_THREADS, and refuses a bad value by name', () => {
    expect(defaultLibtorchThreads({})).to.equal(os.availableParallelism());
    expect(defaultLibtorchThreads({ TOPK_LIBTORCH_THREADS: '3' })).to.equal(3);
    for (const bad of ['0', '1.5', 'two', '-1', '1000']) {
      expect(() => defaultLibtorchThreads({ TOPK_LIBTORCH_THREADS: bad })).to.throw(`TOPK_LIBTORCH_THREADS must be an integer from 1 to 256, got '${bad}'`);
    }
  });

  it('takes the product library from TOPK_LIBTORCH_GEMM: oneDNN by default, OpenBLAS on request, else an error naming both', () => {
    expect(libtorchGemm({})).to.equal('onednn');
    expect(libtorchGemm({ TOPK_LIBTORCH_GEMM: 'openblas' })).to.equal('openblas');
    expect(() => libtorchGemm({ TOPK_LIBTORCH_GEMM: 'OpenBLAS' })).to.throw("TOPK_LIBTORCH_GEMM must be onednn or openblas, got 'OpenBLAS'");
  });

  describe('with the addon built', () => {
    let restore: () => Promise<void>;
    before(async function () {
      if (!addonBuilt) this.skip();
      await requireLibtorch.call(this);
      restore = rememberBackend();
      await tf.setBackend('libtorch');
    });
    after(async () => {
      if (!addonBuilt) return;
      await loadLibtorchBackend({ threads: 1 });
      await restore?.();
    });

    for (const k of [null, 16]) {
      it(`training gives the same losses and weights bit for bit on 1, 2 and 3 threads (${k === null ? 'vanilla' : `Top-${k}`})`, async () => {
        const cfg: ViTConfig = { ...VIT_DEFAULTS, k };
        await loadLibtorchBackend({ threads: 1 });
        const one = threeSteps(cfg);
        for (const n of [2, 3]) {
          await loadLibtorchBackend({ threads: n });
          expect(libtorchInfo().threads).to.equal(n);
          const many = threeSteps(cfg);
          expect(many.losses).to.deep.equal(one.losses);
          many.weights.forEach((w, i) => expect(Buffer.compare(Buffer.from(w.buffer), Buffer.from(one.weights[i].buffer)), `weight ${i}`).to.equal(0));
        }
      });
    }

    it('a product right after the thread count changes runs on the new workers (300 changes)', async () => {
      // A worker that read the job counter after starting, not when created, could miss a job published while it
      // started up, and the caller then waited for it forever (seen as a hung test run).
      const a = tf.tensor2d(rand(256 * 128, 4), [256, 128]);
      const b = tf.tensor2d(rand(128 * 128, 5), [128, 128]);
      const want = tf.tidy(() => Array.from(tf.matMul(a, b).dataSync()));
      try {
        for (let i = 0; i < 300; i++) {
          await loadLibtorchBackend({ threads: 1 + (i % 3) });
          const got = tf.tidy(() => tf.matMul(a, b).dataSync());
          if (i % 50 === 0) expect(Array.from(got)).to.deep.equal(want);
        }
      } finally {
        tf.dispose([a, b]);
      }
    });

    it('an error inside a worker thread\'s share of a split product reaches JS with the kernel name', async () => {
      await loadLibtorchBackend({ threads: 2 });
      // The OpenBLAS path checks the shapes inside each worker's share (ATen's addmm_out); oneDNN's checks them first.
      process.env.TOPK_LIBTORCH_GEMM = 'openblas';
      const a = tf.tensor2d(rand(256 * 300, 1), [256, 300]);
      const b = tf.tensor2d(rand(301 * 100, 2), [301, 100]);
      try {
        expect(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false })).to.throw(/libtorch backend, kernel BatchMatMul: libtorch: .*cannot be multiplied/);
        // The pool is still usable afterwards.
        const c = tf.matMul(a, tf.tensor2d(rand(300 * 100, 3), [300, 100]));
        expect(c.shape).to.deep.equal([256, 100]);
        c.dispose();
      } finally {
        delete process.env.TOPK_LIBTORCH_GEMM;
        tf.dispose([a, b]);
      }
    });
  });
});
