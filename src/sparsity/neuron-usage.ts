/**
 * How one MLP layer's neurons are used (docs/conventions.md#activation-sparsity), from per-neuron firing counts.
 *
 * Conventions: a neuron "fires" on a token when its activation is strictly positive after ReLU and, for a Top-k
 * model, after the Top-k mask (what ViT.forward's neuronFiring counts). Its firing frequency is the share of tokens
 * on which it fires. The layer's nonzero fraction is the fraction of the d_ff activations that are nonzero, per
 * token, averaged over tokens: Σ_j count_j / (tokens · d_ff) — the paper's "percentage of nonzero entries".
 * Every share and fraction is in 0..1.
 */
import { FiringHistogram, firingHistogram } from './firing-histogram.js';

/** Thresholds and histogram resolution of `neuronUsage`. */
export interface NeuronUsageOptions {
  /** Neurons firing on strictly fewer than this share of tokens are "rarely used" (default 0.1: the paper's 93.5% statistic). */
  rareBelow?: number;
  /** Neurons firing on strictly more than this share of tokens are "frequently used" (default 0.5). */
  frequentAbove?: number;
  /** Equal-width frequency bins on [0, 1] (default 20). */
  bins?: number;
}

export const NEURON_USAGE_DEFAULTS: Required<NeuronUsageOptions> = { rareBelow: 0.1, frequentAbove: 0.5, bins: 20 };

/** Usage statistics of one layer's d_ff neurons over a set of tokens. */
export interface NeuronUsage {
  /** Tokens the counts cover (images × tokens per image). */
  tokens: number;
  /** Neurons in the layer (d_ff). */
  neurons: number;
  /** Mean over tokens of (#nonzero activations / d_ff), 0..1. */
  nonzeroFraction: number;
  /** Mean over tokens of the number of nonzero activations (s in the FLOPs formulas), 0..d_ff. */
  meanNonzerosPerToken: number;
  /** Share of neurons firing on fewer than rareBelow of the tokens (strictly), 0..1. */
  rareShare: number;
  /** Share of neurons firing on more than frequentAbove of the tokens (strictly), 0..1. */
  frequentShare: number;
  /** Neurons that fire on no token at all. */
  deadCount: number;
  /** deadCount / neurons, 0..1. */
  deadShare: number;
  /** Lowest, median (mean of the two middle values for even d_ff) and highest firing frequency over neurons, 0..1. */
  minFrequency: number;
  medianFrequency: number;
  maxFrequency: number;
  /** Distribution over neurons of the firing frequency. */
  histogram: FiringHistogram;
}

/**
 * Usage statistics of a layer from its firing counts.
 * @param counts per neuron (length d_ff), the number of tokens on which it fired: integers in [0, tokens]
 * @param tokens the number of tokens counted over, > 0
 * @throws RangeError for an empty layer, tokens ≤ 0 or a count outside [0, tokens]
 */
export function neuronUsage(counts: ArrayLike<number>, tokens: number, opts: NeuronUsageOptions = {}): NeuronUsage {
  const { rareBelow, frequentAbove, bins } = { ...NEURON_USAGE_DEFAULTS, ...opts };
  const n = counts.length;
  if (n === 0) throw new RangeError('neuronUsage needs at least one neuron');
  const histogram = firingHistogram(counts, tokens, bins); // validates tokens and counts
  const freq = Float64Array.from(counts, (c) => c / tokens);
  let sum = 0;
  let rare = 0;
  let frequent = 0;
  let dead = 0;
  for (let j = 0; j < n; j++) {
    sum += counts[j];
    if (freq[j] < rareBelow) rare++;
    if (freq[j] > frequentAbove) frequent++;
    if (counts[j] === 0) dead++;
  }
  const sorted = freq.slice().sort();
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return {
    tokens,
    neurons: n,
    nonzeroFraction: sum / (tokens * n),
    meanNonzerosPerToken: sum / tokens,
    rareShare: rare / n,
    frequentShare: frequent / n,
    deadCount: dead,
    deadShare: dead / n,
    minFrequency: sorted[0],
    medianFrequency: median,
    maxFrequency: sorted[n - 1],
    histogram,
  };
}
