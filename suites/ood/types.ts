/** The ood suite's options and result (scorecard.suites.ood). Fractions 0..1. */
import type { ExtraDatasetName } from 'topk-harness/suites';
import type { OodScoreName } from './scores.js';

/** The options after defaults. */
export interface OodOptions {
  /** OOD sets, in report order. */
  datasets: ExtraDatasetName[];
  /** First N images of each OOD set; null = whole sets. */
  limit: number | null;
}

/** The four metrics of one (model, OOD set, score), fractions 0..1. */
export interface OodMetrics {
  auroc: number;
  auprIn: number;
  auprOut: number;
  /** FPR at 95% TPR (lower is better). */
  fpr95: number;
}

export interface OodResult {
  /** The conventions in words (CONVENTION). */
  convention: string;
  /** The options used (after defaults). */
  limit: number | null;
  /** Score of the ROC figures and the headline. */
  figureScore: OodScoreName;
  inDistribution: { dataset: string; count: number };
  /** count = images used; total = images in the loaded test split. */
  sets: { dataset: ExtraDatasetName; count: number; total: number }[];
  /** model → OOD dataset → score → metrics. */
  models: Record<string, Record<string, Record<OodScoreName, OodMetrics>>>;
}
