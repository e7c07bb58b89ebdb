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
 * Suite headline scalars (key 'suites.<suite>.<key>', e.g. 'suites.label-noise.uniform:0.4/accuracy') get a
 * direction and one of the kinds above from the last '/'-separated part of their key (suiteGateRule in
 * src/gate/metrics.ts):
 * - accuracies (ending in 'accuracy' / 'Accuracy': 'uniform:0.4/accuracy', 'uniform:0.4/peakValidationAccuracy',
 *   'noiseAverageAccuracy', 'gaussian_noise/meanAccuracy'): accuracy, may drop by 0.02.
 * - ECE-like calibration errors ('ece', 'mce', 'adaptiveEce', 'classwiseEce', 'eceAfterTemperature',
 *   '<spec>/ece'): calibration, may rise by 0.02.
 * - nonzero MLP fractions of the sparsity suite ('trainNonzero', 'testNonzero', 'testNonzero/layerN',
 *   'validationNonzero@E', 'validationNonzero@E/layerN'): sparsity, ±0.02.
 * - memorisation ('<spec>/memorised', '<spec>/memorised@E': the share of noisy training labels fitted): the
 *   accuracy allowance (it is a training accuracy on the noisy labels) but either way, because fitting more noise
 *   is worse while fitting less may mean the model learned less: ±0.02.
 * - 'brier' (and 'nll'): loss, may rise by 0.05.
 * - 'temperature' (the temperature fitted on validation, around 1): the loss allowance either way, ±0.05 (no kind of
 *   its own): a tighter allowance would flag float noise (validation NLL is flat near its minimum), a looser one
 *   would miss a change of the logits' scale.
 * - anything else: either way, with the accuracy allowance (±0.02) for a 'fraction' headline and the loss allowance
 *   (±0.05) for a 'number' one.
 * A single-seed scorecard's scalars come from Suite.headline of scorecard.suites; a multi-seed aggregate's are the
 * means over seeds in statistics.metrics. A scalar only the current run has passes ('new'); one only the baseline
 * has regresses (dropping a suite from the config therefore fails the gate, unless its keys are "ignore"d).
 *
 * A tolerances file (JSON) overrides them per metric key:
 *   { "test.accuracy": 0.01,                                  absolute allowance
 *     "test.nll": { "relative": 0.1 },                        10% of the baseline value
 *     "timing.trainImagesPerSecond": { "relative": 0.5 },     gate a timing
 *     "test.meanNonzeroFraction": "ignore",                   do not gate it
 *     "suites.calibration.temperature": 0.1 }                 a suite scalar
 * A suite key must name a known suite (a built-in or a loaded plugin suite; otherwise an error lists them); the key after the suite name is
 * not checked, because headline keys depend on the run (noise specs, corruptions, depth, milestone epochs): instead,
 * the gate's report lists the overrides that matched no compared metric. There are no wildcards.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { knownSuiteNames } from '../suite/loaded.js';
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
 * Why a suite key ('suites.<suite>.<key>') of a tolerances file is invalid, or null when it is valid: the suite must
 * be a known one; the key within it is not checked (it depends on the run).
 */
export function suiteKeyProblem(key: string): string | null {
  const m = /^suites\.([^.]*)(?:\.(.*))?$/.exec(key);
  if (!m) return null;
  const [, suite, rest] = m;
  const known = knownSuiteNames(); // the built-ins and any plugin suites loaded in this process
  if (!known.includes(suite)) return unknownChoiceMessage('suite', suite, known);
  if (!rest) return `a suite key must be suites.${suite}.<headline key>`;
  if (rest.includes('*')) return 'wildcards are not supported: name each headline key';
  return null;
}

/**
 * Validate a parsed tolerances object. Unknown metric keys are errors with the allowed keys ("$schema" and
 * "description" are allowed for documentation). Suite keys 'suites.<suite>.<key>' must name a known suite; the
 * headline key after it is accepted as is (see the module comment).
 */
export function parseTolerances(raw: unknown, source: string): ToleranceOverrides {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HarnessInputError(`tolerances ${source} must be a JSON object mapping metric keys to tolerances`, source);
  }
  const out: Record<string, Tolerance> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '$schema' || key === 'description') continue;
    if (key.startsWith('suites.')) {
      const problem = suiteKeyProblem(key);
      if (problem) {
        problems.push(`  ${key}: ${problem}`);
        continue;
      }
    } else if (!GATE_METRIC_KEYS.includes(key)) {
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
