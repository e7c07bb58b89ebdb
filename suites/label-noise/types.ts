/** The label-noise suite's result (scorecard.suites['label-noise']). Fractions 0..1, NLL in nats. */
import type { LabelNoiseReport } from '../../src/label-noise/index.js';

/** Clean-test-split metrics of one model. */
export interface TestMetrics {
  accuracy: number;
  /** Mean negative log-likelihood, nats. */
  nll: number;
  /** Top-label ECE with the run's bins and boundary rule. */
  ece: number;
}

/** Where the memorisation probe's predictions fall after one epoch; the three fractions sum to 1. */
export interface MemorisationPoint {
  /** 0 = at initialisation, E = after the last epoch. */
  epoch: number;
  /** Fraction of probe examples predicted as their (wrong) training label: the noise fitted. */
  noisyLabel: number;
  /** Fraction predicted as their true label. */
  trueLabel: number;
  /** Fraction predicted as some third class. */
  other: number;
}

/** One model retrained on one spec's noisy labels. */
export interface NoisyModelResult {
  /** ctx.trainExtra key, also the checkpoint name (checkpoints/<key>.ckpt). */
  key: string;
  /** On the clean test split. */
  test: TestMetrics;
  /**
   * How much worse than the clean-label model of the same variant; positive = worse under noise:
   * accuracy clean − noisy, NLL and ECE noisy − clean.
   */
  dropFromClean: TestMetrics;
  /** One point per epoch 0..E; empty when no training label changed (nothing to memorise). */
  memorisation: MemorisationPoint[];
  /** Per epoch: loss and accuracy against the noisy training labels; validation accuracy against the validation labels (clean, or noisy with labelNoise.noisyValidation — see validationNoise). */
  curve: { epoch: number; trainLoss: number | null; trainAccuracy: number | null; validationAccuracy: number }[];
}

/** A non-baseline model minus the baseline, for one spec. */
export interface NoiseDelta {
  test: TestMetrics;
  dropFromClean: TestMetrics;
  /** At the last epoch; null when the probe is empty. */
  memorisation: Omit<MemorisationPoint, 'epoch'> | null;
}

export interface SpecResult {
  /** The spec as written in the config. */
  requested: string;
  /** Canonical form (every field spelled out); names the random stream. */
  spec: string;
  /** What the noise did to the training split: requested rate, expected and realised changed fraction, realised T, seed. */
  noise: LabelNoiseReport;
  /** The memorisation probe: a seeded subset of the changed training examples. */
  probe: { size: number; changedExamples: number };
  /** With labelNoise.noisyValidation: what the same spec did to the validation labels (its own stream); else null. */
  validationNoise: LabelNoiseReport | null;
  models: Record<string, NoisyModelResult>;
  /** Keyed by non-baseline model name: that model minus the baseline. */
  deltas: Record<string, NoiseDelta>;
}

export interface LabelNoiseSuiteResult {
  /** The first model of the run; deltas are against it. */
  baseline: string;
  /** Training examples the noise is applied to (the training split after the validation split is carved off). */
  trainExamples: number;
  /** config.labelNoise.memorisationProbe: the most changed examples tracked per spec. */
  memorisationProbe: number;
  /** The clean-label models of the run on the clean test split (noise rate 0). */
  clean: Record<string, TestMetrics>;
  specs: SpecResult[];
}
