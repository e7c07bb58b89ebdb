/**
 * Multiple comparisons: Holm's step-down adjustment (Holm 1979), which controls the family-wise error rate at α for
 * any dependence between the tests, and is uniformly more powerful than Bonferroni. The study applies it within
 * each claim family (all Top-k models × all rows that test one claim of the paper).
 */

/**
 * Holm-adjusted p-values, in the input order: sort ascending, p_(i) × (m − i + 1) for i = 1..m, made monotone by a
 * running maximum and capped at 1 (the convention of R's p.adjust(method = "holm")). A test is rejected at level α
 * exactly when its adjusted p-value is ≤ α.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`a p-value must lie in [0, 1], got ${p}`);
  }
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
