/**
 * Every derived number of the corruption suite's result from the raw per-severity metrics (pure): means over
 * severities, CE and relative CE against the baseline model and AlexNet, group summaries (the paper's noise average,
 * benchmark mean error and mCE, held-out extras and plugins apart), model − baseline deltas, the conventions in words
 * and the notes.
 */
import { ALEXNET_CLEAN_ERROR, ALEXNET_ERRORS, BENCHMARK_CORRUPTIONS, type SeverityTable } from '../../src/corruptions/index.js';
import type { CorruptionGroup } from '../../src/corruptions/names.js';
import type { Dataset } from '../../src/data/dataset.js';
import { meanOf } from '../../src/metrics/accuracy.js';
import type { CorruptionPlan } from './plan.js';
import type {
  CorruptionProvenance, CorruptionResult, EvalMetrics, GroupSummary, ModelCorruptionResult, ModelDeltas, ModelSummary, SeverityMetrics,
} from './types.js';

/** The three noise corruptions of the paper's Table 1, whose mean accuracies it reports (and we average). */
export const NOISE_CORRUPTIONS = ['gaussian_noise', 'shot_noise', 'impulse_noise'] as const;

/** Subset stream of the evaluated test images: limit(test, n, seed, 'corruption'). */
export const SUBSET_STREAM = 'corruption';

export interface SummariseInput {
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
  const baseMeanError = (c: string) => meanOf(perModel[baseline][c].map((r) => r.error));
  for (const m of names) {
    const perCorruption: Record<string, ModelCorruptionResult> = {};
    for (const c of corruptions) {
      const rows = perModel[m][c.name];
      const meanError = meanOf(rows.map((r) => r.error));
      // AlexNet's figures are means over all five severities: a subset of severities has no comparable denominator
      const alex = c.group === 'benchmark' && allFive ? (ALEXNET_ERRORS as Record<string, number>)[c.name] : undefined;
      perCorruption[c.name] = {
        severities: rows,
        meanAccuracy: meanOf(rows.map((r) => r.accuracy)),
        meanError,
        meanEce: meanOf(rows.map((r) => r.ece)),
        meanNll: meanOf(rows.map((r) => r.nll)),
        meanNonzeroFraction: meanOf(rows.map((r) => r.meanNonzeroFraction)),
        ceVsBaseline: ratio(meanError, baseMeanError(c.name)),
        relativeCeVsBaseline: ratio(meanError - clean[m].error, baseMeanError(c.name) - clean[baseline].error),
        ceVsAlexNet: alex === undefined ? null : ratio(meanError, alex),
        relativeCeVsAlexNet: alex === undefined ? null : ratio(meanError - clean[m].error, alex - ALEXNET_CLEAN_ERROR),
      };
    }
    const inGroup = (g: CorruptionGroup) => corruptions.filter((c) => c.group === g).map((c) => c.name);
    const group = (list: string[]): GroupSummary | null => list.length === 0 ? null : {
      corruptions: list,
      meanAccuracy: meanOf(list.map((c) => perCorruption[c].meanAccuracy)),
      meanError: meanOf(list.map((c) => perCorruption[c].meanError)),
      meanEce: meanOf(list.map((c) => perCorruption[c].meanEce)),
      meanNonzeroFraction: meanOf(list.map((c) => perCorruption[c].meanNonzeroFraction)),
    };
    const bench = inGroup('benchmark');
    const g = group(bench);
    const meanOrNull = (vals: (number | null)[]) => (vals.some((v) => v === null) ? null : meanOf(vals as number[]));
    models[m] = {
      clean: clean[m],
      perCorruption,
      noiseAverageAccuracy: NOISE_CORRUPTIONS.every((c) => groupOf.get(c) === 'benchmark')
        ? meanOf(NOISE_CORRUPTIONS.map((c) => perCorruption[c].meanAccuracy)) : null,
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

/** a / b, or null when b is (numerically) 0. */
function ratio(a: number, b: number): number | null {
  return Math.abs(b) < 1e-12 ? null : a / b;
}
