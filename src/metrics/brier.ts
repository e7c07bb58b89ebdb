/**
 * Multiclass Brier score, sum form: mean over examples of Σ_k (p_ik − 1[y_i = k])², range [0, 2]
 * (0 = certain and right, 2 = certain and wrong). Equals C × the mean squared error over one-hot targets
 * (robustness_metrics `brier`). The binary form (p − y)², range [0, 1], is half the two-class value.
 */
import { toLabels, toPredictions, type PredictionOptions, type ProbabilityInput } from './predictions.js';

/** Multiclass Brier score in [0, 2]. */
export function brierScore(preds: ProbabilityInput, labels: ArrayLike<number>, options: PredictionOptions = {}): number {
  const p = toPredictions(preds, options);
  const y = toLabels(labels, p.n, p.numClasses);
  const { n, numClasses: c, probs } = p;
  let total = 0;
  for (let i = 0, o = 0; i < n; i++, o += c) {
    // Σ_k (p_k − e_k)² = Σ_k p_k² − 2 p_y + 1.
    let sq = 0;
    for (let k = 0; k < c; k++) {
      const v = probs[o + k];
      sq += v * v;
    }
    total += sq - 2 * probs[o + y[i]] + 1;
  }
  return total / n;
}
