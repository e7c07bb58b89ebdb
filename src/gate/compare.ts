/**
 * The regression gate's comparison: a current scorecard against a baseline, metric by metric and model by model,
 * with direction-aware tolerances: each model's headline metrics (GATE_METRICS), then every suite headline scalar
 * ('suites.<suite>.<key>', src/gate/metrics.ts suiteGateValues). Pure functions: scorecards in, a result (data)
 * out; src/cli/check-command.ts prints it and sets the exit code.
 */
import { HarnessInputError } from '../errors.js';
import type { ScorecardFile } from '../scorecard/read.js';
import { stableStringify } from '../util/atomic.js';
import { GATE_METRICS, GateMetric, metricAt, SuiteGateValues, suiteGateValues } from './metrics.js';
import { allowedChange, Tolerance, toleranceFor, ToleranceOverrides } from './tolerances.js';

/**
 * The fields two scorecards must share to be compared: the data (dataset, split sizes and the fingerprints of the
 * exact images), the architecture, the models list (names and k, in order), epochs, the seed and the ECE binning.
 * Everything else (learning rate, batch size, backend, code) may differ: that is what the gate measures.
 */
export const COMPARABLE_FIELDS: readonly { path: string; get: (c: ScorecardFile) => unknown }[] = [
  { path: 'config.data.dataset', get: (c) => c.config.data.dataset },
  { path: 'data.trainCount', get: (c) => c.data.trainCount },
  { path: 'data.validationCount', get: (c) => c.data.validationCount },
  { path: 'data.testCount', get: (c) => c.data.testCount },
  { path: 'data.fingerprints.train', get: (c) => c.data.fingerprints.train },
  { path: 'data.fingerprints.validation', get: (c) => c.data.fingerprints.validation },
  { path: 'data.fingerprints.test', get: (c) => c.data.fingerprints.test },
  ...(['patchSize', 'dim', 'depth', 'heads', 'mlpDim', 'pool'] as const).map((k) => ({ path: `config.model.${k}`, get: (c: ScorecardFile) => c.config.model[k] })),
  { path: 'config.models', get: (c) => c.config.models.map((m) => ({ name: m.name, k: m.k })) },
  { path: 'config.train.epochs', get: (c) => c.config.train.epochs },
  { path: 'config.seed', get: (c) => c.config.seed },
  { path: 'config.seeds', get: (c) => c.config.seeds ?? null },
  { path: 'config.eval.eceBins', get: (c) => c.config.eval.eceBins },
  { path: 'config.eval.eceRule', get: (c) => c.config.eval.eceRule },
];

function show(v: unknown): string {
  if (Array.isArray(v) && v.every((m) => m && typeof m === 'object' && 'name' in m)) {
    return v.map((m: { name: string; k: unknown }) => (m.k === null ? m.name : `${m.name} (k=${Array.isArray(m.k) ? m.k.join('/') : m.k})`)).join(', ');
  }
  return JSON.stringify(v);
}

/** The comparable fields that differ, as "path: baseline X, current Y" lines ([] when comparable). */
export function configDifferences(baseline: ScorecardFile, current: ScorecardFile): { path: string; baseline: string; current: string }[] {
  const out: { path: string; baseline: string; current: string }[] = [];
  for (const f of COMPARABLE_FIELDS) {
    const a = f.get(baseline);
    const b = f.get(current);
    if (stableStringify(a) !== stableStringify(b)) out.push({ path: f.path, baseline: show(a), current: show(b) });
  }
  return out;
}

/** Throw HarnessInputError (exit 2) naming every comparable field that differs. */
export function assertComparable(baseline: ScorecardFile, current: ScorecardFile, names = { baseline: 'baseline', current: 'scorecard' }): void {
  const diffs = configDifferences(baseline, current);
  if (diffs.length === 0) return;
  throw new HarnessInputError(
    `cannot compare ${names.current} with ${names.baseline}: ${diffs.map((d) => d.path).join(', ')} differ${diffs.length === 1 ? 's' : ''}\n` +
      diffs.map((d) => `  ${d.path}: baseline ${d.baseline}, current ${d.current}`).join('\n') +
      `\nThe gate compares runs of the same data, architecture, models, epochs and seed; regenerate the baseline from this config if the change is intended.`,
    diffs[0].path,
  );
}

/** ok: within tolerance (unchanged or a small worse move); improved: moved the better way; regressed: beyond the allowance or went missing; ignored: not gated. */
export type GateStatus = 'ok' | 'improved' | 'regressed' | 'ignored';

export interface GateRow {
  metric: GateMetric;
  model: string;
  baseline: number | null;
  current: number | null;
  /** current − baseline (null when either is missing). */
  delta: number | null;
  tolerance: Tolerance;
  /** The allowance in metric units (null when ignored or the baseline is missing). */
  allowed: number | null;
  status: GateStatus;
  /** Why, in words: 'dropped by 0.0350, more than the 0.0200 allowed'. */
  reason: string;
}

export interface GateResult {
  /** The model headline metrics first (metric by metric, model by model), then the suite scalars (same order). */
  rows: GateRow[];
  regressions: GateRow[];
  /** Keys of the tolerance overrides that matched no compared metric (e.g. a suite key this run does not report). */
  unmatchedOverrides: string[];
  /** 0: nothing regressed; 1: at least one metric regressed. */
  exitCode: 0 | 1;
}

/** Floating-point slack so that a move of exactly the tolerance passes. */
const EPS = 1e-9;

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4);
}

/** Compare one metric of one model. */
export function compareMetric(metric: GateMetric, model: string, baseline: number | null, current: number | null, tolerance: Tolerance): GateRow {
  const base = { metric, model, baseline, current, tolerance, delta: baseline !== null && current !== null ? current - baseline : null };
  if (tolerance === 'ignore') return { ...base, allowed: null, status: 'ignored', reason: 'not gated' };
  if (baseline === null) return { ...base, allowed: null, status: 'ok', reason: current === null ? 'absent from both' : 'new: absent from the baseline' };
  const allowed = allowedChange(tolerance, baseline);
  if (current === null) return { ...base, allowed, status: 'regressed', reason: 'missing or not finite in the current scorecard' };
  const d = current - baseline;
  const slack = EPS * Math.max(1, Math.abs(baseline));
  const worse = metric.better === 'higher' ? -d : metric.better === 'lower' ? d : Math.abs(d);
  const verb = metric.better === 'higher' ? 'dropped' : metric.better === 'lower' ? 'rose' : 'moved';
  if (worse > allowed + slack) return { ...base, allowed, status: 'regressed', reason: `${verb} by ${fmt(Math.abs(d))}, more than the ${fmt(allowed)} allowed` };
  if (d !== 0 && metric.better !== 'both' && worse < 0) return { ...base, allowed, status: 'improved', reason: `${metric.better === 'higher' ? 'rose' : 'dropped'} by ${fmt(Math.abs(d))}` };
  return { ...base, allowed, status: 'ok', reason: d === 0 ? 'unchanged' : `${verb} by ${fmt(Math.abs(d))}, within the ${fmt(allowed)} allowed` };
}

/**
 * The suite scalars of both scorecards, matched by key: the baseline's in order, each key only the current has
 * placed after the last key of its suite (at the end when the baseline has none of that suite).
 */
function matchSuiteScalars(baseline: SuiteGateValues[], current: SuiteGateValues[]): { metric: GateMetric; baseline?: SuiteGateValues; current?: SuiteGateValues }[] {
  const cur = new Map(current.map((c) => [c.metric.key, c]));
  const out: { metric: GateMetric; baseline?: SuiteGateValues; current?: SuiteGateValues }[] = baseline.map((b) => {
    const c = cur.get(b.metric.key);
    return { metric: c?.metric ?? b.metric, baseline: b, current: c };
  });
  const known = new Set(baseline.map((b) => b.metric.key));
  for (const c of current) {
    if (known.has(c.metric.key)) continue;
    let at = out.length;
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i].metric.suite === c.metric.suite) {
        at = i + 1;
        break;
      }
    }
    out.splice(at, 0, { metric: c.metric, current: c });
  }
  return out;
}

/**
 * Compare every gate metric of every model, then every suite headline scalar of every model. The scorecards must be
 * comparable (assertComparable); the models are those of the baseline's config, in order.
 */
export function compareScorecards(baseline: ScorecardFile, current: ScorecardFile, overrides: ToleranceOverrides = {}): GateResult {
  assertComparable(baseline, current);
  const models = baseline.config.models.map((m) => m.name);
  const rows: GateRow[] = [];
  for (const metric of GATE_METRICS) {
    for (const model of models) {
      rows.push(compareMetric(metric, model, metricAt(baseline, model, metric.key), metricAt(current, model, metric.key), toleranceFor(metric.key, metric.tolerance, overrides)));
    }
  }
  for (const s of matchSuiteScalars(suiteGateValues(baseline, 'baseline'), suiteGateValues(current, 'current scorecard'))) {
    const tolerance = toleranceFor(s.metric.key, s.metric.tolerance, overrides);
    for (const model of models) rows.push(compareMetric(s.metric, model, s.baseline?.values[model] ?? null, s.current?.values[model] ?? null, tolerance));
  }
  const regressions = rows.filter((r) => r.status === 'regressed');
  const compared = new Set(rows.map((r) => r.metric.key));
  const unmatchedOverrides = Object.keys(overrides).filter((k) => !compared.has(k));
  return { rows, regressions, unmatchedOverrides, exitCode: regressions.length > 0 ? 1 : 0 };
}
