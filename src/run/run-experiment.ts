/**
 * The main job: load data, train every configured model (vanilla first, then Top-k), evaluate each on the clean
 * test split, and write reports/<run-id>/scorecard.json and scorecard.md. Each model's training checkpoints and
 * finished result live in the run folder, so an interrupted run resumes where it stopped (--resume).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import { configDifference } from '../config/compare.js';
import { Dataset, DataSplits } from '../data/dataset.js';
import { datasetFingerprint, loadDataset } from '../data/load.js';
import { limit, splitTrainValidation } from '../data/split.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { createCorruptionRegistry } from '../corruptions/registry.js';
import { severityTableFor } from '../corruptions/define.js';
import { preflightCorruptions, probeImage } from '../corruptions/preflight.js';
import { deriveSeed } from '../rng.js';
import { predict } from '../eval/predict.js';
import { accuracy } from '../metrics/accuracy.js';
import { expectedCalibrationError } from '../metrics/ece.js';
import { negativeLogLikelihood } from '../metrics/nll.js';
import { forwardFlops, ViTConfig, VIT_DEFAULTS } from '../models/config.js';
import { ViT } from '../models/vit.js';
import { computeDeltas, ModelResult, ModelTiming, Scorecard, SCORECARD_SCHEMA_VERSION } from '../scorecard/scorecard.js';
import { assertValidScorecard } from '../scorecard/schema.js';
import { writeRunReports } from '../report/run-reports.js';
import { train } from '../train/trainer.js';
import { stableStringify, writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { ProgressSink, StderrProgress } from '../util/progress.js';
import { createSuiteRegistry, type SuiteRegistry } from '../suite/registry.js';
import { vitClassifier } from '../suite/vit-classifier.js';
import type { ExtraDatasetName, ExtraTrainingOptions, Suite, SuiteContext, SuiteHeadline, SuiteModel, SuiteOutput, TrainedModel } from '../suite/types.js';
import { firstLine, PluginError } from '../plugins/plugin-error.js';
import type { ModelVariant } from '../config/run-config.js';
import type { Predictions } from '../eval/predict.js';
import { gitCommit, harnessVersion, machine, sharpVersions } from './provenance.js';

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

/** Default run folder name: time, preset and seed, e.g. 20261128-193012-quick-s0. */
/** A suite's saved output (suites/<name>.json) plus its wall time, version, source and headline scalars. */
interface SuiteRecord extends SuiteOutput {
  seconds: number;
  /** Absent in records written before plugin suites. */
  version?: number;
  source?: string;
  headline?: SuiteHeadline[];
}

/** Thrown through a suite when stopAfterSteps interrupts its extra training. */
class RunInterrupted extends Error {}

export function defaultRunId(config: RunConfig, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${config.preset}-s${config.seed}`;
}

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

export async function runExperiment(opts: RunOptions): Promise<RunOutput> {
  const { config, outDir } = opts;
  const t0 = performance.now();
  const stages: { suites?: Record<string, SuiteRecord> } = {};
  const log = (l: string) => opts.progress !== false && process.stderr.write(l + '\n');
  const sink = (label: string): ProgressSink => (opts.progress === false ? { update() {}, line() {} } : new StderrProgress(label));
  prepareRunDir(outDir, config, opts.resume ?? false);
  // plugin modules first: a broken plugin fails in seconds, before the backend, the data and any training
  const registry = await createSuiteRegistry({ plugins: config.suitePlugins ?? [] });
  const suiteNames = suitesToRun(config, registry);

  const backend = await initBackend(config.backend, log);
  log(`backend: ${backend.name}${backend.simd ? ' (SIMD)' : ''}, tfjs ${backend.tfjsVersion}`);
  const data = await prepareData(config, log);
  log(`data: ${config.data.dataset} ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test`);
  for (const name of suiteNames) { // fail before any training
    const suite = registry.get(name);
    await guardPlugin(registry, name, 'check', () => suite.check?.(config, data, config.suiteOptions?.[name]));
  }
  await preflightRunCorruptions(config, data);
  const fingerprints = { train: datasetFingerprint(data.train), validation: datasetFingerprint(data.validation), test: datasetFingerprint(data.test) };

  const models: Record<string, ModelResult> = {};
  const timing: Record<string, ModelTiming> = {};
  const trained: TrainedModel[] = [];
  const testPredictions = new Map<string, Predictions>();
  const trainOne = (key: string, variant: ModelVariant, extra: ExtraTrainingOptions = {}): { tm: TrainedModel; interrupted: boolean } => {
    const vit = new ViT(modelConfigFor(config, data.train, variant.k), config.seed);
    try {
      const res = train({
        model: vit,
        train: data.train,
        validation: extra.validationLabels ? { ...data.validation, labels: extra.validationLabels } : data.validation,
        config: config.train,
        seed: config.seed,
        trainLabels: extra.trainLabels,
        onEpoch: extra.onEpoch,
        checkpointPath: path.join(outDir, 'checkpoints', `${key}.ckpt`),
        resume: true, // a fresh run folder has no checkpoint; a resumed one continues
        identity: { config: vit.config, train: config.train, seed: config.seed, fingerprints, key },
        progress: sink(key),
        stopAfterSteps: opts.stopAfterSteps,
        requireComplete: opts.requireTrained,
      });
      if (res.interrupted) log(`[${key}] stopped after ${res.state.globalStep} steps; rerun with --resume ${outDir} to continue`);
      return { tm: { variant, model: vit, state: res.state }, interrupted: res.interrupted };
    } catch (e) {
      vit.dispose();
      throw e;
    }
  };
  let interrupted = false;
  try {
    for (const variant of config.models) {
      const { tm, interrupted: cut } = trainOne(variant.name, variant);
      trained.push(tm);
      if (cut) {
        interrupted = true;
        break;
      }
      if (opts.evaluate === false) continue;
      const vit = tm.model;
      const state = tm.state;
      const p = predict(vit, data.test, { batchSize: config.train.evalBatchSize, progress: sink(`${variant.name} test`) });
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
    }

    const suites: Record<string, SuiteRecord> = {};
    if (!interrupted && opts.evaluate !== false) {
      const ctx: Omit<SuiteContext, 'options'> = {
        config,
        data,
        outDir,
        models: trained.map((tm): SuiteModel => ({ name: tm.variant.name, variant: tm.variant, classifier: vitClassifier(tm.model), vit: tm })),
        testPredictions,
        progress: sink,
        log,
        loadTestSet: (name) => loadExtraTestSet(config, data, name),
        trainExtra: (key, variant, extra) => {
          const { tm, interrupted: cut } = trainOne(key, variant, extra);
          if (cut) {
            tm.model.dispose();
            throw new RunInterrupted();
          }
          return tm;
        },
      };
      for (const name of suiteNames) {
        const saved = path.join(outDir, 'suites', `${name}.json`);
        if (fs.existsSync(saved)) {
          suites[name] = JSON.parse(fs.readFileSync(saved, 'utf8')) as SuiteRecord;
          log(`[suite ${name}] already done in this run folder; reusing ${saved}`);
          continue;
        }
        const suite = registry.get(name);
        log(`[suite ${name}] ${suite.description}`);
        const t1 = performance.now();
        try {
          const out = await guardPlugin(registry, name, 'run', () => suite.run({ ...ctx, options: config.suiteOptions?.[name] }));
          checkSuiteOutput(registry, name, out);
          suites[name] = {
            ...out,
            seconds: (performance.now() - t1) / 1000,
            version: suite.version,
            source: registry.sourceOf(name),
            headline: await guardPlugin(registry, name, 'headline', () => storedHeadline(suite, out.result)),
          };
        } catch (e) {
          if (e instanceof RunInterrupted) {
            interrupted = true;
            break;
          }
          throw e;
        }
        writeJsonAtomic(saved, suites[name]);
      }
    }
    stages.suites = suites;
  } finally {
    for (const t of trained) t.model.dispose();
  }

  const base = {
    schemaVersion: SCORECARD_SCHEMA_VERSION,
    runId: path.basename(path.resolve(outDir)),
    config,
    seed: config.seed,
    data: {
      dataset: config.data.dataset,
      height: data.train.height,
      width: data.train.width,
      channels: data.train.channels,
      classes: data.train.classNames.length,
      trainCount: data.train.count,
      validationCount: data.validation.count,
      testCount: data.test.count,
      fingerprints,
    },
    calibration: {
      bins: config.eval.eceBins,
      rule: config.eval.eceRule,
      convention: `top-label, ${config.eval.eceBins} equal-width bins, ${config.eval.eceRule === 'right' ? '(lo, hi] as Guo et al.\'s reference code' : '[lo, hi) with the last bin closed, as numpy/TF'}`,
    },
    baseline: config.models[0].name,
    models,
    suites: Object.fromEntries(Object.entries(stages.suites ?? {}).map(([k, v]) => [k, v.result])),
    ...suiteMetaOf(stages.suites ?? {}),
    backend,
    timing: {
      models: timing,
      suites: Object.fromEntries(Object.entries(stages.suites ?? {}).map(([k, v]) => [k, v.seconds])),
      totalSeconds: (performance.now() - t0) / 1000,
    },
    provenance: { harnessVersion: harnessVersion(), gitCommit: gitCommit(), ...machine(), ...(await sharpVersions()), createdAt: new Date().toISOString() },
  };
  const scorecard: Scorecard = { ...base, deltas: computeDeltas(base) };
  const scorecardPath = path.join(outDir, 'scorecard.json');
  if (!interrupted && opts.evaluate !== false) {
    assertValidScorecard(scorecard); // a scorecard that breaks its own schema is a harness bug: never write it
    writeJsonAtomic(scorecardPath, scorecard);
    writeRunReports(outDir); // scorecard.md and report.html, rebuilt from the JSON just written
    log(`scorecard: ${scorecardPath}`);
  }
  return { scorecard, scorecardPath, interrupted };
}

/** Create the run folder and its config.json; on resume, insist that the config has not changed. */
export function prepareRunDir(outDir: string, config: RunConfig, resume: boolean): void {
  const cfgPath = path.join(outDir, 'config.json');
  const text = stableStringify(config);
  if (fs.existsSync(cfgPath)) {
    if (!resume) {
      throw new HarnessInputError(`run folder ${outDir} already holds a run; use --resume ${outDir} to continue it or choose another --out`, 'out');
    }
    const diff = configDifference(fs.readFileSync(cfgPath, 'utf8'), cfgPath, config, "this run's configuration");
    if (diff) throw new HarnessInputError(`cannot resume ${outDir}: ${diff}`, 'resume');
    return;
  }
  if (resume && fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new HarnessInputError(`cannot resume ${outDir}: it has no config.json`, 'resume');
  }
  writeFileAtomic(cfgPath, text);
}

/**
 * The suites of a run in order: config.suites, then each plugin suite of config.suitePlugins not listed there.
 * Every name must be a registered suite (did-you-mean otherwise).
 */
export function suitesToRun(config: RunConfig, registry: SuiteRegistry): string[] {
  config.suites.forEach((name, i) => {
    if (!registry.has(name)) {
      try {
        registry.get(name);
      } catch (e) {
        const hint = (config.suitePlugins ?? []).length === 0 ? " (a plugin suite needs its module: --suite-module FILE or suites.plugins in the config)" : '';
        throw new HarnessInputError(`suites.${i}: ${(e as Error).message}${hint}`, `suites.${i}`);
      }
    }
  });
  const extra = registry.plugins().map((p) => p.suite.name).filter((n) => !config.suites.includes(n));
  return [...config.suites, ...extra];
}

/** Run one phase of a suite; a plugin suite's own error becomes one line naming the plugin (built-ins keep theirs). */
async function guardPlugin<T>(registry: SuiteRegistry, name: string, phase: 'check' | 'run' | 'headline', f: () => T | Promise<T>): Promise<T> {
  const source = registry.sourceOf(name);
  try {
    return await f();
  } catch (e) {
    if (source === 'built-in' || e instanceof RunInterrupted || e instanceof HarnessInputError) throw e;
    if (process.env.TOPK_HARNESS_DEBUG) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    throw new PluginError(`suite plugin '${name}' (${source}): ${phase} failed: ${firstLine(e)}`, source, e);
  }
}

/** What a suite's run returned must be storable: JSON result, Markdown text, a list of files under the run folder. */
function checkSuiteOutput(registry: SuiteRegistry, name: string, out: SuiteOutput): void {
  const who = `suite ${registry.sourceOf(name) === 'built-in' ? `'${name}'` : `plugin '${name}' (${registry.sourceOf(name)})`}`;
  const bad = (what: string) => new PluginError(`${who}: run must return { result, markdown, files }: ${what}`, registry.sourceOf(name));
  if (typeof out !== 'object' || out === null) throw bad(`got ${out === null ? 'null' : typeof out}`);
  if (out.result === undefined) throw bad("'result' is missing");
  try {
    JSON.stringify(out.result);
  } catch (e) {
    throw bad(`'result' is not JSON-serialisable (${firstLine(e)})`);
  }
  if (typeof out.markdown !== 'string') throw bad(`'markdown' must be a string, got ${typeof out.markdown}`);
  if (!Array.isArray(out.files) || out.files.some((f) => typeof f !== 'string')) throw bad("'files' must be an array of paths relative to the run folder");
  for (const f of out.files) {
    if (path.isAbsolute(f) || f.split(/[\\/]/).includes('..')) throw bad(`file '${f}' must be relative to the run folder, without '..'`);
  }
}

/** A suite's headline scalars for the scorecard, non-finite values stored as null (JSON has no NaN). */
function storedHeadline(suite: Suite, result: unknown): SuiteHeadline[] {
  return (suite.headline?.(result) ?? []).map((h) => ({
    key: h.key,
    label: h.label,
    kind: h.kind,
    values: Object.fromEntries(Object.entries(h.values).map(([m, v]) => [m, typeof v === 'number' && Number.isFinite(v) ? v : null])),
  }));
}

/** scorecard.suiteMeta from the suite records that have it (records saved before plugin suites lack it). */
function suiteMetaOf(records: Record<string, SuiteRecord>): { suiteMeta?: Scorecard['suiteMeta'] } {
  const entries = Object.entries(records).filter(([, r]) => r.version !== undefined && r.source !== undefined && r.headline !== undefined);
  if (entries.length === 0) return {};
  return { suiteMeta: Object.fromEntries(entries.map(([k, r]) => [k, { version: r.version!, source: r.source!, headline: r.headline! }])) };
}

/** SuiteContext.loadTestSet: the test split of another dataset, shaped like the run's images. */
async function loadExtraTestSet(config: RunConfig, data: DataSplits, name: ExtraDatasetName): Promise<Dataset> {
  const allowed: ExtraDatasetName[] = ['mnist', 'fashion-mnist', 'synthetic'];
  if (!allowed.includes(name)) throw new HarnessInputError(unknownChoiceMessage('dataset', String(name), allowed), 'dataset');
  const { height, width, channels } = data.test;
  const { test } = await loadDataset(
    { name, imageSize: name === 'synthetic' && height === width ? height : undefined, channels: channels as 1 | 3 },
    { seed: config.seed, synthetic: { trainCount: 1, testCount: config.data.syntheticTestCount } },
  );
  if (test.height !== height || test.width !== width || test.channels !== channels) {
    throw new HarnessInputError(
      `dataset ${name} has ${test.height}x${test.width}x${test.channels} images, the run's are ${height}x${width}x${channels}; it cannot be compared with this run's models`,
      'dataset',
    );
  }
  return test;
}

/**
 * Every corruption plugin of a run that evaluates corruptions, applied to a probe image of the run's size at each
 * severity before the first model trains: a broken plugin is refused in seconds with one line (preflight.ts).
 */
async function preflightRunCorruptions(config: RunConfig, data: DataSplits): Promise<void> {
  if (!config.suites.includes('corruption') || config.corruption.plugins.length === 0) return;
  const registry = await createCorruptionRegistry({ plugins: config.corruption.plugins });
  const { height, width } = data.test;
  const table = config.corruption.table === 'auto' ? severityTableFor(height, width) : config.corruption.table;
  const probe = probeImage({ height, width, channels: data.test.channels as 1 | 3 }, deriveSeed(config.seed, 'preflight'));
  await preflightCorruptions(registry.list().filter((e) => e.source !== 'built-in'), { seed: config.seed, table, probe });
}
