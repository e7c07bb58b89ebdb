/**
 * How far a metric may move in its worse direction before the gate calls it a regression.
 *
 * Defaults per metric kind (values in the scorecard's units: fractions 0..1, NLL in nats):
 * - accuracy (test accuracy, final validation accuracy): may drop by at most 0.02 absolute (2 points). Same config,
 *   seed and backend give identical numbers; the allowance absorbs backend and platform float differences (wasm vs
 *   tfjs-node) and is about 1.3 binomial standard errors on the smoke preset's 1000 test images.
 * - calibration (ECE): may rise by at most 0.02 absolute.
 * - loss (NLL): may rise by at most 0.05 nats.
 * - sparsity (mean nonzero MLP fraction): may move by at most 0.02 absolute either way (Top-k's is fixed by k; a move
 *   means the activation changed).
 * - structure (parameter count, FLOPs): must not change (0).
 * - timing (train time, throughput): ignored: wall-clock varies between machines and runs.
 *
 * A tolerances file (JSON) overrides them per metric key:
 *   { "test.accuracy": 0.01,                                  absolute allowance
 *     "test.nll": { "relative": 0.1 },                        10% of the baseline value
 *     "timing.trainImagesPerSecond": { "relative": 0.5 },     gate a timing
 *     "test.meanNonzeroFraction": "ignore" }                  do not gate it
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { GATE_METRIC_KEYS, ToleranceKind } from './metrics.js';

/** An allowance: absolute (metric units), relative (fraction of |baseline|), or not gated. */
export type Tolerance = { absolute: number } | { relative: number } | 'ignore';

/** The default allowance of each tolerance kind (see the module comment for the reasons). */
export const DEFAULT_TOLERANCES: Readonly<Record<ToleranceKind, Tolerance>> = {
  accuracy: { absolute: 0.02 },
  calibration: { absolute: 0.02 },
  loss: { absolute: 0.05 },
  sparsity: { absolute: 0.02 },
  structure: { absolute: 0 },
  timing: 'ignore',
};

/** Per-metric-key overrides, as read from a tolerances file. */
export type ToleranceOverrides = Readonly<Record<string, Tolerance>>;

const allowance = z.number().nonnegative();
const toleranceSchema = z.union([
  allowance.transform((absolute) => ({ absolute })),
  z.strictObject({ absolute: allowance }),
  z.strictObject({ relative: allowance }),
  z.literal('ignore'),
]);

/**
 * Validate a parsed tolerances object. Unknown metric keys are errors with the allowed keys ("$schema" and
 * "description" are allowed for documentation).
 */
export function parseTolerances(raw: unknown, source: string): ToleranceOverrides {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HarnessInputError(`tolerances ${source} must be a JSON object mapping metric keys to tolerances`, source);
  }
  const out: Record<string, Tolerance> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '$schema' || key === 'description') continue;
    if (!GATE_METRIC_KEYS.includes(key)) {
      problems.push(`  ${key}: ${unknownChoiceMessage('metric key', key, GATE_METRIC_KEYS)}`);
      continue;
    }
    const res = toleranceSchema.safeParse(value);
    if (!res.success) {
      problems.push(`  ${key}: must be a number >= 0 (absolute), {"absolute": n}, {"relative": n} or "ignore" (got ${JSON.stringify(value)})`);
      continue;
    }
    out[key] = res.data;
  }
  if (problems.length) throw new HarnessInputError(`invalid tolerances ${source}:\n${problems.join('\n')}`, source);
  return out;
}

/** Read and validate a tolerances JSON file. */
export function readTolerances(file: string): ToleranceOverrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new HarnessInputError(err.code === 'ENOENT' ? `tolerances file ${file} does not exist` : `cannot read tolerances file ${file}: ${err.message}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HarnessInputError(`tolerances file ${file} is not valid JSON: ${(e as Error).message}`, file);
  }
  return parseTolerances(raw, `file ${file}`);
}

/** The allowance for one metric: its override, else its kind's default. */
export function toleranceFor(key: string, kind: ToleranceKind, overrides: ToleranceOverrides = {}): Tolerance {
  return overrides[key] ?? DEFAULT_TOLERANCES[kind];
}

/** The allowance in metric units for a baseline value (relative tolerances scale with |baseline|). */
export function allowedChange(t: Exclude<Tolerance, 'ignore'>, baseline: number): number {
  return 'absolute' in t ? t.absolute : t.relative * Math.abs(baseline);
}
