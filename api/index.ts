/**
 * `topk-harness`: the programmatic API. Load a config, run it, read and validate a scorecard, gate it against a
 * baseline — the same code paths as the CLI.
 *
 * ```ts
 * import { loadConfig, run, readScorecard, check } from 'topk-harness';
 * const config = loadConfig({ preset: 'smoke', file: 'my-config.json', overrides: { seed: 3 } });
 * const { scorecardPath } = await run(config, { outDir: 'reports/my-run' });
 * const gate = await check({ baseline: 'baseline.json', scorecard: scorecardPath });   // gate.exitCode: 0 or 1
 * ```
 */
import './builtins.js';
import type { RunConfig, PresetName } from '../src/config/run-config.js';
import { parseOverrides, readConfigFile, resolveConfig, type ConfigOverrides } from '../src/config/schema.js';
import { runSeeds } from '../src/run/multi-seed.js';
import { runExperiment, type RunOptions, type RunOutput } from '../src/run/run-experiment.js';
import { runCheck, type CheckOptions, type CheckOutcome } from '../src/gate/run-check.js';
import { builtinSuites } from '../src/suite/registry.js';
import { EVALUATE_DEFAULT_SUITES, evaluateModels } from '../src/evaluate/evaluate.js';
import type { Classifier } from '../src/suite/types.js';

export { PRESET_NAMES, PRESETS, type PresetName, type RunConfig } from '../src/config/run-config.js';
export type * from '../src/config/run-config.js';
export { HarnessInputError, DataFileError, NonFiniteLossError } from '../src/errors.js';
export { PluginError } from '../src/plugins/plugin-error.js';
export { readScorecard, parseScorecard, readRunFolder, type ScorecardFile } from '../src/scorecard/read.js';
export { assertValidScorecard, scorecardIssues, formatIssues, scorecardJsonSchema, SCHEMA_VERSION, type ScorecardIssue } from '../src/scorecard/schema.js';
export type { Scorecard, ModelResult, SuiteMeta } from '../src/scorecard/scorecard.js';
export { compareScorecards, assertComparable, type GateResult, type GateRow } from '../src/gate/compare.js';
export { gateReport } from '../src/gate/format.js';
export { readTolerances, DEFAULT_TOLERANCES, type Tolerance, type ToleranceOverrides } from '../src/gate/tolerances.js';
export { createCorruptionRegistry, CorruptionRegistry, builtinCorruptions } from '../src/corruptions/registry.js';
export { corruptDataset, corruptImage } from '../src/corruptions/apply.js';
export { previewGrid } from '../src/corruptions/preview.js';
export { createSuiteRegistry, SuiteRegistry, loadSuiteModule, builtinSuites } from '../src/suite/registry.js';
export { loadDataset, DATASET_NAMES, type DatasetName, type DatasetSpec } from '../src/data/load.js';
export type { Dataset, DataSplits } from '../src/data/dataset.js';
export { initBackend, BACKEND_CHOICES, type BackendChoice, type BackendInfo } from '../src/backend.js';
export type { RunOutput, CheckOptions, CheckOutcome };
export type { Classifier } from '../src/suite/types.js';
export { onnxClassifier, type OnnxOptions, type OnnxClassifier } from '../src/onnx/classifier.js';

export interface LoadConfigOptions {
  /** A preset to start from (default: the file's `preset`, else 'quick'). */
  preset?: PresetName;
  /** A JSON config file (every field optional), layered over the preset. */
  file?: string;
  /** Fields layered last, as in a config file (validated the same way). */
  overrides?: unknown;
}

/** preset ← file ← overrides, validated: a complete RunConfig, or a HarnessInputError naming every bad field. */
export function loadConfig(options: LoadConfigOptions = {}): RunConfig {
  const layers: ConfigOverrides[] = [];
  if (options.file !== undefined) layers.push(readConfigFile(options.file));
  if (options.overrides !== undefined) layers.push(parseOverrides(options.overrides, 'overrides'));
  return resolveConfig(layers, options.preset);
}

/**
 * Train, evaluate and run the suites of `config` into `outDir` (a multi-seed config runs every seed and writes the
 * aggregate), exactly as `topk-harness run` does. Progress goes to stderr unless `progress: false`.
 */
export async function run(config: RunConfig, options: Omit<RunOptions, 'config'>): Promise<RunOutput> {
  return (config.seeds ? runSeeds : runExperiment)({ ...options, config });
}

/** The regression gate, as `topk-harness check`: exitCode 0 (nothing regressed) or 1, plus the printed report. */
export async function check(options: CheckOptions): Promise<CheckOutcome> {
  await builtinSuites(); // headline scalars of older scorecards come from the built-in suites' code
  return runCheck(options);
}

/** A model for `evaluate`: any function from a batch of uint8 NHWC images to logits [count, classes]. */
export interface FunctionModel {
  name: string;
  logits(images: Uint8Array, count: number): Float32Array | Promise<Float32Array>;
  /** Default: the data's class count. */
  numClasses?: number;
}

export interface EvaluateApiOptions extends LoadConfigOptions {
  /** In order; the first is the baseline. Functions, or ready Classifiers (e.g. from onnxClassifier). */
  models: readonly (FunctionModel | (Classifier & { name: string }))[];
  outDir: string;
  resume?: boolean;
  progress?: boolean;
}

/**
 * Evaluate models trained elsewhere (any `(images, count) => logits` function) through the suites into a scorecard,
 * as `topk-harness evaluate` does for ONNX files. Suites default to calibration and corruption; `overrides` (or the
 * config file) may set `suites`, `data`, `corruption`, `suiteOptions`, `seed`.
 */
export async function evaluate(options: EvaluateApiOptions): Promise<RunOutput> {
  const names = options.models.map((m) => m.name);
  const layers: ConfigOverrides[] = [];
  if (options.file !== undefined) layers.push(readConfigFile(options.file));
  if (options.overrides !== undefined) layers.push(parseOverrides(options.overrides, 'overrides'));
  const suitesGiven = layers.some((l) => l.suites !== undefined);
  layers.push(parseOverrides({ models: names.map((name) => ({ name, k: null })), ...(suitesGiven ? {} : { suites: EVALUATE_DEFAULT_SUITES }) }, 'evaluate'));
  const config = resolveConfig(layers, options.preset);
  return evaluateModels({
    config,
    outDir: options.outDir,
    resume: options.resume,
    progress: options.progress,
    models: async (shape) => options.models.map((m) => ({
      name: m.name,
      classifier: { numClasses: m.numClasses ?? shape.classes, logits: (images: Uint8Array, count: number) => m.logits(images, count) },
    })),
  });
}
