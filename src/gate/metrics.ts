/**
 * What the regression gate compares: per model, the metrics below (GATE_METRICS), each with the direction that counts
 * as worse and the tolerance kind that sets its default allowance (src/gate/tolerances.ts); then every headline
 * scalar of every suite (Suite.headline), under keys 'suites.<suite>.<key>', with the direction and kind that
 * suiteGateRule picks from the key.
 */
import { headlineOf } from '../suite/loaded.js';
import { HarnessInputError } from '../errors.js';
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
  /** Set for a suite headline scalar ('suites.<suite>.<key>'): the suite's name; its label then starts with it. */
  suite?: string;
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

/** A suite headline scalar of one scorecard: its gate metric and each model's value. */
export interface SuiteGateValues {
  metric: GateMetric;
  values: Record<string, number | null>;
}

/**
 * The direction and tolerance kind of a suite headline scalar, from its key within the suite and its kind (the
 * module comment of src/gate/tolerances.ts lists the rules and their reasons):
 * - '<spec>/memorised', '<spec>/memorised@E' (share of noisy labels fitted): accuracy allowance, either way;
 * - keys ending in 'accuracy' / 'Accuracy': accuracy, higher is better;
 * - ECE-like keys ('ece', 'mce', 'rmsce', '…Ece', '…Mce', optionally followed by 'AfterTemperature'): calibration,
 *   lower is better;
 * - nonzero-activation keys ('trainNonzero', 'testNonzero/layerN', 'validationNonzero@E/layerN', …): sparsity,
 *   either way;
 * - 'brier', 'nll' (optionally '…AfterTemperature'): loss, lower is better;
 * - 'temperature' (the fitted temperature): loss allowance, either way;
 * - anything else: either way, with the accuracy allowance for a fraction and the loss allowance for a number.
 * Each rule matches the key's last '/'-separated part, so a spec or corruption prefix never matters.
 */
export function suiteGateRule(key: string, kind: 'fraction' | 'number'): { better: GateDirection; tolerance: ToleranceKind } {
  const leaf = key.slice(key.lastIndexOf('/') + 1);
  if (/^memorised(@\d+)?$/.test(leaf)) return { better: 'both', tolerance: 'accuracy' };
  if (/(accuracy|Accuracy)$/.test(leaf)) return { better: 'higher', tolerance: 'accuracy' };
  if (/^(ece|mce|rmsce|[a-z][A-Za-z]*(Ece|Mce))(AfterTemperature)?$/.test(leaf)) return { better: 'lower', tolerance: 'calibration' };
  if (/Nonzero(@\d+)?$/.test(leaf) || (/^layer\d+$/.test(leaf) && /Nonzero(@\d+)?\/layer\d+$/.test(key))) return { better: 'both', tolerance: 'sparsity' };
  if (/^(brier|nll)(AfterTemperature)?$/.test(leaf)) return { better: 'lower', tolerance: 'loss' };
  if (leaf === 'temperature') return { better: 'both', tolerance: 'loss' };
  return { better: 'both', tolerance: kind === 'fraction' ? 'accuracy' : 'loss' };
}

/** The gate metric of the suite scalar 'suites.<suite>.<key>' (label: '<suite>: <headline label>'). */
export function suiteGateMetric(suite: string, key: string, label: string, kind: 'fraction' | 'number'): GateMetric {
  return { key: `suites.${suite}.${key}`, label, kind, suite, ...suiteGateRule(key, kind) };
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Every suite headline scalar of a scorecard, in suite then headline order, with each model's value. A multi-seed
 * aggregate (it has `statistics`, and empty `suites`) gives the mean over seeds of each 'suites.<suite>.<key>' of
 * statistics.metrics; a single-seed scorecard gives Suite.headline of each result in `suites` (suites without a
 * headline, or not in the SUITES registry, give none). `which` names the scorecard in an error: a suite result this
 * harness cannot read (written by an older version) is a HarnessInputError.
 */
export function suiteGateValues(card: ScorecardFile, which = 'scorecard'): SuiteGateValues[] {
  const models = card.config.models.map((m) => m.name);
  const stats = card.statistics;
  if (stats) {
    const keys = [...new Set([...Object.keys(stats.labels ?? {}), ...models.flatMap((m) => Object.keys(stats.metrics[m] ?? {}))])].filter((k) => k.startsWith('suites.'));
    return keys.flatMap((full) => {
      const m = /^suites\.([^.]+)\.(.+)$/.exec(full);
      if (!m) return [];
      const info = stats.labels?.[full] ?? { label: full.slice('suites.'.length), kind: 'number' as const };
      const values = Object.fromEntries(models.map((name) => [name, finite(stats.metrics[name]?.[full]?.mean)]));
      return [{ metric: suiteGateMetric(m[1], m[2], info.label, info.kind), values }];
    });
  }
  const names = [...card.config.suites.filter((n) => n in card.suites), ...Object.keys(card.suites).filter((n) => !card.config.suites.includes(n))];
  return names.flatMap((name) => {
    let headline;
    try {
      headline = headlineOf(card, name);
      if (headline === undefined) return [];
    } catch (e) {
      throw new HarnessInputError(
        `the ${which}'s ${name} suite result cannot be read by this harness (${(e as Error).message}); it was probably written by another version: regenerate it`,
        `suites.${name}`,
      );
    }
    return headline.map((h) => ({
      metric: suiteGateMetric(name, h.key, `${name}: ${h.label}`, h.kind),
      values: Object.fromEntries(models.map((model) => [model, finite(h.values[model])])),
    }));
  });
}
