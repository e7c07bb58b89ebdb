/**
 * `evaluate`: models trained elsewhere (ONNX files, or any JavaScript `(images) => logits` function) through the same
 * suites, scorecard, report and gate as `run`, side by side. Nothing is trained: each model is a Classifier; suites
 * that need what only the harness's ViTs have (activation probes: sparsity; training: label-noise) are refused
 * before any work, naming what they need.
 */
import * as path from 'node:path';
import { initBackend } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import type { Dataset } from '../data/dataset.js';
import { splitFingerprints } from '../data/load.js';
import type { Predictions } from '../eval/predict.js';
import { HarnessInputError } from '../errors.js';
import { accuracy } from '../metrics/accuracy.js';
import { expectedCalibrationError } from '../metrics/ece.js';
import { negativeLogLikelihood } from '../metrics/nll.js';
import { softmaxRows } from '../metrics/softmax.js';
import type { ModelFile, ModelResult, ModelTiming } from '../scorecard/scorecard.js';
import { predictDataset } from '../suite/classifier.js';
import { createSuiteRegistry, type SuiteRegistry } from '../suite/registry.js';
import type { Classifier, SuiteContext, SuiteModel } from '../suite/types.js';
import { progressLog, progressSinks, type ProgressSink } from '../util/progress.js';
import { assembleScorecard, writeScorecard } from '../run/assemble.js';
import { prepareData, type RunOutput } from '../run/run-experiment.js';
import { openRunFolder, type RunFolder } from '../run/run-folder.js';
import { configHash } from '../scorecard/suite-cache.js';
import { checkSuites, loadExtraTestSet, preflightRunCorruptions, runSuites, suitesToRun } from '../run/run-suites.js';

/** The suites `evaluate` runs by default: those that need nothing but a classifier. */
export { EVALUATE_DEFAULT_SUITES } from './defaults.js';

/** A model to evaluate: its name in the scorecard, the classifier, and (for files) what the provenance records. */
export interface ExternalModel {
  name: string;
  classifier: Classifier;
  /** What the provenance records (read once the model has run: 'auto' outputs are known then). */
  file?: ModelFile | (() => ModelFile);
}

/** The shape of the evaluation data, for opening models that must match it. */
export interface DataShape {
  height: number;
  width: number;
  channels: number;
  classes: number;
}

export interface EvaluateOptions {
  /** The run config: data, eval, suites, corruption and suite options, seed; `models` must name the models in order. */
  config: RunConfig;
  /** The models, or a function that opens them once the data's shape is known (ONNX files are checked against it). */
  models: readonly ExternalModel[] | ((shape: DataShape) => Promise<readonly ExternalModel[]>);
  /** The run folder (created). */
  outDir: string;
  /** Continue an interrupted evaluation in outDir (finished suites are reused). */
  resume?: boolean;
  /** Progress on stderr (default true). */
  progress?: boolean;
}

export async function evaluateModels(opts: EvaluateOptions): Promise<RunOutput> {
  const { config, outDir } = opts;
  const log = progressLog(opts.progress !== false);
  const sink = progressSinks(opts.progress !== false);
  const registry = await createSuiteRegistry({ plugins: config.suitePlugins ?? [] });
  const suiteNames = suitesToRun(config, registry);
  for (const name of suiteNames) {
    const needs = registry.get(name).needs;
    if (needs.length > 0) {
      const what = needs.map((n) => (n === 'activations' ? 'the activation probes of the harness\'s own ViTs' : 'to train models of the harness\'s own architecture')).join(' and ');
      throw new HarnessInputError(`suite '${name}' does not apply to models trained elsewhere: it needs ${what}; drop it from --suites (or train the models with \`topk-harness run\`)`, 'suites');
    }
  }
  const folder = openRunFolder(outDir, config, opts.resume ?? false);
  try {
    return await evaluateInFolder(opts, folder, registry, suiteNames, log, sink);
  } finally {
    folder.release();
  }
}

async function evaluateInFolder(
  opts: EvaluateOptions, folder: RunFolder, registry: SuiteRegistry, suiteNames: string[], log: (l: string) => void, sink: (label: string) => ProgressSink,
): Promise<RunOutput> {
  const { config, outDir } = opts;
  let prepared;
  try {
    prepared = await prepareEvaluation(opts, registry, suiteNames, log);
  } catch (e) {
    folder.discardIfUnstarted();
    throw e;
  }
  folder.started();
  const { backend, data, models } = prepared;
  const fingerprints = splitFingerprints(data);

  const results: Record<string, ModelResult> = {};
  const timing: Record<string, ModelTiming> = {};
  const testPredictions = new Map<string, Predictions>();
  for (const m of models) {
    if (m.classifier.numClasses !== data.test.classNames.length) {
      throw new HarnessInputError(`model '${m.name}' gives ${m.classifier.numClasses} classes, the data has ${data.test.classNames.length}`, 'model');
    }
    const p = await predictions(m, data.test, config.train.evalBatchSize, sink(`${m.name} test`));
    testPredictions.set(m.name, p);
    const logits = { data: p.logits, numClasses: p.numClasses };
    results[m.name] = {
      name: m.name,
      k: null,
      parameterCount: null,
      forwardFlopsPerImage: null,
      test: {
        accuracy: accuracy(logits, data.test.labels, { logits: true }),
        nll: negativeLogLikelihood(logits, data.test.labels, { logits: true }),
        ece: expectedCalibrationError(logits, data.test.labels, { bins: config.eval.eceBins, rule: config.eval.eceRule, logits: true }).ece,
        meanNonzeroFraction: null,
        nonzeroFractionPerLayer: [],
      },
    };
    timing[m.name] = { trainSeconds: null, trainImagesPerSecond: null, inferImagesPerSecond: p.imagesPerSecond };
    log(`[${m.name}] test accuracy ${(100 * results[m.name].test.accuracy).toFixed(2)}%`);
  }

  const ctx: Omit<SuiteContext, 'options'> = {
    config,
    data,
    outDir,
    models: models.map((m): SuiteModel => ({ name: m.name, variant: { name: m.name, k: null }, classifier: m.classifier })),
    testPredictions,
    progress: sink,
    log,
    loadTestSet: (name) => loadExtraTestSet(config, data, name),
  };
  const { records } = await runSuites({ ctx, registry, names: suiteNames, outDir, log, configHash: configHash(config) });
  const modelFiles = Object.fromEntries(models.map((m) => [m.name, (typeof m.file === 'function' ? m.file() : m.file) ?? { format: 'function' as const, outputs: 'logits' as const }]));
  const scorecard = await assembleScorecard({ config, outDir, data, fingerprints, models: results, timing, suites: records, backend, elapsedSeconds: folder.elapsedSeconds(), modelFiles });
  const scorecardPath = writeScorecard(outDir, scorecard);
  log(`scorecard: ${scorecardPath}  report: ${path.join(outDir, 'report.html')}`);
  return { scorecard, scorecardPath, interrupted: false };
}

/** Everything checked before the first model runs: backend, data, the models against the data, suites, plugins. */
async function prepareEvaluation(opts: EvaluateOptions, registry: SuiteRegistry, suiteNames: readonly string[], log: (l: string) => void) {
  const { config } = opts;
  const names = config.models.map((m) => m.name);
  // tfjs is not needed by ONNX models, but the scorecard records a backend and JavaScript classifiers may use tfjs
  const backend = await initBackend(config.backend, log);
  const data = await prepareData(config, log);
  log(`data: ${config.data.dataset} ${data.validation.count} validation / ${data.test.count} test; models: ${names.join(', ')}`);
  const shape = { height: data.test.height, width: data.test.width, channels: data.test.channels, classes: data.test.classNames.length };
  const models = typeof opts.models === 'function' ? await opts.models(shape) : opts.models;
  if (models.length === 0) throw new HarnessInputError('evaluate needs at least one model (--model NAME=FILE.onnx)', 'model');
  if (JSON.stringify(models.map((m) => m.name)) !== JSON.stringify(names)) {
    throw new HarnessInputError(`config.models (${names.join(', ')}) must name the evaluated models in order (${models.map((m) => m.name).join(', ')})`, 'models');
  }
  await checkSuites(registry, suiteNames, config, data);
  await preflightRunCorruptions(config, data);
  return { backend, data, models };
}

/** A model's test predictions in the form the suites share (no activation statistics for external models). */
async function predictions(m: ExternalModel, test: Dataset, batchSize: number, progress: ProgressSink): Promise<Predictions> {
  const out = await predictDataset(m.classifier, test, { batchSize, progress, model: m.name });
  return {
    logits: out.logits,
    probs: Float32Array.from(softmaxRows(out.logits, out.numClasses)),
    numClasses: out.numClasses,
    count: out.count,
    nonzeroFraction: [],
    seconds: out.seconds,
    imagesPerSecond: out.count / Math.max(out.seconds, 1e-9),
  };
}
