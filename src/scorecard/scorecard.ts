/**
 * The scorecard: what a run measured, per model, with the provenance needed to trust and reproduce it.
 * Fractions are 0..1 numbers (never percent strings). Everything outside `timing` and `provenance` is a
 * deterministic function of (config, seed, backend): two runs with the same inputs give the same values there.
 */
import type { z } from 'zod';
import type { RunConfig } from '../config/run-config.js';
import type { scorecardSchema } from './schema.js';

/**
 * The types are inferred from the zod schema (src/scorecard/schema.ts), the one description of scorecard.json: its
 * `.describe()` texts and comments document each field. Only `config` is typed tighter than the schema: the schema
 * passes the suites' config sections through (a reader must accept scorecards from before a suite existed), while
 * the harness writes its own resolved RunConfig.
 */
type ScorecardSchemaType = z.infer<typeof scorecardSchema>;

export type Scorecard = Omit<ScorecardSchemaType, 'config'> & { config: RunConfig };
/** Measured results of one model (one scorecard column). */
export type ModelResult = ScorecardSchemaType['models'][string];
/** Wall-clock measurements: real, but they vary between runs and machines. */
export type ModelTiming = ScorecardSchemaType['timing']['models'][string];
/** Each suite's version, source and headline scalars (Scorecard.suiteMeta). */
export type SuiteMeta = NonNullable<ScorecardSchemaType['suiteMeta']>[string];
/** An external model that `evaluate` ran (scorecard.provenance.modelFiles). */
export type ModelFile = NonNullable<ScorecardSchemaType['provenance']['modelFiles']>[string];

/** Metrics shown in the comparison table: key path, label, and which direction is better. */
export const HEADLINE_METRICS: { key: string; label: string; better: 'higher' | 'lower' | 'none'; kind: 'fraction' | 'number' | 'count' | 'seconds' | 'rate' }[] = [
  { key: 'test.accuracy', label: 'test accuracy', better: 'higher', kind: 'fraction' },
  { key: 'test.nll', label: 'test NLL', better: 'lower', kind: 'number' },
  { key: 'test.ece', label: 'test ECE', better: 'lower', kind: 'fraction' },
  { key: 'test.meanNonzeroFraction', label: 'nonzero MLP activations (test)', better: 'none', kind: 'fraction' },
  { key: 'parameterCount', label: 'parameters', better: 'none', kind: 'count' },
  { key: 'timing.trainSeconds', label: 'train time (s)', better: 'lower', kind: 'seconds' },
  { key: 'timing.trainImagesPerSecond', label: 'train images/s', better: 'higher', kind: 'rate' },
  { key: 'timing.inferImagesPerSecond', label: 'inference images/s', better: 'higher', kind: 'rate' },
];

/** Look up a dotted metric key in a model's result, or its timing when the key starts with 'timing.'. */
export function metricValue(card: Scorecard, model: string, key: string): number | null {
  const root: unknown = key.startsWith('timing.') ? card.timing.models[model] : card.models[model];
  let cur: unknown = root;
  for (const part of key.replace(/^timing\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

/** model − baseline for every headline metric (deterministic ones and timings alike). */
export function computeDeltas(card: Omit<Scorecard, 'deltas'>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const full = card as Scorecard;
  for (const name of Object.keys(card.models)) {
    if (name === card.baseline) continue;
    out[name] = {};
    for (const m of HEADLINE_METRICS) {
      if (m.key.startsWith('timing.')) continue; // timings are compared as a ratio in the report, not stored as deltas
      const a = metricValue(full, name, m.key);
      const b = metricValue(full, card.baseline, m.key);
      if (a !== null && b !== null) out[name][m.key] = a - b;
    }
  }
  return out;
}
