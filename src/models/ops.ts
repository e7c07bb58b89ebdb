/**
 * Matrix products written for the wasm backend's fast paths (see shared/PERFORMANCE.md).
 *
 * - wasm's BatchMatMul uses XNNPACK only for untransposed operands with batch 1; tfjs's default matmul gradient
 *   passes transposed operands and falls onto a ~1 GFLOP/s scalar loop. `matMul2d` gives the gradient explicit
 *   transposes so all three products (forward and both gradients) take the fast path.
 * - Batched attention products always take the scalar loop. `groupedMatMul` runs G independent products as one
 *   depthwiseConv2d (a grouped GEMM in XNNPACK), about 3x faster and exact; its gradients are grouped products too.
 * The results equal tf.matMul's up to float rounding on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';

/** a [M, K] @ b [K, N] → [M, N], with gradients computed through untransposed 2-D products. */
export const matMul2d: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  ((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        return [tf.matMul(dy2, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy2)]; // dA [M,K], dB [K,N]
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Grouped product in depthwise layout, no autodiff: x [M, K, G], f [K, G, N] → y [M, G, N] with
 * y[m,g,n] = Σ_k x[m,k,g]·f[k,g,n]. One depthwiseConv2d: input [1, M, K, G], filter [1, K, G, N], 'valid'.
 */
function groupedRaw(x: tf.Tensor3D, f: tf.Tensor3D): tf.Tensor3D {
  const [m, k, g] = x.shape;
  const n = f.shape[2];
  const out = tf.depthwiseConv2d(tf.reshape(x, [1, m, k, g]) as tf.Tensor4D, tf.reshape(f, [1, k, g, n]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(out, [m, g, n]); // [1, M, 1, G·N] → [M, G, N]
}

/**
 * Grouped product with gradients: x [M, K, G], f [K, G, N] → [M, G, N].
 * dX[m,k,g] = Σ_n dY[m,g,n]·f[k,g,n]  = grouped(dYᵀ [M,N,G], fᵀ [N,G,K]) → [M,G,K] → [M,K,G]
 * dF[k,g,n] = Σ_m x[m,k,g]·dY[m,g,n]  = grouped(xᵀ [K,M,G], dY [M,G,N]) → [K,G,N]
 */
export const groupedMatMul: (x: tf.Tensor3D, f: tf.Tensor3D) => tf.Tensor3D = tf.customGrad(
  ((x: tf.Tensor, f: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, f]);
    return {
      value: groupedRaw(x as tf.Tensor3D, f as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sf] = saved as tf.Tensor3D[];
        const dy3 = dy as tf.Tensor3D;
        const dx = tf.transpose(groupedRaw(tf.transpose(dy3, [0, 2, 1]), tf.transpose(sf, [2, 1, 0])), [0, 2, 1]);
        const df = groupedRaw(tf.transpose(sx, [1, 0, 2]), dy3);
        return [dx, df];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (x: tf.Tensor3D, f: tf.Tensor3D) => tf.Tensor3D;
