/**
 * What the regression gate compares: per model, the metrics below, each with the direction that counts as worse
 * and the tolerance kind that sets its default allowance (src/gate/tolerances.ts).
 */
import type { MetricKind } from '../report/format.js';
import { asScorecard, ScorecardFile } from '../scorecard/read.js';
import { metricValue } from '../scorecard/scorecard.js';

/** Which default allowance a metric gets. */
export type ToleranceKind = 'accuracy' | 'calibration' | 'loss' | 'sparsity' | 'structure' | 'timing';

/** 'higher' / 'lower': which direction is better (moving the other way beyond the tolerance regresses); 'both': any move beyond it regresses. */
export type GateDirection = 'higher' | 'lower' | 'both';

export interface GateMetric {
  /** Dotted key in a model's result (`test.accuracy`), or in its timing (`timing.trainSeconds`). */
  key: string;
  label: string;
  better: GateDirection;
  tolerance: ToleranceKind;
  /** How values print (fractions as fractions in the gate: the scorecard's units). */
  kind: MetricKind;
}

/** Every metric the gate compares, per model. It covers every HEADLINE_METRICS key (a test checks that). */
export const GATE_METRICS: readonly GateMetric[] = [
  { key: 'test.accuracy', label: 'test accuracy', better: 'higher', tolerance: 'accuracy', kind: 'fraction' },
  { key: 'test.ece', label: 'test ECE', better: 'lower', tolerance: 'calibration', kind: 'fraction' },
  { key: 'test.nll', label: 'test NLL', better: 'lower', tolerance: 'loss', kind: 'number' },
  { key: 'training.finalValidationAccuracy', label: 'final validation accuracy', better: 'higher', tolerance: 'accuracy', kind: 'fraction' },
  { key: 'test.meanNonzeroFraction', label: 'nonzero MLP activations (test)', better: 'both', tolerance: 'sparsity', kind: 'fraction' },
  { key: 'parameterCount', label: 'parameters', better: 'both', tolerance: 'structure', kind: 'count' },
  { key: 'forwardFlopsPerImage', label: 'forward FLOPs per image', better: 'both', tolerance: 'structure', kind: 'count' },
  { key: 'timing.trainSeconds', label: 'train time (s)', better: 'lower', tolerance: 'timing', kind: 'seconds' },
  { key: 'timing.trainImagesPerSecond', label: 'train images/s', better: 'higher', tolerance: 'timing', kind: 'rate' },
  { key: 'timing.inferImagesPerSecond', label: 'inference images/s', better: 'higher', tolerance: 'timing', kind: 'rate' },
];

/** The metric keys the gate knows (valid keys of a tolerances file). */
export const GATE_METRIC_KEYS: readonly string[] = GATE_METRICS.map((m) => m.key);

/** A model's value of a metric key: a finite number, or null when absent or not finite. */
export function metricAt(card: ScorecardFile, model: string, key: string): number | null {
  return metricValue(asScorecard(card), model, key);
}
