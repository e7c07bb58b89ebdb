/**
 * Number formatting shared by the HTML report and the regression gate; the same conventions as scorecard.md
 * (src/report/scorecard-markdown.ts): fractions as percentages with 2 decimals, their deltas in percentage points, counts
 * with thousands separators, seconds and rates with 1 decimal, other numbers with 4. Every number a report, a suite or
 * the gate prints goes through this file.
 */

/** How a metric's value is printed (HEADLINE_METRICS' `kind`). */
export type MetricKind = 'fraction' | 'number' | 'count' | 'seconds' | 'rate';

/** A value for a table cell; null → 'n/a'. `digits` overrides the decimals of fractions (as percent) and numbers. */
export function formatValue(v: number | null | undefined, kind: MetricKind, digits?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  switch (kind) {
    case 'fraction':
      return `${(100 * v).toFixed(digits ?? 2)}%`;
    case 'count':
      return v.toLocaleString('en-US');
    case 'seconds':
    case 'rate':
      return v.toFixed(1);
    default:
      return v.toFixed(digits ?? 4);
  }
}

/** A signed difference: '+1.00 pts' for fractions, '−0.0722' for numbers, '±0' when equal. */
export function formatDelta(v: number | null | undefined, kind: MetricKind): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const a = Math.abs(v);
  if (kind === 'fraction') return `${sign}${(100 * a).toFixed(2)} pts`;
  if (kind === 'count') return `${sign}${a.toLocaleString('en-US')}`;
  if (kind === 'seconds' || kind === 'rate') return `${sign}${a.toFixed(1)}`;
  return `${sign}${a.toFixed(4)}`;
}

/** ' (k=8)', ' (k=8/16)' or '' for a vanilla model. */
export function kLabel(k: number | number[] | null): string {
  if (k === null) return '';
  return typeof k === 'number' ? ` (k=${k})` : ` (k=${k.join('/')})`;
}

/** 0.0625 → '6.25%' (axis ticks: at most 2 decimals, trailing zeros dropped). */
export function percentTick(v: number): string {
  return `${Number((100 * v).toFixed(2))}%`;
}

/**
 * A fraction as a percentage with 3 significant digits: 0.0625 → '6.25%', 0.1 → '10%' (trailing zeros dropped), or
 * with keepZeros 0.1 → '10.0%' (small frequencies in a column: 0.00001 → '0.00100%'); 0 is '0%' either way.
 */
export function percentSignificant(v: number, keepZeros = false): string {
  if (!keepZeros || v === 0) return `${Number((100 * v).toPrecision(3))}%`;
  return `${(100 * v).toPrecision(3)}%`;
}

/** '+0.83 pts [−0.12, +1.78]' (fractions) or '−0.0120 [−0.0300, +0.0060]': a mean difference and its 95% interval, if any. */
export function deltaWithInterval(d: { mean: number; low: number | null; high: number | null }, kind: MetricKind): string {
  const interval = d.low === null || d.high === null ? '' : ` [${formatDelta(d.low, kind).replace(' pts', '')}, ${formatDelta(d.high, kind).replace(' pts', '')}]`;
  return `${formatDelta(d.mean, kind)}${interval}`;
}
