/**
 * Speed of the reference ViT (shared/peer/vit_peer.py's config) on the active tfjs backend: a training step (batch
 * 128, AdamW) and an inference batch (512) on seeded random inputs. Used by `npm run bench` and by
 * native/tools/bench-backends.ts (one backend per process, for interleaved comparisons).
 */
import * as tf from '@tensorflow/tfjs-core';
import { forwardFlops, ViTConfig } from '../src/models/config.js';
import { ViT } from '../src/models/vit.js';
import { rngFor } from '../src/rng.js';
import { AdamW } from '../src/train/adamw.js';
import { TRAIN_DEFAULTS } from '../src/train/config.js';
import { crossEntropy } from '../src/train/loss.js';

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function seededUniform(n: number, seed: string): Float32Array {
  const rng = rngFor(0, 'bench', seed);
  return Float32Array.from({ length: n }, () => rng());
}

export interface Speed { msPerStep: number; imagesPerSecond: number; gflops: number }

/** Median step times of one model: `steps` training steps after `warmup`, then `isteps` inference batches. */
export function benchModel(cfg: ViTConfig, a: { steps: number; isteps: number; warmup: number }): { train: Speed; infer: Speed } {
  const batch = 128, ibatch = 512;
  const model = new ViT(cfg, 0);
  const opt = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
  const vars = [...model.params.values()];
  const x = tf.tensor4d(seededUniform(batch * 784, 'x'), [batch, 28, 28, 1]);
  const y = tf.tensor1d(Int32Array.from(seededUniform(batch, 'y'), (v) => Math.floor(v * 10)), 'int32');
  const xi = tf.tensor4d(seededUniform(ibatch * 784, 'xi'), [ibatch, 28, 28, 1]);
  const names = [...model.params.keys()];
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
      const named: Record<string, tf.Tensor> = {};
      vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
      opt.apply(named, 1e-3);
      value.dataSync();
    });
  const infer = () => tf.tidy(() => void tf.softmax(model.forward(xi).logits).dataSync());
  const time = (f: () => void, n: number) => Array.from({ length: n }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
  for (let i = 0; i < a.warmup; i++) step();
  const trainMs = median(time(step, a.steps));
  infer();
  const inferMs = median(time(infer, a.isteps));
  const flops = forwardFlops(cfg);
  opt.dispose();
  model.dispose();
  [x, y, xi].forEach((t) => t.dispose());
  return {
    train: { msPerStep: trainMs, imagesPerSecond: (batch / trainMs) * 1000, gflops: (3 * flops * batch) / trainMs / 1e6 },
    infer: { msPerStep: inferMs, imagesPerSecond: (ibatch / inferMs) * 1000, gflops: (flops * ibatch) / inferMs / 1e6 },
  };
}
