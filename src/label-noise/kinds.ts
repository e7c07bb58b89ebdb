/**
 * The label-noise models and selection modes, and the single place where each one's default mode is chosen.
 *
 * Every model is "select, then relabel" (docs/conventions.md#label-noise): some examples are *selected*, and each selected
 * example with true class y gets the observed label R(y) drawn from the model's relabel rule:
 *
 * | kind            | relabel rule R(y)                                   | P(R(y) ≠ y)          | source |
 * |-----------------|-----------------------------------------------------|----------------------|--------|
 * | `uniform`       | uniform over all C classes (may return y itself)     | (C−1)/C              | convention (a): Lazy Neuron, DivideMix `sym` |
 * | `uniform-other` | uniform over the C−1 classes other than y           | 1                    | convention (b): Co-teaching, Patrini |
 * | `pair-flip`     | (y + 1) mod C, so class C−1 goes to 0                | 1 (C ≥ 2)            | Co-teaching `pairflip` |
 * | `asymmetric`    | m(y) for a fixed class mapping m; y if y is unmapped | 1 if mapped, else 0  | Patrini MNIST / CIFAR-10, DivideMix `asym` |
 * | `matrix`        | a user transition matrix T, drawn per example        | 1 − T_yy             | any |
 *
 * Selection modes (for the four rate-based kinds, rate p in [0, 1], N examples):
 * - `exact`: exactly floor(p·N) examples are chosen uniformly without replacement from all N (every class), then
 *   each is relabelled by R. Each example's marginal transition is T = (1−q)·I + q·R with q = floor(p·N)/N.
 * - `independent`: each example is selected independently with probability p, then relabelled by R. The
 *   observed label is thus one draw from row y of T = (1−p)·I + p·R (e.g. uniform: T_yy = 1−p+p/C,
 *   T_yj = p/C), as in Co-teaching's and Patrini's one-multinomial-per-example code.
 * `matrix` has no single rate, so only `independent` is defined: each example with true class y is selected with
 * probability 1 − T_yy and then gets j ≠ y with probability T_yj / (1 − T_yy) — one draw from row y of T.
 */

/** Noise model names as written in a spec string. */
export const NOISE_KINDS = ['uniform', 'uniform-other', 'pair-flip', 'asymmetric', 'matrix'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/** How the examples to relabel are chosen; see the module comment. */
export const SELECTION_MODES = ['exact', 'independent'] as const;
export type SelectionMode = (typeof SELECTION_MODES)[number];

/**
 * Mode used when a spec does not name one: each kind defaults to the mode of the reference implementation it
 * reproduces, so that an unqualified spec means what the paper that introduced it meant.
 * - `uniform` → `exact`: the Lazy Neuron paper "replaces p% of the training labels", and DivideMix `sym`, the
 *   standard code for convention (a), picks exactly floor(p·N) indices. Fixing the count also removes one source
 *   of run-to-run variation in the noise level.
 * - `uniform-other`, `pair-flip`, `asymmetric` → `independent`: Co-teaching and Patrini draw one multinomial per
 *   example from the transition matrix (write `:exact` for DivideMix's `asym`).
 * - `matrix` → `independent` (the only mode defined).
 */
export const DEFAULT_MODE: Readonly<Record<NoiseKind, SelectionMode>> = {
  uniform: 'exact',
  'uniform-other': 'independent',
  'pair-flip': 'independent',
  asymmetric: 'independent',
  matrix: 'independent',
};

/** Largest class count the harness's Uint8Array labels can hold. */
export const MAX_CLASSES = 256;
