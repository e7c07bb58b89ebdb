/**
 * Per-layer activation sparsity of a harness ViT on a dataset (docs/conventions.md#activation-sparsity): one forward
 * pass with the activation probes on, reduced to the nonzero fraction per layer and how each layer's neurons are used.
 * The sparsity suite measures the training subset and the test split with it; any dataset of the model's input
 * shape works (e.g. a corrupted test set).
 */
import type { Dataset } from '../data/dataset.js';
import { predict, type Predictions } from '../eval/predict.js';
import type { ViT } from '../models/vit.js';
import type { ProgressSink } from '../util/progress.js';
import { type NeuronUsage, neuronUsage } from './neuron-usage.js';
import { meanOf } from './over-training.js';

/** Per-layer sparsity of a model on one dataset. Arrays are in layer order (index i = block i). */
export interface SplitSparsity {
  /** Images measured. */
  images: number;
  /** Tokens measured: images × tokens per image. */
  tokens: number;
  /** Per layer, mean over tokens of #nonzero / d_ff, 0..1. */
  nonzeroFraction: number[];
  /** Mean over layers of nonzeroFraction. */
  meanNonzeroFraction: number;
  /** Per layer, how the neurons are used (histogram counts per firing-frequency bin included). */
  neurons: NeuronUsage[];
}

export interface MeasureOptions {
  /** Images per forward pass (default 512). */
  batchSize?: number;
  progress?: ProgressSink;
}

/**
 * Per-layer activation sparsity of `model` on `data` (one forward pass over every image): nonzero fraction and
 * neuron usage. Usable on any dataset of the model's input shape, e.g. a corrupted test set.
 */
export function measureSparsity(model: ViT, data: Dataset, opts: MeasureOptions = {}): SplitSparsity {
  if (data.count === 0) throw new RangeError(`measureSparsity: dataset ${data.name} is empty`);
  return sparsityFromPredictions(predict(model, data, { batchSize: opts.batchSize, neuronFiring: true, progress: opts.progress }));
}

/**
 * The same measurement from a forward pass already made with the firing probes on (predict's `neuronFiring`), as
 * the run's test-split evaluation is: the counts are exact integers, so the numbers are measureSparsity's.
 */
export function sparsityFromPredictions(p: Predictions): SplitSparsity {
  if (!p.neuronFiring) throw new Error('sparsityFromPredictions: the predictions were made without neuronFiring');
  const { counts, tokens } = p.neuronFiring;
  const neurons = counts.map((c) => neuronUsage(c, tokens));
  const nonzeroFraction = neurons.map((u) => u.nonzeroFraction);
  return { images: p.count, tokens, nonzeroFraction, meanNonzeroFraction: meanOf(nonzeroFraction), neurons };
}
