/** Which training images the sparsity suite measures. */
import { type Dataset, subset } from '../../src/data/dataset.js';
import { permutation, rngFor } from '../../src/rng.js';

/** Training images measured (a seeded subset; all of them when the split is smaller). */
export const TRAIN_SUBSET_SIZE = 2000;

/** The training images the suite measures: up to `size` of them, drawn by rngFor(seed, 'sparsity', 'train'), in file order. */
export function sparsityTrainSubset(train: Dataset, seed: number, size = TRAIN_SUBSET_SIZE): Dataset {
  if (train.count <= size) return train;
  const idx = permutation(rngFor(seed, 'sparsity', 'train'), train.count).slice(0, size).sort();
  return subset(train, idx);
}
