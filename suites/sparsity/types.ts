/** The sparsity suite's result (scorecard.suites.sparsity). Fractions 0..1; arrays in layer order. */
import type { SparsityFlops } from '../../src/sparsity/flops.js';
import type { SplitSparsity } from '../../src/sparsity/measure.js';
import type { SparsityCurve, SparsityTrend } from '../../src/sparsity/over-training.js';

/** What the suite reports for one model. */
export interface ModelSparsity {
  /** Top-k k (per layer when an array), null for vanilla. */
  k: number | number[] | null;
  /** Per layer, the most a Top-k layer can keep, k / d_ff (null for layers without Top-k). */
  topkBound: (number | null)[];
  dModel: number;
  dFF: number;
  depth: number;
  tokensPerImage: number;
  /** Seeded subset of the training split. */
  train: SplitSparsity;
  /** The whole test split. */
  test: SplitSparsity;
  /** Per epoch (0 = initialisation), per layer, on validation and on the trainer's training probe. */
  overTraining: SparsityCurve;
  /** First vs last epoch of the validation curve (null with a single record). */
  trend: SparsityTrend | null;
  /** Dense vs effective FLOPs per image, from the test-split nonzero fractions. */
  flops: SparsityFlops;
}

export interface SparsityResult {
  convention: string;
  /** Firing-frequency thresholds of the neuron statistics and the histogram's bin edges (0..1). */
  rareBelow: number;
  frequentAbove: number;
  histogramEdges: number[];
  trainSubset: { maxImages: number; stream: string };
  models: Record<string, ModelSparsity>;
}
