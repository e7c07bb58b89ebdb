/**
 * Statistics over seeds: mean, sample standard deviation and a 95% Student-t interval per metric, and the paired
 * differences (model − baseline, seed by seed: same data order, init and noise), called significant only when the
 * 95% interval of the paired differences excludes zero.
 */

/** Two-sided 95% Student-t critical values t_{0.975, df} for df = 1..30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * t_{0.975, df}: the table up to 30 degrees of freedom, beyond it the Cornish-Fisher expansion around the normal
 * quantile z = 1.959964 (error below 1e-4 for df > 30; e.g. df 40 gives 2.0211, tables 2.021).
 */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  if (df <= 30) return T975[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  std: number | null;
  /** 95% t interval of the mean; null for a single value. */
  low: number | null;
  high: number | null;
  values: number[];
}

export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('no values to summarize');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, std: null, low: null, high: null, values };
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (tCritical95(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, low: mean - half, high: mean + half, values };
}

export interface PairedDifference extends Summary {
  /** True when the 95% interval of the paired differences excludes zero (needs n ≥ 2). */
  significant: boolean;
}

/** Paired differences a_i − b_i over seeds. */
export function pairedDifference(a: number[], b: number[]): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const s = summarize(a.map((v, i) => v - b[i]));
  return { ...s, significant: s.low !== null && s.high !== null && (s.low > 0 || s.high < 0) };
}
