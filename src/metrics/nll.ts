/**
 * Negative log-likelihood (cross-entropy) of the true class: mean over examples of −ln p_{i,y_i}, natural log,
 * in nats, range [0, −ln NLL_EPSILON] per example.
 *
 * Clamping: from probabilities, p_{i,y_i} is clamped below at NLL_EPSILON = 1e-12 before the log, so a
 * zero probability on the true class costs 27.63 nats instead of Infinity. When the predictions were built
 * from logits (`logits: true`), the exact log-softmax is used instead (−ln p = logsumexp(z_i) − z_{i,y_i}),
 * with no clamp, so extreme logits keep their true (possibly large) loss.
 */
import { toLabels, toPredictions, type PredictionOptions, type ProbabilityInput } from './predictions.js';
import { logSumExpRow } from './softmax.js';

/** Probabilities below this are raised to it before −ln (so −ln p <= 27.631 nats). */
export const NLL_EPSILON = 1e-12;

/** −ln p_{i,y_i} for every example (see the module comment for the clamp). */
export function nllPerExample(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: PredictionOptions = {},
): Float64Array {
  const p = toPredictions(preds, options);
  const y = toLabels(labels, p.n, p.numClasses);
  const { n, numClasses: c } = p;
  const out = new Float64Array(n);
  if (p.logits) {
    const z = p.logits;
    for (let i = 0, o = 0; i < n; i++, o += c) out[i] = logSumExpRow(z, o, c) - z[o + y[i]];
    return out;
  }
  const probs = p.probs;
  for (let i = 0, o = 0; i < n; i++, o += c) {
    const q = probs[o + y[i]];
    out[i] = -Math.log(q > NLL_EPSILON ? q : NLL_EPSILON);
  }
  return out;
}

/** Mean negative log-likelihood in nats (natural log). */
export function negativeLogLikelihood(
  preds: ProbabilityInput,
  labels: ArrayLike<number>,
  options: PredictionOptions = {},
): number {
  const v = nllPerExample(preds, labels, options);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}
