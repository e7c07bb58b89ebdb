/**
 * applyLabelNoise: corrupt a label array by a NoiseSpec and report honestly what happened — the requested rate,
 * the expected and the realised fraction of changed labels, and the realised transition matrix.
 *
 * Randomness: one stream, rngFor(seed, 'label-noise', formatNoiseSpec(spec)). Exact mode draws a Fisher-Yates
 * permutation of 0..N-1 (the first floor(p·N) entries are the selected examples, relabelled in that order);
 * independent mode walks the examples in index order, one uniform draw each for selection and, when selected and
 * the rule is random, one more for the new label. Same labels + spec + seed ⇒ same noisy labels.
 */
import { HarnessInputError } from '../errors.js';
import { permutation, randInt, rngFor, type Rng } from '../rng.js';
import type { NoiseKind, SelectionMode } from './kinds.js';
import { mappingPairs, mappingTable, type ClassPair } from './mappings.js';
import { formatNoiseSpec, validateNoiseSpec, type NoiseSpec } from './spec.js';
import { describeNoise } from './describe.js';
import { changeProbabilities, exactSelectionCount, transitionMatrix } from './transition.js';

/** Raw counts behind a LabelNoiseReport. */
export interface LabelNoiseCounts {
  /** N, the number of labels. */
  examples: number;
  /**
   * Examples picked for relabelling: exact mode floor(p·N), independent mode about p·N; uniform can pick one and
   * redraw its true label, asymmetric can pick one of an unmapped class. For `matrix` this equals `changed`.
   */
  selected: number;
  /** Examples whose observed label differs from the true one. */
  changed: number;
  /** Examples per true class, length C. */
  perClass: number[];
  /** Changed examples per true class, length C. */
  changedPerClass: number[];
  /** C x C counts, row = true class, column = observed label. */
  transition: number[][];
}

/** What a noise application did. Fractions are in [0, 1]. */
export interface LabelNoiseReport {
  /** Canonical spec string (also the name of the random stream). */
  spec: string;
  kind: NoiseKind;
  /** What the kind and mode do, in words (describeNoise). */
  convention: string;
  /** p as written; null for `matrix`, which has no single rate. */
  requestedRate: number | null;
  mode: SelectionMode;
  numClasses: number;
  /** asymmetric only: the [from, to] pairs used. */
  mapping?: ClassPair[];
  /** E[changed]/N for these labels: mean over examples of 1 − T_{y,y} (uses the actual class make-up). */
  expectedChangedFraction: number;
  /** changed/N as it happened. */
  realisedChangedFraction: number;
  /** Theoretical T (row = true, column = observed); in exact mode for q = floor(p·N)/N. */
  expectedTransition: number[][];
  /** Realised T: counts row-normalised; a row of a class with no examples is all zeros. */
  realisedTransition: number[][];
  seed: number | string;
  counts: LabelNoiseCounts;
}

export interface LabelNoiseResult {
  /** The noisy labels (a new array; the input is not modified). */
  labels: Uint8Array;
  /** 1 where the noisy label differs from the true one, else 0. */
  changed: Uint8Array;
  report: LabelNoiseReport;
}

/** Relabel rule for a selected example of class y (kinds.ts). */
function relabelRule(spec: Exclude<NoiseSpec, { kind: 'matrix' }>, C: number): (y: number, rng: Rng) => number {
  switch (spec.kind) {
    case 'uniform':
      return (_y, rng) => randInt(rng, C);
    case 'uniform-other':
      // Uniform over the C-1 others: draw from 0..C-2 and skip over y.
      return (y, rng) => {
        const j = randInt(rng, C - 1);
        return j >= y ? j + 1 : j;
      };
    case 'pair-flip':
      return (y) => (y + 1) % C;
    case 'asymmetric': {
      const table = mappingTable(spec.mapping, C);
      return (y) => table[y];
    }
  }
}

/** Matrix kind: one draw from row y, as "changed with probability 1 − T_yy, then j ≠ y ∝ T_yj". */
function matrixDraw(matrix: number[][], y: number, rng: Rng): number {
  const row = matrix[y];
  const leave = 1 - row[y];
  if (!(rng() < leave)) return y;
  const target = rng() * leave;
  let acc = 0;
  let last = y;
  for (let j = 0; j < row.length; j++) {
    if (j === y || row[j] <= 0) continue;
    acc += row[j];
    last = j;
    if (target < acc) return j;
  }
  return last; // rounding: target landed past the last positive entry
}

/**
 * Apply `spec` to `labels` (each in [0, numClasses)) with `seed`; see kinds.ts for what each kind and mode do.
 * p = 0 changes nothing. Throws HarnessInputError for an invalid spec, a spec that does not fit numClasses, or a
 * label out of range (naming its index).
 */
export function applyLabelNoise(
  labels: Uint8Array,
  numClasses: number,
  spec: NoiseSpec,
  seed: number | string,
): LabelNoiseResult {
  validateNoiseSpec(spec, numClasses);
  const C = numClasses;
  const N = labels.length;
  for (let i = 0; i < N; i++) {
    if (labels[i] >= C) throw new HarnessInputError(`label ${labels[i]} at index ${i} is outside [0, ${C})`);
  }
  const specString = formatNoiseSpec(spec);
  const rng = rngFor(seed, 'label-noise', specString);
  const noisy = new Uint8Array(labels);
  let selected = 0;

  if (spec.kind === 'matrix') {
    for (let i = 0; i < N; i++) {
      noisy[i] = matrixDraw(spec.matrix, labels[i], rng);
      if (noisy[i] !== labels[i]) selected++;
    }
  } else {
    const relabel = relabelRule(spec, C);
    if (spec.mode === 'exact') {
      selected = exactSelectionCount(spec.rate, N);
      if (selected > 0) {
        const order = permutation(rng, N);
        for (let t = 0; t < selected; t++) {
          const i = order[t];
          noisy[i] = relabel(labels[i], rng);
        }
      }
    } else {
      const p = spec.rate;
      for (let i = 0; i < N; i++) {
        if (rng() < p) {
          selected++;
          noisy[i] = relabel(labels[i], rng);
        }
      }
    }
  }

  const changed = new Uint8Array(N);
  const perClass = new Array<number>(C).fill(0);
  const changedPerClass = new Array<number>(C).fill(0);
  const counts = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let changedCount = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    const o = noisy[i];
    perClass[y]++;
    counts[y][o]++;
    if (o !== y) {
      changed[i] = 1;
      changedPerClass[y]++;
      changedCount++;
    }
  }
  const realisedTransition = counts.map((row, i) => row.map((n) => (perClass[i] > 0 ? n / perClass[i] : 0)));
  const changeProb = changeProbabilities(spec, C, N);
  let expectedChanged = 0;
  for (let c = 0; c < C; c++) expectedChanged += perClass[c] * changeProb[c];

  const report: LabelNoiseReport = {
    spec: specString,
    kind: spec.kind,
    convention: describeNoise(spec, C),
    requestedRate: spec.kind === 'matrix' ? null : spec.rate,
    mode: spec.mode,
    numClasses: C,
    ...(spec.kind === 'asymmetric' ? { mapping: mappingPairs(spec.mapping) } : {}),
    expectedChangedFraction: N > 0 ? expectedChanged / N : 0,
    realisedChangedFraction: N > 0 ? changedCount / N : 0,
    expectedTransition: transitionMatrix(spec, C, N),
    realisedTransition,
    seed,
    counts: { examples: N, selected, changed: changedCount, perClass, changedPerClass, transition: counts },
  };
  return { labels: noisy, changed, report };
}
