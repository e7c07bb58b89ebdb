/**
 * The suite plugin contract (`topk-harness/suites`). A suite takes the models of a run and returns a JSON section
 * for the scorecard plus its Markdown. Suites run after the clean training and evaluation, in config order; each
 * finished suite's output is saved in the run folder (suites/<name>.json), so a resumed run skips it.
 *
 * A suite sees every model as a Classifier (uint8 images in, logits out), so the same suite code serves the
 * harness's own ViTs and models trained elsewhere. What only the harness's ViTs have (activation probes, the
 * training record, training more models) is there only where the model has it: `SuiteModel.vit`,
 * `SuiteContext.trainExtra`.
 */
import type { ModelVariant, RunConfig } from '../config/run-config.js';
import type { Dataset, DataSplits } from '../data/dataset.js';
import type { Predictions } from '../eval/predict.js';
import type { ViT } from '../models/vit.js';
import type { EpochRecord, TrainState } from '../train/trainer.js';
import type { ProgressSink } from '../util/progress.js';

/** Any image classifier: a batch of uint8 NHWC images in, logits out. */
export interface Classifier {
  /** Number of classes = length of each logit row. */
  readonly numClasses: number;
  /**
   * Logits of `count` images, row-major [count, numClasses]. `images` is uint8, NHWC, row-major, with the run's
   * height, width and channels (pixel (i, y, x, c) at ((i * H + y) * W + x) * C + c).
   */
  logits(images: Uint8Array, count: number): Float32Array | Promise<Float32Array>;
  /**
   * Optional: the logits of a whole pass over `data` in batches of `batchSize` that this classifier has already
   * made, or undefined. predictDataset returns them instead of running the pass again. The harness's own models
   * answer for the validation split when the child process that trained them made that pass.
   */
  knownLogits?(data: Dataset, batchSize: number): Float32Array | undefined;
}

/** A model trained by the harness, with its training record. */
export interface TrainedModel {
  variant: ModelVariant;
  model: ViT;
  state: TrainState;
}

/** A model as a suite sees it. */
export interface SuiteModel {
  /** The model's name in the config and scorecard ('vanilla', 'topk', ...). */
  name: string;
  /** Its config entry (name and k). */
  variant: ModelVariant;
  classifier: Classifier;
  /**
   * The harness's own ViT, for suites that need its activations (sparsity) or its training record; absent for
   * models the harness did not train. A suite that needs it must say so with `requireVit`.
   */
  vit?: TrainedModel;
}

export interface ExtraTrainingOptions {
  /** Labels to train on instead of the clean ones (label noise). */
  trainLabels?: Uint8Array;
  /** Validation labels to use instead of the clean ones (a noisy validation split); test labels never change. */
  validationLabels?: Uint8Array;
  /** Called after each epoch's validation, epoch 0 included. */
  onEpoch?: (record: EpochRecord, model: ViT) => void;
}

/** Datasets a suite may ask for besides the run's own (e.g. out-of-distribution sets). */
export type ExtraDatasetName = 'mnist' | 'fashion-mnist' | 'synthetic';

export interface SuiteContext {
  config: RunConfig;
  data: DataSplits;
  /** The run folder; suites write their files (SVG, PNG) under it and list them in SuiteOutput.files. */
  outDir: string;
  /** The run's models, in config order (the first is the baseline). */
  models: SuiteModel[];
  /** Clean test-set predictions of each model by name (the same forward pass as the scorecard's). */
  testPredictions: Map<string, Predictions>;
  /** This suite's options from the config (`suiteOptions.<name>`), or undefined when none were given. */
  options: unknown;
  progress(label: string): ProgressSink;
  log(line: string): void;
  /**
   * The test split of another dataset the harness loads, shaped like the run's images (synthetic images are drawn
   * at the run's size; a dataset whose images differ in size or channels is refused with a HarnessInputError).
   * Nothing is downloaded: the same packages and folders as the run's own data.
   */
  loadTestSet(name: ExtraDatasetName): Promise<Dataset>;
  /**
   * Train another model of the run's architecture (same init and data order as the others for the same seed),
   * checkpointed as checkpoints/<key>.ckpt so that an interrupted suite resumes. The caller disposes the model.
   * Absent when the run's models were not trained by the harness.
   */
  trainExtra?: (key: string, variant: ModelVariant, opts?: ExtraTrainingOptions) => Promise<TrainedModel>;
}

/**
 * The context of `workItems` and `runWorkItem`: a SuiteContext without the clean test predictions (a child process
 * rebuilds the context from the run folder, the models from their checkpoints, and does not repeat their test pass).
 */
export type SuiteWorkContext = Omit<SuiteContext, 'testPredictions'>;

export interface SuiteOutput<R = unknown> {
  /** JSON-serialisable result, stored under scorecard.suites.<name>. Fractions 0..1. */
  result: R;
  /** Markdown section(s) appended to scorecard.md, starting with a '## ' heading. */
  markdown: string;
  /** Files written, relative to the run folder (SVG and PNG files are inlined in report.html). */
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

/** What a module passes to defineSuite. */
export interface SuiteDefinition<R = unknown> {
  /** Lowercase words joined by '-' or '_' ('ood', 'label-noise'): the key in `suites` and in the scorecard. */
  name: string;
  /** Integer >= 1; bump it when the suite's results for a given run change. Recorded in the scorecard. */
  version: number;
  /** One line: what the suite measures. */
  description: string;
  /**
   * What the suite needs beyond a classifier: 'activations' (SuiteModel.vit, the harness ViT's activation probes) or
   * 'training' (SuiteContext.trainExtra). `evaluate` refuses a suite whose needs its models cannot meet, before work.
   */
  needs?: readonly SuiteNeed[];
  /**
   * Optional early check, called once the data is loaded and before any training: throw a HarnessInputError naming
   * the config field when the suite cannot run on this config and data (so a bad setting fails in seconds).
   */
  check?(config: RunConfig, data: DataSplits, options: unknown): void | Promise<void>;
  run(ctx: SuiteContext): Promise<SuiteOutput<R>>;
  /** The suite's headline scalars from its saved result; multi-seed runs and the gate summarise them. */
  headline?(result: R): SuiteHeadline[];
  /**
   * Optional, with `runWorkItem`: the suite's independent, deterministic pieces of work (e.g. one extra training
   * each), by name, that `run` would otherwise do one after another. On a single-threaded backend (wasm, cpu) with
   * more than one worker (TOPK_WORKERS, else the cores), the harness runs each unfinished item in a child process
   * (`runWorkItem` there, on a context rebuilt from the run folder) before calling `run`, which then finds their
   * results in the run folder (checkpoints, files under outDir) and must reuse them, so that its output is the same
   * bit for bit. Names are short (they prefix the child's progress lines) and unique; items already finished (a
   * resumed run) may be left out. Elsewhere (libtorch, TOPK_WORKERS=1) neither hook is called.
   */
  workItems?(ctx: SuiteWorkContext): string[] | Promise<string[]>;
  /** Do one item of `workItems`, writing its results into the run folder where `run` will find them. */
  runWorkItem?(ctx: SuiteWorkContext, item: string): Promise<void>;
}

/** A validated suite, as the registry and the run use it. */
/** See SuiteDefinition.needs. */
export type SuiteNeed = 'activations' | 'training';

export interface Suite<R = unknown> {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly needs: readonly SuiteNeed[];
  check?(config: RunConfig, data: DataSplits, options: unknown): void | Promise<void>;
  run(ctx: SuiteContext): Promise<SuiteOutput<R>>;
  headline?(result: R): SuiteHeadline[];
  workItems?(ctx: SuiteWorkContext): string[] | Promise<string[]>;
  runWorkItem?(ctx: SuiteWorkContext, item: string): Promise<void>;
}

/** For Suite.headline: values[model] = pick(model's entry), for each model of a result. */
export function perModel<T>(models: Record<string, T>, pick: (m: T) => number | null): Record<string, number | null> {
  return Object.fromEntries(Object.entries(models).map(([name, m]) => [name, pick(m)]));
}
