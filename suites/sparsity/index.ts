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
import { kPerLayer, tokensPerImage } from '../../src/models/config.js';
import { formatValue } from '../../src/report/format.js';
import { frequencyEdges } from '../../src/sparsity/firing-histogram.js';
import { sparsityFlops } from '../../src/sparsity/flops.js';
import { measureSparsity, sparsityFromPredictions } from '../../src/sparsity/measure.js';
import { NEURON_USAGE_DEFAULTS } from '../../src/sparsity/neuron-usage.js';
import { type SparsityCurve, sparsityCurve, sparsityTrend } from '../../src/sparsity/over-training.js';
import { milestoneEpochs } from '../../src/train/milestones.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { defineSuite, perModel, requireVit, type SuiteContext, type SuiteOutput } from '../../api/suites.js';
import { sparsityCharts } from './figures.js';
import { sparsityMarkdown } from './markdown.js';
import { sparsityTrainSubset, TRAIN_SUBSET_SIZE } from './train-subset.js';
import type { ModelSparsity, SparsityResult } from './types.js';

export * from './types.js';
export { sparsityTrainSubset, TRAIN_SUBSET_SIZE } from './train-subset.js';
export { sparsityMarkdown, trendSentence } from './markdown.js';
export { sparsityCharts } from './figures.js';

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
    // the run's test evaluation made this pass with the firing probes on: reuse it rather than repeat it
    const seen = ctx.testPredictions.get(variant.name);
    const test = seen?.neuronFiring
      ? sparsityFromPredictions(seen)
      : measureSparsity(model, ctx.data.test, { batchSize: bs, progress: ctx.progress(`${variant.name} sparsity test`) });
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
    ctx.log(`[sparsity] ${variant.name}: nonzero ${formatValue(train.meanNonzeroFraction, 'fraction')} train / ${formatValue(test.meanNonzeroFraction, 'fraction')} test (layer mean)`);
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
