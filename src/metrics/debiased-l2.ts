/**
 * Debiased ℓ2 calibration error (Kumar, Liang & Ma 2019, "Verified Uncertainty Calibration";
 * `calibration.unbiased_l2_ce`): the plug-in squared error per bin minus the sampling variance of the bin
 * accuracy,
 *   sqrt(max(0, Σ_B |B|/N · [(conf(B) − acc(B))² − acc(B)(1 − acc(B)) / (|B| − 1)])),
 * where bins with |B| < 2 contribute 0. A fraction 0..1. Top-label, with the same equal-width bins and rule as
 * ECE (Kumar's library defaults to marginal mode and equal-mass bins; the harness keeps one binning for all
 * top-label estimators so the numbers are comparable).
 */
import {
  binConfidences, binList, type BinRule, type BinSums, type BinningOptions, type CalibrationBin,
} from './binning.js';
import type { ProbabilityInput } from './predictions.js';
import { topLabelBinSums, type TopLabelBinningOptions } from './top-label-bins.js';

/** Debiased ℓ2 error with the per-bin data it was computed from. */
export interface DebiasedL2Result {
  debiasedL2: number;
  bins: CalibrationBin[];
  rule: BinRule;
}

/** Kumar's debiased ℓ2 estimator from binned sums (clipped at 0 before the square root). */
export function debiasedL2FromBinSums(s: BinSums): number {
  let e = 0;
  for (let j = 0; j < s.count.length; j++) {
    const c = s.count[j];
    if (c >= 2) {
      const acc = s.sumOutcome[j] / c;
      const gap = s.sumConfidence[j] / c - acc;
      e += (c / s.n) * (gap * gap - (acc * (1 - acc)) / (c - 1));
    }
  }
  return e > 0 ? Math.sqrt(e) : 0;
}

/** Top-label debiased ℓ2 calibration error of predictions against labels. */
export function debiasedL2CalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: TopLabelBinningOptions = {},
): DebiasedL2Result {
  const { sums, rule } = topLabelBinSums(preds, labels, options);
  return { debiasedL2: debiasedL2FromBinSums(sums), bins: binList(sums), rule };
}

/** Debiased ℓ2 calibration error of raw (confidence, outcome) pairs. */
export function debiasedL2CalibrationErrorFromConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): DebiasedL2Result {
  const { sums, rule } = binConfidences(confidences, outcomes, options);
  return { debiasedL2: debiasedL2FromBinSums(sums), bins: binList(sums), rule };
}
