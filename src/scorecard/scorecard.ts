/**
 * The scorecard: what a run measured, per model, with the provenance needed to trust and reproduce it.
 * Fractions are 0..1 numbers (never percent strings). Everything outside `timing` and `provenance` is a
 * deterministic function of (config, seed, backend): two runs with the same inputs give the same values there.
 */
import type { BackendInfo } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import type { EpochRecord } from '../train/trainer.js';

import { SCHEMA_VERSION } from './schema.js';

/** Measured results of one model (one scorecard column). */
/** See Scorecard.suiteMeta. */
export interface SuiteMeta {
  version: number;
  source: string;
  headline: import('../suite/types.js').SuiteHeadline[];
}

/** An external model that `evaluate` ran (scorecard.provenance.modelFiles). */
export interface ModelFile {
  format: 'onnx' | 'function';
  /** The file as given, and its SHA-256 (hex); absent for a JavaScript function. */
  file?: string;
  sha256?: string;
  /** How pixels were fed: layout, per-channel normalisation after scaling to [0, 1], and what the output holds. */
  layout?: 'nchw' | 'nhwc';
  mean?: number[];
  std?: number[];
  outputs: 'logits' | 'probs';
}

export interface ModelResult {
  name: string;
  /** null = vanilla; number or per-layer numbers = Top-k. */
  k: number | number[] | null;
  /** null for a model the harness did not train (`evaluate`): it cannot count an ONNX graph's parameters. */
  parameterCount: number | null;
  /** Forward FLOPs per image, dense (multiply-add = 2); null for an external model. */
  forwardFlopsPerImage: number | null;
  test: {
    accuracy: number;
    /** Mean negative log-likelihood, natural log. */
    nll: number;
    /** Top-label ECE, eval.eceBins equal-width bins under eval.eceRule. */
    ece: number;
    /** Mean over layers of the fraction of nonzero MLP activations per token on the test split (null: external model). */
    meanNonzeroFraction: number | null;
    /** Per layer, the fraction of nonzero MLP activations per token on the test split (empty: external model). */
    nonzeroFractionPerLayer: number[];
  };
  /** Absent for a model the harness did not train (`evaluate`). */
  training?: {
    epochs: number;
    steps: number;
    imagesSeen: number;
    finalTrainLoss: number | null;
    finalValidationAccuracy: number;
    /** The training curve; epoch 0 is the model at initialisation. */
    history: EpochRecord[];
  };
}

/** Wall-clock measurements: real, but they vary between runs and machines. */
export interface ModelTiming {
  /** Seconds spent in optimisation steps (validation excluded), summed over resumed sessions; null: not trained here. */
  trainSeconds: number | null;
  trainImagesPerSecond: number | null;
  /** Test-set inference throughput (batch eval.evalBatchSize). */
  inferImagesPerSecond: number;
}

export interface Scorecard {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string;
  /** Resolved configuration. */
  config: RunConfig;
  seed: number;
  data: {
    dataset: string;
    height: number;
    width: number;
    channels: number;
    classes: number;
    trainCount: number;
    validationCount: number;
    testCount: number;
    /** sha256-based fingerprints of the exact splits used. */
    fingerprints: { train: string; validation: string; test: string };
  };
  calibration: { bins: number; rule: 'right' | 'left'; convention: string };
  /** Name of the baseline model (the first); deltas are other − baseline. */
  baseline: string;
  models: Record<string, ModelResult>;
  /** Each suite's result (suites/<name>.ts documents its fields). */
  suites: Record<string, unknown>;
  /**
   * Each suite's version, where it came from ('built-in' or the plugin module) and its headline scalars, so that the
   * gate and multi-seed statistics read a plugin suite's numbers without loading its code. Absent in scorecards
   * written before plugin suites; multi-seed aggregates carry their statistics instead.
   */
  suiteMeta?: Record<string, SuiteMeta>;
  /** Multi-seed runs only: per-seed summaries and paired differences (src/run/multi-seed.ts). */
  statistics?: import('../run/multi-seed.js').SeedStatistics;
  /** For each non-baseline model: metric → (model − baseline). */
  deltas: Record<string, Record<string, number>>;
  backend: BackendInfo;
  timing: { models: Record<string, ModelTiming>; suites: Record<string, number>; totalSeconds: number };
  provenance: {
    harnessVersion: string;
    gitCommit: string | null;
    node: string;
    platform: string;
    cpu: string;
    cpuCount: number;
    sharp: string | null;
    libvips: string | null;
    createdAt: string;
    /** `evaluate` only: each external model's file, its SHA-256 and how it was fed. */
    modelFiles?: Record<string, ModelFile>;
  };
}

/** Metrics shown in the comparison table: key path, label, and which direction is better. */
export const HEADLINE_METRICS: { key: string; label: string; better: 'higher' | 'lower' | 'none'; kind: 'fraction' | 'number' | 'count' | 'seconds' | 'rate' }[] = [
  { key: 'test.accuracy', label: 'test accuracy', better: 'higher', kind: 'fraction' },
  { key: 'test.nll', label: 'test NLL', better: 'lower', kind: 'number' },
  { key: 'test.ece', label: 'test ECE', better: 'lower', kind: 'fraction' },
  { key: 'test.meanNonzeroFraction', label: 'nonzero MLP activations (test)', better: 'none', kind: 'fraction' },
  { key: 'parameterCount', label: 'parameters', better: 'none', kind: 'count' },
  { key: 'timing.trainSeconds', label: 'train time (s)', better: 'lower', kind: 'seconds' },
  { key: 'timing.trainImagesPerSecond', label: 'train images/s', better: 'higher', kind: 'rate' },
  { key: 'timing.inferImagesPerSecond', label: 'inference images/s', better: 'higher', kind: 'rate' },
];

/** Look up a dotted metric key in a model's result, or its timing when the key starts with 'timing.'. */
export function metricValue(card: Scorecard, model: string, key: string): number | null {
  const root: unknown = key.startsWith('timing.') ? card.timing.models[model] : card.models[model];
  let cur: unknown = root;
  for (const part of key.replace(/^timing\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

/** model − baseline for every headline metric (deterministic ones and timings alike). */
export function computeDeltas(card: Omit<Scorecard, 'deltas'>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const full = card as Scorecard;
  for (const name of Object.keys(card.models)) {
    if (name === card.baseline) continue;
    out[name] = {};
    for (const m of HEADLINE_METRICS) {
      if (m.key.startsWith('timing.')) continue; // timings are compared as a ratio in the report, not stored as deltas
      const a = metricValue(full, name, m.key);
      const b = metricValue(full, card.baseline, m.key);
      if (a !== null && b !== null) out[name][m.key] = a - b;
    }
  }
  return out;
}
