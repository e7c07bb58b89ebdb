/**
 * Out-of-distribution (OOD) detection: scores from logits and the threshold-free metrics that compare the scores of
 * in-distribution examples with those of OOD examples. Pure functions, arrays in, numbers out.
 *
 * Conventions (the same as the OOD literature's: Hendrycks & Gimpel 2017, Liu et al. 2020):
 * - Every score is oriented so that HIGHER = more in-distribution; a detector accepts an example as
 *   in-distribution when its score is >= a threshold t.
 * - The positive class is in-distribution (AUROC, AUPR-in, TPR). AUPR-out makes OOD the positive class and
 *   negates the scores.
 * - Ties: examples with equal scores share one threshold; they are accepted or rejected together. AUROC counts a
 *   tied (in, out) pair as 1/2 (Mann–Whitney U), which is the trapezoidal area under the ROC curve.
 * - Average precision is step-wise, as scikit-learn's `average_precision_score`: AP = Σ_t (R_t − R_prev) · P_t over
 *   the distinct scores t in decreasing order (no interpolation).
 * - FPR@TPR: the threshold is the largest t with #(in >= t) / n_in >= tpr; FPR = #(out >= t) / n_out.
 *
 * Scores may be ±Infinity (they still order); NaN is refused. Fractions 0..1 throughout.
 */
import { HarnessInputError } from '../errors.js';
import { logSumExpRow } from './softmax.js';

// ---------------------------------------------------------------------------------------------------------------
// Scores from logits: logits row-major [N, C] in, one score per row [N] out.

/** max_k softmax(z)_k per row, in (0, 1]: Hendrycks & Gimpel's baseline. */
export function maxSoftmaxProbability(logits: ArrayLike<number>, numClasses: number): Float64Array {
  const n = checkLogits(logits, numClasses);
  const out = new Float64Array(n);
  // max softmax = exp(m - m) / Σ exp(z_k - m) = 1 / Σ exp(z_k - m), m the row maximum (never overflows)
  for (let i = 0, o = 0; i < n; i++, o += numClasses) {
    const m = rowMax(logits, o, numClasses);
    let s = 0;
    for (let k = 0; k < numClasses; k++) s += Math.exp(logits[o + k] - m);
    out[i] = 1 / s;
  }
  return out;
}

/** max_k z_k per row (Hendrycks et al. 2022's MaxLogit). */
export function maxLogit(logits: ArrayLike<number>, numClasses: number): Float64Array {
  const n = checkLogits(logits, numClasses);
  const out = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += numClasses) out[i] = rowMax(logits, o, numClasses);
  return out;
}

/**
 * Negative free energy per row: −E(z) = T · log Σ_k exp(z_k / T) (Liu et al. 2020), temperature T > 0 (default 1).
 * Computed stably (row maximum subtracted inside the log-sum-exp), so logits of ±1000 give finite scores.
 */
export function energyScore(logits: ArrayLike<number>, numClasses: number, temperature = 1): Float64Array {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new HarnessInputError(`temperature must be a finite number > 0; got ${temperature}`, 'temperature');
  }
  const n = checkLogits(logits, numClasses);
  const out = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += numClasses) out[i] = temperature * logSumExpRow(logits, o, numClasses, 1 / temperature);
  return out;
}

/** Validates a flat [N, C] logit matrix and returns N. */
function checkLogits(z: ArrayLike<number>, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new HarnessInputError(`numClasses must be a positive integer; got ${numClasses}`, 'numClasses');
  }
  if (z === null || typeof z !== 'object' || typeof z.length !== 'number') {
    throw new HarnessInputError('logits must be a flat row-major array [N * numClasses] of numbers', 'logits');
  }
  if (z.length === 0) throw new HarnessInputError('logits are empty: need at least one example', 'logits');
  if (z.length % numClasses !== 0) {
    throw new HarnessInputError(`logits have ${z.length} values, which is not a multiple of numClasses ${numClasses}`, 'logits');
  }
  for (let o = 0; o < z.length; o++) {
    const v = z[o];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const i = Math.floor(o / numClasses);
      const k = o - i * numClasses;
      if (Number.isNaN(v)) throw new HarnessInputError(`logits contain NaN at row ${i}, class ${k}`, 'logits');
      throw new HarnessInputError(`logit at row ${i}, class ${k} is ${String(v)}; logits must be finite numbers`, 'logits');
    }
  }
  return z.length / numClasses;
}

function rowMax(z: ArrayLike<number>, offset: number, numClasses: number): number {
  let m = -Infinity;
  for (let k = 0; k < numClasses; k++) if (z[offset + k] > m) m = z[offset + k];
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics from scores. All of them read one table: the distinct scores in decreasing order with how many in- and
// out-of-distribution examples have each, built by sorting both sets once (O(n log n)).

/** The four numbers a suite reports per (model, OOD set, score). Fractions 0..1. */
export interface OodDetectionMetrics {
  /** P(in-score > out-score) + ½ P(tie). 1 = perfect separation, 0.5 = chance. */
  auroc: number;
  /** Average precision with in-distribution as positive. Chance level = n_in / (n_in + n_out). */
  auprIn: number;
  /** Average precision with OOD as positive and negated scores. Chance level = n_out / (n_in + n_out). */
  auprOut: number;
  /** Fraction of OOD examples accepted at the threshold that accepts at least `tpr` of in-distribution ones. */
  fprAtTpr: number;
  /** The TPR used for fprAtTpr (0..1, default 0.95). */
  tpr: number;
}

/** Distinct scores, decreasing; inCount[g] and outCount[g] = how many examples of each set score exactly score[g]. */
interface ThresholdTable {
  score: Float64Array;
  inCount: Int32Array;
  outCount: Int32Array;
  groups: number;
  nIn: number;
  nOut: number;
}

/** AUROC, AUPR-in, AUPR-out and FPR at `tpr` (default 0.95) from one sort. */
export function oodDetectionMetrics(inScores: ArrayLike<number>, outScores: ArrayLike<number>, tpr = 0.95): OodDetectionMetrics {
  checkTpr(tpr);
  const t = thresholdTable(inScores, outScores);
  return { auroc: aurocOf(t), auprIn: auprInOf(t), auprOut: auprOutOf(t), fprAtTpr: fprAtTprOf(t, tpr), tpr };
}

/**
 * Area under the ROC curve, in-distribution positive: the probability that a random in-distribution score exceeds a
 * random OOD score, ties counted 1/2 (Mann–Whitney U / (n_in · n_out)).
 */
export function auroc(inScores: ArrayLike<number>, outScores: ArrayLike<number>): number {
  return aurocOf(thresholdTable(inScores, outScores));
}

/**
 * Average precision (AUPR) of `positiveScores` against `negativeScores`, higher = positive: step-wise, as
 * scikit-learn's `average_precision_score`, AP = Σ_t (R_t − R_prev) · P_t over the distinct scores t, decreasing,
 * with P_t = #(pos >= t) / #(all >= t) and R_t = #(pos >= t) / n_pos. Tied scores form one threshold.
 */
export function averagePrecision(positiveScores: ArrayLike<number>, negativeScores: ArrayLike<number>): number {
  return auprInOf(thresholdTable(positiveScores, negativeScores));
}

/** AUPR-in: average precision with in-distribution as positive (see averagePrecision). */
export function auprIn(inScores: ArrayLike<number>, outScores: ArrayLike<number>): number {
  return auprInOf(thresholdTable(inScores, outScores));
}

/** AUPR-out: average precision with OOD as positive and the scores negated (see averagePrecision). */
export function auprOut(inScores: ArrayLike<number>, outScores: ArrayLike<number>): number {
  return auprOutOf(thresholdTable(inScores, outScores));
}

/**
 * FPR at `tpr` (default 0.95, in (0, 1]): with the threshold t = the largest score such that
 * #(in >= t) / n_in >= tpr (so ties at t are all accepted and the achieved TPR may exceed `tpr`), the fraction of OOD
 * examples accepted, #(out >= t) / n_out.
 */
export function fprAtTpr(inScores: ArrayLike<number>, outScores: ArrayLike<number>, tpr = 0.95): number {
  checkTpr(tpr);
  return fprAtTprOf(thresholdTable(inScores, outScores), tpr);
}

/** One ROC point per distinct threshold, from (0, 0) (accept nothing) to (1, 1) (accept everything). */
export interface RocCurve {
  /** False positive rate: fraction of OOD examples accepted, non-decreasing. */
  fpr: Float64Array;
  /** True positive rate: fraction of in-distribution examples accepted, non-decreasing. */
  tpr: Float64Array;
  /** The threshold of each point (accept score >= threshold), decreasing; +Infinity for (0, 0). */
  threshold: Float64Array;
}

/** The ROC curve, in-distribution positive; its trapezoidal area equals `auroc` (tied thresholds give diagonals). */
export function rocCurve(inScores: ArrayLike<number>, outScores: ArrayLike<number>): RocCurve {
  const t = thresholdTable(inScores, outScores);
  const fpr = new Float64Array(t.groups + 1);
  const tpr = new Float64Array(t.groups + 1);
  const threshold = new Float64Array(t.groups + 1);
  threshold[0] = Infinity;
  let cumIn = 0;
  let cumOut = 0;
  for (let g = 0; g < t.groups; g++) {
    cumIn += t.inCount[g];
    cumOut += t.outCount[g];
    fpr[g + 1] = cumOut / t.nOut;
    tpr[g + 1] = cumIn / t.nIn;
    threshold[g + 1] = t.score[g];
  }
  return { fpr, tpr, threshold };
}

function aurocOf(t: ThresholdTable): number {
  // Each OOD example at score s wins against the in-distribution examples above s and ties with those at s.
  let inAbove = 0;
  let u = 0; // Mann–Whitney U of the in-distribution set, an integer or half-integer (exact in a double up to 2^52)
  for (let g = 0; g < t.groups; g++) {
    u += t.outCount[g] * (inAbove + t.inCount[g] / 2);
    inAbove += t.inCount[g];
  }
  return u / (t.nIn * t.nOut);
}

function auprInOf(t: ThresholdTable): number {
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = 0; g < t.groups; g++) {
    tp += t.inCount[g];
    fp += t.outCount[g];
    if (t.inCount[g] > 0) ap += (t.inCount[g] / t.nIn) * (tp / (tp + fp));
  }
  return ap;
}

function auprOutOf(t: ThresholdTable): number {
  // negating the scores reverses the order of the same groups
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = t.groups - 1; g >= 0; g--) {
    tp += t.outCount[g];
    fp += t.inCount[g];
    if (t.outCount[g] > 0) ap += (t.outCount[g] / t.nOut) * (tp / (tp + fp));
  }
  return ap;
}

function fprAtTprOf(t: ThresholdTable, tpr: number): number {
  // Lowering the threshold group by group, the first group where the cumulative TPR reaches `tpr` is the largest such t.
  let cumIn = 0;
  let cumOut = 0;
  for (let g = 0; g < t.groups; g++) {
    cumIn += t.inCount[g];
    cumOut += t.outCount[g];
    if (cumIn / t.nIn >= tpr) return cumOut / t.nOut;
  }
  return 1; // unreachable: the last group has cumIn = nIn and tpr <= 1
}

function checkTpr(tpr: number): void {
  if (!(typeof tpr === 'number' && tpr > 0 && tpr <= 1)) {
    throw new HarnessInputError(`tpr must be a fraction in (0, 1] (e.g. 0.95); got ${String(tpr)}`, 'tpr');
  }
}

function thresholdTable(inScores: ArrayLike<number>, outScores: ArrayLike<number>): ThresholdTable {
  const a = sortedDescending(inScores, 'inScores', 'in-distribution');
  const b = sortedDescending(outScores, 'outScores', 'out-of-distribution');
  const size = a.length + b.length;
  const score = new Float64Array(size);
  const inCount = new Int32Array(size);
  const outCount = new Int32Array(size);
  let i = 0;
  let j = 0;
  let g = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] >= b[j]) ? a[i] : b[j];
    // === groups -0 with 0, as the ordering does
    let ni = 0;
    while (i < a.length && a[i] === v) {
      i++;
      ni++;
    }
    let no = 0;
    while (j < b.length && b[j] === v) {
      j++;
      no++;
    }
    score[g] = v;
    inCount[g] = ni;
    outCount[g] = no;
    g++;
  }
  return { score, inCount, outCount, groups: g, nIn: a.length, nOut: b.length };
}

/** A sorted (decreasing) copy, after checking the scores are a non-empty array without NaN. */
function sortedDescending(scores: ArrayLike<number>, what: string, which: string): Float64Array {
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number') {
    throw new HarnessInputError(`${what} must be an array of numbers`, what);
  }
  if (scores.length === 0) throw new HarnessInputError(`${what} are empty: need at least one ${which} score`, what);
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (typeof v !== 'number') throw new HarnessInputError(`${what} entry ${i} is not a number (got ${JSON.stringify(v)})`, what);
    if (Number.isNaN(v)) throw new HarnessInputError(`${what} contain NaN at index ${i}`, what);
    out[i] = v;
  }
  return out.sort().reverse(); // typed-array sort is numeric
}
