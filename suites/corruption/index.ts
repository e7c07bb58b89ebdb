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
import type { RunConfig } from '../../src/config/run-config.js';
import {
  ALEXNET_CLEAN_ERROR, ALEXNET_ERRORS, BENCHMARK_CORRUPTIONS, corruptDataset, createCorruptionRegistry, datasetImage,
  HELD_OUT_CORRUPTIONS, previewGrid,
  type Corruption, type CorruptionRegistry, type CorruptionSource, type Severity, type SeverityTable,
} from '../../src/corruptions/index.js';
import type { CorruptionGroup } from '../../src/corruptions/names.js';
import { tableFor } from '../../src/corruptions/severity-table.js';
import type { Dataset } from '../../src/data/dataset.js';
import { limit } from '../../src/data/split.js';
import { HarnessInputError } from '../../src/errors.js';
import { predict, type Predictions as ModelPredictions } from '../../src/eval/predict.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { expectedCalibrationError } from '../../src/metrics/ece.js';
import { negativeLogLikelihood } from '../../src/metrics/nll.js';
import { toPredictions } from '../../src/metrics/predictions.js';
import { lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { sideBySide } from '../../src/report/side-by-side.js';
import { escapeXml } from '../../src/util/escape.js';
import { formatDelta, formatValue, kLabel } from '../../src/report/format.js';
import { defineSuite, perModel as valuesPerModel, predictDataset, type SuiteContext, type SuiteModel, type SuiteOutput } from '../../api/suites.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { closeCorruptionPools, defaultCorruptionThreads } from '../../src/corruptions/pool.js';

/** The three noise corruptions of the paper's Table 1, whose mean accuracies it reports (and we average). */
export const NOISE_CORRUPTIONS = ['gaussian_noise', 'shot_noise', 'impulse_noise'] as const;

/** Test images shown in corruption/preview.png (the first ones of the evaluated subset). */
const PREVIEW_IMAGES = 2;

/** Subset stream of the evaluated test images: limit(test, n, seed, 'corruption'). */
const SUBSET_STREAM = 'corruption';

/** What was applied, for the record. */
export interface CorruptionProvenance {
  name: string;
  /** The module's version (part of the random stream: a new version means new pixels). */
  version: number;
  family: string;
  group: CorruptionGroup;
  /** 'built-in', or the plugin specifier as configured (file path or package name). */
  source: CorruptionSource;
  description: string;
  /** The parameter table used. */
  table: SeverityTable;
  /** The parameters of each evaluated severity in that table. */
  parameters: { severity: number; params: unknown }[];
}

/** Metrics of one model on one dataset (clean or corrupted). Fractions 0..1; NLL in nats. */
export interface EvalMetrics {
  accuracy: number;
  /** 1 − accuracy. */
  error: number;
  /** Top-label ECE, the run's bins and rule, from logits. */
  ece: number;
  nll: number;
  /** Per layer: mean over tokens of the fraction of nonzero MLP activations. */
  nonzeroFraction: number[];
  /** Mean over layers of nonzeroFraction. */
  meanNonzeroFraction: number;
}

export interface SeverityMetrics extends EvalMetrics {
  /** 1..5. */
  severity: number;
}

/** One model on one corruption. */
export interface ModelCorruptionResult {
  /** One entry per evaluated severity, ascending. */
  severities: SeverityMetrics[];
  /** Means over the evaluated severities (meanAccuracy is the paper's statistic). */
  meanAccuracy: number;
  meanError: number;
  meanEce: number;
  meanNll: number;
  meanNonzeroFraction: number;
  /** Mean error / the baseline model's mean error on the same corruption (1 for the baseline); null if that is 0. */
  ceVsBaseline: number | null;
  /** (mean error − clean error) / (baseline mean error − baseline clean error); null if the denominator is 0. */
  relativeCeVsBaseline: number | null;
  /** Mean error / AlexNet's ImageNet-C mean error (benchmark corruptions only, else null; see convention.alexNet). */
  ceVsAlexNet: number | null;
  /** Relative CE against AlexNet (clean error 0.4345); benchmark corruptions only. */
  relativeCeVsAlexNet: number | null;
}

/** Means over a group of corruptions (each corruption weighted equally, each averaged over its severities). */
export interface GroupSummary {
  /** The corruptions averaged. */
  corruptions: string[];
  meanAccuracy: number;
  meanError: number;
  meanEce: number;
  meanNonzeroFraction: number;
}

/** The benchmark group adds mCE. */
export interface BenchmarkSummary extends GroupSummary {
  /** True when all 15 benchmark corruptions were evaluated (otherwise mCE is over `corruptions` only). */
  complete: boolean;
  /** Mean of ceVsBaseline (null when any is null). */
  mceVsBaseline: number | null;
  relativeMceVsBaseline: number | null;
  /** Mean of ceVsAlexNet: ImageNet-C's definition, with AlexNet's ImageNet errors as denominators (see caveat). */
  mceVsAlexNet: number | null;
  relativeMceVsAlexNet: number | null;
}

export interface ModelSummary {
  /** On the same (limited) clean test images. */
  clean: EvalMetrics;
  perCorruption: Record<string, ModelCorruptionResult>;
  /** Mean of meanAccuracy over gaussian, shot and impulse noise (paper Table 1); null unless all three ran. */
  noiseAverageAccuracy: number | null;
  benchmark: BenchmarkSummary | null;
  heldOut: GroupSummary | null;
  plugins: GroupSummary | null;
}

/** Model − baseline differences (accuracy points as fractions; positive accuracy delta = more robust). */
export interface ModelDeltas {
  cleanAccuracy: number;
  perCorruption: Record<string, {
    /** One per evaluated severity, ascending. */
    accuracy: number[];
    meanAccuracy: number;
    meanEce: number;
    meanNonzeroFraction: number;
  }>;
  noiseAverageAccuracy: number | null;
  benchmarkMeanAccuracy: number | null;
  benchmarkMeanError: number | null;
  /** Negative = fewer errors than the baseline relative to AlexNet. */
  mceVsAlexNet: number | null;
  mceVsBaseline: number | null;
  heldOutMeanAccuracy: number | null;
  pluginsMeanAccuracy: number | null;
}

export interface CorruptionResult {
  convention: {
    /** The severity table used, and why. */
    table: SeverityTable;
    tableReason: string;
    /** Evaluated severities, ascending. */
    severities: number[];
    /** Test images evaluated (the seeded subset) and the size of the run's test split. */
    testImages: number;
    testSplitImages: number;
    /** How the images and the corrupted pixels were drawn. */
    seeding: string;
    statistic: string;
    meanError: string;
    ce: string;
    /** The AlexNet normalisation and why it is only indicative here. */
    alexNet: string;
  };
  /** The model all CE-vs-baseline values and deltas refer to (the run's first). */
  baseline: string;
  /** Every evaluated corruption in evaluation order. */
  corruptions: CorruptionProvenance[];
  models: Record<string, ModelSummary>;
  /** For each model other than the baseline. */
  deltas: Record<string, ModelDeltas>;
  notes: string[];
}

/** A corruption chosen for evaluation, with its registry source and report group. */
export interface PlannedCorruption {
  corruption: Corruption;
  source: CorruptionSource;
  /** The module file it was loaded from (pool workers import it). */
  file?: string;
  group: CorruptionGroup;
}

export interface CorruptionPlan {
  registry: CorruptionRegistry;
  corruptions: PlannedCorruption[];
  severities: Severity[];
}

/**
 * Load the plugins and resolve the configured selection: 'benchmark' (the 15), 'all' (15 + 4) or a list of names,
 * then every plugin corruption not already selected. Throws HarnessInputError (plugin problems; "unknown corruption
 * 'x'. Did you mean y? Available: …") before any work — call it before training to fail fast.
 */
export async function resolveCorruptionPlan(config: Pick<RunConfig, 'corruption'>, cwd = process.cwd()): Promise<CorruptionPlan> {
  const cc = config.corruption;
  const registry = await createCorruptionRegistry({ plugins: cc.plugins, cwd });
  let names: string[];
  if (cc.corruptions === 'benchmark') names = [...BENCHMARK_CORRUPTIONS];
  else if (cc.corruptions === 'all') names = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS];
  else names = [...cc.corruptions];
  const chosen = names.map((n, i) => {
    try {
      return registry.get(n);
    } catch (e) {
      if (!(e instanceof HarnessInputError)) throw e;
      throw new HarnessInputError(`corruption.corruptions.${i}: ${e.message}`, `corruption.corruptions.${i}`); // did-you-mean + list
    }
  });
  for (const p of registry.plugins()) if (!chosen.includes(p)) chosen.push(p);
  const corruptions = chosen.map((c) => {
    const source = registry.sourceOf(c.name);
    const group: CorruptionGroup = source !== 'built-in' ? 'plugin'
      : (BENCHMARK_CORRUPTIONS as readonly string[]).includes(c.name) ? 'benchmark' : 'held-out';
    return { corruption: c, source, group, file: registry.fileOf(c.name) };
  });
  const severities = [...new Set(cc.severities)].sort((a, b) => a - b) as Severity[];
  return { registry, corruptions, severities };
}

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
    meanNonzeroFraction: p.nonzeroFraction.length > 0 ? mean(p.nonzeroFraction) : NaN,
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
  try {
    for (const { corruption: c, source, file } of plan.corruptions) {
      for (const m of names) perModel[m][c.name] = [];
      for (const s of severities) {
        progress.update(step, steps, `${c.name} severity ${s}: corrupting ${test.count} images`);
        const t0 = performance.now();
        const corrupted = await corruptDataset(test, c, s, { seed: config.seed, table, source, module: file, threads, timeoutSeconds: config.corruption.timeoutSeconds });
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
      progress.line(`${c.name}: mean accuracy over severities ${names.map((m) => `${m} ${pct(mean(perModel[m][c.name].map((r) => r.accuracy)))}`).join(', ')}`);
    }
  } finally {
    await closeCorruptionPools();
  }
  const images = steps * test.count;
  ctx.log(`[suite corruption] ${images} corrupted images in ${corruptSeconds.toFixed(1)} s (${(images / Math.max(corruptSeconds, 1e-9)).toFixed(0)} images/s); ` +
    `${images * names.length} inferences in ${evalSeconds.toFixed(1)} s (${((images * names.length) / Math.max(evalSeconds, 1e-9)).toFixed(0)} images/s)`);

  const result = summarise({ plan, table, reason, test, fullCount: full.count, seed: config.seed, clean, perModel, names, baseline });

  const files = ['corruption/accuracy-vs-severity.svg', 'corruption/delta-heatmap.svg', 'corruption/preview.png'];
  const labels = Object.fromEntries(ctx.models.map((m) => [m.variant.name, modelLabel(m.variant.name, m.variant.k)]));
  writeFileAtomic(path.join(ctx.outDir, files[0]), accuracyPanelsSvg(result, names, labels));
  if (names.length > 1) writeFileAtomic(path.join(ctx.outDir, files[1]), deltaHeatmapsSvg(result, names, labels));
  else files.splice(1, 1);
  const previewImages = Array.from({ length: Math.min(PREVIEW_IMAGES, test.count) }, (_, i) => datasetImage(test, i));
  const png = await previewGrid(previewImages, plan.corruptions.map((p) => p.corruption), severities, config.seed, { table });
  writeFileAtomic(path.join(ctx.outDir, files[files.length - 1]), png);
  return { result, markdown: markdown(result, names, labels, files), files };
}

interface SummariseInput {
  plan: CorruptionPlan;
  table: SeverityTable;
  reason: string;
  test: Dataset;
  fullCount: number;
  seed: number;
  clean: Record<string, EvalMetrics>;
  perModel: Record<string, Record<string, SeverityMetrics[]>>;
  names: string[];
  baseline: string;
}

/** Every derived number of the result, from the raw per-severity metrics (pure). */
export function summarise(input: SummariseInput): CorruptionResult {
  const { plan, table, clean, perModel, names, baseline } = input;
  const severities = plan.severities;
  const allFive = severities.length === 5;
  const corruptions: CorruptionProvenance[] = plan.corruptions.map(({ corruption: c, source, group }) => ({
    name: c.name, version: c.version, family: c.family, group, source, description: c.description, table,
    parameters: severities.map((s) => ({ severity: s, params: c.params(s, table) })),
  }));
  const groupOf = new Map(corruptions.map((c) => [c.name, c.group]));
  const models: Record<string, ModelSummary> = {};
  const baseMeanError = (c: string) => mean(perModel[baseline][c].map((r) => r.error));
  for (const m of names) {
    const perCorruption: Record<string, ModelCorruptionResult> = {};
    for (const c of corruptions) {
      const rows = perModel[m][c.name];
      const meanError = mean(rows.map((r) => r.error));
      // AlexNet's figures are means over all five severities: a subset of severities has no comparable denominator
      const alex = c.group === 'benchmark' && allFive ? (ALEXNET_ERRORS as Record<string, number>)[c.name] : undefined;
      perCorruption[c.name] = {
        severities: rows,
        meanAccuracy: mean(rows.map((r) => r.accuracy)),
        meanError,
        meanEce: mean(rows.map((r) => r.ece)),
        meanNll: mean(rows.map((r) => r.nll)),
        meanNonzeroFraction: mean(rows.map((r) => r.meanNonzeroFraction)),
        ceVsBaseline: ratio(meanError, baseMeanError(c.name)),
        relativeCeVsBaseline: ratio(meanError - clean[m].error, baseMeanError(c.name) - clean[baseline].error),
        ceVsAlexNet: alex === undefined ? null : ratio(meanError, alex),
        relativeCeVsAlexNet: alex === undefined ? null : ratio(meanError - clean[m].error, alex - ALEXNET_CLEAN_ERROR),
      };
    }
    const inGroup = (g: CorruptionGroup) => corruptions.filter((c) => c.group === g).map((c) => c.name);
    const group = (list: string[]): GroupSummary | null => list.length === 0 ? null : {
      corruptions: list,
      meanAccuracy: mean(list.map((c) => perCorruption[c].meanAccuracy)),
      meanError: mean(list.map((c) => perCorruption[c].meanError)),
      meanEce: mean(list.map((c) => perCorruption[c].meanEce)),
      meanNonzeroFraction: mean(list.map((c) => perCorruption[c].meanNonzeroFraction)),
    };
    const bench = inGroup('benchmark');
    const g = group(bench);
    const meanOrNull = (vals: (number | null)[]) => (vals.some((v) => v === null) ? null : mean(vals as number[]));
    models[m] = {
      clean: clean[m],
      perCorruption,
      noiseAverageAccuracy: NOISE_CORRUPTIONS.every((c) => groupOf.get(c) === 'benchmark')
        ? mean(NOISE_CORRUPTIONS.map((c) => perCorruption[c].meanAccuracy)) : null,
      benchmark: g === null ? null : {
        ...g,
        complete: bench.length === BENCHMARK_CORRUPTIONS.length,
        mceVsBaseline: meanOrNull(bench.map((c) => perCorruption[c].ceVsBaseline)),
        relativeMceVsBaseline: meanOrNull(bench.map((c) => perCorruption[c].relativeCeVsBaseline)),
        mceVsAlexNet: meanOrNull(bench.map((c) => perCorruption[c].ceVsAlexNet)),
        relativeMceVsAlexNet: meanOrNull(bench.map((c) => perCorruption[c].relativeCeVsAlexNet)),
      },
      heldOut: group(inGroup('held-out')),
      plugins: group(inGroup('plugin')),
    };
  }
  const deltas: Record<string, ModelDeltas> = {};
  const b = models[baseline];
  const diff = (x: number | null | undefined, y: number | null | undefined) => (x === null || x === undefined || y === null || y === undefined ? null : x - y);
  for (const m of names.slice(1)) {
    const r = models[m];
    deltas[m] = {
      cleanAccuracy: r.clean.accuracy - b.clean.accuracy,
      perCorruption: Object.fromEntries(corruptions.map(({ name: c }) => {
        const x = r.perCorruption[c];
        const y = b.perCorruption[c];
        return [c, {
          accuracy: x.severities.map((s, i) => s.accuracy - y.severities[i].accuracy),
          meanAccuracy: x.meanAccuracy - y.meanAccuracy,
          meanEce: x.meanEce - y.meanEce,
          meanNonzeroFraction: x.meanNonzeroFraction - y.meanNonzeroFraction,
        }];
      })),
      noiseAverageAccuracy: diff(r.noiseAverageAccuracy, b.noiseAverageAccuracy),
      benchmarkMeanAccuracy: diff(r.benchmark?.meanAccuracy, b.benchmark?.meanAccuracy),
      benchmarkMeanError: diff(r.benchmark?.meanError, b.benchmark?.meanError),
      mceVsAlexNet: diff(r.benchmark?.mceVsAlexNet, b.benchmark?.mceVsAlexNet),
      mceVsBaseline: diff(r.benchmark?.mceVsBaseline, b.benchmark?.mceVsBaseline),
      heldOutMeanAccuracy: diff(r.heldOut?.meanAccuracy, b.heldOut?.meanAccuracy),
      pluginsMeanAccuracy: diff(r.plugins?.meanAccuracy, b.plugins?.meanAccuracy),
    };
  }
  const notes: string[] = [];
  const bench = corruptions.filter((c) => c.group === 'benchmark').length;
  if (bench > 0 && bench < BENCHMARK_CORRUPTIONS.length) {
    notes.push(`only ${bench} of the 15 benchmark corruptions were evaluated: mean error and mCE are over those ${bench}, not comparable to a full mCE`);
  }
  if (models[baseline].benchmark !== null && models[baseline].benchmark.mceVsBaseline === null) {
    notes.push(`mCE vs ${baseline} is undefined: ${baseline} makes no errors on some benchmark corruption (its CE denominator is 0)`);
  }
  if (!allFive) notes.push(`only severities ${severities.join(', ')} were evaluated: means over severities (and CE vs the baseline model) use those; CE vs AlexNet is null, since AlexNet's denominators are means over all five`);
  if (input.test.count < input.fullCount) notes.push(`evaluated on a seeded subset of ${input.test.count} of the ${input.fullCount} test images (corruption.limitTest)`);
  if (input.test.channels === 1) notes.push('grayscale images: colour corruptions act on the one channel as docs/corruptions.md describes (saturate darkens or leaves gray images unchanged)');
  return {
    convention: {
      table,
      tableReason: input.reason,
      severities,
      testImages: input.test.count,
      testSplitImages: input.fullCount,
      seeding: `test subset: limit(test, n, seed, '${SUBSET_STREAM}'); image i of corruption c (version v) at severity s uses rngFor(seed ${input.seed}, 'corruption', c, v, s, i): every model sees the same corrupted pixels`,
      statistic: 'accuracy averaged over the evaluated severities per corruption (the Lazy Neuron paper, Table 1: ImageNet-C Gaussian, shot and impulse noise, mean of 5 severities)',
      meanError: 'mean error = error averaged over severities and over the benchmark corruptions, each weighted equally (the usual CIFAR-10-C summary)',
      ce: `CE_c = mean_s E_{s,c} / mean_s E^ref_{s,c}; relative CE_c = (mean_s E_{s,c} − E_clean) / (mean_s E^ref_{s,c} − E^ref_clean); mCE = mean of CE over the benchmark corruptions, held-out and plugin corruptions excluded. Reference: the baseline model '${baseline}' (same images, same corruptions) or AlexNet`,
      alexNet: `vsAlexNet values divide by AlexNet's ImageNet-C errors (Hendrycks & Dietterich 2019; clean error ${ALEXNET_CLEAN_ERROR}). The data here is ${input.test.name.split('+')[0]} at ${input.test.height}x${input.test.width} px with the ${table === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C'} severity table, not ImageNet: these numbers follow ImageNet-C's formula but are not comparable to published ImageNet-C mCE values. Prefer mean error and the vsBaseline CE.`,
    },
    baseline,
    corruptions,
    models,
    deltas,
    notes,
  };
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** a / b, or null when b is (numerically) 0. */
function ratio(a: number, b: number): number | null {
  return Math.abs(b) < 1e-12 ? null : a / b;
}

function modelLabel(name: string, k: number | number[] | null): string {
  return `${name}${kLabel(k)}`;
}

const pct = (v: number | null) => formatValue(v, 'fraction');
const pts = (v: number | null) => formatDelta(v, 'fraction');
const num = (v: number | null, d = 3) => (v === null ? 'n/a' : v.toFixed(d));
/** A heatmap cell: points with one decimal, no sign when it rounds to zero. */
function cellPoints(v: number): string {
  const a = Math.abs(100 * v).toFixed(1);
  return Number(a) === 0 ? a : `${v > 0 ? '+' : '−'}${a}`;
}

// ---- figures -------------------------------------------------------------------------------------------------

const PANEL_W = 250;
const PANEL_H = 200;
const FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/** Panels laid out in a grid under a header with the title and one legend for all panels. */
function gridSvg(panels: string[], cols: number, title: string, legend: { name: string; color: string }[], caption: string): string {
  const rows = Math.ceil(panels.length / cols);
  const headerH = 54;
  const footH = 24;
  const W = cols * PANEL_W;
  const H = headerH + rows * PANEL_H + footH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(FONT)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" font-size="16" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(title)}</text>`,
  ];
  const itemW = legend.map((l) => 44 + l.name.length * 7);
  let x = (W - itemW.reduce((a, b) => a + b, 0)) / 2;
  legend.forEach((l, i) => {
    out.push(`<line x1="${x}" y1="40" x2="${x + 24}" y2="40" stroke="${l.color}" stroke-width="2"/><circle cx="${x + 12}" cy="40" r="3" fill="${l.color}"/>`);
    out.push(`<text x="${x + 30}" y="44" font-size="12" fill="#222222">${escapeXml(l.name)}</text>`);
    x += itemW[i];
  });
  panels.forEach((p, i) => {
    out.push(`<g transform="translate(${(i % cols) * PANEL_W} ${headerH + Math.floor(i / cols) * PANEL_H})">${p}</g>`);
  });
  out.push(`<text x="${W / 2}" y="${H - 8}" font-size="11" text-anchor="middle" fill="#444444">${escapeXml(caption)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** One small panel per corruption: accuracy against severity (0 = clean), one line per model. */
export function accuracyPanelsSvg(r: CorruptionResult, names: string[], labels: Record<string, string>): string {
  const colors = Object.fromEntries(names.map((m, i) => [m, PALETTE[i % PALETTE.length]]));
  const panels = r.corruptions.map((c) => lineChartSvg({
    title: c.group === 'benchmark' ? c.name : `${c.name} (${c.group})`,
    xLabel: 'severity',
    yLabel: 'accuracy',
    yDomain: [0, 1],
    yFormat: (v) => `${Math.round(100 * v)}%`,
    xTicks: [0, ...r.convention.severities],
    xFormat: (v) => (v === 0 ? 'clean' : String(v)),
    legend: [],
    width: PANEL_W,
    height: PANEL_H,
    series: names.map((m) => ({
      name: m,
      color: colors[m],
      points: [[0, r.models[m].clean.accuracy] as const, ...r.models[m].perCorruption[c.name].severities.map((s) => [s.severity, s.accuracy] as const)],
    })),
  }));
  const cols = Math.min(5, panels.length);
  return gridSvg(
    panels, cols,
    `Accuracy vs corruption severity (${r.convention.table === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C'} table, ${r.convention.testImages} test images)`,
    names.map((m) => ({ name: labels[m], color: colors[m] })),
    'severity 0 = clean test images; each panel: one corruption, same corrupted pixels for every model',
  );
}

/** Diverging colour for an accuracy delta in [−max, max]: red (worse than the baseline) – white – blue (better). */
function deltaColor(v: number, max: number): string {
  const t = Math.max(-1, Math.min(1, v / max));
  const [r0, g0, b0] = t >= 0 ? [49, 104, 176] : [196, 58, 58];
  const a = Math.abs(t);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r0)},${mix(g0)},${mix(b0)})`;
}

/** Corruption x severity table of accuracy deltas (model − baseline), one per non-baseline model. */
export function deltaHeatmapsSvg(r: CorruptionResult, names: string[], labels: Record<string, string>): string {
  const maps = names.slice(1).map((m) => deltaHeatmapSvg(r, m, labels[m], labels[r.baseline]));
  return maps.length === 1 ? maps[0] : sideBySide(maps);
}

function deltaHeatmapSvg(r: CorruptionResult, model: string, label: string, baseLabel: string): string {
  const d = r.deltas[model];
  const cols = ['clean', ...r.convention.severities.map((s) => `s${s}`), 'mean'];
  const rowsOf = r.corruptions.map((c) => ({
    name: c.group === 'benchmark' ? c.name : `${c.name} (${c.group})`,
    values: [d.cleanAccuracy, ...d.perCorruption[c.name].accuracy, d.perCorruption[c.name].meanAccuracy],
  }));
  const all = rowsOf.flatMap((x) => x.values);
  const max = Math.max(0.01, ...all.map(Math.abs)); // at least ±1 point full scale, so noise does not look loud
  const labelW = 190;
  const cw = 62;
  const ch = 24;
  const top = 78;
  const W = labelW + cols.length * cw + 30;
  const H = top + rowsOf.length * ch + 70;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(FONT)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" font-size="15" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(`Accuracy: ${label} − ${baseLabel}`)}</text>`,
    `<text x="${W / 2}" y="42" font-size="11" text-anchor="middle" fill="#444444">points; blue = ${escapeXml(label)} more accurate, red = less</text>`,
  ];
  cols.forEach((c, j) => out.push(`<text x="${labelW + j * cw + cw / 2}" y="${top - 8}" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(c)}</text>`));
  rowsOf.forEach((row, i) => {
    const y = top + i * ch;
    out.push(`<text x="${labelW - 8}" y="${y + ch / 2 + 4}" font-size="12" text-anchor="end" fill="#222222">${escapeXml(row.name)}</text>`);
    row.values.forEach((v, j) => {
      const x = labelW + j * cw;
      const dark = Math.abs(v) / max > 0.6;
      out.push(`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${deltaColor(v, max)}"/>`);
      out.push(`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" font-size="11" text-anchor="middle" fill="${dark ? '#ffffff' : '#222222'}">${cellPoints(v)}</text>`);
    });
  });
  // colour scale
  const sy = top + rowsOf.length * ch + 22;
  const sx = labelW;
  const sw = cols.length * cw - 2;
  for (let k = 0; k < 40; k++) {
    const v = -max + (2 * max * (k + 0.5)) / 40;
    out.push(`<rect x="${(sx + (k * sw) / 40).toFixed(2)}" y="${sy}" width="${(sw / 40 + 0.5).toFixed(2)}" height="10" fill="${deltaColor(v, max)}"/>`);
  }
  out.push(`<text x="${sx}" y="${sy + 24}" font-size="11" text-anchor="start" fill="#222222">−${(100 * max).toFixed(1)} pts</text>`);
  out.push(`<text x="${sx + sw / 2}" y="${sy + 24}" font-size="11" text-anchor="middle" fill="#222222">0</text>`);
  out.push(`<text x="${sx + sw}" y="${sy + 24}" font-size="11" text-anchor="end" fill="#222222">+${(100 * max).toFixed(1)} pts</text>`);
  out.push('</svg>');
  return out.join('\n');
}

// ---- Markdown --------------------------------------------------------------------------------------------------

function markdown(r: CorruptionResult, names: string[], labels: Record<string, string>, files: string[]): string {
  const others = names.slice(1);
  const head = (first: string) => `| ${first} | ${names.map((m) => labels[m]).join(' | ')}${others.map((m) => ` | Δ ${m} − ${r.baseline}`).join('')} |`;
  const sep = `| --- | ${names.map(() => '---:').join(' | ')}${others.map(() => ' | ---:').join('')} |`;
  const row = (label: string, f: (m: string) => number | null, d: (m: string) => number | null, fmt = (v: number | null) => pct(v)) =>
    `| ${label} | ${names.map((m) => fmt(f(m))).join(' | ')}${others.map((m) => ` | ${pts(d(m))}`).join('')} |`;
  const section = (group: string, title: string) => {
    const cs = r.corruptions.filter((c) => c.group === group);
    if (cs.length === 0) return [];
    return [
      `**${title}**`, '', head('corruption (mean accuracy over severities)'), sep,
      ...cs.map((c) => row(`${c.name}${c.source === 'built-in' ? '' : ` (${c.source})`}`, (m) => r.models[m].perCorruption[c.name].meanAccuracy, (m) => r.deltas[m].perCorruption[c.name].meanAccuracy)),
      '',
    ];
  };
  const b = (m: string) => r.models[m].benchmark;
  // sparsity rows only where every model has activation probes (models trained elsewhere have none: null in the JSON)
  const sparsityMeasured = names.every((m) => typeof r.models[m].clean.meanNonzeroFraction === 'number' && Number.isFinite(r.models[m].clean.meanNonzeroFraction));
  const ceFmt = (v: number | null) => (v === null ? '–' : pct(v));
  const table = r.convention.table === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C';
  const summary = [
    head('metric'), sep,
    row('clean accuracy (same images)', (m) => r.models[m].clean.accuracy, (m) => r.deltas[m].cleanAccuracy),
    ...(r.models[r.baseline].noiseAverageAccuracy !== null
      ? [row('noise average: gaussian, shot, impulse (paper Table 1)', (m) => r.models[m].noiseAverageAccuracy, (m) => r.deltas[m].noiseAverageAccuracy)] : []),
    ...(b(r.baseline) !== null ? [
      row(`mean accuracy, ${b(r.baseline)!.corruptions.length} benchmark corruptions`, (m) => b(m)!.meanAccuracy, (m) => r.deltas[m].benchmarkMeanAccuracy),
      row('mean error (CIFAR-10-C convention)', (m) => b(m)!.meanError, (m) => r.deltas[m].benchmarkMeanError),
      row(`mCE vs ${r.baseline}`, (m) => b(m)!.mceVsBaseline, (m) => r.deltas[m].mceVsBaseline, ceFmt),
      row('mCE vs AlexNet (ImageNet-C denominators, see note)', (m) => b(m)!.mceVsAlexNet, (m) => r.deltas[m].mceVsAlexNet, ceFmt),
      row('mean ECE over benchmark corruptions', (m) => b(m)!.meanEce, (m) => b(m)!.meanEce - b(r.baseline)!.meanEce),
    ] : []),
    ...(r.models[r.baseline].heldOut !== null ? [row('mean accuracy, held-out extras (not in mCE)', (m) => r.models[m].heldOut!.meanAccuracy, (m) => r.deltas[m].heldOutMeanAccuracy)] : []),
    ...(r.models[r.baseline].plugins !== null ? [row('mean accuracy, plugins (not in mCE)', (m) => r.models[m].plugins!.meanAccuracy, (m) => r.deltas[m].pluginsMeanAccuracy)] : []),
    row('ECE, clean', (m) => r.models[m].clean.ece, (m) => r.models[m].clean.ece - r.models[r.baseline].clean.ece),
    ...(sparsityMeasured ? [row('nonzero MLP fraction, clean', (m) => r.models[m].clean.meanNonzeroFraction, (m) => r.models[m].clean.meanNonzeroFraction - r.models[r.baseline].clean.meanNonzeroFraction)] : []),
    ...(sparsityMeasured && b(r.baseline) !== null ? [row('nonzero MLP fraction, corrupted (benchmark mean)', (m) => b(m)!.meanNonzeroFraction, (m) => b(m)!.meanNonzeroFraction - b(r.baseline)!.meanNonzeroFraction)] : []),
  ];
  const perSeverity = [
    `| corruption | model | clean | ${r.convention.severities.map((s) => `s${s}`).join(' | ')} | mean | mean ECE | CE vs ${r.baseline} |`,
    `| --- | --- | ---: | ${r.convention.severities.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
    ...r.corruptions.flatMap((c) => names.map((m) => {
      const x = r.models[m].perCorruption[c.name];
      return `| ${c.name} | ${m} | ${pct(r.models[m].clean.accuracy)} | ${x.severities.map((s) => pct(s.accuracy)).join(' | ')} | ${pct(x.meanAccuracy)} | ${pct(x.meanEce)} | ${num(x.ceVsBaseline)} |`;
    })),
  ];
  return [
    `## Robustness to input corruptions (${table} table, ${r.convention.testImages} test images)`,
    '',
    `Accuracy on corrupted test images, averaged over severities ${r.convention.severities.join(', ')} (the paper's statistic); ` +
      `Δ = model − ${r.baseline} in accuracy points. Table: ${r.convention.tableReason}. Every model sees the same corrupted pixels.`,
    '',
    ...summary,
    '',
    ...section('benchmark', 'Benchmark corruptions (in mean error and mCE)'),
    ...section('held-out', 'Held-out corruptions (reported apart, never in mCE)'),
    ...section('plugin', 'Plugin corruptions (reported apart, never in mCE)'),
    '<details><summary>Accuracy per severity</summary>',
    '',
    ...perSeverity,
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
