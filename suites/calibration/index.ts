/**
 * Calibration suite (docs/conventions.md#calibration): for each model on the clean test split, every calibration metric of
 * src/metrics (top-label ECE under the run's bins and rule, MCE, RMS-CE, adaptive ECE, classwise ECE, debiased ℓ2,
 * Brier, NLL, accuracy), seeded 95% bootstrap intervals for ECE, accuracy and NLL, and temperature scaling fitted on
 * the validation split (minimum NLL) with the metrics after it. Writes reliability diagrams (vanilla and Top-k side
 * by side, before and after temperature scaling) as SVG.
 */
import * as path from 'node:path';
import { meanOf } from '../../src/metrics/accuracy.js';
import { binEqualWidth } from '../../src/metrics/binning.js';
import { bootstrapIntervals, type BootstrapInterval } from '../../src/metrics/bootstrap.js';
import { calibrationReport } from '../../src/metrics/calibration-report.js';
import { eceFromBinSums } from '../../src/metrics/ece.js';
import { nllPerExample } from '../../src/metrics/nll.js';
import { applyTemperature, fitTemperature } from '../../src/metrics/temperature-scaling.js';
import { topLabel } from '../../src/metrics/top-label.js';
import { reliabilityDiagramSvg } from '../../src/report/reliability-diagram.js';
import { sideBySide } from '../../src/report/side-by-side.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { defineSuite, perModel, predictDataset, type SuiteContext, type SuiteOutput } from '../../api/suites.js';
import { calibrationMarkdown } from './markdown.js';
import type { CalibrationSuiteResult, ModelCalibration, PairedCalibrationDifference } from './types.js';

export * from './types.js';
export { calibrationMarkdown } from './markdown.js';

/** Bootstrap resamples for the 95% intervals. */
const RESAMPLES = 1000;

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const { bins, rule } = { bins: ctx.config.eval.eceBins, rule: ctx.config.eval.eceRule };
  const labels = ctx.data.test.labels;
  const result: Record<string, ModelCalibration> = {};
  const diagrams: string[] = [];
  const scaledDiagrams: string[] = [];
  // One resampling stream, shared by every model and metric: the same bootstrap samples of the test set for all of
  // them, so their intervals are paired and the model − baseline differences get intervals of their own. (Until
  // version 2 each metric had its own stream: three times the index draws, the suite's largest cost.)
  const stream = { seed: ctx.config.seed, resamples: RESAMPLES, stream: 'calibration' };
  type Metric = 'ece' | 'accuracy' | 'nll';
  const METRICS: Metric[] = ['ece', 'accuracy', 'nll'];
  const names = ctx.models.map((m) => m.variant.name);
  const n = labels.length;
  const perExample = new Map<string, Record<Metric, (idx: Int32Array) => number>>();
  const partial = new Map<string, Omit<ModelCalibration, 'intervals'>>();
  for (const { variant, classifier } of ctx.models) {
    const p = ctx.testPredictions.get(variant.name)!;
    const logits = { data: p.logits, numClasses: p.numClasses };
    const test = calibrationReport(logits, labels, { bins, rule, logits: true });
    // bootstrap over examples: per-example correctness, confidence and NLL computed once
    const tl = topLabel(logits, labels, { logits: true });
    const nll = nllPerExample(logits, labels, { logits: true });
    perExample.set(variant.name, {
      ece: (idx: Int32Array) => eceFromBinSums(binEqualWidth(tl.confidence, tl.correct, bins, rule, idx)),
      accuracy: (idx: Int32Array) => meanOf(tl.correct, idx),
      nll: (idx: Int32Array) => meanOf(nll, idx),
    });
    const val = await predictDataset(classifier, ctx.data.validation, { batchSize: ctx.config.train.evalBatchSize, model: variant.name });
    const temperature = fitTemperature({ data: val.logits, numClasses: val.numClasses }, ctx.data.validation.labels);
    const afterTemperature = calibrationReport(applyTemperature(logits, temperature), labels, { bins, rule });
    partial.set(variant.name, { test, temperature, afterTemperature });
    diagrams.push(reliabilityDiagramSvg(test.bins, { title: variant.name, ece: test.ece, rule }));
    scaledDiagrams.push(reliabilityDiagramSvg(afterTemperature.bins, { title: `${variant.name}, T = ${temperature.toFixed(3)}`, ece: afterTemperature.ece, rule }));
  }
  // Every model's statistic per metric, then each model − baseline difference from the same resamples' values.
  const statistics = METRICS.flatMap((k) => names.map((name) => perExample.get(name)![k]));
  const at = (k: Metric, model: number) => METRICS.indexOf(k) * names.length + model;
  const pairs = METRICS.flatMap((k) => names.slice(1).map((_, i) => [at(k, i + 1), at(k, 0)] as const));
  const all = bootstrapIntervals(n, statistics, { ...stream, differences: pairs });
  const intervals = {} as Record<Metric, { models: BootstrapInterval[]; differences: BootstrapInterval[] }>;
  METRICS.forEach((k, m) => {
    const d0 = statistics.length + m * (names.length - 1);
    intervals[k] = { models: names.map((_, i) => all[at(k, i)]), differences: all.slice(d0, d0 + names.length - 1) };
  });
  names.forEach((name, i) => {
    const { test, temperature, afterTemperature } = partial.get(name)!;
    result[name] = { test, intervals: { ece: intervals.ece.models[i], accuracy: intervals.accuracy.models[i], nll: intervals.nll.models[i] }, temperature, afterTemperature };
  });
  const differences: Record<string, PairedCalibrationDifference> = {};
  names.slice(1).forEach((name, i) => {
    const diff = (k: Metric) => {
      const interval = intervals[k].differences[i];
      return { ...interval, estimate: result[name].test[k] - result[names[0]].test[k], excludesZero: interval.low > 0 || interval.high < 0 };
    };
    differences[name] = { ece: diff('ece'), accuracy: diff('accuracy'), nll: diff('nll') };
  });
  const files = ['calibration/reliability.svg', 'calibration/reliability-temperature-scaled.svg'];
  writeFileAtomic(path.join(ctx.outDir, files[0]), sideBySide(diagrams)); // each panel carries its model's name
  writeFileAtomic(path.join(ctx.outDir, files[1]), sideBySide(scaledDiagrams));
  return { result: { bins, rule, resamples: RESAMPLES, models: result, differences } satisfies CalibrationSuiteResult, markdown: calibrationMarkdown(result, differences, names, bins, rule, RESAMPLES, files), files };
}

export default defineSuite({
  name: 'calibration',
  version: 2, // 2: one bootstrap stream for every metric (each had its own)
  description: 'every calibration metric, bootstrap intervals, temperature scaling, reliability diagrams',
  run,
  headline: (result) => {
    const models = (result as CalibrationSuiteResult).models;
    return [
      { key: 'mce', label: 'MCE', kind: 'fraction', values: perModel(models, (m) => m.test.mce) },
      { key: 'adaptiveEce', label: 'adaptive ECE', kind: 'fraction', values: perModel(models, (m) => m.test.adaptiveEce) },
      { key: 'classwiseEce', label: 'classwise ECE', kind: 'fraction', values: perModel(models, (m) => m.test.classwiseEce) },
      { key: 'brier', label: 'Brier score', kind: 'number', values: perModel(models, (m) => m.test.brier) },
      { key: 'temperature', label: 'fitted temperature', kind: 'number', values: perModel(models, (m) => m.temperature) },
      { key: 'eceAfterTemperature', label: 'ECE after temperature scaling', kind: 'fraction', values: perModel(models, (m) => m.afterTemperature.ece) },
    ];
  },
});
