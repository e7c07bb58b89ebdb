/**
 * The "Statistics over N seeds" section of a multi-seed scorecard.md (the same text src/run/multi-seed.ts writes):
 * mean ± std [95% t interval] per model and metric, and the paired differences against the baseline, marked
 * significant only when their interval excludes zero. Rows are the headline metrics the statistics hold.
 */
import type { ScorecardFile } from '../scorecard/read.js';
import { HEADLINE_METRICS } from '../scorecard/scorecard.js';

/** The statistics section of a scorecard (multi-seed runs only). */
export type SeedStatisticsData = NonNullable<ScorecardFile['statistics']>;

interface SummaryLike {
  mean: number;
  std: number | null;
  low: number | null;
  high: number | null;
}

export function statisticsMarkdown(s: SeedStatisticsData, card: Pick<ScorecardFile, 'config' | 'baseline'>): string {
  const f = (kind: string, v: number | null) => (v === null ? '—' : kind === 'fraction' ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
  const names = card.config.models.map((m) => m.name);
  const others = names.filter((n) => n !== card.baseline);
  const metrics = HEADLINE_METRICS.filter((m) => names.every((n) => s.metrics[n]?.[m.key] !== undefined));
  const lines = [
    `## Statistics over ${s.seeds.length} seeds (${s.seeds.join(', ')})`,
    '',
    'Mean ± std [95% t interval] per model; paired differences (model − baseline, seed by seed) are marked ' +
      '**significant** only when their 95% interval excludes zero.',
    '',
    `| metric | ${names.join(' | ')} | ${others.map((n) => `Δ ${n} − ${card.baseline}`).join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')} |`,
  ];
  const suiteRows = Object.entries(s.labels ?? {})
    .filter(([key]) => names.every((n) => s.metrics[n]?.[key] !== undefined))
    .map(([key, l]) => ({ key, label: l.label, kind: l.kind }));
  for (const m of [...metrics, ...suiteRows]) {
    const cell = (x: SummaryLike) => `${f(m.kind, x.mean)} ± ${f(m.kind, x.std)} [${f(m.kind, x.low)}, ${f(m.kind, x.high)}]`;
    const d = others.map((n) => {
      const p = s.paired[n][m.key];
      return `${p.significant ? '**' : ''}${f(m.kind, p.mean)} [${f(m.kind, p.low)}, ${f(m.kind, p.high)}]${p.significant ? '** significant' : ' not distinguishable from 0'}`;
    });
    lines.push(`| ${m.label} | ${names.map((n) => cell(s.metrics[n][m.key])).join(' | ')} | ${d.join(' | ')} |`);
  }
  lines.push('', `Each seed's full scorecard: ${s.seeds.map((x) => `[seed-${x}](seed-${x}/scorecard.md)`).join(', ')}.`, '');
  return lines.join('\n');
}
