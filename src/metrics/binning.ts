/**
 * Binning of (confidence, outcome) pairs: the shared machinery of every binned calibration estimator
 * (ECE, MCE, RMS-CE, debiased L2, classwise and adaptive ECE).
 *
 * Equal-width bins: M bins of width 1/M on [0, 1], bin j spanning j/M .. (j+1)/M. Membership is computed by
 * integer arithmetic on c*M (never by comparing against float edges, which differ between libraries):
 * - rule 'right' = (lo, hi]: b = max(ceil(c*M) - 1, 0). As in Guo et al.'s reference code (gpleiss
 *   `_ECELoss`, the paper that fixed M = 15 as the convention), legacy torchmetrics and Kumar et al.'s
 *   `calibration` library. A confidence of exactly 1 falls in the last bin; exactly 0 falls in bin 0 (Kumar;
 *   gpleiss drops it from every bin, which only matters for positive-class scores: top-label confidence is
 *   always >= 1/C).
 * - rule 'left' = [lo, hi), last bin closed: b = min(floor(c*M), M - 1). As numpy `histogram`, TF
 *   `histogram_fixed_width_bins`, robustness_metrics `ece` and netcal.
 * The two rules differ only for confidences that sit exactly on an interior edge j/M (e.g. 0.4, 0.6, 0.8 with
 * M = 15); c*M is evaluated in float64 on the stored value, so a float32 0.4 (= 0.4000000059...) is above the
 * edge under either rule.
 *
 * Default rule: 'right'. The ECE most DL papers report (and the one the Lazy Neuron paper cites: Naeini 2015,
 * Guo 2017) is Guo et al.'s top-label ECE with M = 15, whose reference implementation is right-closed; Kumar
 * et al.'s estimators used here (debiased L2, equal-mass bins) are right-closed too, so one rule covers every
 * estimator in the report. Pass rule 'left' to match numpy/TF/robustness_metrics/netcal numbers.
 *
 * Empty bins are kept in the per-bin data (count 0, meanConfidence/accuracy null) and carry weight 0.
 */
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';

/** Bin boundary rule: 'right' = (lo, hi] (Guo/gpleiss, Kumar); 'left' = [lo, hi), last bin closed (numpy/TF). */
export type BinRule = 'right' | 'left';
/** Every rule, in the order error messages list them. */
export const BIN_RULES: readonly BinRule[] = ['right', 'left'];
/** The harness default: Guo et al.'s reference implementation, right-closed (see the module comment). */
export const DEFAULT_BIN_RULE: BinRule = 'right';
/** Number of equal-width bins when not given (Guo et al. 2017; gpleiss; torchmetrics; robustness_metrics ece). */
export const DEFAULT_NUM_BINS = 15;

/** Options of every binned metric. */
export interface BinningOptions {
  /** Number of bins M, an integer >= 1. Default DEFAULT_NUM_BINS (15). */
  bins?: number;
  /** Boundary rule for equal-width bins. Default DEFAULT_BIN_RULE ('right'). */
  rule?: BinRule;
}

/** One bin of a reliability diagram. Fractions 0..1. */
export interface CalibrationBin {
  /** Lower edge of the bin. */
  lower: number;
  /** Upper edge of the bin. */
  upper: number;
  /** Number of examples in the bin (0 for an empty bin). */
  count: number;
  /** Mean confidence of the bin's examples; null when the bin is empty. */
  meanConfidence: number | null;
  /** Fraction of the bin's examples whose outcome is 1 (correct); null when the bin is empty. */
  accuracy: number | null;
}

/** Per-bin sums: what every binned estimator reads. Arrays have one entry per bin. */
export interface BinSums {
  /** Number of examples binned (the weight denominator). */
  n: number;
  lower: Float64Array;
  upper: Float64Array;
  count: Float64Array;
  sumConfidence: Float64Array;
  sumOutcome: Float64Array;
}

/** Validate and fill in bins and rule. */
export function resolveBinning(options: BinningOptions = {}): { bins: number; rule: BinRule } {
  const bins = options.bins ?? DEFAULT_NUM_BINS;
  const rule = options.rule ?? DEFAULT_BIN_RULE;
  if (!(typeof bins === 'number' && Number.isInteger(bins) && bins >= 1)) {
    throw new HarnessInputError(`bins must be an integer >= 1; got ${bins}`, 'bins');
  }
  if (!BIN_RULES.includes(rule)) {
    throw new HarnessInputError(unknownChoiceMessage('binning rule', String(rule), BIN_RULES), 'rule');
  }
  return { bins, rule };
}

/** Equal-width bin index of confidence c in [0, 1] among M bins under the rule (see the module comment). */
export function equalWidthBinIndex(c: number, bins: number, rule: BinRule): number {
  if (rule === 'right') {
    const b = Math.ceil(c * bins) - 1;
    return b < 0 ? 0 : b;
  }
  const b = Math.floor(c * bins);
  return b > bins - 1 ? bins - 1 : b;
}

function emptySums(numBins: number, n: number): BinSums {
  return {
    n,
    lower: new Float64Array(numBins),
    upper: new Float64Array(numBins),
    count: new Float64Array(numBins),
    sumConfidence: new Float64Array(numBins),
    sumOutcome: new Float64Array(numBins),
  };
}

/**
 * Bin (confidence, outcome) pairs into M equal-width bins. With `indices`, bins only those examples (with
 * repetition, for the bootstrap); the weight denominator is then indices.length.
 */
export function binEqualWidth(
  confidence: Float64Array,
  outcome: Uint8Array,
  bins: number,
  rule: BinRule,
  indices?: Int32Array,
): BinSums {
  const n = indices ? indices.length : confidence.length;
  const s = emptySums(bins, n);
  for (let j = 0; j < bins; j++) {
    s.lower[j] = j / bins;
    s.upper[j] = (j + 1) / bins;
  }
  const { count, sumConfidence, sumOutcome } = s;
  const right = rule === 'right';
  const last = bins - 1;
  for (let t = 0; t < n; t++) {
    const i = indices ? indices[t] : t;
    const c = confidence[i];
    let b: number;
    if (right) {
      b = Math.ceil(c * bins) - 1;
      if (b < 0) b = 0;
    } else {
      b = Math.floor(c * bins);
      if (b > last) b = last;
    }
    count[b] += 1;
    sumConfidence[b] += c;
    sumOutcome[b] += outcome[i];
  }
  return s;
}

/**
 * Bin pairs by explicit upper edges (ascending, last = 1), right-closed: example goes to the first bin whose
 * upper edge is >= c (Kumar's `np.searchsorted(bins, c)`, side 'left'). Lower edge of bin 0 is 0.
 */
export function binByUpperEdges(
  confidence: Float64Array,
  outcome: Uint8Array,
  upperEdges: Float64Array,
  indices?: Int32Array,
): BinSums {
  const m = upperEdges.length;
  const n = indices ? indices.length : confidence.length;
  const s = emptySums(m, n);
  for (let j = 0; j < m; j++) {
    s.lower[j] = j === 0 ? 0 : upperEdges[j - 1];
    s.upper[j] = upperEdges[j];
  }
  const { count, sumConfidence, sumOutcome } = s;
  for (let t = 0; t < n; t++) {
    const i = indices ? indices[t] : t;
    const c = confidence[i];
    // Binary search: smallest j with upperEdges[j] >= c.
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (upperEdges[mid] >= c) hi = mid;
      else lo = mid + 1;
    }
    count[lo] += 1;
    sumConfidence[lo] += c;
    sumOutcome[lo] += outcome[i];
  }
  return s;
}

/** The public per-bin view of BinSums (empty bins keep their edges, with null means). */
export function binList(s: BinSums): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let j = 0; j < s.count.length; j++) {
    const count = s.count[j];
    out.push({
      lower: s.lower[j],
      upper: s.upper[j],
      count,
      meanConfidence: count > 0 ? s.sumConfidence[j] / count : null,
      accuracy: count > 0 ? s.sumOutcome[j] / count : null,
    });
  }
  return out;
}

/**
 * Validate raw (confidence, outcome) pairs, e.g. positive-class scores against 0/1 labels, or top-label
 * confidences against correctness, and copy them into the typed arrays the binning loops use.
 */
export function toConfidenceOutcome(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
): { confidence: Float64Array; outcome: Uint8Array } {
  const n = confidences.length;
  if (n === 0) throw new HarnessInputError('confidences are empty: need at least one example', 'confidences');
  if (outcomes.length !== n) {
    throw new HarnessInputError(`confidences has ${n} entries but outcomes has ${outcomes.length}`, 'outcomes');
  }
  const confidence = new Float64Array(n);
  const outcome = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = confidences[i];
    if (!(c >= 0 && c <= 1)) {
      if (Number.isNaN(c)) throw new HarnessInputError(`confidences contain NaN at index ${i}`, 'confidences');
      throw new HarnessInputError(`confidence at index ${i} is ${c}; confidences must lie in [0, 1]`, 'confidences');
    }
    const z = outcomes[i];
    if (z !== 0 && z !== 1) {
      throw new HarnessInputError(`outcome at index ${i} is ${z}; outcomes must be 0 or 1`, 'outcomes');
    }
    confidence[i] = c;
    outcome[i] = z;
  }
  return { confidence, outcome };
}

/** Equal-width bin sums of validated raw (confidence, outcome) pairs. */
export function binConfidences(
  confidences: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: BinningOptions = {},
): { sums: BinSums; rule: BinRule } {
  const { bins, rule } = resolveBinning(options);
  const { confidence, outcome } = toConfidenceOutcome(confidences, outcomes);
  return { sums: binEqualWidth(confidence, outcome, bins, rule), rule };
}
