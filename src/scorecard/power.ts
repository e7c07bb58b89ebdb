/**
 * Power of a paired comparison over seeds: the minimal detectable effect (MDE) of a two-sided paired t test at level
 * α with power 1 − β, and the number of seeds needed to detect a given effect, from the observed standard deviation
 * of the per-seed differences.
 *
 * Convention: the usual normal-shift approximation with t quantiles, MDE = (t_{1−α/2, n−1} + t_{1−β, n−1}) · s / √n
 * (e.g. Cohen 1988 §2.4; it slightly understates the exact noncentral-t MDE for very few seeds). s is the sample SD
 * of the differences, itself uncertain with 8 seeds: read the MDE as "about", not as a bound.
 */
import { tQuantile } from './t-distribution.js';

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;

/** The smallest true mean difference that n paired seeds detect with the given power (same unit as `sd`). */
export function minimalDetectableEffect(sd: number, n: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER): number {
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`the SD of the differences must be a finite number ≥ 0, got ${sd}`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`a paired t test needs at least 2 seeds, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must lie in (0, 1), got ${power}`);
  const df = n - 1;
  return ((tQuantile(1 - alpha / 2, df) + tQuantile(power, df)) * sd) / Math.sqrt(n);
}

/**
 * The number of paired seeds (≥ 2) whose MDE is at most |effect|, or null when even `max` seeds do not reach it
 * (or the effect is 0).
 */
export function seedsToDetect(effect: number, sd: number, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER, max = 1000): number | null {
  const target = Math.abs(effect);
  if (!(target > 0)) return null;
  if (sd === 0) return 2;
  for (let n = 2; n <= max; n++) if (minimalDetectableEffect(sd, n, alpha, power) <= target) return n;
  return null;
}
