/**
 * Classwise ECE (Kull et al. 2019 classwise-ECE; Nixon et al. 2019 SCE): for each class k, bin the k-th
 * probability p_ik of every example (not only the top one) into M equal-width bins under the rule, compare
 * with the indicator 1[y_i = k], take that class's ECE Σ_B |B|/N · |freq(B) − mean p(B)|, then average over
 * the C classes. A fraction 0..1. Probability 0 falls in bin 0 under both rules (binning.ts).
 * robustness_metrics' `sce` divides each class's error by C and sums: the same number.
 */
import { binList, resolveBinning, type BinRule, type BinningOptions, type CalibrationBin } from './binning.js';
import { eceFromBinSums } from './ece.js';
import { toLabels, toPredictions, type PredictionOptions, type ProbabilityInput } from './predictions.js';

/** Classwise ECE with each class's ECE and bins. */
export interface ClasswiseEceResult {
  /** Mean over classes of the per-class ECE. */
  classwiseEce: number;
  /** perClass[k]: ECE of p(class k) against 1[y = k], with its bins. */
  perClass: { ece: number; bins: CalibrationBin[] }[];
  rule: BinRule;
}

/** Classwise ECE of predictions against labels (one pass over the probabilities). */
export function classwiseCalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: BinningOptions & PredictionOptions = {},
): ClasswiseEceResult {
  const { bins: m, rule } = resolveBinning(options);
  const p = toPredictions(preds, options);
  const y = toLabels(labels, p.n, p.numClasses);
  const { n, numClasses: c, probs } = p;
  // [class k][bin b] at k*m + b.
  const count = new Float64Array(c * m);
  const sumP = new Float64Array(c * m);
  const sumY = new Float64Array(c * m);
  const right = rule === 'right';
  const last = m - 1;
  for (let i = 0, o = 0; i < n; i++, o += c) {
    const yi = y[i];
    for (let k = 0; k < c; k++) {
      const v = probs[o + k];
      let b: number;
      if (right) {
        b = Math.ceil(v * m) - 1;
        if (b < 0) b = 0;
      } else {
        b = Math.floor(v * m);
        if (b > last) b = last;
      }
      const at = k * m + b;
      count[at] += 1;
      sumP[at] += v;
      if (k === yi) sumY[at] += 1;
    }
  }
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    lower[j] = j / m;
    upper[j] = (j + 1) / m;
  }
  const perClass: ClasswiseEceResult['perClass'] = [];
  let total = 0;
  for (let k = 0; k < c; k++) {
    const from = k * m;
    const sums = {
      n,
      lower,
      upper,
      count: count.subarray(from, from + m),
      sumConfidence: sumP.subarray(from, from + m),
      sumOutcome: sumY.subarray(from, from + m),
    };
    const e = eceFromBinSums(sums);
    total += e;
    perClass.push({ ece: e, bins: binList(sums) });
  }
  return { classwiseEce: total / c, perClass, rule };
}
