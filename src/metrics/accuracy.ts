/**
 * Top-1 accuracy: fraction (0..1) of examples whose argmax class (lowest index on ties) equals the label.
 */
import type { PredictionOptions, ProbabilityInput } from './predictions.js';
import { topLabel } from './top-label.js';

/** Fraction of examples predicted correctly, in [0, 1]. */
export function accuracy(preds: ProbabilityInput, labels: ArrayLike<number>, options: PredictionOptions = {}): number {
  return meanOf(topLabel(preds, labels, options).correct);
}

/**
 * Mean of per-example values (e.g. correctness 0/1 from `topLabel`), optionally over `indices` only (with
 * repetition, as a bootstrap resample draws them). Empty input gives NaN.
 */
export function meanOf(values: ArrayLike<number>, indices?: Int32Array): number {
  let s = 0;
  if (indices) {
    for (let t = 0; t < indices.length; t++) s += values[indices[t]];
    return s / indices.length;
  }
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}
