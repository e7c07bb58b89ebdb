/** Turning uint8 datasets into float tensors, one batch at a time (the whole set never lives on the backend). */
import * as tf from '@tensorflow/tfjs-core';
import { Dataset, imageSize } from './dataset.js';

/** Images at `indices` → [B, H, W, C] float32 in [0, 1]. */
export function imageBatch(d: Dataset, indices: ArrayLike<number>): tf.Tensor4D {
  const size = imageSize(d);
  const buf = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const src = d.images.subarray(indices[i] * size, (indices[i] + 1) * size);
    const off = i * size;
    for (let j = 0; j < size; j++) buf[off + j] = src[j] / 255;
  }
  return tf.tensor4d(buf, [indices.length, d.height, d.width, d.channels]);
}

/** Labels at `indices` (from `labels`, which may differ from d.labels, e.g. noisy) → int32 [B]. */
export function labelBatch(labels: ArrayLike<number>, indices: ArrayLike<number>): tf.Tensor1D {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = labels[indices[i]];
  return tf.tensor1d(out, 'int32');
}

/** Indices start..end-1 as an Int32Array. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
