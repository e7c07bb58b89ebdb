/** The calibration suite's result (scorecard.suites.calibration). Fractions 0..1; NLL in nats. */
import type { BinRule } from '../../src/metrics/binning.js';
import type { BootstrapInterval } from '../../src/metrics/bootstrap.js';
import type { CalibrationReport } from '../../src/metrics/calibration-report.js';

/** Model − baseline on the clean test split, with a paired 95% bootstrap interval (same resamples for both). */
export interface PairedCalibrationDifference {
  ece: BootstrapInterval & { estimate: number; excludesZero: boolean };
  accuracy: BootstrapInterval & { estimate: number; excludesZero: boolean };
  nll: BootstrapInterval & { estimate: number; excludesZero: boolean };
}

export interface ModelCalibration {
  /** Every metric on the clean test split, before temperature scaling. */
  test: Omit<CalibrationReport, 'bins'> & { bins: CalibrationReport['bins'] };
  /** 95% percentile bootstrap intervals over test examples (seeded). */
  intervals: { ece: BootstrapInterval; accuracy: BootstrapInterval; nll: BootstrapInterval };
  /** Temperature T minimising validation NLL (logits / T). */
  temperature: number;
  /** Every metric after dividing the test logits by T. */
  afterTemperature: Omit<CalibrationReport, 'bins'> & { bins: CalibrationReport['bins'] };
}

export interface CalibrationSuiteResult {
  /** The run's ECE bins and boundary rule. */
  bins: number;
  rule: BinRule;
  /** Bootstrap resamples of every interval. */
  resamples: number;
  models: Record<string, ModelCalibration>;
  /** Keyed by non-baseline model name: that model minus the baseline. */
  differences: Record<string, PairedCalibrationDifference>;
}
