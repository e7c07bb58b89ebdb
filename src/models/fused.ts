/**
 * The ViT's layer operations, each in two forms with the same math:
 * - fused, on backends in fusedLayerBackends (libtorch): one native kernel forward and one backward per operation
 *   (src/fused-kernels.ts), joined by tf.customGrad. A LayerNorm is then 2 kernels per step instead of ~29, a linear
 *   layer 2 instead of ~8; the activation and the attention softmax likewise.
 * - composed, everywhere else (wasm, cpu): tfjs ops whose gradients tfjs derives. These are the ops the model always
 *   ran on those backends, so their results there are unchanged.
 * The two agree to float rounding (test/native/fused.test.ts compares values and gradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, fusedBlockBackends, fusedLayerBackends } from '../fused-kernels.js';
import { matMul2d } from './ops.js';
import { topKMask } from './topk.js';

type Grad = Parameters<typeof tf.customGrad>[0];

function useFused(): boolean {
  return fusedLayerBackends.has(tf.getBackend());
}

/** useFused(), for a kernel only some fused backends register (attention, the activation probes). */
function fusedHas(kernel: string): boolean {
  return useFused() && tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out as tf.Tensor];
}

/** LayerNorm over the last axis: x [T, D], gain and bias [D] → [T, D]; biased variance, as PyTorch. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  if (!useFused()) {
    const mean = tf.mean(x, -1, true); // [T, 1]
    const xc = tf.sub(x, mean);
    const variance = tf.mean(tf.square(xc), -1, true); // [T, 1]
    const y = tf.mul(xc, tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(y, gain), bias) as tf.Tensor2D;
  }
  const f = tf.customGrad(((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, mean, rstd] = run(FUSED_KERNELS.layerNorm, { x: xi, gain: g, bias: b }, { epsilon }); // mean, rstd [T]
    save([xi, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [sx, sg, sm, sr]: tf.Tensor[]) => run(FUSED_KERNELS.layerNormGrad, { dy, x: sx, gain: sg, mean: sm, rstd: sr }),
    };
  }) as unknown as Grad);
  return f(x, gain, bias) as tf.Tensor2D;
}

/** x [T, I] · w [I, O] + bias [O] → [T, O]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (!useFused()) return tf.add(matMul2d(x, w), bias) as tf.Tensor2D;
  const f = tf.customGrad(((xi: tf.Tensor, wi: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xi, wi]);
    return {
      value: run(FUSED_KERNELS.linear, { x: xi, w: wi, bias: b })[0],
      gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => run(FUSED_KERNELS.linearGrad, { dy, x: sx, w: sw }), // [dx, dw, dBias]
    };
  }) as unknown as Grad);
  return f(x, w, bias) as tf.Tensor2D;
}

/**
 * Per column of a [T, D] activation, the rows where it is > 0 ([D], exact counts; NaN is not > 0): one fused kernel
 * where the backend has it, else the composed Σ_T step(x) (the same counts). A measurement: no gradient.
 */
export function positiveCounts(x: tf.Tensor2D): tf.Tensor1D {
  if (fusedHas(FUSED_KERNELS.positiveCounts)) return run(FUSED_KERNELS.positiveCounts, { x })[0] as tf.Tensor1D;
  return tf.sum(tf.step(x), 0);
}

/** Whether the active backend runs attention as one fused kernel pair (the wasm backend: FUSED_KERNELS.attention). */
export function fusedAttentionAvailable(): boolean {
  return fusedHas(FUSED_KERNELS.attention);
}

/**
 * Multi-head self-attention of B sequences as one kernel forward and one backward (fusedAttentionAvailable()):
 * q, k, v [B·N, D] → merged heads [B·N, D], softmax(Q·Kᵀ/√dh)·V per sequence and head.
 */
export function fusedAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  const attrs = { batch, heads, scale: 1 / Math.sqrt(q.shape[1] / heads) };
  const f = tf.customGrad(((qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, probs] = run(FUSED_KERNELS.attention, { q: qi, k: ki, v: vi }, attrs); // probs [B·H, N, N]
    save([qi, ki, vi, probs]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [sq, sk, sv, sp]: tf.Tensor[]) => run(FUSED_KERNELS.attentionGrad, { dy, q: sq, k: sk, v: sv, probs: sp }, attrs),
    };
  }) as unknown as Grad);
  return f(q, k, v) as tf.Tensor2D;
}

/**
 * A tensor made inside a customGrad forward and kept (tf.keep) past the scope that disposes what the forward does
 * not return, handed to the caller's scope as a tracked copy; the kept one is freed.
 */
function toCallerScope<T extends tf.Tensor>(kept: T): T {
  const c = tf.clone(kept);
  kept.dispose();
  return c;
}

/** Whether the active backend runs the MLP block as one kernel pair (libtorch: FUSED_KERNELS.mlp). */
export function fusedMlpAvailable(): boolean {
  return fusedHas(FUSED_KERNELS.mlp);
}

/**
 * The MLP block, one kernel forward and one backward (fusedMlpAvailable()): reluTopK(x·w1 + b1, k)·w2 + b2, x [T, D]
 * → [T, O]; with `counts`, also the activation's positive counts per column (positiveCounts: [F], a tensor of the
 * caller's scope). The same bits as linear, reluTopK and linear; the activation is made in place in the first
 * product's output and its gradient in place in the second's.
 */
export function fusedMlp(
  x: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D, k: number | null, counts = false,
): { y: tf.Tensor2D; counts?: tf.Tensor1D } {
  let fired: tf.Tensor | undefined;
  const f = tf.customGrad(((xi: tf.Tensor, w1i: tf.Tensor, b1i: tf.Tensor, w2i: tf.Tensor, b2i: tf.Tensor, save: tf.GradSaveFunc) => {
    const outs = run(FUSED_KERNELS.mlp, { x: xi, w1: w1i, b1: b1i, w2: w2i, b2: b2i }, { k: k ?? 0, counts: counts ? 1 : 0 }); // [y, a (, counts)]
    if (counts) fired = tf.keep(outs[2]); // see toCallerScope
    save([xi, outs[1], w1i, w2i]);
    return {
      value: outs[0],
      gradFunc: (dy: tf.Tensor, [sx, sa, sw1, sw2]: tf.Tensor[]) => run(FUSED_KERNELS.mlpGrad, { dy, x: sx, a: sa, w1: sw1, w2: sw2 }), // [dx, dw1, db1, dw2, db2]
    };
  }) as unknown as Grad);
  const y = f(x, w1, b1, w2, b2) as tf.Tensor2D;
  return fired === undefined ? { y } : { y, counts: toCallerScope(fired as tf.Tensor1D) };
}

/**
 * Whether the active backend runs a transformer block's two halves each as one differentiable op
 * (fusedAttentionBlock, fusedMlpBlock: libtorch with FUSED_KERNELS.linearResidual and the residual inputs).
 */
export function fusedBlocksAvailable(): boolean {
  return fusedBlockBackends.has(tf.getBackend()) && fusedHas(FUSED_KERNELS.linearResidual) && fusedHas(FUSED_KERNELS.mlp) && fusedHas(FUSED_KERNELS.qkvAttention);
}

/** A LayerNorm's gain and bias, and a linear layer's weight and bias. */
export interface NormParams { gain: tf.Tensor1D; bias: tf.Tensor1D }
export interface LinearParams { w: tf.Tensor2D; b: tf.Tensor1D }

/**
 * The attention half of a pre-norm block as one op: h + o(attention(qkv(LayerNorm(h)))), h [B·N, D] → [B·N, D]. Its
 * forward runs the kernels of layerNorm, fusedQkvAttention and linear, the residual added in the last one's output
 * (linearResidual); its gradient runs their gradient kernels in turn, the residual path's dy added to dh inside
 * layerNormGrad. The same float operations as the separate ops and tf.add, so the same bits; one tape node instead
 * of four, and neither the additions' own kernels nor their gradients' (two reshapes and two saved inputs each).
 */
export function fusedAttentionBlock(
  h: tf.Tensor2D, ln: NormParams, epsilon: number, q: LinearParams, k: LinearParams, v: LinearParams, o: LinearParams, batch: number, heads: number,
): tf.Tensor2D {
  const attrs = { batch, heads, scale: 1 / Math.sqrt(h.shape[1] / heads) };
  const f = tf.customGrad(((hi: tf.Tensor, g: tf.Tensor, be: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, bq: tf.Tensor, bk: tf.Tensor, bv: tf.Tensor,
    wo: tf.Tensor, bo: tf.Tensor, save: tf.GradSaveFunc) => {
    const [x, mean, rstd] = run(FUSED_KERNELS.layerNorm, { x: hi, gain: g, bias: be }, { epsilon });
    const [att, probs, qkv] = run(FUSED_KERNELS.qkvAttention, { x, wq, wk, wv, bq, bk, bv }, attrs);
    const [y] = run(FUSED_KERNELS.linearResidual, { x: att, w: wo, bias: bo, r: hi });
    save([hi, g, mean, rstd, x, qkv, probs, att, wq, wk, wv, wo]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [sh, sg, sm, sr, sx, sqkv, sp, satt, swq, swk, swv, swo]: tf.Tensor[]) => {
        const [datt, dwo, dbo] = run(FUSED_KERNELS.linearGrad, { dy, x: satt, w: swo });
        const [dx, dwq, dwk, dwv, dbq, dbk, dbv] = run(FUSED_KERNELS.qkvAttentionGrad, { dy: datt, x: sx, qkv: sqkv, probs: sp, wq: swq, wk: swk, wv: swv }, attrs);
        const [dh, dg, dbe] = run(FUSED_KERNELS.layerNormGrad, { dy: dx, x: sh, gain: sg, mean: sm, rstd: sr, addend: dy });
        return [dh, dg, dbe, dwq, dwk, dwv, dbq, dbk, dbv, dwo, dbo];
      },
    };
  }) as unknown as Grad);
  return f(h, ln.gain, ln.bias, q.w, k.w, v.w, q.b, k.b, v.b, o.w, o.b) as tf.Tensor2D;
}

/**
 * The MLP half of a pre-norm block as one op: h + mlp(LayerNorm(h)), h [T, D] → [T, D], the MLP being fusedMlp's
 * (with `counts`, also the activation's positive counts per column, a tensor of the caller's scope). Forward:
 * layerNorm's kernel, then mlp's with the residual added in its output; gradient: mlpGrad, then layerNormGrad with
 * the residual path's dy added. The same bits as the separate ops (see fusedAttentionBlock).
 */
export function fusedMlpBlock(
  h: tf.Tensor2D, ln: NormParams, epsilon: number, fc1: LinearParams, fc2: LinearParams, k: number | null, counts = false,
): { y: tf.Tensor2D; counts?: tf.Tensor1D } {
  let fired: tf.Tensor | undefined;
  const f = tf.customGrad(((hi: tf.Tensor, g: tf.Tensor, be: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, save: tf.GradSaveFunc) => {
    const [x, mean, rstd] = run(FUSED_KERNELS.layerNorm, { x: hi, gain: g, bias: be }, { epsilon });
    const outs = run(FUSED_KERNELS.mlp, { x, w1, b1, w2, b2, residual: hi }, { k: k ?? 0, counts: counts ? 1 : 0 }); // [y, a (, counts)]
    if (counts) fired = tf.keep(outs[2]); // see toCallerScope
    save([hi, g, mean, rstd, x, outs[1], w1, w2]);
    return {
      value: outs[0],
      gradFunc: (dy: tf.Tensor, [sh, sg, sm, sr, sx, sa, sw1, sw2]: tf.Tensor[]) => {
        const [dx, dw1, db1, dw2, db2] = run(FUSED_KERNELS.mlpGrad, { dy, x: sx, a: sa, w1: sw1, w2: sw2 });
        const [dh, dg, dbe] = run(FUSED_KERNELS.layerNormGrad, { dy: dx, x: sh, gain: sg, mean: sm, rstd: sr, addend: dy });
        return [dh, dg, dbe, dw1, db1, dw2, db2];
      },
    };
  }) as unknown as Grad);
  const y = f(h, ln.gain, ln.bias, fc1.w, fc1.b, fc2.w, fc2.b) as tf.Tensor2D;
  return fired === undefined ? { y } : { y, counts: toCallerScope(fired as tf.Tensor1D) };
}

/** Whether the active backend runs attention's projections and attention as one kernel pair (libtorch: FUSED_KERNELS.qkvAttention). */
export function fusedQkvAttentionAvailable(): boolean {
  return fusedHas(FUSED_KERNELS.qkvAttention);
}

/**
 * Multi-head self-attention with its three projections, one kernel forward and one backward
 * (fusedQkvAttentionAvailable()): q, k, v = x·wq + bq, x·wk + bk, x·wv + bv as one product, then fusedAttention's
 * math, x [B·N, D] → merged heads [B·N, D]. The backward forms dx and the weight gradients from the three
 * projections' gradients side by side, one product each (where separate kernels summed three dx's in two more passes).
 */
export function fusedQkvAttention(
  x: tf.Tensor2D, wq: tf.Tensor2D, wk: tf.Tensor2D, wv: tf.Tensor2D, bq: tf.Tensor1D, bk: tf.Tensor1D, bv: tf.Tensor1D, batch: number, heads: number,
): tf.Tensor2D {
  const attrs = { batch, heads, scale: 1 / Math.sqrt(x.shape[1] / heads) };
  const f = tf.customGrad(((xi: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, b1: tf.Tensor, b2: tf.Tensor, b3: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, probs, qkv] = run(FUSED_KERNELS.qkvAttention, { x: xi, wq: q, wk: k, wv: v, bq: b1, bk: b2, bv: b3 }, attrs); // probs [B·H, N, N], qkv [B·N, 3·D]
    save([xi, qkv, probs, q, k, v]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [sx, sqkv, sp, sq, sk, sv]: tf.Tensor[]) =>
        run(FUSED_KERNELS.qkvAttentionGrad, { dy, x: sx, qkv: sqkv, probs: sp, wq: sq, wk: sk, wv: sv }, attrs), // [dx, dwq, dwk, dwv, dbq, dbk, dbv]
    };
  }) as unknown as Grad);
  return f(x, wq, wk, wv, bq, bk, bv) as tf.Tensor2D;
}

/** softmax(scale · x) over the last axis, scale > 0 (attention's 1/√d_head). */
export function scaledSoftmax<T extends tf.Tensor>(x: T, scale: number): T {
  if (!useFused()) return tf.softmax(scale === 1 ? x : tf.mul(x, scale)) as T;
  const f = tf.customGrad(((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y] = run(FUSED_KERNELS.softmax, { x: xi }, { scale });
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [sy]: tf.Tensor[]) => run(FUSED_KERNELS.softmaxGrad, { dy, y: sy }, { scale }) };
  }) as unknown as Grad);
  return f(x) as T;
}

/**
 * The MLP activation: ReLU, then with k the Top-k mask of models/topk.ts (keep entries ≥ the row's k-th largest
 * ReLU value; the mask is a constant for autodiff). h [T, d_ff] → [T, d_ff].
 * Fused, the gradient is dy where the output is > 0: an entry passes gradient in the composed form exactly when
 * it is kept (mask 1) and h > 0 (ReLU's step), which is when the output is positive.
 */
export function reluTopK(h: tf.Tensor2D, k: number | null): tf.Tensor2D {
  if (!useFused()) {
    const a = tf.relu(h);
    return k === null ? a : topKMask(a, k);
  }
  const f = tf.customGrad(((hi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y] = run(FUSED_KERNELS.reluTopK, { x: hi }, { k: k ?? 0 });
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [sy]: tf.Tensor[]) => run(FUSED_KERNELS.reluGrad, { dy, y: sy }) };
  }) as unknown as Grad);
  return f(h) as tf.Tensor2D;
}
