/**
 * The harness's fused kernels (src/fused-kernels.ts) for tfjs's wasm backend. The composed tfjs ops take 9 to 30
 * kernel calls per operation, each allocating, many transposing first (the wasm Sum over a leading axis transposes
 * its input; its TopK sorts every row). Here each operation is one pass of wasm/train-kernels.wasm (WebAssembly
 * SIMD, src/backend-wasm/train-kernels.ts), which works in place in the tfjs wasm module's own memory on the
 * tensors' data. The products inside `linear` and `linearGrad` stay XNNPACK's, called through the backend's own
 * kernels with untransposed operands (its only fast path; models/ops.ts), the transposes they need done on lanes.
 * The attention softmax of the batched layout (not wasm's default) is plain TypeScript over the heap.
 *
 * Arithmetic: float32 throughout. The layer kernels agree with the composed float32 ops to rounding (their sums run
 * in another order; test/models/wasm-fused.test.ts), Top-k keeps exactly the same entries (the threshold is the
 * row's k-th largest value, found with a k-entry heap instead of a sort), and AdamW rounds every operation in the
 * composed formula's order (src/train/adamw.ts), so its update is the composed one bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FUSED_KERNELS } from '../fused-kernels.js';
import { trainKernels, type TrainKernels } from './train-kernels.js';

type Info = tf.TensorInfo;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Attrs = Record<string, any>;
type Impl = (b: BackendWasm, inputs: Record<string, Info>, attrs: Attrs, w: TrainKernels) => Info | Info[];

const BACKEND = 'wasm';

/** A float32 view of a tensor's data on the heap. Take views only after the last makeOutput: allocation may grow
 * the heap, which detaches earlier views. */
function view(b: BackendWasm, t: Info): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype} [${t.shape.join(', ')}]`);
  return b.typedArrayFromHeap(t) as Float32Array;
}

function rowsCols(t: Info): [number, number] {
  const cols = t.shape[t.shape.length - 1] ?? 1;
  const size = tf.util.sizeFromShape(t.shape);
  return [cols === 0 ? 0 : size / cols, cols];
}

/** A wasm backend kernel by name, called directly (no tape, no engine bookkeeping: we are inside a kernel). */
function callKernel(name: string, b: BackendWasm, inputs: Record<string, Info>, attrs: Attrs): Info {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`wasm backend has no kernel ${name}`);
  return k.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: b, attrs }) as Info;
}

let scratch64 = new Float64Array(1024);
function acc64(n: number): Float64Array {
  if (scratch64.length < n) scratch64 = new Float64Array(n);
  return scratch64;
}

/** A tensor's byte offset in the wasm memory. */
function at(b: BackendWasm, t: Info): number {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype} [${t.shape.join(', ')}]`);
  return b.getMemoryOffset(t.dataId);
}

/** [R, C] → [C, R] as a new tensor. */
function transpose2d(b: BackendWasm, w: TrainKernels, x: Info): Info {
  const [r, c] = x.shape;
  const out = b.makeOutput([c, r], 'float32');
  w.transpose(at(b, x), at(b, out), r, c);
  return out;
}

/** Tokens per sequence and head width of attention's [B·N, D] operands. */
function attentionShape(q: Info, batch: number, heads: number): { n: number; dh: number } {
  const [rows, d] = q.shape;
  if (q.shape.length !== 2 || rows % batch !== 0 || d % heads !== 0) {
    throw new Error(`attention needs [B·N, D] operands with B = ${batch} and D divisible by ${heads} heads, got [${q.shape.join(', ')}]`);
  }
  return { n: rows / batch, dh: d / heads };
}

const IMPLS: Record<string, Impl> = {
  // {x [T,D], gain [D], bias [D]}; {epsilon} → [y [T,D], mean [T], rstd [T]]: biased variance, as PyTorch.
  [FUSED_KERNELS.layerNorm]: (b, { x, gain, bias }, { epsilon }, w) => {
    const [t, d] = rowsCols(x);
    const y = b.makeOutput(x.shape, 'float32');
    const mean = b.makeOutput([t], 'float32');
    const rstd = b.makeOutput([t], 'float32');
    w.layerNorm(at(b, x), at(b, gain), at(b, bias), at(b, y), at(b, mean), at(b, rstd), t, d, epsilon);
    return [y, mean, rstd];
  },

  // {dy, x [T,D], gain [D], mean [T], rstd [T]} → [dx [T,D], dGain [D], dBias [D]].
  [FUSED_KERNELS.layerNormGrad]: (b, { dy, x, gain, mean, rstd }, _attrs, w) => {
    const [t, d] = rowsCols(x);
    const dx = b.makeOutput(x.shape, 'float32');
    const dGain = b.makeOutput([d], 'float32');
    const dBias = b.makeOutput([d], 'float32');
    w.layerNormGrad(at(b, dy), at(b, x), at(b, gain), at(b, mean), at(b, rstd), at(b, dx), at(b, dGain), at(b, dBias), t, d);
    return [dx, dGain, dBias];
  },

  // {x [..., N]}; {scale > 0} → softmax(scale·x) over the last axis (TypeScript: only the batched layout uses it).
  [FUSED_KERNELS.softmax]: (b, { x }, { scale }) => {
    const [r, n] = rowsCols(x);
    const y = b.makeOutput(x.shape, 'float32');
    const xs = view(b, x);
    const ys = view(b, y);
    const e = acc64(n);
    for (let i = 0; i < r; i++) {
      const o = i * n;
      let mx = -Infinity;
      for (let j = 0; j < n; j++) if (xs[o + j] > mx) mx = xs[o + j];
      let s = 0;
      for (let j = 0; j < n; j++) {
        const v = Math.exp(scale * (xs[o + j] - mx));
        e[j] = v;
        s += v;
      }
      for (let j = 0; j < n; j++) ys[o + j] = e[j] / s;
    }
    return y;
  },

  // {dy, y [..., N]}; {scale} → scale·y ⊙ (dy − Σ_N dy ⊙ y).
  [FUSED_KERNELS.softmaxGrad]: (b, { dy, y }, { scale }) => {
    const [r, n] = rowsCols(y);
    const dx = b.makeOutput(y.shape, 'float32');
    const [dys, ys, dxs] = [dy, y, dx].map((i) => view(b, i));
    for (let i = 0; i < r; i++) {
      const o = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += dys[o + j] * ys[o + j];
      for (let j = 0; j < n; j++) dxs[o + j] = scale * ys[o + j] * (dys[o + j] - s);
    }
    return dx;
  },

  // {x [T,D]}; {k (0: ReLU only)} → ReLU(x), entries below the row's k-th largest ReLU value zeroed (models/topk.ts).
  [FUSED_KERNELS.reluTopK]: (b, { x }, { k }, w) => {
    const [t, d] = rowsCols(x);
    const y = b.makeOutput(x.shape, 'float32');
    const heap = w.scratch(b, 4 * Math.max(1, k));
    w.reluTopK(at(b, x), at(b, y), t, d, k, heap);
    return y;
  },

  // {dy, y} → dy where y > 0, else 0.
  [FUSED_KERNELS.reluGrad]: (b, { dy, y }, _attrs, w) => {
    const dx = b.makeOutput(y.shape, 'float32');
    w.reluGrad(at(b, dy), at(b, y), at(b, dx), tf.util.sizeFromShape(y.shape));
    return dx;
  },

  // {x [T,I], w [I,O], bias [O]} → x·w + bias: XNNPACK's fully connected layer with its bias. The kernel takes
  // batched [1, ·, ·] operands (the same data under a 3-D shape).
  [FUSED_KERNELS.linear]: (b, { x, w, bias }) => {
    const batched = (t: Info): Info => ({ ...t, shape: [1, ...t.shape] });
    const attrs = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 };
    const y = callKernel('_FusedMatMul', b, { a: batched(x), b: batched(w), bias }, attrs);
    y.shape = [x.shape[0], w.shape[1]];
    return y;
  },

  // {dy [T,O], x [T,I], w [I,O]} → [dx = dy·wᵀ, dw = xᵀ·dy, dBias = Σ_T dy], both products untransposed.
  [FUSED_KERNELS.linearGrad]: (b, { dy, x, w: weight }, _attrs, w) => {
    const plain = { transposeA: false, transposeB: false };
    const wT = transpose2d(b, w, weight); // [O, I]
    const dx = callKernel('BatchMatMul', b, { a: dy, b: wT }, plain);
    b.disposeData(wT.dataId);
    const xT = transpose2d(b, w, x); // [I, T]
    const dw = callKernel('BatchMatMul', b, { a: xT, b: dy }, plain);
    b.disposeData(xT.dataId);
    const [t, o] = rowsCols(dy);
    const dBias = b.makeOutput([o], 'float32');
    w.columnSums(at(b, dy), at(b, dBias), t, o);
    return [dx, dw, dBias];
  },

  // {q, k, v [B·N, D]}; {batch, heads, scale} → [out [B·N, D], probs [B·H, N, N]] (src/fused-kernels.ts).
  [FUSED_KERNELS.attention]: (b, { q, k, v }, { batch, heads, scale }, w) => {
    const { n, dh } = attentionShape(q, batch, heads);
    const out = b.makeOutput(q.shape, 'float32');
    const probs = b.makeOutput([batch * heads, n, n], 'float32');
    w.attention(at(b, q), at(b, k), at(b, v), at(b, out), at(b, probs), batch, n, heads, dh, scale);
    return [out, probs];
  },

  // {dy [B·N, D], q, k, v, probs}; {batch, heads, scale} → [dq, dk, dv].
  [FUSED_KERNELS.attentionGrad]: (b, { dy, q, k, v, probs }, { batch, heads, scale }, w) => {
    const { n, dh } = attentionShape(q, batch, heads);
    const [dq, dk, dv] = [0, 1, 2].map(() => b.makeOutput(q.shape, 'float32'));
    const row = w.scratch(b, 4 * Math.max(1, n));
    w.attentionGrad(at(b, dy), at(b, q), at(b, k), at(b, v), at(b, probs), at(b, dq), at(b, dk), at(b, dv), batch, n, heads, dh, scale, row);
    return [dq, dk, dv];
  },

  // {x [T, D]} → [D]: per column, the rows where x > 0.
  [FUSED_KERNELS.positiveCounts]: (b, { x }, _attrs, w) => {
    const [t, d] = rowsCols(x);
    const counts = b.makeOutput([d], 'float32');
    w.positiveCounts(at(b, x), at(b, counts), t, d);
    return counts;
  },

  // {param, grad, m, v}; {lr, beta1, beta2, epsilon, weightDecay, c1, c2} → [p', m', v']: every operation rounded to
  // float32 in the order of AdamW.apply's composed formula, whose scalars are float32 tensors (tf.mul(t, 0.9)).
  [FUSED_KERNELS.adamW]: (b, { param, grad, m, v }, { lr, beta1, beta2, epsilon, weightDecay, c1, c2 }, w) => {
    const f = Math.fround;
    const p1 = b.makeOutput(param.shape, 'float32');
    const m1 = b.makeOutput(param.shape, 'float32');
    const v1 = b.makeOutput(param.shape, 'float32');
    const decayed = weightDecay > 0 ? 1 : 0;
    w.adamW(at(b, param), at(b, grad), at(b, m), at(b, v), at(b, p1), at(b, m1), at(b, v1), tf.util.sizeFromShape(param.shape),
      f(beta1), f(1 - beta1), f(beta2), f(1 - beta2), f(lr / c1), f(c2), f(epsilon), decayed, f(lr * weightDecay));
    return [p1, m1, v1];
  },
};

let registered = false;

/**
 * Registers the fused kernels for the active wasm backend (idempotent). False where wasm/train-kernels.wasm cannot
 * run against this backend's memory; the model then keeps the composed ops.
 */
export function registerWasmFusedKernels(): boolean {
  if (!trainKernels(tf.backend() as BackendWasm)) return false;
  if (registered) return true;
  registered = true;
  for (const [kernelName, impl] of Object.entries(IMPLS)) {
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc: ({ inputs, backend, attrs }) => {
        try {
          const b = backend as BackendWasm;
          const kernels = trainKernels(b);
          if (!kernels) throw new Error('wasm/train-kernels.wasm cannot run on this backend instance');
          return impl(b, inputs as unknown as Record<string, Info>, (attrs ?? {}) as Attrs, kernels);
        } catch (err) {
          throw new Error(`wasm backend, kernel ${kernelName}: ${(err as Error).message}`);
        }
      },
    });
  }
  return true;
}
