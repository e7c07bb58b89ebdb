/** The OOD scores (each oriented higher = more in-distribution), the operating point and the conventions in words. */
import { energyScore, maxLogit, maxSoftmaxProbability } from 'topk-harness/metrics';

/** The scores, each oriented higher = more in-distribution. */
export const OOD_SCORES = ['msp', 'maxLogit', 'energy'] as const;
export type OodScoreName = (typeof OOD_SCORES)[number];

/** FPR is reported at this TPR (the literature's FPR95). */
export const TPR = 0.95;

/** The score the ROC figures and the headline use: MSP, the baseline every OOD paper reports. */
export const FIGURE_SCORE: OodScoreName = 'msp';

/** How tables and figures name each score. */
export const SCORE_LABEL: Record<OodScoreName, string> = { msp: 'MSP', maxLogit: 'max logit', energy: 'energy (T = 1)' };

export const CONVENTION =
  'Scores are oriented so that higher = more in-distribution: msp = max softmax probability, maxLogit = max logit, ' +
  'energy = logsumexp of the logits (negative free energy, T = 1). The positive class is in-distribution (AUROC, ' +
  'AUPR-in, TPR); AUPR-out makes OOD the positive class with negated scores. Tied scores form one threshold: AUROC ' +
  'counts a tied (in, OOD) pair as 1/2, AUPR is step-wise average precision (as scikit-learn\'s average_precision_score). ' +
  'fpr95 = #(OOD >= t) / n_OOD at the largest threshold t with #(in >= t) / n_in >= 0.95. Fractions 0..1.';

/** The three scores of every row of a [N, C] logit matrix. */
export function scores(logits: Float32Array, numClasses: number): Record<OodScoreName, Float64Array> {
  return { msp: maxSoftmaxProbability(logits, numClasses), maxLogit: maxLogit(logits, numClasses), energy: energyScore(logits, numClasses) };
}
