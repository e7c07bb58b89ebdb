/**
 * The main job: load data, train every configured model (vanilla first, then Top-k), evaluate each on the clean
 * test split, and write reports/<run-id>/scorecard.json and scorecard.md. Each model's training checkpoints and
 * finished result live in the run folder, so an interrupted run resumes where it stopped (--resume).
 */
import * as path from 'node:path';
import { initBackend } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import { Dataset, DataSplits } from '../data/dataset.js';
import { loadDataset, splitFingerprints } from '../data/load.js';
import { limit, splitTrainValidation } from '../data/split.js';
import { HarnessInputError } from '../errors.js';
import { predict } from '../eval/predict.js';
import { loadSavedPredictions, type PredictionSource } from '../eval/saved-predictions.js';
import { accuracy } from '../metrics/accuracy.js';
import { expectedCalibrationError } from '../metrics/ece.js';
import { negativeLogLikelihood } from '../metrics/nll.js';
import { forwardFlops, ViTConfig, VIT_DEFAULTS } from '../models/config.js';
import { ViT } from '../models/vit.js';
import type { ModelResult, ModelTiming, Scorecard } from '../scorecard/scorecard.js';
import { train } from '../train/trainer.js';
import { progressLog, progressSinks, silentProgress, type ProgressSink } from '../util/progress.js';
import { createSuiteRegistry } from '../suite/registry.js';
import { vitClassifier, type KnownPass } from '../suite/vit-classifier.js';
import type { ExtraTrainingOptions, SuiteContext, SuiteModel, SuiteWorkContext, TrainedModel } from '../suite/types.js';
import { checkSuites, guardPlugin, loadExtraTestSet, preflightRunCorruptions, RunInterrupted, runSuites, suitesToRun, type SuiteRecord } from './run-suites.js';
import type { ModelVariant } from '../config/run-config.js';
import type { Predictions } from '../eval/predict.js';
import { assembleScorecard, writeScorecard } from './assemble.js';
import { openRunFolder, type RunFolder } from './run-folder.js';
import { stopRequested } from './signals.js';
import { earlyTrainingBackend, trainInParallel, type TrainingBackend } from './parallel-training.js';
import { suiteItemRunner } from './parallel-suite-items.js';
import { configHash } from '../scorecard/suite-cache.js';

export { prepareRunDir } from './run-folder.js';

export interface RunOptions {
  config: RunConfig;
  /** The run folder (created). */
  outDir: string;
  /** Continue an interrupted run in outDir (its config.json must equal config). */
  resume?: boolean;
  /** Print progress on stderr (default true). */
  progress?: boolean;
  /** Evaluate on the test split and write the scorecard (default true); false = `train` only. */
  evaluate?: boolean;
  /** Every model must already be fully trained in outDir (the `eval` command). */
  requireTrained?: boolean;
  /** Stop every model's training after this many steps (tests of resume). */
  stopAfterSteps?: number;
}

export interface RunOutput {
  scorecard: Scorecard;
  scorecardPath: string;
  /** Present while a run was stopped early by stopAfterSteps. */
  interrupted: boolean;
}

export { defaultRunId } from '../config/run-id.js';

/** Load the dataset and cut it into train / validation / test as the config says. */
export async function prepareData(config: RunConfig, log: (l: string) => void = () => {}): Promise<DataSplits> {
  const d = config.data;
  const loaded = await loadDataset(
    {
      name: d.dataset,
      dataDir: d.dataDir ?? undefined,
      // synthetic images default to MNIST's 28 px so that every preset's patch size fits
      imageSize: d.imageSize ?? (d.dataset === 'synthetic' ? 28 : undefined),
      channels: d.dataset === 'folder' ? d.channels : undefined,
    },
    { seed: config.seed, synthetic: { trainCount: d.syntheticTrainCount, testCount: d.syntheticTestCount } },
  );
  const cap = (set: Dataset, n: number | null, what: string, stream: string): Dataset => {
    if (n === null) return set;
    if (n > set.count) {
      log(`data.${what} = ${n} exceeds the ${set.count} images of ${set.name}; using all of them`);
      return set;
    }
    return limit(set, n, config.seed, stream);
  };
  const trainAll = cap(loaded.train, d.limitTrain, 'limitTrain', 'train');
  const test = cap(loaded.test, d.limitTest, 'limitTest', 'test');
  const { train, validation } = splitTrainValidation(trainAll, d.validationCount, config.seed);
  if (validation.count === 0) throw new HarnessInputError('data.validationCount must be at least 1: per-epoch validation needs images', 'data.validationCount');
  return { train, validation, test };
}

/** The ViT config of one model variant for this data. */
export function modelConfigFor(config: RunConfig, data: Dataset, k: number | number[] | null): ViTConfig {
  return {
    ...VIT_DEFAULTS,
    ...config.model,
    imageHeight: data.height,
    imageWidth: data.width,
    channels: data.channels,
    numClasses: data.classNames.length,
    k,
  };
}

/** What a model's pass over a split is computed from (its checkpoint, the split, the batch size, the backend). */
export function predictionSource(config: RunConfig, outDir: string, key: string, split: PredictionSource['split'], fingerprint: string, backend: string): PredictionSource {
  return { checkpoint: path.join(outDir, 'checkpoints', `${key}.ckpt`), split, fingerprint, batchSize: config.train.evalBatchSize, backend };
}

/** The run's test pass of one model: probabilities, logits and the activation probes with neuron firing counts. */
export function predictTest(vit: ViT, test: Dataset, config: RunConfig, progress?: ProgressSink): Predictions {
  return predict(vit, test, { batchSize: config.train.evalBatchSize, neuronFiring: true, progress });
}

export async function runExperiment(opts: RunOptions): Promise<RunOutput> {
  const folder = openRunFolder(opts.outDir, opts.config, opts.resume ?? false);
  try {
    return await runInFolder(opts, folder);
  } finally {
    folder.release();
  }
}

async function runInFolder(opts: RunOptions, folder: RunFolder): Promise<RunOutput> {
  const { config, outDir } = opts;
  const stages: { suites?: Record<string, SuiteRecord> } = {};
  const log = progressLog(opts.progress !== false);
  const sink = progressSinks(opts.progress !== false);
  // Single-threaded backends and libtorch: the models train side by side in child processes (parallel-training.ts).
  // They start before this process loads its own backend when the backend can be told without loading it, and
  // are stopped again if the checks below fail or the backend turns out another.
  const delegate = !opts.requireTrained && opts.stopAfterSteps === undefined;
  const keys = config.models.map((v) => v.name);
  const parallelTraining = (backend: TrainingBackend, abort?: AbortSignal) =>
    trainInParallel({ config, outDir, backend, keys, log, predictTest: opts.evaluate !== false, abort });
  const early = delegate ? earlyTrainingBackend(config.backend) : undefined;
  const stopEarly = new AbortController();
  const earlyTraining = early !== undefined ? parallelTraining(early, stopEarly.signal) : undefined;
  earlyTraining?.catch(() => undefined); // handled: a child's failure is rethrown where it is awaited below
  const cancelEarly = async () => {
    stopEarly.abort();
    await earlyTraining?.catch(() => undefined); // its children's own errors do not matter once it is cancelled
  };
  let prepared;
  try {
    prepared = await prepareRun(config, log);
  } catch (e) {
    await cancelEarly();
    folder.discardIfUnstarted(); // nothing trained yet: leave no folder behind a bad dataset path or backend
    throw e;
  }
  folder.started();
  const { registry, suiteNames, backend, data } = prepared;
  const fingerprints = splitFingerprints(data);

  const models: Record<string, ModelResult> = {};
  const timing: Record<string, ModelTiming> = {};
  const trained: TrainedModel[] = [];
  const testPredictions = new Map<string, Predictions>();
  const knownPasses = new Map<string, KnownPass[]>(); // the validation passes the training children made
  const trainOne = (key: string, variant: ModelVariant, extra: ExtraTrainingOptions = {}) =>
    trainModel({ config, data, fingerprints, outDir, key, variant, extra, progress: sink(key), log, stopAfterSteps: opts.stopAfterSteps, requireComplete: opts.requireTrained });
  // the loop below then finds the children's checkpoints complete and evaluates them as if it had trained them itself
  if (delegate) {
    let done;
    if (earlyTraining !== undefined && backend.name === early!.name) {
      done = await earlyTraining;
    } else {
      await cancelEarly(); // guessed another backend: its children stop at a checkpoint that this backend goes on from
      done = await parallelTraining(backend);
    }
    if (done.interrupted) return { scorecard: undefined as never, scorecardPath: path.join(outDir, 'scorecard.json'), interrupted: true };
  }
  let interrupted = false;
  try {
    for (const variant of config.models) {
      const { tm, interrupted: cut } = await trainOne(variant.name, variant);
      trained.push(tm);
      if (cut) {
        interrupted = true;
        break;
      }
      if (opts.evaluate === false) continue;
      const vit = tm.model;
      const state = tm.state;
      // with the firing probes on: the sparsity suite reuses this pass for its test-split numbers. A child that trained
      // the model side by side made this very pass already when its file matches (eval/saved-predictions.ts).
      const source = predictionSource(config, outDir, variant.name, 'test', fingerprints.test, backend.name);
      const p = loadSavedPredictions(source) ?? predictTest(vit, data.test, config, sink(`${variant.name} test`));
      const val = loadSavedPredictions(predictionSource(config, outDir, variant.name, 'validation', fingerprints.validation, backend.name));
      if (val) knownPasses.set(variant.name, [{ data: data.validation, batchSize: config.train.evalBatchSize, logits: val.logits }]);
      testPredictions.set(variant.name, p);
      // every test metric from the logits (float64 softmax), the same numbers the calibration suite reports
      const logits = { data: p.logits, numClasses: p.numClasses };
      const last = state.history[state.history.length - 1];
      models[variant.name] = {
        name: variant.name,
        k: variant.k,
        parameterCount: vit.parameterCount(),
        forwardFlopsPerImage: forwardFlops(vit.config),
        test: {
          accuracy: accuracy(logits, data.test.labels, { logits: true }),
          nll: negativeLogLikelihood(logits, data.test.labels, { logits: true }),
          ece: expectedCalibrationError(logits, data.test.labels, { bins: config.eval.eceBins, rule: config.eval.eceRule, logits: true }).ece,
          meanNonzeroFraction: p.nonzeroFraction.reduce((a, b) => a + b, 0) / p.nonzeroFraction.length,
          nonzeroFractionPerLayer: p.nonzeroFraction,
        },
        training: {
          epochs: state.epoch,
          steps: state.globalStep,
          imagesSeen: state.imagesTrained,
          finalTrainLoss: last.trainLoss,
          finalValidationAccuracy: last.validationAccuracy,
          history: state.history,
        },
      };
      timing[variant.name] = {
        trainSeconds: state.trainSeconds,
        trainImagesPerSecond: state.imagesTrained / state.trainSeconds,
        inferImagesPerSecond: p.imagesPerSecond,
      };
      log(`[${variant.name}] test accuracy ${(100 * models[variant.name].test.accuracy).toFixed(2)}%`);
      folder.saveElapsed();
    }

    const suites: Record<string, SuiteRecord> = {};
    if (!interrupted && opts.evaluate !== false) {
      const ctx = suiteContext({ config, data, outDir, trained, log, progress: sink, trainOne, testPredictions, knownPasses });
      const runItems = opts.stopAfterSteps === undefined && !opts.requireTrained ? suiteItemRunner({ outDir, backend, log }) : undefined;
      const done = await runSuites({ ctx, registry, names: suiteNames, outDir, log, configHash: configHash(config), runItems });
      Object.assign(suites, done.records);
      interrupted = done.interrupted;
    }
    stages.suites = suites;
  } finally {
    for (const t of trained) t.model.dispose();
  }

  folder.saveElapsed();
  const scorecard = await assembleScorecard({ config, outDir, data, fingerprints, models, timing, suites: stages.suites ?? {}, backend, elapsedSeconds: folder.elapsedSeconds() });
  const scorecardPath = path.join(outDir, 'scorecard.json');
  if (!interrupted && opts.evaluate !== false) {
    writeScorecard(outDir, scorecard);
    log(`scorecard: ${scorecardPath}  report: ${path.join(outDir, 'report.html')}`);
  }
  return { scorecard, scorecardPath, interrupted };
}

/** What suiteContext builds a suite context from: the same in a run and in a `suite-item` child. */
interface SuiteContextParts {
  config: RunConfig;
  data: DataSplits;
  outDir: string;
  trained: readonly TrainedModel[];
  log(line: string): void;
  progress(label: string): ProgressSink;
  trainOne(key: string, variant: ModelVariant, extra?: ExtraTrainingOptions): Promise<{ tm: TrainedModel; interrupted: boolean }>;
}

function suiteContext(p: SuiteContextParts & { testPredictions: Map<string, Predictions>; knownPasses: Map<string, KnownPass[]> }): Omit<SuiteContext, 'options'>;
function suiteContext(p: SuiteContextParts): Omit<SuiteWorkContext, 'options'>;
function suiteContext(p: SuiteContextParts & { testPredictions?: Map<string, Predictions>; knownPasses?: Map<string, KnownPass[]> }): Omit<SuiteWorkContext, 'options'> {
  const { config, data } = p;
  return {
    config,
    data,
    outDir: p.outDir,
    models: p.trained.map((tm): SuiteModel => ({ name: tm.variant.name, variant: tm.variant, classifier: vitClassifier(tm.model, p.knownPasses?.get(tm.variant.name)), vit: tm })),
    ...(p.testPredictions !== undefined ? { testPredictions: p.testPredictions } : {}),
    progress: p.progress,
    log: p.log,
    loadTestSet: (name) => loadExtraTestSet(config, data, name),
    trainExtra: async (key, variant, extra) => {
      const { tm, interrupted: cut } = await p.trainOne(key, variant, extra);
      if (cut) {
        tm.model.dispose();
        throw new RunInterrupted();
      }
      return tm;
    },
  };
}

export interface SuiteItemOptions {
  config: RunConfig;
  /** The run folder: its models trained (complete checkpoints). */
  outDir: string;
  suite: string;
  item: string;
  progress?: boolean;
}

/**
 * One work item of a suite (Suite.runWorkItem), in a child process of parallel-suite-items.ts: the suite context
 * rebuilt from the run folder as the run builds it (config, data splits, the trained models from their
 * checkpoints; no test predictions). Returns whether a signal stopped its training at a checkpoint.
 */
export async function runSuiteItem(o: SuiteItemOptions): Promise<{ interrupted: boolean }> {
  const { config, outDir } = o;
  const log = progressLog(o.progress !== false);
  const sink = progressSinks(o.progress !== false);
  const registry = await createSuiteRegistry({ plugins: config.suitePlugins ?? [] });
  if (!suitesToRun(config, registry).includes(o.suite)) throw new HarnessInputError(`suite '${o.suite}' is not one of the suites of ${outDir}`, '--suite');
  const suite = registry.get(o.suite);
  if (suite.runWorkItem === undefined) throw new HarnessInputError(`suite '${o.suite}' has no work items (runWorkItem)`, '--suite');
  await initBackend(config.backend, () => {});
  const data = await prepareData(config);
  const fingerprints = splitFingerprints(data);
  const trainOne = (key: string, variant: ModelVariant, extra: ExtraTrainingOptions = {}) =>
    trainModel({ config, data, fingerprints, outDir, key, variant, extra, progress: sink(key), log });
  const trained: TrainedModel[] = [];
  try {
    for (const variant of config.models) {
      const { tm } = await trainModel({ config, data, fingerprints, outDir, key: variant.name, variant, progress: silentProgress, log, requireComplete: true });
      trained.push(tm);
    }
    const ctx = suiteContext({ config, data, outDir, trained, log, progress: sink, trainOne });
    try {
      await guardPlugin(registry, o.suite, 'runWorkItem', () => suite.runWorkItem!({ ...ctx, options: config.suiteOptions?.[o.suite] }, o.item));
    } catch (e) {
      if (e instanceof RunInterrupted) return { interrupted: true };
      throw e;
    }
    return { interrupted: false };
  } finally {
    for (const t of trained) t.model.dispose();
  }
}

export interface TrainModelOptions {
  config: RunConfig;
  data: DataSplits;
  fingerprints: { train: string; validation: string; test: string };
  outDir: string;
  /** Checkpoint name (checkpoints/<key>.ckpt): the model's name, or a suite's key for its extra trainings. */
  key: string;
  variant: ModelVariant;
  extra?: ExtraTrainingOptions;
  progress: ProgressSink;
  log(line: string): void;
  stopAfterSteps?: number;
  requireComplete?: boolean;
}

/**
 * Train (or resume, or just load when its checkpoint is complete) one model of the run's architecture: the same
 * init, data order and checkpoint identity wherever it runs (this process, or a child of parallel-training.ts).
 */
export async function trainModel(o: TrainModelOptions): Promise<{ tm: TrainedModel; interrupted: boolean; finalValidation?: Predictions }> {
  const { config, data, extra = {} } = o;
  const vit = new ViT(modelConfigFor(config, data.train, o.variant.k), config.seed);
  try {
    const res = await train({
      model: vit,
      train: data.train,
      validation: extra.validationLabels ? { ...data.validation, labels: extra.validationLabels } : data.validation,
      config: config.train,
      seed: config.seed,
      trainLabels: extra.trainLabels,
      onEpoch: extra.onEpoch,
      checkpointPath: path.join(o.outDir, 'checkpoints', `${o.key}.ckpt`),
      resume: true, // a fresh run folder has no checkpoint; a resumed one continues
      identity: { config: vit.config, train: config.train, seed: config.seed, fingerprints: o.fingerprints, key: o.key },
      progress: o.progress,
      stopAfterSteps: o.stopAfterSteps,
      shouldStop: () => stopRequested() !== undefined,
      requireComplete: o.requireComplete,
    });
    if (res.interrupted) o.log(`[${o.key}] stopped after ${res.state.globalStep} steps; rerun with --resume ${o.outDir} to continue`);
    return { tm: { variant: o.variant, model: vit, state: res.state }, interrupted: res.interrupted, finalValidation: res.finalValidation };
  } catch (e) {
    vit.dispose();
    throw e;
  }
}

/**
 * Everything a run checks before its first model trains: plugin modules (a broken plugin fails in seconds), the
 * suites' names and early checks, the backend, the data, the corruption plugins' preflight.
 */
async function prepareRun(config: RunConfig, log: (l: string) => void) {
  const registry = await createSuiteRegistry({ plugins: config.suitePlugins ?? [] });
  const suiteNames = suitesToRun(config, registry);
  const backend = await initBackend(config.backend, log);
  const parts = [
    backend.simd ? 'SIMD' : null,
    backend.fusedKernels === undefined ? null : backend.fusedKernels ? 'fused kernels' : 'composed ops',
    backend.libtorch ? `${backend.libtorch.gemm === 'onednn' ? 'oneDNN' : 'OpenBLAS'} products` : null,
  ];
  const detail = parts.filter((p) => p !== null).join(', ');
  log(`backend: ${backend.name}${detail ? ` (${detail})` : ''}, tfjs ${backend.tfjsVersion}`);
  const data = await prepareData(config, log);
  log(`data: ${config.data.dataset} ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test`);
  await checkSuites(registry, suiteNames, config, data);
  await preflightRunCorruptions(config, data);
  return { registry, suiteNames, backend, data };
}

