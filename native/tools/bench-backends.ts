/**
 * Training and inference speed of the reference ViT (bench/bench.ts's config and step: batch 128 with AdamW,
 * inference batch 512) on one backend per process: `npx tsx native/tools/bench-backends.ts <wasm|libtorch|cpu>
 * [--threads N] [--steps 8] [--isteps 4] [--warmup 2] [--topk 0|16]`. Prints one JSON line. Interleave processes
 * (native/tools/compare.sh) and take medians: these machines are noisy.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { rngFor } from '../../src/rng.js';
import { AdamW } from '../../src/train/adamw.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { crossEntropy } from '../../src/train/loss.js';
import { libtorchInfo, loadLibtorchBackend } from '../../src/backend-libtorch/index.js';

const argv = process.argv.slice(2);
const backend = argv[0] ?? 'libtorch';
const opt = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const steps = opt('steps', 8), isteps = opt('isteps', 4), warmup = opt('warmup', 2), topk = opt('topk', 0), threads = opt('threads', 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function uniform(n: number, seed: string): Float32Array {
  const rng = rngFor(0, 'bench', seed);
  return Float32Array.from({ length: n }, () => rng());
}

async function main(): Promise<void> {
  if (backend === 'libtorch') await loadLibtorchBackend({ threads });
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
  const cfg: ViTConfig = { ...VIT_DEFAULTS, k: topk > 0 ? topk : null };
  const batch = 128, ibatch = 512;
  const model = new ViT(cfg, 0);
  const adam = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
  const vars = [...model.params.values()];
  const names = [...model.params.keys()];
  const x = tf.tensor4d(uniform(batch * 784, 'x'), [batch, 28, 28, 1]);
  const y = tf.tensor1d(Int32Array.from(uniform(batch, 'y'), (v) => Math.floor(v * 10)), 'int32');
  const xi = tf.tensor4d(uniform(ibatch * 784, 'xi'), [ibatch, 28, 28, 1]);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
      const named: Record<string, tf.Tensor> = {};
      vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
      adam.apply(named, 1e-3);
      value.dataSync();
    });
  const infer = () => tf.tidy(() => void tf.softmax(model.forward(xi).logits).dataSync());
  const time = (f: () => void, n: number) => Array.from({ length: n }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
  for (let i = 0; i < warmup; i++) step();
  const trainMs = median(time(step, steps));
  infer();
  const inferMs = median(time(infer, isteps));
  const out = {
    backend, topk, threads: backend === 'libtorch' ? libtorchInfo().threads : undefined,
    openblas: backend === 'libtorch' ? libtorchInfo().openblasCoreType : undefined,
    trainMs: +trainMs.toFixed(1), trainImgS: +((batch / trainMs) * 1000).toFixed(1),
    inferMs: +inferMs.toFixed(1), inferImgS: +((ibatch / inferMs) * 1000).toFixed(1),
  };
  console.log(JSON.stringify(out));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
