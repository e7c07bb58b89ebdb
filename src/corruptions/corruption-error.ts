/**
 * Corruption Error (CE), mean CE and their relative versions (Hendrycks & Dietterich 2019, Eq. 1–2), and the
 * accuracy averaged over severities that the Lazy Neuron paper reports. Pure functions; errors and accuracies
 * are fractions in [0, 1].
 *
 * With E^f_{s,c} the top-1 error of model f on corruption c at severity s:
 * - CE^f_c = Σ_s E^f_{s,c} / Σ_s E^base_{s,c}; with 5 severities on both sides this is the ratio of the means.
 * - mCE^f = mean of CE^f_c over the 15 benchmark corruptions (the 4 extras are never part of it).
 * - relative CE^f_c = Σ_s (E^f_{s,c} − E^f_clean) / Σ_s (E^base_{s,c} − E^base_clean); relative mCE = its mean.
 * The baseline is AlexNet for ImageNet-C (errors below, already averaged over the 5 severities, as every public
 * implementation — AugMix, mmpretrain, FAN — stores them) or another model, e.g. the vanilla ViT, given as
 * per-severity errors or as one mean.
 */
import { BENCHMARK_CORRUPTIONS, type BenchmarkCorruptionName } from './names.js';

/** AlexNet top-1 error per benchmark corruption on ImageNet-C, mean over severities 1..5 (docs/conventions.md#corruption-error-and-mce). */
export const ALEXNET_ERRORS: Readonly<Record<BenchmarkCorruptionName, number>> = Object.freeze({
  gaussian_noise: 0.886428,
  shot_noise: 0.894468,
  impulse_noise: 0.92264,
  defocus_blur: 0.81988,
  glass_blur: 0.826268,
  motion_blur: 0.785948,
  zoom_blur: 0.79836,
  snow: 0.866816,
  frost: 0.826572,
  fog: 0.819324,
  brightness: 0.564592,
  contrast: 0.853204,
  elastic_transform: 0.646056,
  pixelate: 0.71784,
  jpeg_compression: 0.6065,
});

/** AlexNet clean top-1 error on ImageNet val used for relative mCE (third-party code; the paper prints ≈43.5%). */
export const ALEXNET_CLEAN_ERROR = 0.4345;

/** Per-severity values of one model on one corruption (index 0 = severity 1), or their mean. */
export type SeverityValues = readonly number[] | number;

function checkFraction(v: number, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new RangeError(`${what} must be a fraction in [0, 1], got ${v}`);
  }
}

/** Mean over severities; a number is taken as an already averaged value. Values must be fractions in [0, 1]. */
export function meanOverSeverities(values: SeverityValues, what = 'value'): number {
  if (typeof values === 'number') {
    checkFraction(values, what);
    return values;
  }
  if (values.length === 0) throw new RangeError(`${what}: no severities given`);
  let sum = 0;
  values.forEach((v, i) => {
    checkFraction(v, `${what} at severity ${i + 1}`);
    sum += v;
  });
  return sum / values.length;
}

/** CE of one corruption: mean model error / mean baseline error (= Σ/Σ for equal severity counts). */
export function corruptionError(modelErrors: SeverityValues, baselineErrors: SeverityValues): number {
  const den = meanOverSeverities(baselineErrors, 'baseline error');
  if (den === 0) throw new RangeError('baseline error is 0; CE is undefined');
  return meanOverSeverities(modelErrors, 'model error') / den;
}

/** Relative CE: (mean model error − model clean error) / (mean baseline error − baseline clean error). */
export function relativeCorruptionError(
  modelErrors: SeverityValues, modelCleanError: number, baselineErrors: SeverityValues, baselineCleanError: number,
): number {
  checkFraction(modelCleanError, 'model clean error');
  checkFraction(baselineCleanError, 'baseline clean error');
  const den = meanOverSeverities(baselineErrors, 'baseline error') - baselineCleanError;
  if (den === 0) throw new RangeError('baseline corruption error equals its clean error; relative CE is undefined');
  return (meanOverSeverities(modelErrors, 'model error') - modelCleanError) / den;
}

/** Per-corruption values and their mean. */
export interface MeanCorruptionErrorResult {
  /** Mean over `corruptions`. */
  mean: number;
  /** The value per corruption, in the order of `corruptions`. */
  perCorruption: Record<string, number>;
}

function pick(table: Readonly<Record<string, SeverityValues>>, name: string, what: string): SeverityValues {
  const v = table[name];
  if (v === undefined) throw new RangeError(`${what} has no entry for corruption '${name}'`);
  return v;
}

/**
 * mCE over `corruptions` (default: the 15 benchmark ones) against a baseline (default AlexNet). Every corruption
 * must be present in both tables; extra keys (e.g. the held-out ones) are ignored.
 */
export function meanCorruptionError(
  modelErrors: Readonly<Record<string, SeverityValues>>,
  baselineErrors: Readonly<Record<string, SeverityValues>> = ALEXNET_ERRORS,
  corruptions: readonly string[] = BENCHMARK_CORRUPTIONS,
): MeanCorruptionErrorResult {
  const perCorruption: Record<string, number> = {};
  let sum = 0;
  for (const c of corruptions) {
    const ce = corruptionError(pick(modelErrors, c, 'model errors'), pick(baselineErrors, c, 'baseline errors'));
    perCorruption[c] = ce;
    sum += ce;
  }
  return { mean: sum / corruptions.length, perCorruption };
}

/** Relative mCE over `corruptions` (default the 15) against a baseline (default AlexNet with clean error 0.4345). */
export function relativeMeanCorruptionError(
  modelErrors: Readonly<Record<string, SeverityValues>>,
  modelCleanError: number,
  baselineErrors: Readonly<Record<string, SeverityValues>> = ALEXNET_ERRORS,
  baselineCleanError: number = ALEXNET_CLEAN_ERROR,
  corruptions: readonly string[] = BENCHMARK_CORRUPTIONS,
): MeanCorruptionErrorResult {
  const perCorruption: Record<string, number> = {};
  let sum = 0;
  for (const c of corruptions) {
    const r = relativeCorruptionError(
      pick(modelErrors, c, 'model errors'), modelCleanError, pick(baselineErrors, c, 'baseline errors'), baselineCleanError,
    );
    perCorruption[c] = r;
    sum += r;
  }
  return { mean: sum / corruptions.length, perCorruption };
}

/**
 * Accuracy on one corruption averaged over its severities — the number the Lazy Neuron paper's Table 1 reports
 * for ImageNet-C Gaussian / impulse / shot noise (e.g. 39.54% for ViT on Gaussian noise).
 */
export function accuracyOverSeverities(accuracies: readonly number[]): number {
  return meanOverSeverities(accuracies, 'accuracy');
}

/** Mean of accuracyOverSeverities over several corruptions (each weighted equally). */
export function meanAccuracyOverCorruptions(accuracies: Readonly<Record<string, readonly number[]>>, corruptions?: readonly string[]): number {
  const names = corruptions ?? Object.keys(accuracies);
  if (names.length === 0) throw new RangeError('no corruptions given');
  let sum = 0;
  for (const c of names) {
    const a = accuracies[c];
    if (a === undefined) throw new RangeError(`accuracies has no entry for corruption '${c}'`);
    sum += accuracyOverSeverities(a);
  }
  return sum / names.length;
}
