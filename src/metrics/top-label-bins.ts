/**
 * Equal-width bins of top-label confidence against correctness: the binning behind ECE, MCE, RMS-CE and the
 * debiased L2 error (see binning.ts for the boundary rules).
 */
import { binEqualWidth, resolveBinning, type BinRule, type BinSums, type BinningOptions } from './binning.js';
import type { PredictionOptions, ProbabilityInput } from './predictions.js';
import { topLabel } from './top-label.js';

/** Options of the top-label binned metrics. */
export type TopLabelBinningOptions = BinningOptions & PredictionOptions;

/** Top-label confidence vs correctness, binned into M equal-width bins under the rule. */
export function topLabelBinSums(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: TopLabelBinningOptions = {},
): { sums: BinSums; rule: BinRule } {
  const { bins, rule } = resolveBinning(options);
  const t = topLabel(preds, labels, options);
  return { sums: binEqualWidth(t.confidence, t.correct, bins, rule), rule };
}
