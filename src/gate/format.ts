/** The gate's result in words: an aligned GitHub-flavoured table of what moved and a one-line verdict. */
import type { GateResult, GateRow } from './compare.js';

/**
 * How a row's metric is named in the table, the verdict and JUnit: its key, and for a suite scalar also its label
 * ('suites.label-noise.uniform:0.4/accuracy (label-noise: uniform:0.4: clean-test accuracy)').
 */
export function gateMetricName(row: GateRow): string {
  return row.metric.suite === undefined ? row.metric.key : `${row.metric.key} (${row.metric.label})`;
}

/** A metric value in the scorecard's units: counts with separators, seconds and rates with 1 decimal, others with 4. */
export function formatGateValue(v: number | null, row: GateRow): string {
  if (v === null) return 'n/a';
  if (row.metric.kind === 'count') return v.toLocaleString('en-US');
  if (row.metric.kind === 'seconds' || row.metric.kind === 'rate') return v.toFixed(1);
  return v.toFixed(4);
}

export function formatGateDelta(v: number | null, row: GateRow): string {
  if (v === null) return 'n/a';
  const s = formatGateValue(Math.abs(v), row);
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : `±${s}`;
}

/** 'drop ≤ 0.0200', 'rise ≤ 10% (0.1190)', '±0.0200', 'exact', 'ignored'. */
export function describeTolerance(row: GateRow): string {
  const t = row.tolerance;
  if (t === 'ignore') return 'ignored';
  if ('absolute' in t && t.absolute === 0) return 'exact';
  const amount = 'absolute' in t ? formatGateValue(t.absolute, row) : `${Number((100 * t.relative).toFixed(4))}%${row.allowed !== null ? ` (${formatGateValue(row.allowed, row)})` : ''}`;
  return row.metric.better === 'higher' ? `drop ≤ ${amount}` : row.metric.better === 'lower' ? `rise ≤ ${amount}` : `±${amount}`;
}

const STATUS: Record<GateRow['status'], string> = { ok: 'ok', improved: 'improved', regressed: 'REGRESSED', ignored: 'ignored' };

/** Rows worth showing: every regression and every gated metric that moved (all rows with `all`). */
export function movedRows(result: GateResult, all = false): GateRow[] {
  return all ? result.rows : result.rows.filter((r) => r.status === 'regressed' || (r.status !== 'ignored' && r.delta !== 0));
}

/** An aligned Markdown table (readable in a terminal, renders on GitHub). */
export function gateTable(rows: readonly GateRow[]): string {
  const header = ['metric', 'model', 'baseline', 'current', 'delta', 'tolerance', 'status'];
  const right = [false, false, true, true, true, false, false];
  const body = rows.map((r) => [gateMetricName(r), r.model, formatGateValue(r.baseline, r), formatGateValue(r.current, r), formatGateDelta(r.delta, r), describeTolerance(r), STATUS[r.status]]);
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The verdict line. */
export function gateSummary(result: GateResult): string {
  const gated = result.rows.filter((r) => r.status !== 'ignored');
  const improved = gated.filter((r) => r.status === 'improved').length;
  const ignored = result.rows.length - gated.length;
  const counts = `${gated.length} comparisons, ${result.regressions.length} regressed, ${improved} improved, ${ignored} not gated`;
  if (result.exitCode === 0) return `check passed: ${counts}.`;
  return `check FAILED: ${counts}. ${regressionsInWords(result.regressions)}.`;
}

/** Most metrics named per reason in the verdict line; the table lists them all. */
const MAX_NAMED = 8;

/**
 * The regressions in one readable line: each on its own when its reason is its own ('test.accuracy of topk fell ...'),
 * and those sharing a reason (e.g. 38 suite scalars missing from the current scorecard) grouped under it once, each
 * metric with its models, at most MAX_NAMED of them.
 */
function regressionsInWords(rows: readonly GateRow[]): string {
  const byReason = new Map<string, GateRow[]>();
  for (const r of rows) byReason.set(r.reason ?? '', [...(byReason.get(r.reason ?? '') ?? []), r]);
  return [...byReason.entries()].map(([reason, group]) => {
    if (group.length === 1) return `${gateMetricName(group[0])} of ${group[0].model} ${reason}`;
    const models = new Map<string, string[]>();
    for (const r of group) models.set(r.metric.key, [...(models.get(r.metric.key) ?? []), r.model]);
    const named = [...models.entries()].slice(0, MAX_NAMED).map(([key, ms]) => `${key} (${ms.join(', ')})`);
    const more = models.size > MAX_NAMED ? ` and ${models.size - MAX_NAMED} more metrics (see the table)` : '';
    return `${group.length} values ${reason}: ${named.join(', ')}${more}`;
  }).join('; ');
}

/** The full text `topk-harness check` prints. */
export function gateReport(result: GateResult, options: { all?: boolean; baseline: string; scorecard: string }): string {
  const rows = movedRows(result, options.all);
  const ignoredKeys = [...new Set(result.rows.filter((r) => r.status === 'ignored').map((r) => r.metric.key))];
  return [
    `topk-harness check: ${options.scorecard} against baseline ${options.baseline}`,
    '',
    rows.length ? gateTable(rows) : 'No gated metric moved.',
    '',
    ...(ignoredKeys.length ? [`Not gated: ${ignoredKeys.join(', ')} (give them a tolerance in --tolerances to gate them).`] : []),
    ...(result.unmatchedOverrides.length ? [`Tolerances that matched no compared metric: ${result.unmatchedOverrides.join(', ')}.`] : []),
    gateSummary(result),
    '',
  ].join('\n');
}
