/**
 * Adaptive (equal-mass) ECE (Nixon et al. 2019 "adaptive"; Mukhoti et al. 2020 AdaECE): top-label ECE whose
 * bins each hold about N/M examples, Σ_B |B|/N · |acc(B) − conf(B)|, a fraction 0..1.
 *
 * Edge rule: Kumar et al.'s `calibration.get_equal_bins` (verified_calibration), reproduced exactly:
 * sort the confidences; cut them into consecutive parts of size ceil(N/M) (so the last part may be smaller,
 * and fewer than M parts appear when N is small, e.g. N = 20, M = 15 gives 10); each interior upper edge is
 * the midpoint (last of part i + first of part i+1) / 2; the last edge is 1; duplicate edges are merged.
 * Membership is right-closed (lo, hi] (`np.searchsorted`, side 'left'), whatever the equal-width `rule`.
 * M is capped at N (Kumar asserts M <= N). robustness_metrics' adaptive edges (sorted values at
 * round(linspace(0, N, M))) differ from these in general; on REFERENCE T5 both give the same ECE.
 */
import {
  binByUpperEdges, binList, resolveBinning, toConfidenceOutcome,
  type BinSums, type BinningOptions, type CalibrationBin,
} from './binning.js';
import { eceFromBinSums } from './ece.js';
import type { PredictionOptions, ProbabilityInput } from './predictions.js';
import { topLabel } from './top-label.js';

/** Adaptive ECE with its equal-mass bins (edges as described in the module comment). */
export interface AdaptiveEceResult {
  adaptiveEce: number;
  bins: CalibrationBin[];
}

const SELECT_BUCKETS = 1 << 16;

/**
 * Exact order statistics (values at the given ascending 0-based ranks) of values in [0, 1], optionally of a
 * resample `indices`, without sorting everything: a counting pass buckets values by floor(v * 65536) (monotone
 * in v), then only the buckets holding a requested rank are gathered and sorted. Same result as a full sort;
 * worst case (every value in one bucket) costs one full sort.
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[], indices?: Int32Array): Float64Array {
  const n = indices ? indices.length : values.length;
  const k = SELECT_BUCKETS;
  const count = new Int32Array(k + 1);
  for (let t = 0; t < n; t++) {
    const v = values[indices ? indices[t] : t];
    count[v >= 1 ? k : Math.floor(v * k)]++;
  }
  const start = new Int32Array(k + 2);
  for (let b = 0; b <= k; b++) start[b + 1] = start[b] + count[b];
  // Bucket of each requested rank (ranks ascending, so one sweep).
  const rankBucket = new Int32Array(ranks.length);
  const offset = new Int32Array(k + 1).fill(-1); // gather offset of each needed bucket
  let total = 0;
  for (let j = 0, b = 0; j < ranks.length; j++) {
    while (start[b + 1] <= ranks[j]) b++;
    rankBucket[j] = b;
    if (offset[b] < 0) {
      offset[b] = total;
      total += count[b];
    }
  }
  const gathered = new Float64Array(total);
  const fill = new Int32Array(k + 1);
  for (let t = 0; t < n; t++) {
    const v = values[indices ? indices[t] : t];
    const b = v >= 1 ? k : Math.floor(v * k);
    if (offset[b] >= 0) gathered[offset[b] + fill[b]++] = v;
  }
  const sorted = new Uint8Array(k + 1);
  const out = new Float64Array(ranks.length);
  for (let j = 0; j < ranks.length; j++) {
    const b = rankBucket[j];
    const seg = gathered.subarray(offset[b], offset[b] + count[b]);
    if (!sorted[b]) {
      seg.sort();
      sorted[b] = 1;
    }
    out[j] = seg[ranks[j] - start[b]];
  }
  return out;
}

/** Kumar's equal-mass upper edges (ascending, last = 1) for these confidences; `indices` selects a resample. */
export function equalMassUpperEdges(confidence: Float64Array, bins: number, indices?: Int32Array): Float64Array {
  const n = indices ? indices.length : confidence.length;
  const m = Math.min(bins, n);
  const partSize = Math.ceil(n / m);
  const parts = Math.ceil(n / partSize);
  // Part i ends at sorted index (i+1)·partSize − 1; part i+1 starts at (i+1)·partSize.
  const ranks: number[] = [];
  for (let i = 0; i + 1 < parts; i++) ranks.push((i + 1) * partSize - 1, (i + 1) * partSize);
  const at = orderStatistics(confidence, ranks, indices);
  const edges: number[] = [];
  for (let i = 0; i + 1 < parts; i++) {
    const edge = (at[2 * i] + at[2 * i + 1]) / 2.0;
    if (edges.length === 0 || edge !== edges[edges.length - 1]) edges.push(edge);
  }
  if (edges.length === 0 || edges[edges.length - 1] !== 1) edges.push(1);
  return Float64Array.from(edges);
}

/** Equal-mass bin sums of (confidence, outcome) pairs. */
export function adaptiveBinSums(
  confidence: Float64Array,
  outcome: Uint8Array,
  bins: number,
  indices?: Int32Array,
): BinSums {
  return binByUpperEdges(confidence, outcome, equalMassUpperEdges(confidence, bins, indices), indices);
}

/** Adaptive (equal-mass) top-label ECE of predictions against labels; `rule` is not used (always (lo, hi]). */
export function adaptiveCalibrationError(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: BinningOptions & PredictionOptions = {},
): AdaptiveEceResult {
  const { bins } = resolveBinning(options);
  const t = topLabel(preds, labels, options);
  const sums = adaptiveBinSums(t.confidence, t.correct, bins);
  return { adaptiveEce: eceFromBinSums(sums), bins: binList(sums) };
}

/** Adaptive (equal-mass) ECE of raw (confidence, outcome) pairs. */
export function adaptiveCalibrationErrorFromConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): AdaptiveEceResult {
  const { bins } = resolveBinning(options);
  const { confidence, outcome } = toConfidenceOutcome(confidences, outcomes);
  const sums = adaptiveBinSums(confidence, outcome, bins);
  return { adaptiveEce: eceFromBinSums(sums), bins: binList(sums) };
}
