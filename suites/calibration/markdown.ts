/** The calibration suite's Markdown section (scorecard.md). */
import * as path from 'node:path';
import type { BootstrapInterval } from '../../src/metrics/bootstrap.js';
import { formatDelta, formatValue } from '../../src/report/format.js';
import { markdownTable } from '../../src/report/markdown-table.js';
import type { ModelCalibration, PairedCalibrationDifference } from './types.js';

const pct = (v: number) => formatValue(v, 'fraction');
const ci = (i: BootstrapInterval, f: (v: number) => string) => `[${f(i.low)}, ${f(i.high)}]`;

/** The suite's Markdown section: every metric per model with intervals, then the paired differences. */
export function calibrationMarkdown(r: Record<string, ModelCalibration>, d: Record<string, PairedCalibrationDifference>, names: string[], bins: number, rule: string, resamples: number, files: string[]): string {
  const rows: [string, (m: ModelCalibration) => string][] = [
    ['accuracy', (m) => `${pct(m.test.accuracy)} ${ci(m.intervals.accuracy, pct)}`],
    [`ECE (${bins} bins, ${rule === 'right' ? '(lo, hi]' : '[lo, hi)'})`, (m) => `${pct(m.test.ece)} ${ci(m.intervals.ece, pct)}`],
    ['MCE', (m) => pct(m.test.mce)],
    ['RMS calibration error', (m) => pct(m.test.rmsce)],
    ['adaptive (equal-mass) ECE', (m) => pct(m.test.adaptiveEce)],
    ['classwise ECE', (m) => pct(m.test.classwiseEce)],
    ['debiased ℓ2 calibration error', (m) => pct(m.test.debiasedL2)],
    ['Brier score', (m) => m.test.brier.toFixed(4)],
    ['NLL', (m) => `${m.test.nll.toFixed(4)} ${ci(m.intervals.nll, (v) => v.toFixed(4))}`],
    ['temperature (fit on validation)', (m) => m.temperature.toFixed(3)],
    ['ECE after temperature scaling', (m) => pct(m.afterTemperature.ece)],
    ['NLL after temperature scaling', (m) => m.afterTemperature.nll.toFixed(4)],
  ];
  return [
    '## Calibration (clean test split)',
    '',
    markdownTable(['metric', ...names], rows.map(([label, f]) => [label, ...names.map((n) => f(r[n]))])),
    '',
    `Brackets: 95% bootstrap intervals (${resamples} seeded resamples of the test set, the same resamples for every model). Reliability diagrams: ` + files.map((f) => `[${path.basename(f)}](${f})`).join(', ') + '.',
    '',
    ...names.slice(1).flatMap((name) => {
      const x = d[name];
      const row = (label: string, v: PairedCalibrationDifference['ece'], f: (n: number) => string) =>
        [label, f(v.estimate), `[${f(v.low)}, ${f(v.high)}]`, v.excludesZero ? '**yes**' : 'no (not distinguishable from 0 on this test set)'];
      const pts = (v: number) => formatDelta(v, 'fraction');
      const num = (v: number) => formatDelta(v, 'number');
      return [
        `Paired difference ${name} − ${names[0]} (test-set resampling only; seeds are a separate source of variation, see --seeds):`,
        '',
        markdownTable(['metric', 'difference', '95% interval', 'interval excludes 0'], [row('ECE', x.ece, pts), row('accuracy', x.accuracy, pts), row('NLL', x.nll, num)], ['l', 'r', 'r', 'l']),
        '',
      ];
    }),
    '',
  ].join('\n');
}
