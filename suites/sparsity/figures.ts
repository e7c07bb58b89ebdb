/** The sparsity suite's charts (under sparsity/ in the run folder), drawn with src/report/charts.ts. */
import { barChartSvg, type LegendItem, lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { lighten } from '../../src/report/colors.js';
import { formatValue, kLabel, percentSignificant, percentTick } from '../../src/report/format.js';
import { sideBySide } from '../../src/report/side-by-side.js';
import type { SparsityResult } from './types.js';

function niceMax(v: number): number {
  const steps = [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1];
  return steps.find((s) => s >= v * 1.08) ?? 1;
}

const LAYER_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666', '#1f78b4', '#fb9a99', '#b2df8a', '#cab2d6'];
const layerColor = (i: number) => LAYER_COLORS[i % LAYER_COLORS.length];

/** The suite's charts by relative path. */
export function sparsityCharts(r: SparsityResult, names: string[]): Record<string, string> {
  const ms = names.map((n) => r.models[n]);
  const depth = ms[0].depth;
  const boundLines = names.flatMap((n, mi) => {
    const b = [...new Set(r.models[n].topkBound.filter((x): x is number => x !== null))];
    return b.map((y) => ({ y, label: `${n}: k/d_ff = ${percentSignificant(y)}`, color: PALETTE[mi % PALETTE.length] }));
  });

  // 1. nonzero fraction per layer, train vs test, every model
  const perLayerMax = Math.max(...ms.flatMap((m) => [...m.train.nonzeroFraction, ...m.test.nonzeroFraction]));
  const perLayer = barChartSvg({
    title: 'Nonzero MLP activations per layer',
    xLabel: 'layer',
    yLabel: 'nonzero fraction per token',
    categories: Array.from({ length: depth }, (_, i) => String(i)),
    series: names.flatMap((n, mi) => [
      { name: `${n} train`, values: r.models[n].train.nonzeroFraction, color: PALETTE[mi % PALETTE.length] },
      { name: `${n} test`, values: r.models[n].test.nonzeroFraction, color: lighten(PALETTE[mi % PALETTE.length], 0.5) },
    ]),
    yDomain: [0, niceMax(perLayerMax)],
    yFormat: percentTick,
    valueLabels: (v) => String(Number((100 * v).toPrecision(3))),
    referenceLines: boundLines,
    caption: `value labels in %; train: ${ms[0].train.images} training images, test: ${ms[0].test.images} test images`,
    width: 760,
    height: 380,
  });

  // 2. over training, one panel per model, shared y axis
  const trainMax = Math.max(...ms.flatMap((m) => [...m.overTraining.validation.flat(), ...m.overTraining.train.flat()]));
  const yTop = niceMax(trainMax);
  const styleLegend: LegendItem[] = [
    ...Array.from({ length: depth }, (_, i) => ({ name: `layer ${i}`, color: layerColor(i), kind: 'box' as const })),
    { name: 'validation', color: '#444444', marker: true },
    { name: 'train probe', color: '#444444', dash: '5,4' },
  ];
  const overTraining = sideBySide(
    names.map((n) => {
      const m = r.models[n];
      const c = m.overTraining;
      const bound = [...new Set(m.topkBound.filter((x): x is number => x !== null))];
      return lineChartSvg({
        title: `${n}${kLabel(m.k)}: nonzero fraction over training`,
        xLabel: 'epoch (0 = initialisation)',
        yLabel: 'nonzero fraction per token',
        series: Array.from({ length: depth }, (_, i) => [
          { name: `layer ${i} validation`, points: c.epochs.map((e, j) => [e, c.validation[j][i]] as const), color: layerColor(i) },
          { name: `layer ${i} train probe`, points: c.epochs.map((e, j) => [e, c.train[j][i]] as const), color: layerColor(i), dash: '5,4', markers: false },
        ]).flat(),
        yDomain: [0, yTop],
        yFormat: percentTick,
        legend: styleLegend,
        referenceLines: bound.map((y) => ({ y, label: `k/d_ff = ${percentSignificant(y)}` })),
        width: 540,
        height: 360,
      });
    }),
  );

  // 3. neuron firing-frequency histogram (test split), one panel per model
  const histMax = Math.max(...ms.flatMap((m) => m.test.neurons.flatMap((u) => u.histogram.counts.map((k) => k / u.neurons))));
  const histogram = sideBySide(
    names.map((n) => {
      const m = r.models[n];
      return barChartSvg({
        title: `${n}${kLabel(m.k)}: neuron firing frequency (test)`,
        xLabel: 'share of test tokens on which the neuron fires',
        yLabel: 'share of neurons',
        edges: r.histogramEdges,
        series: m.test.neurons.map((u, i) => ({ name: `layer ${i}`, values: u.histogram.counts.map((k) => k / u.neurons), color: layerColor(i) })),
        yDomain: [0, niceMax(histMax)],
        yFormat: percentTick,
        xFormat: percentTick,
        referenceX: [{ x: r.rareBelow, label: `${percentSignificant(r.rareBelow)} of tokens`, color: '#c44e52' }],
        caption: `fire on <${percentSignificant(r.rareBelow)} of tokens: ` + m.test.neurons.map((u, i) => `L${i} ${formatValue(u.rareShare, 'fraction', 1)}`).join(', '),
        width: 560,
        height: 360,
      });
    }),
  );
  return {
    'sparsity/nonzero-per-layer.svg': perLayer,
    'sparsity/over-training.svg': overTraining,
    'sparsity/neuron-firing-histogram.svg': histogram,
  };
}
