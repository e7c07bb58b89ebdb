/**
 * The expected (theoretical) transition matrix of a noise spec, and the per-class relabel rules it is built
 * from. Row = true class, column = observed label; every row sums to 1.
 *
 * For the rate kinds T = (1 − q)·I + q·R, where R is the relabel rule's matrix (kinds.ts) and q is the per-example
 * selection probability: q = p in independent mode, q = floor(p·N)/N in exact mode (N examples). Examples:
 * - uniform:       T_ii = 1 − q + q/C, T_ij = q/C           (C = 4, q = 0.4: diagonal 0.7, off-diagonal 0.1)
 * - uniform-other: T_ii = 1 − q,       T_ij = q/(C − 1)     (C = 4, q = 0.4: diagonal 0.6, off-diagonal 0.1333)
 * - pair-flip:     T_ii = 1 − q,       T_{i,(i+1) mod C} = q (class C − 1 goes to 0)
 * - asymmetric:    T_ii = 1 − q, T_{i,m(i)} = q for mapped i; T_ii = 1 for unmapped i
 * - matrix:        the user's matrix.
 * Matrices are plain number[][] with no matrix library: the harness needs only this elementwise sum and row checks,
 * never a product or an inverse (loss correction with T⁻¹ is out of scope, docs/conventions.md#label-noise).
 */
import { validateNoiseSpec, type NoiseSpec } from './spec.js';
import { mappingTable } from './mappings.js';

/**
 * floor(p·N), the number of examples exact mode selects. The product is nudged up by 1e-12 relative before the
 * floor so that binary rounding does not lose one (0.29 × 100 is 28.999999999999996 in floating point; this
 * returns 29, the value of floor(p·N) for the decimal p the user wrote).
 */
export function exactSelectionCount(rate: number, examples: number): number {
  return Math.min(examples, Math.floor(rate * examples * (1 + 1e-12)));
}

/** Per-example selection probability q: p (independent) or floor(p·N)/N (exact; p when N is not given or 0). */
export function selectionProbability(spec: Exclude<NoiseSpec, { kind: 'matrix' }>, examples?: number): number {
  if (spec.mode === 'exact' && examples !== undefined && examples > 0) {
    return exactSelectionCount(spec.rate, examples) / examples;
  }
  return spec.rate;
}

/** R: row y is the distribution of the new label given to a *selected* example of class y. */
export function relabelMatrix(spec: Exclude<NoiseSpec, { kind: 'matrix' }>, numClasses: number): number[][] {
  const C = numClasses;
  const R = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  switch (spec.kind) {
    case 'uniform':
      for (const row of R) row.fill(1 / C);
      break;
    case 'uniform-other':
      for (let i = 0; i < C; i++) {
        if (C === 1) R[i][i] = 1;
        else for (let j = 0; j < C; j++) R[i][j] = i === j ? 0 : 1 / (C - 1);
      }
      break;
    case 'pair-flip':
      for (let i = 0; i < C; i++) R[i][(i + 1) % C] = 1;
      break;
    case 'asymmetric': {
      const table = mappingTable(spec.mapping, C);
      for (let i = 0; i < C; i++) R[i][table[i]] = 1;
      break;
    }
  }
  return R;
}

/**
 * Expected transition matrix of `spec` for `numClasses` classes. In exact mode pass `examples` (N) to get the
 * matrix for q = floor(p·N)/N; without it the nominal q = p is used (the large-N limit).
 */
export function transitionMatrix(spec: NoiseSpec, numClasses: number, examples?: number): number[][] {
  validateNoiseSpec(spec, numClasses);
  if (spec.kind === 'matrix') return spec.matrix.map((row) => [...row]);
  const q = selectionProbability(spec, examples);
  const R = relabelMatrix(spec, numClasses);
  return R.map((row, i) => row.map((r, j) => (i === j ? 1 - q + q * r : q * r)));
}

/** Probability that an example of each class ends up with a different label: 1 − T_ii. */
export function changeProbabilities(spec: NoiseSpec, numClasses: number, examples?: number): number[] {
  validateNoiseSpec(spec, numClasses);
  if (spec.kind === 'matrix') return spec.matrix.map((row, i) => 1 - row[i]);
  // q · (1 − R_ii), computed directly so that e.g. uniform p = 0.4, C = 10 gives 0.36, not 1 − 0.64.
  const q = selectionProbability(spec, examples);
  if (spec.kind === 'uniform') return new Array<number>(numClasses).fill((q * (numClasses - 1)) / numClasses);
  return relabelMatrix(spec, numClasses).map((row, i) => q * (1 - row[i]));
}
