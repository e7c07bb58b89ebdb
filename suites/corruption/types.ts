/** The corruption suite's result (scorecard.suites.corruption) and the values it is built from. Fractions 0..1; NLL in nats. */
import type { CorruptionSource, SeverityTable } from '../../src/corruptions/index.js';
import type { CorruptionGroup } from '../../src/corruptions/names.js';

/** What was applied, for the record. */
export interface CorruptionProvenance {
  name: string;
  /** The module's version (part of the random stream: a new version means new pixels). */
  version: number;
  family: string;
  group: CorruptionGroup;
  /** 'built-in', or the plugin specifier as configured (file path or package name). */
  source: CorruptionSource;
  description: string;
  /** The parameter table used. */
  table: SeverityTable;
  /** The parameters of each evaluated severity in that table. */
  parameters: { severity: number; params: unknown }[];
}

/** Metrics of one model on one dataset (clean or corrupted). Fractions 0..1; NLL in nats. */
export interface EvalMetrics {
  accuracy: number;
  /** 1 − accuracy. */
  error: number;
  /** Top-label ECE, the run's bins and rule, from logits. */
  ece: number;
  nll: number;
  /** Per layer: mean over tokens of the fraction of nonzero MLP activations. */
  nonzeroFraction: number[];
  /** Mean over layers of nonzeroFraction. */
  meanNonzeroFraction: number;
}

export interface SeverityMetrics extends EvalMetrics {
  /** 1..5. */
  severity: number;
}

/** One model on one corruption. */
export interface ModelCorruptionResult {
  /** One entry per evaluated severity, ascending. */
  severities: SeverityMetrics[];
  /** Means over the evaluated severities (meanAccuracy is the paper's statistic). */
  meanAccuracy: number;
  meanError: number;
  meanEce: number;
  meanNll: number;
  meanNonzeroFraction: number;
  /** Mean error / the baseline model's mean error on the same corruption (1 for the baseline); null if that is 0. */
  ceVsBaseline: number | null;
  /** (mean error − clean error) / (baseline mean error − baseline clean error); null if the denominator is 0. */
  relativeCeVsBaseline: number | null;
  /** Mean error / AlexNet's ImageNet-C mean error (benchmark corruptions only, else null; see convention.alexNet). */
  ceVsAlexNet: number | null;
  /** Relative CE against AlexNet (clean error 0.4345); benchmark corruptions only. */
  relativeCeVsAlexNet: number | null;
}

/** Means over a group of corruptions (each corruption weighted equally, each averaged over its severities). */
export interface GroupSummary {
  /** The corruptions averaged. */
  corruptions: string[];
  meanAccuracy: number;
  meanError: number;
  meanEce: number;
  meanNonzeroFraction: number;
}

/** The benchmark group adds mCE. */
export interface BenchmarkSummary extends GroupSummary {
  /** True when all 15 benchmark corruptions were evaluated (otherwise mCE is over `corruptions` only). */
  complete: boolean;
  /** Mean of ceVsBaseline (null when any is null). */
  mceVsBaseline: number | null;
  relativeMceVsBaseline: number | null;
  /** Mean of ceVsAlexNet: ImageNet-C's definition, with AlexNet's ImageNet errors as denominators (see caveat). */
  mceVsAlexNet: number | null;
  relativeMceVsAlexNet: number | null;
}

export interface ModelSummary {
  /** On the same (limited) clean test images. */
  clean: EvalMetrics;
  perCorruption: Record<string, ModelCorruptionResult>;
  /** Mean of meanAccuracy over gaussian, shot and impulse noise (paper Table 1); null unless all three ran. */
  noiseAverageAccuracy: number | null;
  benchmark: BenchmarkSummary | null;
  heldOut: GroupSummary | null;
  plugins: GroupSummary | null;
}

/** Model − baseline differences (accuracy points as fractions; positive accuracy delta = more robust). */
export interface ModelDeltas {
  cleanAccuracy: number;
  perCorruption: Record<string, {
    /** One per evaluated severity, ascending. */
    accuracy: number[];
    meanAccuracy: number;
    meanEce: number;
    meanNonzeroFraction: number;
  }>;
  noiseAverageAccuracy: number | null;
  benchmarkMeanAccuracy: number | null;
  benchmarkMeanError: number | null;
  /** Negative = fewer errors than the baseline relative to AlexNet. */
  mceVsAlexNet: number | null;
  mceVsBaseline: number | null;
  heldOutMeanAccuracy: number | null;
  pluginsMeanAccuracy: number | null;
}

export interface CorruptionResult {
  convention: {
    /** The severity table used, and why. */
    table: SeverityTable;
    tableReason: string;
    /** Evaluated severities, ascending. */
    severities: number[];
    /** Test images evaluated (the seeded subset) and the size of the run's test split. */
    testImages: number;
    testSplitImages: number;
    /** How the images and the corrupted pixels were drawn. */
    seeding: string;
    statistic: string;
    meanError: string;
    ce: string;
    /** The AlexNet normalisation and why it is only indicative here. */
    alexNet: string;
  };
  /** The model all CE-vs-baseline values and deltas refer to (the run's first). */
  baseline: string;
  /** Every evaluated corruption in evaluation order. */
  corruptions: CorruptionProvenance[];
  models: Record<string, ModelSummary>;
  /** For each model other than the baseline. */
  deltas: Record<string, ModelDeltas>;
  notes: string[];
}
