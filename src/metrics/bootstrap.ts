/**
 * Seeded nonparametric bootstrap (percentile interval). Each resample draws n indices uniformly with
 * replacement from 0..n-1 using `rngFor(seed, 'bootstrap', stream)`, so the same seed and stream give the
 * same interval on every machine and in any call order. The interval is the (1−level)/2 and (1+level)/2
 * quantiles of the resampled statistics, with linear interpolation between order statistics (numpy's default
 * `percentile` method); `mean` is the mean of the resampled statistics.
 */
import { HarnessInputError } from '../errors.js';
import { randInt, rngFor } from '../rng.js';

/** Options of `bootstrapInterval`. */
export interface BootstrapOptions {
  /** Number of resamples, an integer >= 1. Default 1000. */
  resamples?: number;
  /** Run seed the resampling stream is derived from. */
  seed: number | string;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  level?: number;
  /** Name of the random stream under (seed, 'bootstrap'), to give separate statistics separate draws. Default 'default'. */
  stream?: string;
}

/** Options of `bootstrapIntervals`: those of `bootstrapInterval`, and differences of its statistics. */
export interface BootstrapIntervalsOptions extends BootstrapOptions {
  /**
   * Pairs [a, b] of positions in `statistics`: each gets the interval of statistics[a] − statistics[b] over the same
   * resamples (paired), computed from the two values each resample already gave, after the statistics' intervals.
   */
  differences?: readonly (readonly [number, number])[];
}

/** A bootstrap percentile interval. */
export interface BootstrapInterval {
  low: number;
  high: number;
  /** Mean of the resampled statistics. */
  mean: number;
}

/** Quantile q in [0, 1] of ascending sorted values, linear interpolation (numpy 'linear'). */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap interval of `statistic` over n examples. `statistic` receives the resample's indices
 * (length n, with repetition) and returns a finite number; the same Int32Array buffer is reused for every
 * resample, so the statistic must not keep it.
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: Int32Array) => number,
  options: BootstrapOptions,
): BootstrapInterval {
  return bootstrapIntervals(n, [statistic], options)[0];
}

/**
 * Intervals of several statistics from one stream's resamples: each gets exactly the interval bootstrapInterval
 * would give it alone with these options (the same draws), for the price of drawing the indices once; then those of
 * options.differences, in their order (each exactly the interval of the function idx => a(idx) − b(idx)).
 */
export function bootstrapIntervals(
  n: number,
  statistics: readonly ((indices: Int32Array) => number)[],
  options: BootstrapIntervalsOptions,
): BootstrapInterval[] {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new HarnessInputError(`bootstrap needs at least one example; got n = ${n}`, 'n');
  }
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new HarnessInputError(`resamples must be an integer >= 1; got ${resamples}`, 'resamples');
  }
  if (!(level > 0 && level < 1)) {
    throw new HarnessInputError(`level must lie strictly between 0 and 1; got ${level}`, 'level');
  }
  const differences = options.differences ?? [];
  for (const [a, b] of differences) {
    if (![a, b].every((k) => Number.isInteger(k) && k >= 0 && k < statistics.length)) {
      throw new HarnessInputError(`a bootstrap difference names statistics [${a}, ${b}]; there are ${statistics.length} (positions 0 to ${statistics.length - 1})`, 'differences');
    }
  }
  const rng = rngFor(options.seed, 'bootstrap', options.stream ?? 'default');
  const indices = new Int32Array(n);
  const values = [...statistics, ...differences].map(() => new Float64Array(resamples));
  const sums = values.map(() => 0);
  for (let r = 0; r < resamples; r++) {
    for (let t = 0; t < n; t++) indices[t] = randInt(rng, n);
    statistics.forEach((statistic, i) => {
      const v = statistic(indices);
      if (!Number.isFinite(v)) throw new Error(`bootstrap statistic returned ${v} on resample ${r}`);
      values[i][r] = v;
      sums[i] += v;
    });
    differences.forEach(([a, b], d) => {
      const v = values[a][r] - values[b][r];
      values[statistics.length + d][r] = v;
      sums[statistics.length + d] += v;
    });
  }
  return values.map((v, i) => {
    v.sort();
    return { low: sortedQuantile(v, (1 - level) / 2), high: sortedQuantile(v, (1 + level) / 2), mean: sums[i] / resamples };
  });
}
