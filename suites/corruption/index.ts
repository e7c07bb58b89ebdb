/**
 * Corruption suite (docs/conventions.md#corruptions, docs/conventions.md#the-papers-table-1): how accuracy, calibration and activation sparsity hold up on corrupted
 * test images, for every model of the run.
 *
 * For each selected corruption (built-ins and plugin modules, config `corruption`) and severity, the (optionally
 * limited) test split is corrupted once — image i with the stream rngFor(seed, 'corruption', name, version, severity,
 * i), so every model sees the same pixels — and each model is evaluated on it in one forward pass: accuracy, error,
 * top-label ECE (the run's bins and boundary rule, from logits), NLL and the per-layer fraction of nonzero MLP
 * activations. Per corruption: the values per severity, their means over severities (the Lazy Neuron paper's
 * statistic), CE and relative CE against the baseline model (the first of the run) and against AlexNet's ImageNet-C
 * errors (with a caveat: those denominators are ImageNet numbers). Summaries: the paper's Table 1 noise average
 * (gaussian, shot, impulse), the mean error and mCE over the benchmark corruptions, the held-out extras and plugins
 * apart. Deltas are model − baseline. Figures under corruption/: accuracy-vs-severity panels, a corruption x
 * severity heatmap of accuracy deltas, a preview grid of corrupted test images.
 */
import * as path from 'node:path';
import { corruptDataset, datasetImage, previewGrid } from '../../src/corruptions/index.js';
import { closeCorruptionPools, defaultCorruptionThreads, sharedPixels } from '../../src/corruptions/pool.js';
import { tableFor } from '../../src/corruptions/severity-table.js';
import type { Dataset } from '../../src/data/dataset.js';
import { limit } from '../../src/data/split.js';
import { predict, type Predictions as ModelPredictions } from '../../src/eval/predict.js';
import { accuracy, meanOf } from '../../src/metrics/accuracy.js';
import { expectedCalibrationError } from '../../src/metrics/ece.js';
import { negativeLogLikelihood } from '../../src/metrics/nll.js';
import { toPredictions } from '../../src/metrics/predictions.js';
import { formatValue, kLabel } from '../../src/report/format.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { defineSuite, perModel as valuesPerModel, predictDataset, type SuiteContext, type SuiteModel, type SuiteOutput } from '../../api/suites.js';
import { accuracyPanelsSvg, deltaHeatmapsSvg } from './figures.js';
import { corruptionMarkdown } from './markdown.js';
import { resolveCorruptionPlan } from './plan.js';
import { SUBSET_STREAM, summarise } from './summarise.js';
import type { CorruptionResult, EvalMetrics, SeverityMetrics } from './types.js';

export * from './types.js';
export { resolveCorruptionPlan, type CorruptionPlan, type PlannedCorruption } from './plan.js';
export { NOISE_CORRUPTIONS, summarise, type SummariseInput } from './summarise.js';
export { accuracyPanelsSvg, deltaHeatmapsSvg } from './figures.js';
export { corruptionMarkdown } from './markdown.js';

/** Test images shown in corruption/preview.png (the first ones of the evaluated subset). */
const PREVIEW_IMAGES = 2;

/** Metrics of one model's predictions on `labels`. */
export function evalMetrics(p: Pick<ModelPredictions, 'logits' | 'numClasses' | 'nonzeroFraction'>, labels: Uint8Array, bins: number, rule: 'right' | 'left'): EvalMetrics {
  const preds = toPredictions({ data: p.logits, numClasses: p.numClasses }, { logits: true });
  const acc = accuracy(preds, labels);
  return {
    accuracy: acc,
    error: 1 - acc,
    ece: expectedCalibrationError(preds, labels, { bins, rule }).ece,
    nll: negativeLogLikelihood(preds, labels),
    nonzeroFraction: p.nonzeroFraction,
    // NaN (null in the JSON) for a model without activation probes (one the harness did not train)
    meanNonzeroFraction: p.nonzeroFraction.length > 0 ? meanOf(p.nonzeroFraction) : NaN,
  };
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const { config } = ctx;
  const plan = await resolveCorruptionPlan(config); // before any work: plugin and name errors first
  const { bins, rule } = { bins: config.eval.eceBins, rule: config.eval.eceRule };
  const batchSize = config.train.evalBatchSize;
  const full = ctx.data.test;
  const n = config.corruption.limitTest;
  if (n !== null && n > full.count) ctx.log(`[suite corruption] corruption.limitTest = ${n} exceeds the ${full.count} test images; using all of them`);
  const test: Dataset = n !== null && n < full.count ? limit(full, n, config.seed, SUBSET_STREAM) : full;
  const { table, reason } = tableFor(config.corruption.table, test.height, test.width);
  const { severities } = plan;
  const names = ctx.models.map((m) => m.variant.name);
  const baseline = names[0];
  // every model through its classifier; the harness's ViTs through predict(), which also measures MLP sparsity
  const predictOn = async (m: SuiteModel, data: Dataset): Promise<Pick<ModelPredictions, 'logits' | 'numClasses' | 'nonzeroFraction'>> =>
    m.vit !== undefined ? predict(m.vit.model, data, { batchSize }) : { ...(await predictDataset(m.classifier, data, { batchSize, model: m.name })), nonzeroFraction: [] };

  // clean metrics on exactly the evaluated images
  const clean: Record<string, EvalMetrics> = {};
  for (const m of ctx.models) {
    const { variant } = m;
    const p = test === full && ctx.testPredictions.has(variant.name) ? ctx.testPredictions.get(variant.name)! : await predictOn(m, test);
    clean[variant.name] = evalMetrics(p, test.labels, bins, rule);
  }

  const progress = ctx.progress('corruption');
  const steps = plan.corruptions.length * severities.length;
  const perModel: Record<string, Record<string, SeverityMetrics[]>> = Object.fromEntries(names.map((m) => [m, {}]));
  let corruptSeconds = 0;
  let evalSeconds = 0;
  let step = 0;
  const threads = defaultCorruptionThreads(); // worker threads of the corruption pool (src/corruptions/pool.ts)
  // one buffer for every corrupted copy of the test split: each is evaluated, then dropped before the next. With
  // worker threads, it and the split's pixels live in shared memory, which the pool reads and writes in place
  // (instead of copying the split in and the result out for every corruption and severity)
  const into = threads > 1 ? sharedPixels(new Uint8Array(test.images.length)) : new Uint8Array(test.images.length);
  const inputs = threads > 1 ? { ...test, images: sharedPixels(test.images) } : test;
  try {
    for (const { corruption: c, source, file } of plan.corruptions) {
      for (const m of names) perModel[m][c.name] = [];
      for (const s of severities) {
        progress.update(step, steps, `${c.name} severity ${s}: corrupting ${test.count} images`);
        const t0 = performance.now();
        const corrupted = await corruptDataset(inputs, c, s, { seed: config.seed, table, source, module: file, threads, timeoutSeconds: config.corruption.timeoutSeconds, into });
        corruptSeconds += (performance.now() - t0) / 1000;
        progress.update(step, steps, `${c.name} severity ${s}: evaluating ${names.length} models`);
        const t1 = performance.now();
        for (const m of ctx.models) {
          const { variant } = m;
          const p = await predictOn(m, corrupted);
          perModel[variant.name][c.name].push({ severity: s, ...evalMetrics(p, corrupted.labels, bins, rule) });
        }
        evalSeconds += (performance.now() - t1) / 1000;
        progress.update(++step, steps, `${c.name} severity ${s} done`);
      }
      progress.line(`${c.name}: mean accuracy over severities ${names.map((m) => `${m} ${formatValue(meanOf(perModel[m][c.name].map((r) => r.accuracy)), 'fraction')}`).join(', ')}`);
    }
  } finally {
    await closeCorruptionPools();
  }
  const images = steps * test.count;
  ctx.log(`[suite corruption] ${images} corrupted images in ${corruptSeconds.toFixed(1)} s (${(images / Math.max(corruptSeconds, 1e-9)).toFixed(0)} images/s); ` +
    `${images * names.length} inferences in ${evalSeconds.toFixed(1)} s (${((images * names.length) / Math.max(evalSeconds, 1e-9)).toFixed(0)} images/s)`);

  const result = summarise({ plan, table, reason, test, fullCount: full.count, seed: config.seed, clean, perModel, names, baseline });

  const files = ['corruption/accuracy-vs-severity.svg', 'corruption/delta-heatmap.svg', 'corruption/preview.png'];
  const labels = Object.fromEntries(ctx.models.map((m) => [m.variant.name, `${m.variant.name}${kLabel(m.variant.k)}`]));
  writeFileAtomic(path.join(ctx.outDir, files[0]), accuracyPanelsSvg(result, names, labels));
  if (names.length > 1) writeFileAtomic(path.join(ctx.outDir, files[1]), deltaHeatmapsSvg(result, names, labels));
  else files.splice(1, 1);
  const previewImages = Array.from({ length: Math.min(PREVIEW_IMAGES, test.count) }, (_, i) => datasetImage(test, i));
  const png = await previewGrid(previewImages, plan.corruptions.map((p) => p.corruption), severities, config.seed, { table });
  writeFileAtomic(path.join(ctx.outDir, files[files.length - 1]), png);
  return { result, markdown: corruptionMarkdown(result, names, labels, files), files };
}

export default defineSuite({
  name: 'corruption',
  version: 1,
  description: 'accuracy, ECE and MLP sparsity on corrupted test images (ImageNet-C / CIFAR-10-C corruptions and plugins), CE/mCE',
  // before training: load the plugins and check every configured name (did-you-mean)
  check: async (config) => void (await resolveCorruptionPlan(config)),
  run,
  headline: (result) => {
    const r = result as CorruptionResult;
    return [
      { key: 'noiseAverageAccuracy', label: 'accuracy, mean of gaussian/shot/impulse noise over severities', kind: 'fraction', values: valuesPerModel(r.models, (m) => m.noiseAverageAccuracy) },
      { key: 'benchmarkMeanAccuracy', label: 'accuracy, mean over the benchmark corruptions and severities', kind: 'fraction', values: valuesPerModel(r.models, (m) => m.benchmark?.meanAccuracy ?? null) },
      ...Object.keys(r.models[r.baseline]?.perCorruption ?? {}).map((c) => ({
        key: `${c}/meanAccuracy`, label: `${c} accuracy (mean over severities)`, kind: 'fraction' as const,
        values: valuesPerModel(r.models, (m) => m.perCorruption[c]?.meanAccuracy ?? null),
      })),
    ];
  },
});
