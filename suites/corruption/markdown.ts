/** The corruption suite's Markdown section (scorecard.md). Accuracies as percentages, deltas in points. */
import * as path from 'node:path';
import { formatDelta, formatValue } from '../../src/report/format.js';
import { markdownTable } from '../../src/report/markdown-table.js';
import type { CorruptionResult } from './types.js';

const pct = (v: number | null) => formatValue(v, 'fraction');
const pts = (v: number | null) => formatDelta(v, 'fraction');
/** CE ratios: 3 decimals. */
const num = (v: number | null) => formatValue(v, 'number', 3);

/** The suite's Markdown section: summary table, mean accuracy per corruption by group, accuracy per severity, notes. */
export function corruptionMarkdown(r: CorruptionResult, names: string[], labels: Record<string, string>, files: string[]): string {
  const others = names.slice(1);
  const header = (first: string) => [first, ...names.map((m) => labels[m]), ...others.map((m) => `Δ ${m} − ${r.baseline}`)];
  const row = (label: string, f: (m: string) => number | null, d: (m: string) => number | null, fmt = (v: number | null) => pct(v)) =>
    [label, ...names.map((m) => fmt(f(m))), ...others.map((m) => pts(d(m)))];
  const section = (group: string, title: string) => {
    const cs = r.corruptions.filter((c) => c.group === group);
    if (cs.length === 0) return [];
    return [
      `**${title}**`, '',
      markdownTable(
        header('corruption (mean accuracy over severities)'),
        cs.map((c) => row(`${c.name}${c.source === 'built-in' ? '' : ` (${c.source})`}`, (m) => r.models[m].perCorruption[c.name].meanAccuracy, (m) => r.deltas[m].perCorruption[c.name].meanAccuracy)),
      ),
      '',
    ];
  };
  const b = (m: string) => r.models[m].benchmark;
  // sparsity rows only where every model has activation probes (models trained elsewhere have none: null in the JSON)
  const sparsityMeasured = names.every((m) => typeof r.models[m].clean.meanNonzeroFraction === 'number' && Number.isFinite(r.models[m].clean.meanNonzeroFraction));
  const table = r.convention.table === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C';
  const summary = markdownTable(header('metric'), [
    row('clean accuracy (same images)', (m) => r.models[m].clean.accuracy, (m) => r.deltas[m].cleanAccuracy),
    ...(r.models[r.baseline].noiseAverageAccuracy !== null
      ? [row('noise average: gaussian, shot, impulse (paper Table 1)', (m) => r.models[m].noiseAverageAccuracy, (m) => r.deltas[m].noiseAverageAccuracy)] : []),
    ...(b(r.baseline) !== null ? [
      row(`mean accuracy, ${b(r.baseline)!.corruptions.length} benchmark corruptions`, (m) => b(m)!.meanAccuracy, (m) => r.deltas[m].benchmarkMeanAccuracy),
      row('mean error (CIFAR-10-C convention)', (m) => b(m)!.meanError, (m) => r.deltas[m].benchmarkMeanError),
      row(`mCE vs ${r.baseline}`, (m) => b(m)!.mceVsBaseline, (m) => r.deltas[m].mceVsBaseline),
      row('mCE vs AlexNet (ImageNet-C denominators, see note)', (m) => b(m)!.mceVsAlexNet, (m) => r.deltas[m].mceVsAlexNet),
      row('mean ECE over benchmark corruptions', (m) => b(m)!.meanEce, (m) => b(m)!.meanEce - b(r.baseline)!.meanEce),
    ] : []),
    ...(r.models[r.baseline].heldOut !== null ? [row('mean accuracy, held-out extras (not in mCE)', (m) => r.models[m].heldOut!.meanAccuracy, (m) => r.deltas[m].heldOutMeanAccuracy)] : []),
    ...(r.models[r.baseline].plugins !== null ? [row('mean accuracy, plugins (not in mCE)', (m) => r.models[m].plugins!.meanAccuracy, (m) => r.deltas[m].pluginsMeanAccuracy)] : []),
    row('ECE, clean', (m) => r.models[m].clean.ece, (m) => r.models[m].clean.ece - r.models[r.baseline].clean.ece),
    ...(sparsityMeasured ? [row('nonzero MLP fraction, clean', (m) => r.models[m].clean.meanNonzeroFraction, (m) => r.models[m].clean.meanNonzeroFraction - r.models[r.baseline].clean.meanNonzeroFraction)] : []),
    ...(sparsityMeasured && b(r.baseline) !== null ? [row('nonzero MLP fraction, corrupted (benchmark mean)', (m) => b(m)!.meanNonzeroFraction, (m) => b(m)!.meanNonzeroFraction - b(r.baseline)!.meanNonzeroFraction)] : []),
  ]);
  const perSeverity = markdownTable(
    ['corruption', 'model', 'clean', ...r.convention.severities.map((s) => `s${s}`), 'mean', 'mean ECE', `CE vs ${r.baseline}`],
    r.corruptions.flatMap((c) => names.map((m) => {
      const x = r.models[m].perCorruption[c.name];
      return [c.name, m, pct(r.models[m].clean.accuracy), ...x.severities.map((s) => pct(s.accuracy)), pct(x.meanAccuracy), pct(x.meanEce), num(x.ceVsBaseline)];
    })),
    ['l', 'l'],
  );
  return [
    `## Robustness to input corruptions (${table} table, ${r.convention.testImages} test images)`,
    '',
    `Accuracy on corrupted test images, averaged over severities ${r.convention.severities.join(', ')} (the paper's statistic); ` +
      `Δ = model − ${r.baseline} in accuracy points. Table: ${r.convention.tableReason}. Every model sees the same corrupted pixels.`,
    '',
    summary,
    '',
    ...section('benchmark', 'Benchmark corruptions (in mean error and mCE)'),
    ...section('held-out', 'Held-out corruptions (reported apart, never in mCE)'),
    ...section('plugin', 'Plugin corruptions (reported apart, never in mCE)'),
    '<details><summary>Accuracy per severity</summary>',
    '',
    perSeverity,
    '',
    '</details>',
    '',
    `Note on mCE: ${r.convention.alexNet}`,
    ...r.notes.map((n) => `- ${n}`),
    '',
    'Figures: ' + files.map((f) => `[${path.basename(f)}](${f})`).join(', ') + '.',
    '',
  ].join('\n');
}
