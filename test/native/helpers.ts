/** Shared helpers of the libtorch backend tests: skip when the addon is not built, run a function on two backends. */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu'; // the reference the kernels are compared against
import { ensureGradients } from '../../src/tfjs-gradients.js';
import { ADDON_PATH, loadLibtorchBackend } from '../../src/backend-libtorch/index.js';

export const addonBuilt = fs.existsSync(ADDON_PATH);

/** A mocha before() hook: skips the suite when the addon is not built, else loads the backend (1 thread). */
export async function requireLibtorch(this: Mocha.Context): Promise<void> {
  if (!addonBuilt) this.skip();
  await ensureGradients();
  await loadLibtorchBackend({ threads: 1 });
}

/** Restores the backend that was active before the suite (call in after()). */
export function rememberBackend(): () => Promise<void> {
  const before = tf.getBackend();
  return async () => {
    if (before) await tf.setBackend(before);
  };
}

/** Deterministic uniform values in [lo, hi). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

export interface Out {
  shape: number[];
  dtype: string;
  values: number[];
}

/** Runs f on a backend and returns its outputs as plain data (all tensors of f are disposed). */
export async function runOn(backend: string, f: () => tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): Promise<Out[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  return tf.tidy(() => {
    const r = f();
    const list = Array.isArray(r) ? r : r instanceof tf.Tensor ? [r] : Object.keys(r).sort().map((k) => (r as tf.NamedTensorMap)[k]);
    return list.map((t) => ({ shape: t.shape.slice(), dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number>) }));
  });
}

/** Largest violation of |a - b| <= tol·max(1, |b|) (0 when within tolerance); NaN matches NaN. */
export function mismatch(a: Out[], b: Out[], tol: number): string | null {
  if (a.length !== b.length) return `${a.length} outputs vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (JSON.stringify(a[i].shape) !== JSON.stringify(b[i].shape)) return `output ${i}: shape [${a[i].shape}] vs [${b[i].shape}]`;
    if (a[i].dtype !== b[i].dtype) return `output ${i}: dtype ${a[i].dtype} vs ${b[i].dtype}`;
    for (let j = 0; j < a[i].values.length; j++) {
      const x = a[i].values[j], y = b[i].values[j];
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (x === y) continue;
      if (!(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)))) return `output ${i}[${j}]: ${x} vs ${y}`;
    }
  }
  return null;
}

/** Seeded uniform tensors of a shape (values in [lo, hi)). */
export const t = (shape: number[], seed: number, lo = -1, hi = 1) => tf.tensor(rand(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
export const t2 = (shape: [number, number], seed: number, lo = -1, hi = 1) => t(shape, seed, lo, hi) as tf.Tensor2D;
export const t1 = (n: number, seed: number, lo = -1, hi = 1) => t([n], seed, lo, hi) as tf.Tensor1D;

/** f(xs), and the value and gradients of sum(f(xs) ⊙ w) for a fixed random w (a non-uniform dy). */
export function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => {
    const y = f(...a);
    return tf.sum(tf.mul(y, tf.tensor(rand(y.size, 99), y.shape)));
  })(xs);
  return [f(...xs), value, ...grads];
}

/** Multi-head attention as the textbook tf ops: per sequence and head softmax(Q·Kᵀ/√dh)·V, heads merged to [B·N, D]. */
export function attentionReference(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, b: number, h: number): tf.Tensor2D {
  const [rows, d] = q.shape;
  const n = rows / b;
  const dh = d / h;
  const split = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [b, n, h, dh]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, N, dh]
  const p = tf.softmax(tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dh)));
  return tf.reshape(tf.transpose(tf.matMul(p, split(v)), [0, 2, 1, 3]), [rows, d]) as tf.Tensor2D;
}
