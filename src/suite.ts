/**
 * The suite plugin contract. A suite is a module in suites/ that takes the trained models of a run (and may train
 * more, e.g. on noisy labels) and returns a JSON section for the scorecard plus its Markdown. Suites run after the
 * clean training and evaluation, in config order; each finished suite's output is saved in the run folder
 * (suites/<name>.json), so a resumed run skips it.
 */
import type { ModelVariant, RunConfig } from './config/run-config.js';
import type { DataSplits } from './data/dataset.js';
import type { Predictions } from './eval/predict.js';
import type { ViT } from './models/vit.js';
import type { EpochRecord, TrainState } from './train/trainer.js';
import type { ProgressSink } from './util/progress.js';

/** A model trained by the run, with its training record. */
export interface TrainedModel {
  variant: ModelVariant;
  model: ViT;
  state: TrainState;
}

export interface ExtraTrainingOptions {
  /** Labels to train on instead of the clean ones (label noise). */
  trainLabels?: Uint8Array;
  /** Validation labels to use instead of the clean ones (a noisy validation split); test labels never change. */
  validationLabels?: Uint8Array;
  /** Called after each epoch's validation, epoch 0 included. */
  onEpoch?: (record: EpochRecord, model: ViT) => void;
}

export interface SuiteContext {
  config: RunConfig;
  data: DataSplits;
  /** The run folder; suites write their files (SVG, PNG) under it and list them in SuiteOutput.files. */
  outDir: string;
  /** The models trained on clean labels, in config order (the first is the baseline). */
  models: TrainedModel[];
  /** Clean test-set predictions of each model (same forward pass as the scorecard's). */
  testPredictions: Map<string, Predictions>;
  progress(label: string): ProgressSink;
  log(line: string): void;
  /**
   * Train another model of the run's architecture (same init and data order as the others for the same seed),
   * checkpointed as checkpoints/<key>.ckpt so that an interrupted suite resumes. The caller disposes the model.
   */
  trainExtra(key: string, variant: ModelVariant, opts?: ExtraTrainingOptions): TrainedModel;
}

export interface SuiteOutput {
  /** JSON-serialisable result, stored under scorecard.suites.<name>. Fractions 0..1. */
  result: unknown;
  /** Markdown section(s) appended to scorecard.md, starting with a '## ' heading. */
  markdown: string;
  /** Files written, relative to the run folder. */
  files: string[];
}

/** One scalar a suite reports per model, summarised over seeds in multi-seed runs (mean, interval, paired Δ). */
export interface SuiteHeadline {
  /** Stable key within the suite, e.g. 'eceAfterTemperature' or 'uniform:0.4:exact/accuracy'. */
  key: string;
  /** Row label in the statistics table. */
  label: string;
  /** 'fraction' values are 0..1 and print as percentages. */
  kind: 'fraction' | 'number';
  /** Model name → value (null when the model has none). */
  values: Record<string, number | null>;
}

export interface Suite {
  /** Key in the config's `suites` list and in the scorecard. */
  name: string;
  description: string;
  /**
   * Optional early check, called once the data is loaded and before any training: throw a HarnessInputError naming
   * the config field when the suite cannot run on this config and data (so a bad setting fails in seconds).
   */
  check?(config: RunConfig, data: DataSplits): void | Promise<void>;
  run(ctx: SuiteContext): Promise<SuiteOutput>;
  /** The suite's headline scalars from its saved result; multi-seed runs summarise them over seeds. */
  headline?(result: unknown): SuiteHeadline[];
}

/** For Suite.headline: values[model] = pick(model's entry), for each model of a result. */
export function perModel<T>(models: Record<string, T>, pick: (m: T) => number | null): Record<string, number | null> {
  return Object.fromEntries(Object.entries(models).map(([name, m]) => [name, pick(m)]));
}
