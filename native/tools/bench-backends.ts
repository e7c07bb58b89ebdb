/**
 * Training and inference speed of the reference ViT (bench/bench.ts's config and step: batch 128 with AdamW,
 * inference batch 512) on one backend per process: `npx tsx native/tools/bench-backends.ts <wasm|libtorch|cpu>
 * [--threads N (default: every core)] [--steps 8] [--isteps 4] [--warmup 2] [--topk 0|16]`. Prints one JSON line. Interleave processes
 * (native/tools/compare.sh) and take medians: these machines are noisy.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { benchModel } from '../../bench/model-speed.js';
import { libtorchInfo, loadLibtorchBackend } from '../../src/backend-libtorch/index.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';

const argv = process.argv.slice(2);
const backend = argv[0] ?? 'libtorch';
const opt = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const steps = opt('steps', 8), isteps = opt('isteps', 4), warmup = opt('warmup', 2), topk = opt('topk', 0);
const threads = argv.includes('--threads') ? opt('threads', 1) : undefined; // default: the harness's (every core)

async function main(): Promise<void> {
  if (backend === 'libtorch') await loadLibtorchBackend({ threads });
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
  await ensureGradients(); // tfjs's gradients load with the first training (src/tfjs-gradients.ts)
  const cfg: ViTConfig = { ...VIT_DEFAULTS, k: topk > 0 ? topk : null };
  const speed = benchModel(cfg, { steps, isteps, warmup });
  const out = {
    backend, topk, threads: backend === 'libtorch' ? libtorchInfo().threads : undefined,
    openblas: backend === 'libtorch' ? libtorchInfo().openblasCoreType : undefined,
    trainMs: +speed.train.msPerStep.toFixed(1), trainImgS: +speed.train.imagesPerSecond.toFixed(1),
    inferMs: +speed.infer.msPerStep.toFixed(1), inferImgS: +speed.infer.imagesPerSecond.toFixed(1),
  };
  console.log(JSON.stringify(out));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
