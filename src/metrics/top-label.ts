/**
 * Top-label view of predictions: predicted class ŷ_i = argmax_k p_ik (ties: the lowest class index, as numpy
 * argmax), confidence c_i = max_k p_ik in [1/C, 1], correctness z_i = 1[ŷ_i = y_i].
 */
import { toLabels, toPredictions, type PredictionOptions, type ProbabilityInput } from './predictions.js';

/** Per-example top-label data, one entry per example. */
export interface TopLabel {
  /** max_k p_ik, a fraction 0..1. */
  confidence: Float64Array;
  /** 1 when argmax equals the label, else 0. */
  correct: Uint8Array;
  /** argmax_k p_ik (lowest index on ties). */
  predicted: Int32Array;
}

/** Confidence, correctness and predicted class of every example (one pass over the probabilities). */
export function topLabel(preds: ProbabilityInput, labels: ArrayLike<number>, options: PredictionOptions = {}): TopLabel {
  const p = toPredictions(preds, options);
  const y = toLabels(labels, p.n, p.numClasses);
  const { n, numClasses: c, probs } = p;
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += c) {
    let best = 0;
    let max = probs[o];
    for (let k = 1; k < c; k++) {
      const v = probs[o + k];
      if (v > max) {
        max = v;
        best = k;
      }
    }
    confidence[i] = max;
    predicted[i] = best;
    correct[i] = best === y[i] ? 1 : 0;
  }
  return { confidence, correct, predicted };
}
