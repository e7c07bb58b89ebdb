/**
 * Sparsity suite (docs/conventions.md#activation-sparsity, docs/conventions.md#flops): the lazy-neuron phenomenon itself, and what it saves in FLOPs.
 *
 * For each model of the run, per layer: the fraction of nonzero MLP activations per token (strictly positive after
 * ReLU, after the Top-k mask for Top-k models), averaged over tokens, on a seeded subset of the training split
 * (up to TRAIN_SUBSET_SIZE images, stream rngFor(seed, 'sparsity', 'train')) and on the whole test split; how often
 * each neuron fires (distribution over neurons, share firing on < 10% of tokens, dead neurons, share firing on
 * > 50%) on both; the same per-layer fraction over training from the trainer's records (epoch 0 = initialisation;
 * validation split and the trainer's training probe); and dense vs effective FLOPs per image from the test-split
 * sparsity. Writes three SVG charts under sparsity/.
 *
 * The measurement itself is src/sparsity/measure.ts (`measureSparsity(model, dataset)`, usable on any data).
 */
import * as path from 'node:path';
import { Dataset, subset } from '../../src/data/dataset.js';
import { barChartSvg, LegendItem, lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { sideBySide } from '../../src/report/side-by-side.js';
import { permutation, rngFor } from '../../src/rng.js';
import { frequencyEdges } from '../../src/sparsity/firing-histogram.js';
import { SparsityFlops, sparsityFlops } from '../../src/sparsity/flops.js';
import { kPerLayer, tokensPerImage } from '../../src/models/config.js';
import { formatValue, kLabel } from '../../src/report/format.js';
import { measureSparsity, type SplitSparsity } from '../../src/sparsity/measure.js';
import { NEURON_USAGE_DEFAULTS } from '../../src/sparsity/neuron-usage.js';
import { SparsityCurve, sparsityCurve, SparsityTrend, sparsityTrend } from '../../src/sparsity/over-training.js';
import { milestoneEpochs } from '../../src/train/milestones.js';
import { defineSuite, perModel, requireVit, type SuiteContext, type SuiteOutput } from '../../api/suites.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { markdownTable } from '../../src/report/markdown-table.js';

/** Training images measured (a seeded subset; all of them when the split is smaller). */
export const TRAIN_SUBSET_SIZE = 2000;

/** The training images the suite measures: up to `size` of them, drawn by rngFor(seed, 'sparsity', 'train'), in file order. */
export function sparsityTrainSubset(train: Dataset, seed: number, size = TRAIN_SUBSET_SIZE): Dataset {
  if (train.count <= size) return train;
  const idx = permutation(rngFor(seed, 'sparsity', 'train'), train.count).slice(0, size).sort();
  return subset(train, idx);
}

/** What the suite reports for one model. */
export interface ModelSparsity {
  /** Top-k k (per layer when an array), null for vanilla. */
  k: number | number[] | null;
  /** Per layer, the most a Top-k layer can keep, k / d_ff (null for layers without Top-k). */
  topkBound: (number | null)[];
  dModel: number;
  dFF: number;
  depth: number;
  tokensPerImage: number;
  /** Seeded subset of the training split. */
  train: SplitSparsity;
  /** The whole test split. */
  test: SplitSparsity;
  /** Per epoch (0 = initialisation), per layer, on validation and on the trainer's training probe. */
  overTraining: SparsityCurve;
  /** First vs last epoch of the validation curve (null with a single record). */
  trend: SparsityTrend | null;
  /** Dense vs effective FLOPs per image, from the test-split nonzero fractions. */
  flops: SparsityFlops;
}

export interface SparsityResult {
  convention: string;
  /** Firing-frequency thresholds of the neuron statistics and the histogram's bin edges (0..1). */
  rareBelow: number;
  frequentAbove: number;
  histogramEdges: number[];
  trainSubset: { maxImages: number; stream: string };
  models: Record<string, ModelSparsity>;
}

const CONVENTION =
  'a neuron is active on a token when its MLP activation is strictly positive after ReLU (and after the Top-k mask); ' +
  'nonzero fraction = #active / d_ff per token, averaged over tokens; fractions 0..1; layers in block order';

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const bs = ctx.config.train.evalBatchSize;
  const trainData = sparsityTrainSubset(ctx.data.train, ctx.config.seed);
  const models: Record<string, ModelSparsity> = {};
  for (const m of ctx.models) {
    const { variant, model, state } = requireVit(m, 'sparsity', 'activation probes and the training record');
    const c = model.config;
    const train = measureSparsity(model, trainData, { batchSize: bs, progress: ctx.progress(`${variant.name} sparsity train`) });
    const test = measureSparsity(model, ctx.data.test, { batchSize: bs, progress: ctx.progress(`${variant.name} sparsity test`) });
    const overTraining = sparsityCurve(state.history);
    const ks = kPerLayer(c);
    models[variant.name] = {
      k: variant.k,
      topkBound: ks.map((k: number | null) => (k === null ? null : Math.min(1, k / c.mlpDim))),
      dModel: c.dim,
      dFF: c.mlpDim,
      depth: c.depth,
      tokensPerImage: tokensPerImage(c),
      train,
      test,
      overTraining,
      trend: sparsityTrend(overTraining),
      flops: sparsityFlops(c, test.nonzeroFraction),
    };
    ctx.log(`[sparsity] ${variant.name}: nonzero ${pct(train.meanNonzeroFraction)} train / ${pct(test.meanNonzeroFraction)} test (layer mean)`);
  }
  const result: SparsityResult = {
    convention: CONVENTION,
    rareBelow: NEURON_USAGE_DEFAULTS.rareBelow,
    frequentAbove: NEURON_USAGE_DEFAULTS.frequentAbove,
    histogramEdges: frequencyEdges(NEURON_USAGE_DEFAULTS.bins),
    trainSubset: { maxImages: TRAIN_SUBSET_SIZE, stream: 'sparsity/train' },
    models,
  };
  const names = ctx.models.map((m) => m.variant.name);
  const charts = sparsityCharts(result, names);
  const files = Object.keys(charts);
  for (const f of files) writeFileAtomic(path.join(ctx.outDir, f), charts[f]);
  return { result, markdown: sparsityMarkdown(result, names, files), files };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

const pct = (v: number) => formatValue(v, 'fraction');
const pct1 = (v: number) => `${(100 * v).toFixed(1)}%`;
/** Up to 3 significant digits, no trailing zeros: 0.0625 → 6.25%, 0.1 → 10%. */
const pctShort = (v: number) => `${Number((100 * v).toPrecision(3))}%`;
/** Small frequencies with 3 significant digits (the paper's least-used neuron fires on 0.001% of tokens). */
const pctSmall = (v: number) => (v === 0 ? '0%' : `${(100 * v).toPrecision(3)}%`);

function formatFlops(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(3)} GFLOPs`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(3)} MFLOPs`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)} kFLOPs`;
  return `${v.toFixed(0)} FLOPs`;
}


/** One sentence per vanilla model: did its sparsity drop over training (layer-mean validation nonzero fraction)? */
export function trendSentence(name: string, m: ModelSparsity): string {
  const t = m.trend;
  if (!t) return `${name} has a single training record, so no change over training can be stated.`;
  const layers = t.perLayer.map((l, i) => `layer ${i} ${pct1(l.first)} → ${pct1(l.last)}`).join(', ');
  const pts = `${(100 * Math.abs(t.change)).toFixed(2)} pts`;
  const from = `from ${pct(t.first)} at epoch ${t.firstEpoch} (initialisation) to ${pct(t.last)} after epoch ${t.lastEpoch}`;
  const how = t.dropped ? `became sparser: its layer-mean nonzero fraction on the validation split dropped ${from} (−${pts}` : t.change > 0 ? `did not become sparser: its layer-mean nonzero fraction on the validation split rose ${from} (+${pts}` : `did not become sparser: its layer-mean nonzero fraction on the validation split stayed at ${pct(t.first)} (epoch ${t.firstEpoch} to ${t.lastEpoch}`;
  return `Over training the ${name} model ${how}; ${layers}).`;
}

export function sparsityMarkdown(r: SparsityResult, names: string[], files: string[]): string {
  const ms = names.map((n) => r.models[n]);
  const first = ms[0];
  const depth = first.depth;
  const label = (n: string) => `${n}${kLabel(r.models[n].k)}`;
  const layerRows = Array.from({ length: depth }, (_, i) => [String(i), ...ms.flatMap((m) => [pct(m.train.nonzeroFraction[i]), pct(m.test.nonzeroFraction[i])])]);
  layerRows.push(['mean', ...ms.flatMap((m) => [pct(m.train.meanNonzeroFraction), pct(m.test.meanNonzeroFraction)])]);
  const bounds = names
    .filter((n) => r.models[n].topkBound.some((b) => b !== null))
    .map((n) => {
      const b = [...new Set(r.models[n].topkBound.filter((x): x is number => x !== null))];
      return `${n} keeps at most k/d_ff = ${b.map(pct).join(', ')} per token`;
    });
  const vanilla = names.filter((n) => r.models[n].k === null);
  const trend = vanilla.length ? vanilla.map((n) => trendSentence(n, r.models[n])).join(' ') : 'No vanilla (k = null) model in this run, so no statement on how vanilla sparsity evolves.';

  const epochs = first.overTraining.epochs;
  const trainingRows = epochs.map((e, j) => [
    String(e),
    ...ms.flatMap((m) => {
      const idx = m.overTraining.epochs.indexOf(e);
      return idx < 0 ? ['', ''] : [pct(m.overTraining.meanValidation[idx]), pct(m.overTraining.meanTrain[idx])];
    }),
  ]);

  const neuronRows: string[][] = [];
  for (const n of names) {
    const m = r.models[n];
    for (let i = 0; i < m.depth; i++) {
      const tr = m.train.neurons[i];
      const te = m.test.neurons[i];
      neuronRows.push([
        label(n),
        String(i),
        `${pct1(tr.rareShare)} / ${pct1(te.rareShare)}`,
        `${tr.deadCount} / ${te.deadCount}`,
        `${pct1(tr.frequentShare)} / ${pct1(te.frequentShare)}`,
        pctSmall(te.minFrequency),
        pctSmall(te.medianFrequency),
        pctSmall(te.maxFrequency),
      ]);
    }
  }

  const flopsRows: [string, (m: ModelSparsity) => string][] = [
    ['whole model, dense', (m) => formatFlops(m.flops.model.dense)],
    ['whole model, effective', (m) => formatFlops(m.flops.model.effective)],
    ['saving: second MLP matmuls', (m) => pct(m.flops.secondMatmul.saving)],
    ...Array.from({ length: depth }, (_, i): [string, (m: ModelSparsity) => string] => [`saving: second MLP matmul, layer ${i}`, (m) => (m.flops.perLayer[i] ? pct(m.flops.perLayer[i].saving) : '')]),
    ['saving: MLPs (both matmuls)', (m) => pct(m.flops.mlp.saving)],
    ['saving: whole model', (m) => pct(m.flops.model.saving)],
  ];

  const t = first.train;
  const te = first.test;
  return [
    '## Activation sparsity (MLP neurons)',
    '',
    `Nonzero fraction: the share of the d_ff = ${first.dFF} MLP activations of a token that are strictly positive after ReLU ` +
      `(after the Top-k mask for Top-k models), averaged over tokens (docs/conventions.md#activation-sparsity). Train: a seeded subset of ${t.images} training images ` +
      `(${t.tokens.toLocaleString('en-US')} tokens); test: all ${te.images} test images (${te.tokens.toLocaleString('en-US')} tokens).` +
      (bounds.length ? ` ${bounds.join('; ')}.` : ''),
    '',
    markdownTable(['layer', ...names.flatMap((n) => [`${label(n)} train`, `${n} test`])], layerRows),
    '',
    trend,
    '',
    '### Over training (layer mean; epoch 0 = initialisation)',
    '',
    markdownTable(['epoch', ...names.flatMap((n) => [`${n} validation`, `${n} train probe`])], trainingRows),
    '',
    `### Neuron usage (firing frequency = share of tokens on which a neuron fires)`,
    '',
    `Neurons per layer that are rare (fire on fewer than ${pctShort(r.rareBelow)} of tokens), never fire, or are frequent (fire on more than ` +
      `${pctShort(r.frequentAbove)}), on the train / test split; and the firing frequency of the least-used, median and most-used neuron on the test split.`,
    '',
    markdownTable(
      ['model', 'layer', `rare (train / test)`, 'never (train / test)', `frequent (train / test)`, 'least-used', 'median', 'most-used'],
      neuronRows,
    ),
    '',
    '### FLOPs per image (test-split sparsity)',
    '',
    'The second MLP matmul costs 2·d_model·s per token instead of 2·d_model·d_ff when only the s nonzero activations are used; ' +
      'the first matmul and everything else stay dense (docs/conventions.md#flops). Unstructured sparsity does not by itself give wall-time gains.',
    '',
    markdownTable(['', ...names.map(label)], flopsRows.map(([l, f]) => [l, ...ms.map(f)])),
    '',
    'Charts: ' + files.map((f) => `[${path.basename(f)}](${f})`).join(', ') + '.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Charts

/** Mix a #rrggbb colour with white (amount 0..1 of white). */
function lighten(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.round(v + (255 - v) * amount));
  return `#${ch.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

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
  const yPct = (v: number) => `${Math.round(100 * v)}%`;
  const boundLines = names.flatMap((n, mi) => {
    const b = [...new Set(r.models[n].topkBound.filter((x): x is number => x !== null))];
    return b.map((y) => ({ y, label: `${n}: k/d_ff = ${pctShort(y)}`, color: PALETTE[mi % PALETTE.length] }));
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
    yFormat: yPct,
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
        yFormat: yPct,
        legend: styleLegend,
        referenceLines: bound.map((y) => ({ y, label: `k/d_ff = ${pctShort(y)}` })),
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
        yFormat: yPct,
        xFormat: yPct,
        referenceX: [{ x: r.rareBelow, label: `${pctShort(r.rareBelow)} of tokens`, color: '#c44e52' }],
        caption: `fire on <${pctShort(r.rareBelow)} of tokens: ` + m.test.neurons.map((u, i) => `L${i} ${pct1(u.rareShare)}`).join(', '),
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

/** The curve's value at epoch `e` (null when not recorded). */
function atEpoch(curve: SparsityCurve, e: number, values: readonly number[]): number | null {
  const j = curve.epochs.indexOf(e);
  return j < 0 ? null : values[j] ?? null;
}

export default defineSuite({
  version: 1,
  needs: ['activations'],
  name: 'sparsity',
  description: 'per-layer MLP activation sparsity on train and test, neuron usage, sparsity over training, dense vs effective FLOPs',
  run,
  headline: (result) => {
    const models = (result as SparsityResult).models;
    const any = Object.values(models)[0];
    const layers = any ? [...Array(any.depth).keys()] : [];
    const epochs = any?.overTraining.epochs ?? [];
    const milestones = epochs.length > 1 ? milestoneEpochs(epochs[epochs.length - 1]).filter((e) => epochs.includes(e)) : [];
    return [
      { key: 'trainNonzero', label: 'nonzero MLP activations (train, layer mean)', kind: 'fraction', values: perModel(models, (m) => m.train.meanNonzeroFraction) },
      { key: 'testNonzero', label: 'nonzero MLP activations (test, layer mean)', kind: 'fraction', values: perModel(models, (m) => m.test.meanNonzeroFraction) },
      ...layers.map((i) => ({
        key: `testNonzero/layer${i}`, label: `nonzero MLP activations (test, layer ${i})`, kind: 'fraction' as const,
        values: perModel(models, (m) => m.test.nonzeroFraction[i] ?? null),
      })),
      // the lazy-neuron curve at milestone epochs: when sparsity emerges, with an interval over seeds
      ...milestones.flatMap((e) => [
        {
          key: `validationNonzero@${e}`, label: `nonzero MLP activations (validation, layer mean) after epoch ${e}`, kind: 'fraction' as const,
          values: perModel(models, (m) => atEpoch(m.overTraining, e, m.overTraining.meanValidation)),
        },
        ...layers.map((i) => ({
          key: `validationNonzero@${e}/layer${i}`, label: `nonzero MLP activations (validation, layer ${i}) after epoch ${e}`, kind: 'fraction' as const,
          values: perModel(models, (m) => atEpoch(m.overTraining, e, m.overTraining.validation.map((r) => r[i]))),
        })),
      ]),
    ];
  },
});
