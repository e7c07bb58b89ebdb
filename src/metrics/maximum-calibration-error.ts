/**
 * Maximum calibration error (Naeini et al. 2015): max over non-empty bins of |acc(B) − conf(B)|, a fraction
 * 0..1; empty bins are ignored (they would contribute 0 in libraries that keep them, so the value is the
 * same). Top-label, equal-width bins, same bins and rule as ECE.
 */
import {
  binConfidences, binList, type BinRule, type BinSums, type BinningOptions, type CalibrationBin,
} from './binning.js';
import type { ProbabilityInput } from './predictions.js';
import { topLabelBinSums, type TopLabelBinningOptions } from './top-label-bins.js';

/** MCE with the per-bin data it was computed from. */
export interface MceResult {
  mce: number;
  bins: CalibrationBin[];
  rule: BinRule;
}

/** Largest |acc − conf| over non-empty bins. */
export function mceFromBinSums(s: BinSums): number {
  let m = 0;
  for (let j = 0; j < s.count.length; j++) {
    const c = s.count[j];
    if (c > 0) {
      const gap = Math.abs(s.sumOutcome[j] - s.sumConfidence[j]) / c;
      if (gap > m) m = gap;
    }
  }
  return m;
}

/** Top-label MCE of predictions against labels. */
export function maximumCalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: TopLabelBinningOptions = {},
): MceResult {
  const { sums, rule } = topLabelBinSums(preds, labels, options);
  return { mce: mceFromBinSums(sums), bins: binList(sums), rule };
}

/** MCE of raw (confidence, outcome) pairs. */
export function maximumCalibrationErrorFromConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): MceResult {
  const { sums, rule } = binConfidences(confidences, outcomes, options);
  return { mce: mceFromBinSums(sums), bins: binList(sums), rule };
}
