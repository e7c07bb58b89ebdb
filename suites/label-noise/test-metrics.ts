/** Clean-test-split metrics of a model, and their differences (drop from clean labels, model − baseline). */
import type { RunConfig } from '../../src/config/run-config.js';
import type { Predictions } from '../../src/eval/predict.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { expectedCalibrationError } from '../../src/metrics/ece.js';
import { negativeLogLikelihood } from '../../src/metrics/nll.js';
import type { TestMetrics } from './types.js';

/** Accuracy, NLL and ECE of test predictions (from the logits, as the scorecard's headline numbers). */
export function testMetrics(p: Predictions, labels: Uint8Array, config: RunConfig): TestMetrics {
  const logits = { data: p.logits, numClasses: p.numClasses };
  return {
    accuracy: accuracy(logits, labels, { logits: true }),
    nll: negativeLogLikelihood(logits, labels, { logits: true }),
    ece: expectedCalibrationError(logits, labels, { bins: config.eval.eceBins, rule: config.eval.eceRule, logits: true }).ece,
  };
}

/** How much worse the noisy-label model is: accuracy clean − noisy, NLL and ECE noisy − clean. */
export function drop(clean: TestMetrics, noisy: TestMetrics): TestMetrics {
  return { accuracy: clean.accuracy - noisy.accuracy, nll: noisy.nll - clean.nll, ece: noisy.ece - clean.ece };
}

/** a − b, metric by metric. */
export function minus(a: TestMetrics, b: TestMetrics): TestMetrics {
  return { accuracy: a.accuracy - b.accuracy, nll: a.nll - b.nll, ece: a.ece - b.ece };
}
