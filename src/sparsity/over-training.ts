/**
 * Sparsity over training, from the trainer's per-epoch records (epoch 0 = at initialisation): per layer, the nonzero
 * fraction on the validation split and on the trainer's fixed training probe, and the change from the first to
 * the last record. Fractions 0..1.
 */
import type { EpochRecord } from '../train/trainer.js';

/** Per-epoch nonzero fractions, in record order. */
export interface SparsityCurve {
  /** Epoch of each record (0 = initialisation). */
  epochs: number[];
  /** [record][layer] nonzero fraction on the validation split. */
  validation: number[][];
  /** [record][layer] nonzero fraction on the training probe. */
  train: number[][];
  /** Per record, the mean over layers of `validation`. */
  meanValidation: number[];
  /** Per record, the mean over layers of `train`. */
  meanTrain: number[];
}

/** From the first record to the last: the layer-mean validation nonzero fraction and its change. */
export interface SparsityTrend {
  firstEpoch: number;
  lastEpoch: number;
  /** Layer-mean validation nonzero fraction at the first and last record, 0..1. */
  first: number;
  last: number;
  /** last − first (negative: sparser after training). */
  change: number;
  /** Per layer, first and last validation nonzero fraction. */
  perLayer: { first: number; last: number }[];
  /** True when the layer-mean nonzero fraction is lower at the last record than at the first. */
  dropped: boolean;
}

export function meanOf(v: readonly number[]): number {
  return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
}

export function sparsityCurve(history: readonly EpochRecord[]): SparsityCurve {
  return {
    epochs: history.map((r) => r.epoch),
    validation: history.map((r) => r.validationNonzeroFraction.slice()),
    train: history.map((r) => r.trainNonzeroFraction.slice()),
    meanValidation: history.map((r) => meanOf(r.validationNonzeroFraction)),
    meanTrain: history.map((r) => meanOf(r.trainNonzeroFraction)),
  };
}

/** The change from the first record to the last; null when there are fewer than two records. */
export function sparsityTrend(curve: SparsityCurve): SparsityTrend | null {
  const n = curve.epochs.length;
  if (n < 2) return null;
  const first = curve.meanValidation[0];
  const last = curve.meanValidation[n - 1];
  return {
    firstEpoch: curve.epochs[0],
    lastEpoch: curve.epochs[n - 1],
    first,
    last,
    change: last - first,
    perLayer: curve.validation[0].map((v, i) => ({ first: v, last: curve.validation[n - 1][i] })),
    dropped: last < first,
  };
}
