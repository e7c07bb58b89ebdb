/**
 * Inference over the paired seeds of a study: a two-sided paired t test per comparison (Top-k model × measure),
 * Holm's adjustment within each claim family (every Top-k model × every row that tests one claim of the paper),
 * and the power of each comparison: the minimal detectable effect at 80% power and α = 0.05 from the observed
 * per-seed SD, whether the interval holds the paper's difference, and the seeds that would detect it.
 *
 * A raw verdict reads the 95% interval (statistics.ts); the verdict after correction reads the Holm-adjusted p-value
 * at 0.05. Both are shown side by side: the raw intervals are what a reader can recompute, the adjusted verdicts are
 * what a family of claims may conclude.
 */
import type { Summary } from '../scorecard/statistics.js';
import { holmAdjust } from '../scorecard/multiple-comparisons.js';
import { minimalDetectableEffect, seedsToDetect } from '../scorecard/power.js';
import { tTwoSidedP } from '../scorecard/t-distribution.js';

export const FAMILY_ALPHA = 0.05;

/** Two-sided p-value of H0: mean difference = 0 (paired t, n − 1 df); null with fewer than 2 seeds. */
export function pairedP(d: Summary): number | null {
  if (d.n < 2 || d.std === null) return null;
  if (d.std === 0) return d.mean === 0 ? 1 : 0;
  return tTwoSidedP(d.mean / (d.std / Math.sqrt(d.n)), d.n - 1);
}

/** One comparison in a family: its raw p-value (null: one seed) and, after holm(), its adjusted one. */
export interface Comparison {
  id: string;
  p: number | null;
  pHolm?: number | null;
}

/** Fill pHolm for every comparison of one family (those without a p-value stay null and do not count in m). */
export function holmFamily<C extends Comparison>(family: C[]): C[] {
  const tested = family.filter((c) => c.p !== null);
  const adjusted = holmAdjust(tested.map((c) => c.p!));
  tested.forEach((c, i) => { c.pHolm = adjusted[i]; });
  for (const c of family) if (c.p === null) c.pHolm = null;
  return family;
}

/** The verdict of a comparison after Holm's correction, in the measure's direction. */
export function holmVerdict(d: Summary, pHolm: number | null | undefined, better: 'higher' | 'lower'): string {
  if (pHolm === null || pHolm === undefined) return 'one seed: no test';
  if (pHolm > FAMILY_ALPHA) return 'not distinguishable from 0';
  const topkBetter = better === 'higher' ? d.mean > 0 : d.mean < 0;
  return topkBetter ? 'Top-k better' : 'Top-k worse';
}

/** A p-value as a table prints it: 3 significant digits, '<0.001' below. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return 'n/a';
  if (p < 0.001) return '<0.001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** Power of one comparison: MDE at 80% power (null: one seed), and for the paper's Δ: inside the interval? seeds to detect it? */
export interface PowerFacts {
  mde: number | null;
  paperInside: boolean | null;
  seedsForPaper: number | null;
}

export function powerFacts(d: Summary, paperDelta: number | null): PowerFacts {
  if (d.n < 2 || d.std === null || d.low === null || d.high === null) return { mde: null, paperInside: null, seedsForPaper: null };
  return {
    mde: minimalDetectableEffect(d.std, d.n),
    paperInside: paperDelta === null ? null : paperDelta >= d.low && paperDelta <= d.high,
    seedsForPaper: paperDelta === null ? null : seedsToDetect(paperDelta, d.std),
  };
}
