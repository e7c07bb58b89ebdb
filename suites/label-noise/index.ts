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
 * epochs it already finished.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelVariant, RunConfig } from '../../src/config/run-config.js';
import { subset, type Dataset } from '../../src/data/dataset.js';
import { HarnessInputError } from '../../src/errors.js';
import { predict, type Predictions } from '../../src/eval/predict.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { expectedCalibrationError } from '../../src/metrics/ece.js';
import { negativeLogLikelihood } from '../../src/metrics/nll.js';
import type { ViT } from '../../src/models/vit.js';
import {
  applyLabelNoise,
  formatNoiseReport,
  formatNoiseSpec,
  parseNoiseSpec,
  validateNoiseSpec,
  type LabelNoiseReport,
  type NoiseSpec,
} from '../../src/label-noise/index.js';
import { lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { permutation, rngFor } from '../../src/rng.js';
import { milestoneEpochs } from '../../src/train/milestones.js';
import { defineSuite, perModel, type SuiteContext, type SuiteOutput } from '../../api/suites.js';
import { writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic.js';
import { markdownTable } from '../../src/report/markdown-table.js';
import { formatDelta, formatValue, kLabel } from '../../src/report/format.js';

// ---------------------------------------------------------------------------------------------------------------
// Result types (scorecard.suites['label-noise']). Fractions 0..1, NLL in nats.

/** Clean-test-split metrics of one model. */
export interface TestMetrics {
  accuracy: number;
  /** Mean negative log-likelihood, nats. */
  nll: number;
  /** Top-label ECE with the run's bins and boundary rule. */
  ece: number;
}

/** Where the memorisation probe's predictions fall after one epoch; the three fractions sum to 1. */
export interface MemorisationPoint {
  /** 0 = at initialisation, E = after the last epoch. */
  epoch: number;
  /** Fraction of probe examples predicted as their (wrong) training label: the noise fitted. */
  noisyLabel: number;
  /** Fraction predicted as their true label. */
  trueLabel: number;
  /** Fraction predicted as some third class. */
  other: number;
}

/** One model retrained on one spec's noisy labels. */
export interface NoisyModelResult {
  /** ctx.trainExtra key, also the checkpoint name (checkpoints/<key>.ckpt). */
  key: string;
  /** On the clean test split. */
  test: TestMetrics;
  /**
   * How much worse than the clean-label model of the same variant; positive = worse under noise:
   * accuracy clean − noisy, NLL and ECE noisy − clean.
   */
  dropFromClean: TestMetrics;
  /** One point per epoch 0..E; empty when no training label changed (nothing to memorise). */
  memorisation: MemorisationPoint[];
  /** Per epoch: loss and accuracy against the noisy training labels; validation accuracy against the validation labels (clean, or noisy with labelNoise.noisyValidation — see validationNoise). */
  curve: { epoch: number; trainLoss: number | null; trainAccuracy: number | null; validationAccuracy: number }[];
}

/** A non-baseline model minus the baseline, for one spec. */
export interface NoiseDelta {
  test: TestMetrics;
  dropFromClean: TestMetrics;
  /** At the last epoch; null when the probe is empty. */
  memorisation: Omit<MemorisationPoint, 'epoch'> | null;
}

export interface SpecResult {
  /** The spec as written in the config. */
  requested: string;
  /** Canonical form (every field spelled out); names the random stream. */
  spec: string;
  /** What the noise did to the training split: requested rate, expected and realised changed fraction, realised T, seed. */
  noise: LabelNoiseReport;
  /** The memorisation probe: a seeded subset of the changed training examples. */
  probe: { size: number; changedExamples: number };
  /** With labelNoise.noisyValidation: what the same spec did to the validation labels (its own stream); else null. */
  validationNoise: LabelNoiseReport | null;
  models: Record<string, NoisyModelResult>;
  /** Keyed by non-baseline model name: that model minus the baseline. */
  deltas: Record<string, NoiseDelta>;
}

export interface LabelNoiseSuiteResult {
  /** The first model of the run; deltas are against it. */
  baseline: string;
  /** Training examples the noise is applied to (the training split after the validation split is carved off). */
  trainExamples: number;
  /** config.labelNoise.memorisationProbe: the most changed examples tracked per spec. */
  memorisationProbe: number;
  /** The clean-label models of the run on the clean test split (noise rate 0). */
  clean: Record<string, TestMetrics>;
  specs: SpecResult[];
}

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers (exported for the tests).

/** Specs of the config, parsed and checked against the data's class count: every error before any training. */
export function resolveSpecs(texts: readonly string[], dataset: string, numClasses: number): { requested: string; spec: NoiseSpec; canonical: string }[] {
  const seen = new Map<string, number>();
  return texts.map((requested, i) => {
    const field = `labelNoise.specs.${i}`;
    let spec: NoiseSpec;
    try {
      spec = parseNoiseSpec(requested, { dataset });
      validateNoiseSpec(spec, numClasses);
    } catch (e) {
      if (e instanceof HarnessInputError) throw new HarnessInputError(`${field}: ${e.message} (the data has ${numClasses} classes)`, field);
      throw e;
    }
    const canonical = formatNoiseSpec(spec);
    const prev = seen.get(canonical);
    if (prev !== undefined) throw new HarnessInputError(`${field}: '${requested}' is the same noise as labelNoise.specs.${prev} (${canonical})`, field);
    seen.set(canonical, i);
    return { requested, spec, canonical };
  });
}

/** ctx.trainExtra key (and checkpoint file name) of a model retrained on a spec's noisy labels. */
export function noiseKey(canonicalSpec: string, model: string): string {
  let slug = canonicalSpec.replace(/[^A-Za-z0-9.=-]+/g, '_');
  if (slug.length > 60) slug = `${slug.slice(0, 40)}_${createHash('sha256').update(canonicalSpec).digest('hex').slice(0, 12)}`;
  return `noise-${slug}-${model}`;
}

/** A fixed seeded subset of at most `size` indices i with changed[i] = 1, ascending. */
export function memorisationProbe(changed: Uint8Array, size: number, seed: number | string, canonicalSpec: string): Int32Array {
  const candidates: number[] = [];
  for (let i = 0; i < changed.length; i++) if (changed[i]) candidates.push(i);
  const order = permutation(rngFor(seed, 'label-noise', 'memorisation-probe', canonicalSpec), candidates.length);
  const picked = Int32Array.from(order.subarray(0, Math.min(size, candidates.length)), (j) => candidates[j]);
  return picked.sort();
}

/** Row-wise argmax of a row-major [N, C] matrix (first maximum wins). */
export function argmaxRows(values: ArrayLike<number>, numClasses: number): Int32Array {
  const n = values.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c] > values[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Where predictions fall on examples whose noisy label differs from the true one: noisy label, true label or
 * neither. Throws if an example's noisy label equals its true one (it would count twice) or the lengths differ.
 */
export function memorisationPoint(epoch: number, predicted: ArrayLike<number>, noisy: ArrayLike<number>, truth: ArrayLike<number>): MemorisationPoint {
  const n = predicted.length;
  if (noisy.length !== n || truth.length !== n) throw new RangeError(`memorisation: ${n} predictions, ${noisy.length} noisy and ${truth.length} true labels`);
  if (n === 0) throw new RangeError('memorisation: empty probe');
  let fitNoisy = 0;
  let fitTrue = 0;
  for (let i = 0; i < n; i++) {
    if (noisy[i] === truth[i]) throw new RangeError(`memorisation: probe example ${i} has an unchanged label`);
    if (predicted[i] === noisy[i]) fitNoisy++;
    else if (predicted[i] === truth[i]) fitTrue++;
  }
  return { epoch, noisyLabel: fitNoisy / n, trueLabel: fitTrue / n, other: (n - fitNoisy - fitTrue) / n };
}

/** Accuracy, NLL and ECE of test predictions (from the logits, as the scorecard's headline numbers). */
export function testMetrics(p: Predictions, labels: Uint8Array, config: RunConfig): TestMetrics {
  const logits = { data: p.logits, numClasses: p.numClasses };
  return {
    accuracy: accuracy(logits, labels, { logits: true }),
    nll: negativeLogLikelihood(logits, labels, { logits: true }),
    ece: expectedCalibrationError(logits, labels, { bins: config.eval.eceBins, rule: config.eval.eceRule, logits: true }).ece,
  };
}

function drop(clean: TestMetrics, noisy: TestMetrics): TestMetrics {
  return { accuracy: clean.accuracy - noisy.accuracy, nll: noisy.nll - clean.nll, ece: noisy.ece - clean.ece };
}

function minus(a: TestMetrics, b: TestMetrics): TestMetrics {
  return { accuracy: a.accuracy - b.accuracy, nll: a.nll - b.nll, ece: a.ece - b.ece };
}

// ---------------------------------------------------------------------------------------------------------------
// The suite.

/** What a model's per-epoch memorisation file holds. */
interface ProgressFile {
  key: string;
  spec: string;
  probeSize: number;
  points: MemorisationPoint[];
}

function readProgress(file: string, key: string, spec: string, probeSize: number): Map<number, MemorisationPoint> {
  const points = new Map<number, MemorisationPoint>();
  if (!fs.existsSync(file)) return points;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as ProgressFile;
  if (saved.key !== key || saved.spec !== spec || saved.probeSize !== probeSize) {
    throw new HarnessInputError(`${file} was written for another noise spec or probe; delete it and checkpoints/${key}.ckpt to retrain`, file);
  }
  for (const p of saved.points) points.set(p.epoch, p);
  return points;
}

/**
 * Retrain `variant` on the noisy labels, tracking memorisation on the probe after every epoch, and evaluate it on the
 * clean test split against `clean`, the clean-label model of the same variant.
 */
async function trainOnNoisyLabels(
  ctx: SuiteContext,
  variant: ModelVariant,
  canonical: string,
  noisyLabels: Uint8Array,
  noisyValidation: Uint8Array | undefined,
  probe: { set: Dataset; noisy: Uint8Array },
  clean: TestMetrics,
): Promise<NoisyModelResult> {
  const key = noiseKey(canonical, variant.name);
  const batchSize = ctx.config.train.evalBatchSize;
  const progressFile = path.join(ctx.outDir, 'label-noise', 'progress', `${key}.json`);
  const points = readProgress(progressFile, key, canonical, probe.set.count);
  const onEpoch = (record: { epoch: number }, model: ViT): void => {
    if (probe.set.count === 0) return;
    const p = predict(model, probe.set, { batchSize });
    points.set(record.epoch, memorisationPoint(record.epoch, argmaxRows(p.logits, p.numClasses), probe.noisy, probe.set.labels));
    const file: ProgressFile = { key, spec: canonical, probeSize: probe.set.count, points: [...points.values()].sort((a, b) => a.epoch - b.epoch) };
    writeJsonAtomic(progressFile, file);
  };
  if (ctx.trainExtra === undefined) throw new HarnessInputError("suite 'label-noise' does not apply to models the harness did not train: it retrains each model on noisy labels", 'suites');
  const tm = await ctx.trainExtra(key, variant, { trainLabels: noisyLabels, validationLabels: noisyValidation, onEpoch });
  try {
    const epochs = tm.state.epoch;
    const memorisation: MemorisationPoint[] = [];
    if (probe.set.count > 0) {
      for (let e = 0; e <= epochs; e++) {
        const p = points.get(e);
        if (!p) {
          throw new HarnessInputError(
            `memorisation of ${key} at epoch ${e} is missing from ${progressFile} (the checkpoint was kept but not the file); ` +
              `delete checkpoints/${key}.ckpt to retrain that model`,
            progressFile,
          );
        }
        memorisation.push(p);
      }
    }
    const test = testMetrics(predict(tm.model, ctx.data.test, { batchSize, progress: ctx.progress(`${key} test`) }), ctx.data.test.labels, ctx.config);
    return {
      key,
      test,
      dropFromClean: drop(clean, test),
      memorisation,
      curve: tm.state.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, trainAccuracy: h.trainAccuracy, validationAccuracy: h.validationAccuracy })),
    };
  } finally {
    tm.model.dispose();
  }
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  const { config, data } = ctx;
  const C = data.train.classNames.length;
  const specs = resolveSpecs(config.labelNoise.specs, config.data.dataset, C);
  const names = ctx.models.map((m) => m.variant.name);
  const baseline = names[0];
  const clean: Record<string, TestMetrics> = {};
  for (const name of names) clean[name] = testMetrics(ctx.testPredictions.get(name)!, data.test.labels, config);

  const results: SpecResult[] = [];
  for (const { requested, canonical, spec } of specs) {
    const noise = applyLabelNoise(data.train.labels, C, spec, config.seed); // a new array: data.train.labels stays clean
    // a noisy validation split (option): the same spec on the validation labels, from a stream of its own
    const valNoise = config.labelNoise.noisyValidation ? applyLabelNoise(data.validation.labels, C, spec, `${config.seed}/validation`) : null;
    const r = noise.report;
    ctx.log(
      `[label-noise] ${canonical}: ${r.counts.changed} of ${r.counts.examples} training labels changed ` +
        `(${pct(r.realisedChangedFraction)}; expected ${pct(r.expectedChangedFraction)}); ` +
        (valNoise ? `validation labels noised too (${pct(valNoise.report.realisedChangedFraction)} changed); test labels are clean` : 'validation and test labels are clean'),
    );
    const probeIdx = memorisationProbe(noise.changed, config.labelNoise.memorisationProbe, config.seed, canonical);
    const probe = { set: subset(data.train, probeIdx, `${data.train.name} memorisation probe`), noisy: Uint8Array.from(probeIdx, (i) => noise.labels[i]) };
    const models: Record<string, NoisyModelResult> = {};
    for (const { variant } of ctx.models) {
      const m = await trainOnNoisyLabels(ctx, variant, canonical, noise.labels, valNoise?.labels, probe, clean[variant.name]);
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
    results.push({ requested, spec: canonical, noise: r, probe: { size: probeIdx.length, changedExamples: r.counts.changed }, validationNoise: valNoise?.report ?? null, models, deltas });
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
  return { result, markdown: markdown(result, ctx.models.map((m) => m.variant), data.train.classNames, files), files };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown.

/** A model "has memorised" when it predicts the noisy label for at least this fraction of its probe (markdown note only). */
const MEMORISED = 0.5;
const pct = (v: number) => formatValue(v, 'fraction');
const pts = (v: number) => formatDelta(v, 'fraction');
const num = (v: number) => formatDelta(v, 'number');


function markdown(r: LabelNoiseSuiteResult, variants: ModelVariant[], classNames: string[], files: string[]): string {
  const names = variants.map((v) => v.name);
  const others = names.slice(1);
  const header = ['metric', ...variants.map((v) => `${v.name}${kLabel(v.k)}`), ...others.map((n) => `Δ ${n} − ${r.baseline}`)];
  const out: string[] = [
    '## Label noise (noisy training labels, clean test split)',
    '',
  ];
  if (r.specs.length === 0) {
    out.push('No noise specs configured (labelNoise.specs is empty).', '');
    return out.join('\n');
  }
  out.push(
    `Each model is retrained from the same initialisation and data order on the ${r.trainExamples} training labels corrupted by each ` +
      `spec; ${r.specs.some((x) => x.validationNoise) ? 'validation labels are corrupted the same way (labelNoise.noisyValidation, a stream of their own) and test labels stay clean' : 'validation and test labels stay clean'}. Drop from clean: the clean-label model of the same variant minus its noisy-label ` +
      'twin for accuracy, noisy minus clean for NLL and ECE (positive = worse under noise). Memorisation: on a fixed seeded probe ' +
      `of up to ${r.memorisationProbe} training examples whose label was changed, the fraction the model predicts as the noisy label, ` +
      'as the true label, or as neither, after the last epoch (every epoch in the JSON and the chart). Δ columns: accuracy and ECE in percentage points.',
    '',
    '### Test accuracy by training-label noise',
    '',
    markdownTable(
      ['training labels', 'changed', ...variants.map((v) => `${v.name}${kLabel(v.k)}`), ...others.map((n) => `Δ ${n} − ${r.baseline}`)],
      [
        ['clean', pct(0), ...names.map((n) => pct(r.clean[n].accuracy)), ...others.map((n) => pts(r.clean[n].accuracy - r.clean[r.baseline].accuracy))],
        ...r.specs.map((s) => [
          s.spec,
          pct(s.noise.realisedChangedFraction),
          ...names.map((n) => pct(s.models[n].test.accuracy)),
          ...others.map((n) => pts(s.deltas[n].test.accuracy)),
        ]),
      ],
    ),
    '',
  );
  for (const s of r.specs) {
    const n = s.noise;
    const last = (m: NoisyModelResult) => m.memorisation[m.memorisation.length - 1];
    const epochs = s.probe.size > 0 ? last(s.models[r.baseline]).epoch : null;
    const rows: string[][] = [
      ['test accuracy', ...names.map((m) => pct(s.models[m].test.accuracy)), ...others.map((m) => pts(s.deltas[m].test.accuracy))],
      ['accuracy drop from clean labels', ...names.map((m) => pts(s.models[m].dropFromClean.accuracy)), ...others.map((m) => pts(s.deltas[m].dropFromClean.accuracy))],
      ['test NLL', ...names.map((m) => s.models[m].test.nll.toFixed(4)), ...others.map((m) => num(s.deltas[m].test.nll))],
      ['NLL increase from clean labels', ...names.map((m) => num(s.models[m].dropFromClean.nll)), ...others.map((m) => num(s.deltas[m].dropFromClean.nll))],
      ['test ECE', ...names.map((m) => pct(s.models[m].test.ece)), ...others.map((m) => pts(s.deltas[m].test.ece))],
      ['ECE increase from clean labels', ...names.map((m) => pts(s.models[m].dropFromClean.ece)), ...others.map((m) => pts(s.deltas[m].dropFromClean.ece))],
    ];
    if (epochs !== null) {
      const mem = (label: string, f: keyof Omit<MemorisationPoint, 'epoch'>) =>
        [label, ...names.map((m) => pct(last(s.models[m])[f])), ...others.map((m) => pts(s.deltas[m].memorisation![f]))];
      rows.push(
        mem(`probe predicted as the noisy label (epoch ${epochs})`, 'noisyLabel'),
        mem(`probe predicted as the true label (epoch ${epochs})`, 'trueLabel'),
        mem(`probe predicted as neither (epoch ${epochs})`, 'other'),
      );
    }
    out.push(
      `### ${s.spec}: ${pct(n.realisedChangedFraction)} of training labels changed`,
      '',
      `Requested rate ${n.requestedRate === null ? 'n/a (matrix)' : n.requestedRate}, selection ${n.mode}; expected changed fraction ` +
        `${pct(n.expectedChangedFraction)}, realised ${pct(n.realisedChangedFraction)} (${n.counts.changed} of ${n.counts.examples} labels); ` +
        `seed ${n.seed}. ${n.convention.replace(/\.*$/, '')}. Memorisation probe: ${s.probe.size} of the ${s.probe.changedExamples} changed examples.`,
      '',
      markdownTable(header, rows),
      '',
      '<details><summary>Realised noise (transition matrix)</summary>',
      '',
      '```',
      formatNoiseReport(n, classNames).trimEnd(),
      '```',
      '',
      '</details>',
      '',
    );
  }
  const fitted = r.specs.flatMap((s) => names.map((m) => s.models[m].memorisation.at(-1)?.noisyLabel ?? 0));
  if (fitted.length > 0 && Math.max(...fitted) < MEMORISED) {
    out.push(
      `Memorisation: no model predicts the noisy label for most of its probe (at most ${pct(Math.max(...fitted))} after the last epoch), ` +
        'so this run has not reached the regime where resistance to memorisation can show; the paper\'s label-noise gains come from ' +
        'models trained long enough to fit wrong labels (SCIENCE.md: fewer images, more epochs, little weight decay).',
      '',
    );
  }
  out.push(`Charts: ${files.map((f) => `[${path.basename(f)}](${f})`).join(', ')}.`, '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Charts (src/report/charts.ts).

const DASHES = ['', '7,4', '2,3', '9,3,2,3', '4,2'];
const percentTick = (v: number) => `${Math.round(100 * v)}%`;

/** Clean-test accuracy against the realised fraction of changed training labels (clean = 0), one line per model. */
function accuracyChart(r: LabelNoiseSuiteResult, names: string[]): string {
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
function memorisationChart(r: LabelNoiseSuiteResult, names: string[]): string {
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


/** Milestone epochs before the last at which every model has a memorisation point. */
function memorisationMilestones(models: Record<string, NoisyModelResult>): number[] {
  const all = Object.values(models);
  const last = Math.max(0, ...all.flatMap((m) => m.memorisation.map((p) => p.epoch)));
  return milestoneEpochs(last).filter((e) => e < last && all.every((m) => m.memorisation.some((p) => p.epoch === e)));
}

export default defineSuite({
  version: 1,
  needs: ['training'],
  name: 'label-noise',
  description: 'retrain every model on noisy training labels; clean-test accuracy, NLL, ECE, drop from clean, memorisation per epoch',
  // before training: folder datasets' class counts are only known once loaded
  check: (config, data) => void resolveSpecs(config.labelNoise.specs, config.data.dataset, data.train.classNames.length),
  run,
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
