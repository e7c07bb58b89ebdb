/**
 * Expected calibration error (Naeini et al. 2015; Guo et al. 2017), top-label, equal-width bins:
 * ECE = Σ_B |B|/N · |acc(B) − conf(B)|, a fraction 0..1. Default M = 15 bins, rule 'right' = (lo, hi]
 * (binning.ts explains both rules and the default). Empty bins weigh 0.
 */
import {
  binConfidences, binList, type BinRule, type BinSums, type BinningOptions, type CalibrationBin,
} from './binning.js';
import type { ProbabilityInput } from './predictions.js';
import { topLabelBinSums, type TopLabelBinningOptions } from './top-label-bins.js';

/** ECE with the per-bin data it was computed from. */
export interface EceResult {
  /** Expected calibration error, 0..1. */
  ece: number;
  /** Every bin, empty ones included. */
  bins: CalibrationBin[];
  /** Boundary rule used. */
  rule: BinRule;
}

/** ECE of binned sums: Σ_B |Σ outcome − Σ confidence| / N (= Σ_B |B|/N · |acc − conf|). */
export function eceFromBinSums(s: BinSums): number {
  let e = 0;
  for (let j = 0; j < s.count.length; j++) e += Math.abs(s.sumOutcome[j] - s.sumConfidence[j]);
  return e / s.n;
}

/** Top-label ECE of predictions against labels. */
export function expectedCalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: TopLabelBinningOptions = {},
): EceResult {
  const { sums, rule } = topLabelBinSums(preds, labels, options);
  return { ece: eceFromBinSums(sums), bins: binList(sums), rule };
}

/**
 * ECE of raw (confidence, outcome) pairs: top-label confidences against correctness, or positive-class
 * scores p(y = 1) against binary labels (the torchmetrics-binary / netcal / Kumar 1-D convention).
 */
export function expectedCalibrationErrorFromConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): EceResult {
  const { sums, rule } = binConfidences(confidences, outcomes, options);
  return { ece: eceFromBinSums(sums), bins: binList(sums), rule };
}
