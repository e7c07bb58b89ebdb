/**
 * Sampling-error checks shared by the distribution tests: each throws (chai) when a sample disagrees with what the
 * reference implies by more than Z_TOL standard errors (p ≈ 7e-6 per check for a normal statistic), so sampling
 * noise passes and a wrong parameter fails.
 */
import { expect } from 'chai';

export const Z_TOL = 4.5;

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

/** Welch's two-sample z: the means of two independent samples agree within Z_TOL standard errors. */
export function expectSameMean(a: readonly number[], b: readonly number[], what: string): void {
  const se = Math.sqrt(sampleVariance(a) / a.length + sampleVariance(b) / b.length);
  const d = mean(a) - mean(b);
  expect(Math.abs(d), `${what}: ${mean(a).toFixed(4)} vs reference ${mean(b).toFixed(4)} (SE of the difference ${se.toFixed(4)})`)
    .to.be.at.most(Z_TOL * se + 1e-12);
}

/** Upper critical value of χ² with `df` degrees of freedom at the normal quantile `z` (Wilson–Hilferty). */
export function chiSquareCritical(df: number, z = 4.75): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Two-sample χ² test of homogeneity on histograms `a` and `b` (same bins): bins that `b` expects fewer than 5 counts
 * in are pooled into one, so the χ² approximation holds.
 */
export function expectSameHistogram(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, what: string): void {
  const na = [...a.values()].reduce((s, v) => s + v, 0);
  const nb = [...b.values()].reduce((s, v) => s + v, 0);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const bins: [number, number][] = [];
  const pooled: [number, number] = [0, 0];
  for (const k of keys) {
    const ca = a.get(k) ?? 0;
    const cb = b.get(k) ?? 0;
    if ((cb * na) / nb < 5) {
      pooled[0] += ca;
      pooled[1] += cb;
    } else bins.push([ca, cb]);
  }
  if (pooled[0] + pooled[1] > 0) bins.push(pooled);
  const ka = Math.sqrt(nb / na);
  const kb = Math.sqrt(na / nb);
  let chi2 = 0;
  for (const [ca, cb] of bins) chi2 += (ka * ca - kb * cb) ** 2 / (ca + cb);
  const crit = chiSquareCritical(bins.length - 1);
  expect(chi2, `${what}: χ² ${chi2.toFixed(1)} on ${bins.length - 1} df (critical ${crit.toFixed(1)})`).to.be.at.most(crit);
}

/** The draws look uniform on the integers [0, range): mean within Z_TOL SE and Kolmogorov–Smirnov D below its p ≈ 1e-5 level. */
export function expectUniformInts(xs: readonly number[], range: number, what: string): void {
  const n = xs.length;
  const sd = Math.sqrt((range * range - 1) / 12);
  expect(Math.min(...xs), `${what}: smallest`).to.be.at.least(0);
  expect(Math.max(...xs), `${what}: largest`).to.be.below(range);
  expect(Math.abs(mean(xs) - (range - 1) / 2), `${what}: mean ${mean(xs).toFixed(2)} vs ${((range - 1) / 2).toFixed(2)}`)
    .to.be.at.most((Z_TOL * sd) / Math.sqrt(n));
  const sorted = [...xs].sort((p, q) => p - q);
  let d = 0;
  for (let i = 0; i < n; i++) {
    // empirical CDF just below and at sorted[i] against the discrete uniform CDF at the same points
    const v = sorted[i];
    d = Math.max(d, Math.abs((i + 1) / n - (v + 1) / range), Math.abs(i / n - v / range));
  }
  expect(d, `${what}: Kolmogorov–Smirnov D`).to.be.at.most(Math.sqrt(-Math.log(1e-5 / 2) / (2 * n)));
}
