/**
 * Top-k activation (Li et al. 2023, §3.2 / docs/conventions.md#top-k): y = a ⊙ m, where a = ReLU(h) [T, d_ff] and m is 1 on
 * the k largest entries of each token's row. The mask is a constant for autodiff: dL/da = dL/dy ⊙ m (no
 * straight-through), so the gradient flows only through the kept entries (and through ReLU only where h > 0).
 *
 * Tie rule: an entry is kept when a ≥ (k-th largest value of its row). Entries tied with the k-th value are all
 * kept, so a row keeps more than k nonzeros only when several positive activations are bitwise equal to the k-th
 * largest (measure zero for float activations). When fewer than k entries are positive the threshold is 0 and the
 * extra "kept" entries are zeros: nonzeros per token ≤ min(k, #positive) in that case.
 *
 * The mask is built as 1 - step(thr - a): on wasm a broadcasting greaterEqual costs ~30x more (PERFORMANCE.md).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Keep the k largest entries per row of a [T, D] (D = d_ff); gradient masked the same way. */
export function topKMask(a: tf.Tensor2D, k: number): tf.Tensor2D {
  const d = a.shape[1];
  if (k >= d) return a; // k = d_ff: identical to vanilla
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = x as tf.Tensor2D;
    const thr = tf.slice(tf.topk(x2, k, true).values, [0, k - 1], [-1, 1]); // [T, 1] k-th largest per row
    const mask = tf.sub(1, tf.step(tf.sub(thr, x2))); // [T, D] 1 where x ≥ thr
    save([mask]);
    return {
      value: tf.mul(x2, mask),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0])],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(a) as tf.Tensor2D;
}
