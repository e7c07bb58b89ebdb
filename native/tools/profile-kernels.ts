/**
 * Per-kernel wall time of training steps / inference of the reference ViT on the libtorch backend:
 * `npx tsx native/tools/profile-kernels.ts [--topk 16] [--threads 1] [--infer] [--by-shape]`. Wraps every registered
 * kernel; --by-shape splits each kernel's row by its input shapes and transpose flags.
 */
import * as tf from '@tensorflow/tfjs-core';
import { VIT_DEFAULTS } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { AdamW } from '../../src/train/adamw.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { crossEntropy } from '../../src/train/loss.js';
import { loadLibtorchBackend } from '../../src/backend-libtorch/index.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';

const argv = process.argv.slice(2);
const opt = (n: string, d: number) => (argv.includes(`--${n}`) ? Number(argv[argv.indexOf(`--${n}`) + 1]) : d);
const inferMode = argv.includes('--infer');
const byShape = argv.includes('--by-shape');
await loadLibtorchBackend({ threads: opt('threads', 1) });
await ensureGradients(); // tfjs's gradients load with the first training (src/tfjs-gradients.ts)
await tf.setBackend('libtorch');
const stats = new Map<string, { n: number; ms: number }>();
for (const k of tf.getKernelsForBackend('libtorch')) {
  const f = k.kernelFunc;
  (k as { kernelFunc: typeof f }).kernelFunc = (args) => {
    const t0 = performance.now();
    const r = f(args);
    const key = byShape ? `${k.kernelName} ${shapeKey(args)}` : k.kernelName;
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - t0;
    stats.set(key, s);
    return r;
  };
}
/** Input shapes and the boolean attributes (transposeA/B, keepDims), e.g. `[128,49,64]x[64,256] tB`. */
function shapeKey(args: { inputs: object; attrs?: object }): string {
  const shapes = Object.values(args.inputs as Record<string, tf.TensorInfo>).map((t) => `[${t.shape.join(',')}]`).join('x');
  const flags = Object.entries(args.attrs ?? {}).filter(([, v]) => v === true).map(([n]) => n).join(',');
  return flags ? `${shapes} ${flags}` : shapes;
}
const topk = opt('topk', 0);
const model = new ViT({ ...VIT_DEFAULTS, k: topk || null }, 0);
const adam = new AdamW(model.params, (n) => model.isDecayed(n), TRAIN_DEFAULTS);
const vars = [...model.params.values()];
const names = [...model.params.keys()];
const B = inferMode ? 512 : 128;
const x = tf.randomUniform([B, 28, 28, 1]) as tf.Tensor4D;
const y = tf.tensor1d(Int32Array.from({ length: B }, (_, i) => i % 10), 'int32');
const step = () =>
  tf.tidy(() => {
    if (inferMode) return void tf.softmax(model.forward(x).logits).dataSync();
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x).logits, y), vars);
    const named: Record<string, tf.Tensor> = {};
    vars.forEach((v, i) => (named[names[i]] = grads[v.name]));
    adam.apply(named, 1e-3);
    value.dataSync();
  });
step();
step();
stats.clear();
const N = 4;
const t0 = performance.now();
for (let i = 0; i < N; i++) step();
const total = (performance.now() - t0) / N;
let kernelMs = 0;
const rows = [...stats].map(([name, s]) => ((kernelMs += s.ms / N), [name, s.n / N, s.ms / N] as const)).sort((a, b) => b[2] - a[2]);
console.log(`per step: ${total.toFixed(1)} ms, in kernels ${kernelMs.toFixed(1)} ms, calls ${rows.reduce((a, r) => a + r[1], 0)}`);
for (const [name, n, ms] of rows) console.log(`${name.padEnd(byShape ? 60 : 24)} ${String(n).padStart(6)} ${ms.toFixed(2).padStart(9)} ms ${((ms / n) * 1000).toFixed(1).padStart(8)} us`);
