/**
 * Label-noise suite (docs/conventions.md#label-noise; SCIENCE.md on why memorisation must be measured). For each spec in
 * config.labelNoise.specs: corrupt the training labels only (validation and test labels stay clean), retrain every
 * model of the run on the same noisy labels (ctx.trainExtra: same architecture, initialisation and data order as its
 * clean-label twin), and report on the clean test split accuracy, NLL and ECE, the drop from the clean-label model
 * of the same variant, and memorisation: on a fixed seeded probe of training examples whose label was changed, the
 * fraction each model predicts as the noisy label, as the true label, or as neither, after every epoch (epoch 0 =
 * initialisation). A model that does not fit the noisy labels cannot show resistance to them, so the curve says
 * whether a run reached the regime the paper's claim is about.
 *
 * Randomness: noisy labels = applyLabelNoise(train labels, C, spec, run seed), i.e. stream
 * (seed, 'label-noise', <canonical spec>); the probe = rngFor(seed, 'label-noise', 'memorisation-probe', <canonical
 * spec>). Resume: every retrained model is checkpointed as checkpoints/noise-<spec>-<model>.ckpt; its memorisation
 * is saved after each epoch in label-noise/progress/<same key>.json, because a resumed training does not replay the
 * epochs it already finished. The retrainings are the suite's work items (workItems / runWorkItem): on wasm and cpu
 * the harness runs them side by side in child processes before `run`, which then finds them finished.
 */
import * as path from 'node:path';
import { subset } from '../../src/data/dataset.js';
import { applyLabelNoise, type LabelNoiseReport } from '../../src/label-noise/index.js';
import { checkpointComplete } from '../../src/train/checkpoint.js';
import { formatValue } from '../../src/report/format.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { defineSuite, HarnessInputError, perModel, type SuiteContext, type SuiteOutput, type SuiteWorkContext } from '../../api/suites.js';
import { accuracyChart, memorisationChart } from './figures.js';
import { labelNoiseMarkdown } from './markdown.js';
import { memorisationMilestones, memorisationProbe } from './memorisation.js';
import { retrainOnNoisyLabels, trainOnNoisyLabels, type NoisyLabels } from './retrain.js';
import { noiseKey, resolveSpecs, type ResolvedSpec } from './specs.js';
import { minus, testMetrics } from './test-metrics.js';
import type { LabelNoiseSuiteResult, NoiseDelta, NoisyModelResult, SpecResult, TestMetrics } from './types.js';

export * from './types.js';
export { noiseKey, resolveSpecs } from './specs.js';
export { argmaxRows, memorisationPoint, memorisationProbe } from './memorisation.js';
export { testMetrics } from './test-metrics.js';
export { labelNoiseMarkdown } from './markdown.js';

const pct = (v: number) => formatValue(v, 'fraction');

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const { config, data } = ctx;
  const C = data.train.classNames.length;
  const specs = resolveSpecs(config.labelNoise.specs, config.data.dataset, C);
  const names = ctx.models.map((m) => m.variant.name);
  const baseline = names[0];
  const clean: Record<string, TestMetrics> = {};
  for (const name of names) clean[name] = testMetrics(ctx.testPredictions.get(name)!, data.test.labels, config);

  const results: SpecResult[] = [];
  for (const entry of specs) {
    const { requested, canonical } = entry;
    const { noisy, report: r, validationReport } = noisyLabelsFor(ctx, entry);
    ctx.log(
      `[label-noise] ${canonical}: ${r.counts.changed} of ${r.counts.examples} training labels changed ` +
        `(${pct(r.realisedChangedFraction)}; expected ${pct(r.expectedChangedFraction)}); ` +
        (validationReport ? `validation labels noised too (${pct(validationReport.realisedChangedFraction)} changed); test labels are clean` : 'validation and test labels are clean'),
    );
    const models: Record<string, NoisyModelResult> = {};
    for (const { variant } of ctx.models) {
      const m = await trainOnNoisyLabels(ctx, variant, noisy, clean[variant.name]);
      models[variant.name] = m;
      ctx.log(`[label-noise] ${canonical} ${variant.name}: test accuracy ${pct(m.test.accuracy)} (clean ${pct(clean[variant.name].accuracy)})` +
        (m.memorisation.length ? `, noisy labels fitted ${pct(m.memorisation[m.memorisation.length - 1].noisyLabel)}` : ''));
    }
    const deltas: Record<string, NoiseDelta> = {};
    for (const name of names.slice(1)) {
      const a = models[name];
      const b = models[baseline];
      const la = a.memorisation[a.memorisation.length - 1];
      const lb = b.memorisation[b.memorisation.length - 1];
      deltas[name] = {
        test: minus(a.test, b.test),
        dropFromClean: minus(a.dropFromClean, b.dropFromClean),
        memorisation: la && lb ? { noisyLabel: la.noisyLabel - lb.noisyLabel, trueLabel: la.trueLabel - lb.trueLabel, other: la.other - lb.other } : null,
      };
    }
    results.push({ requested, spec: canonical, noise: r, probe: { size: noisy.probe.set.count, changedExamples: r.counts.changed }, validationNoise: validationReport ?? null, models, deltas });
  }

  const result: LabelNoiseSuiteResult = {
    baseline,
    trainExamples: data.train.count,
    memorisationProbe: config.labelNoise.memorisationProbe,
    clean,
    specs: results,
  };
  const files: string[] = [];
  if (results.length > 0) {
    files.push('label-noise/accuracy-vs-noise.svg');
    writeFileAtomic(path.join(ctx.outDir, files[0]), accuracyChart(result, names));
    if (results.some((s) => s.probe.size > 0)) {
      files.push('label-noise/memorisation.svg');
      writeFileAtomic(path.join(ctx.outDir, files[1]), memorisationChart(result, names));
    }
  }
  return { result, markdown: labelNoiseMarkdown(result, ctx.models.map((m) => m.variant), data.train.classNames, files), files };
}

/** A spec's noisy training (and optionally validation) labels and its memorisation probe, as `run` and a work item use them. */
function noisyLabelsFor(ctx: SuiteWorkContext, { canonical, spec }: ResolvedSpec): { noisy: NoisyLabels; report: LabelNoiseReport; validationReport?: LabelNoiseReport } {
  const { config, data } = ctx;
  const C = data.train.classNames.length;
  const noise = applyLabelNoise(data.train.labels, C, spec, config.seed); // a new array: data.train.labels stays clean
  // a noisy validation split (option): the same spec on the validation labels, from a stream of its own
  const valNoise = config.labelNoise.noisyValidation ? applyLabelNoise(data.validation.labels, C, spec, `${config.seed}/validation`) : null;
  const probeIdx = memorisationProbe(noise.changed, config.labelNoise.memorisationProbe, config.seed, canonical);
  const probe = { set: subset(data.train, probeIdx, `${data.train.name} memorisation probe`), noisy: Uint8Array.from(probeIdx, (i) => noise.labels[i]) };
  return { noisy: { canonical, labels: noise.labels, validation: valNoise?.labels, probe }, report: noise.report, validationReport: valNoise?.report };
}

/** The retrainings (spec, model) whose checkpoint is not yet complete, named by their key (noise-<spec>-<model>). */
function workItems(ctx: SuiteWorkContext): string[] {
  const specs = resolveSpecs(ctx.config.labelNoise.specs, ctx.config.data.dataset, ctx.data.train.classNames.length);
  const keys = specs.flatMap(({ canonical }) => ctx.models.map((m) => noiseKey(canonical, m.variant.name)));
  return keys.filter((key) => !checkpointComplete(path.join(ctx.outDir, 'checkpoints', `${key}.ckpt`), ctx.config.train.epochs));
}

/** One retraining of workItems, in a child process: the checkpoint and progress file `run` then reuses. */
async function runWorkItem(ctx: SuiteWorkContext, item: string): Promise<void> {
  const specs = resolveSpecs(ctx.config.labelNoise.specs, ctx.config.data.dataset, ctx.data.train.classNames.length);
  for (const entry of specs) {
    const model = ctx.models.find((m) => noiseKey(entry.canonical, m.variant.name) === item);
    if (model === undefined) continue;
    const { tm } = await retrainOnNoisyLabels(ctx, model.variant, noisyLabelsFor(ctx, entry).noisy);
    tm.model.dispose();
    return;
  }
  throw new HarnessInputError(`label-noise has no retraining '${item}' in this run`, '--item');
}

export default defineSuite({
  version: 1,
  needs: ['training'],
  name: 'label-noise',
  description: 'retrain every model on noisy training labels; clean-test accuracy, NLL, ECE, drop from clean, memorisation per epoch',
  // before training: folder datasets' class counts are only known once loaded
  check: (config, data) => void resolveSpecs(config.labelNoise.specs, config.data.dataset, data.train.classNames.length),
  run,
  // the (spec, model) retrainings are independent: on wasm and cpu the harness runs them side by side in child processes
  workItems,
  runWorkItem,
  headline: (result) =>
    (result as LabelNoiseSuiteResult).specs.flatMap((s) => [
      { key: `${s.spec}/accuracy`, label: `${s.spec}: clean-test accuracy`, kind: 'fraction' as const, values: perModel(s.models, (m) => m.test.accuracy) },
      { key: `${s.spec}/ece`, label: `${s.spec}: clean-test ECE`, kind: 'fraction' as const, values: perModel(s.models, (m) => m.test.ece) },
      {
        key: `${s.spec}/memorised`, label: `${s.spec}: noisy labels fitted (last epoch)`, kind: 'fraction' as const,
        values: perModel(s.models, (m) => m.memorisation[m.memorisation.length - 1]?.noisyLabel ?? null),
      },
      {
        // the best clean validation accuracy over epochs: what early stopping would have kept before memorisation
        key: `${s.spec}/peakValidationAccuracy`, label: `${s.spec}: best clean validation accuracy over epochs`, kind: 'fraction' as const,
        values: perModel(s.models, (m) => (m.curve.length === 0 ? null : Math.max(...m.curve.map((c) => c.validationAccuracy)))),
      },
      // the memorisation curve at milestone epochs (the last epoch is `memorised` above)
      ...memorisationMilestones(s.models).map((e) => ({
        key: `${s.spec}/memorised@${e}`, label: `${s.spec}: noisy labels fitted after epoch ${e}`, kind: 'fraction' as const,
        values: perModel(s.models, (m) => m.memorisation.find((p) => p.epoch === e)?.noisyLabel ?? null),
      })),
    ]),
});
