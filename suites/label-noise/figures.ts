/** The label-noise suite's charts (under label-noise/ in the run folder), drawn with src/report/charts.ts. */
import { lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { percentTick } from '../../src/report/format.js';
import type { LabelNoiseSuiteResult } from './types.js';

const DASHES = ['', '7,4', '2,3', '9,3,2,3', '4,2'];

/** Clean-test accuracy against the realised fraction of changed training labels (clean = 0), one line per model. */
export function accuracyChart(r: LabelNoiseSuiteResult, names: string[]): string {
  // room right of the last spec for its label
  const xMax = Math.min(1, Math.max(0.2, Math.ceil(5 * (Math.max(...r.specs.map((s) => s.noise.realisedChangedFraction)) + 0.08) - 1e-9) / 5));
  return lineChartSvg({
    title: 'Clean test accuracy under training-label noise',
    xLabel: 'training labels changed (realised fraction)',
    yLabel: 'test accuracy',
    yDomain: [0, 1],
    yFormat: percentTick,
    xDomain: [0, xMax],
    xTicks: Array.from({ length: Math.round(xMax / 0.2) + 1 }, (_, i) => Number((0.2 * i).toFixed(1))),
    xFormat: percentTick,
    series: names.map((n, i) => ({
      name: n,
      color: PALETTE[i % PALETTE.length],
      points: [[0, r.clean[n].accuracy] as const, ...r.specs.map((s) => [s.noise.realisedChangedFraction, s.models[n].test.accuracy] as const)].sort((a, b) => a[0] - b[0]),
    })),
    referenceX: r.specs.map((s) => ({ x: s.noise.realisedChangedFraction, label: s.requested, color: '#999999' })),
    caption: 'clean labels at 0; each spec at the fraction of training labels it actually changed',
  });
}

/** Fraction of each spec's probe predicted as its noisy label, per epoch; colour = model, line style = spec. */
export function memorisationChart(r: LabelNoiseSuiteResult, names: string[]): string {
  const specs = r.specs.filter((s) => s.probe.size > 0);
  return lineChartSvg({
    title: 'Memorisation of the changed training labels',
    xLabel: 'epoch (0 = initialisation)',
    yLabel: 'predicted as the noisy label',
    yDomain: [0, 1],
    yFormat: percentTick,
    series: specs.flatMap((s, j) =>
      names.map((n, i) => ({
        name: `${n}, ${s.requested}`,
        color: PALETTE[i % PALETTE.length],
        dash: DASHES[j % DASHES.length],
        points: s.models[n].memorisation.map((p) => [p.epoch, p.noisyLabel] as const),
      })),
    ),
    legend: [
      ...names.map((n, i) => ({ name: n, color: PALETTE[i % PALETTE.length], marker: true })),
      ...(specs.length > 1 ? specs.map((s, j) => ({ name: s.requested, color: '#555555', dash: DASHES[j % DASHES.length] })) : []),
    ],
    referenceLines: [{ y: 1 / specs[0].noise.numClasses, label: `chance (1/${specs[0].noise.numClasses})`, color: '#999999' }],
    caption: specs.length === 1 ? `noise ${specs[0].requested}; probe of ${specs[0].probe.size} changed training labels` : 'probe: a fixed seeded subset of the changed training labels per spec',
  });
}
