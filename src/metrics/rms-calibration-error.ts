/**
 * RMS calibration error (plug-in ℓ2-ECE): sqrt(Σ_B |B|/N · (acc(B) − conf(B))²), a fraction 0..1. Top-label,
 * equal-width bins, same bins and rule as ECE. Biased upwards for small bins; see debiased-l2.ts.
 */
import {
  binConfidences, binList, type BinRule, type BinSums, type BinningOptions, type CalibrationBin,
} from './binning.js';
import type { ProbabilityInput } from './predictions.js';
import { topLabelBinSums, type TopLabelBinningOptions } from './top-label-bins.js';

/** RMS-CE with the per-bin data it was computed from. */
export interface RmsCeResult {
  rmsce: number;
  bins: CalibrationBin[];
  rule: BinRule;
}

/** sqrt(Σ_B (Σ confidence − Σ outcome)² / (|B| · N)). */
export function rmsceFromBinSums(s: BinSums): number {
  let e = 0;
  for (let j = 0; j < s.count.length; j++) {
    const c = s.count[j];
    if (c > 0) {
      const d = s.sumConfidence[j] - s.sumOutcome[j];
      e += (d * d) / c;
    }
  }
  return Math.sqrt(e / s.n);
}

/** Top-label RMS calibration error of predictions against labels. */
export function rmsCalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: TopLabelBinningOptions = {},
): RmsCeResult {
  const { sums, rule } = topLabelBinSums(preds, labels, options);
  return { rmsce: rmsceFromBinSums(sums), bins: binList(sums), rule };
}

/** RMS calibration error of raw (confidence, outcome) pairs. */
export function rmsCalibrationErrorFromConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): RmsCeResult {
  const { sums, rule } = binConfidences(confidences, outcomes, options);
  return { rmsce: rmsceFromBinSums(sums), bins: binList(sums), rule };
}
