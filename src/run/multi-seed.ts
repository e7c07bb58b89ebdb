/**
 * Multi-seed runs: one complete run per seed in <out>/seed-<s>/ (each resumable on its own), then one scorecard in
 * <out> whose `statistics` section gives, per model and metric, the mean, std and 95% interval over seeds, and the
 * paired differences against the baseline model with a significance flag — for the headline metrics and for each
 * suite's headline scalars (Suite.headline). `models` in that scorecard holds the per-model means of the headline
 * metrics; its `seed`, `data.fingerprints`, `provenance` and each model's `training` block are the first seed's, and
 * `suites` is empty: every seed's full scorecard, suite results and figures stay in its folder.
 *
 * Seeds are the cells of a multi-seed run: independent and deterministic. `runSeed` runs (or reuses) one,
 * `aggregateSeeds` builds the aggregate from the finished seed folders on disk. `runSeeds` is both in a row; a
 * sharded run (src/run/shard.ts) runs a slice of the seeds per machine and `merge` aggregates them the same way.
 * On wasm and cpu, with more than one core, the seeds run side by side in child processes (parallel-seeds.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { HarnessInputError } from '../errors.js';
import { configDifference } from '../config/compare.js';
import { readScorecard, asScorecard } from '../scorecard/read.js';
import { assertValidScorecard } from '../scorecard/schema.js';
import { writeRunReports } from '../report/run-reports.js';
import { HEADLINE_METRICS, metricValue, ModelResult, Scorecard } from '../scorecard/scorecard.js';
import { pairedDifference, PairedDifference, summarize, Summary } from '../scorecard/statistics.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { gitCommit, harnessVersion } from './provenance.js';
import { headlineOf } from '../suite/loaded.js';
import type { SuiteHeadline } from '../suite/types.js';
import { prepareRunDir, runExperiment, RunOptions, RunOutput } from './run-experiment.js';
import { runSeedsInParallel } from './parallel-seeds.js';
import { progressLog } from '../util/progress.js';
import { initBackend } from '../backend.js';
import { readSeedScorecards, seedDir } from '../scorecard/seed-scorecards.js';

/** Metrics summarised over seeds: the headline metrics that are deterministic for a seed. */
export const SEED_METRICS = HEADLINE_METRICS.filter((m) => !m.key.startsWith('timing.') && m.key !== 'parameterCount');

export interface SeedStatistics {
  seeds: number[];
  /** model → metric key → summary over seeds. */
  metrics: Record<string, Record<string, Summary>>;
  /** non-baseline model → metric key → paired difference (model − baseline) over seeds. */
  paired: Record<string, Record<string, PairedDifference>>;
  /** Label and kind of each suite metric key ('suites.<suite>.<key>') in metrics and paired. */
  labels: Record<string, { label: string; kind: 'fraction' | 'number' }>;
}

export function seedStatistics(cards: Scorecard[], seeds: number[]): SeedStatistics {
  const first = cards[0];
  const names = first.config.models.map((m) => m.name);
  const values = (model: string, key: string) => cards.map((c) => metricValue(c, model, key) ?? NaN);
  const metrics: SeedStatistics['metrics'] = {};
  const paired: SeedStatistics['paired'] = {};
  for (const name of names) {
    metrics[name] = {};
    for (const m of SEED_METRICS) metrics[name][m.key] = summarize(values(name, m.key));
    if (name === first.baseline) continue;
    paired[name] = {};
    for (const m of SEED_METRICS) paired[name][m.key] = pairedDifference(values(name, m.key), values(first.baseline, m.key));
  }
  // the suites' headline scalars (calibration after temperature scaling, label-noise accuracy per rate, the
  // corruption noise average, ...), under keys 'suites.<suite>.<key>', with their labels for the report
  const labels: SeedStatistics['labels'] = {};
  const suiteNames = [...first.config.suites, ...Object.keys(first.suites).filter((n) => !first.config.suites.includes(n))];
  for (const suiteName of suiteNames) {
    const perSeed: SuiteHeadline[][] = cards.map((c) => headlineOf(c, suiteName) ?? []);
    if (perSeed.every((hs) => hs.length === 0)) continue;
    for (const h of perSeed[0]) {
      const key = `suites.${suiteName}.${h.key}`;
      const series = (model: string) => perSeed.map((hs) => hs.find((x) => x.key === h.key)?.values[model] ?? NaN);
      if (names.some((n) => series(n).some((v) => !Number.isFinite(v)))) continue; // not measured on every seed
      labels[key] = { label: `${suiteName}: ${h.label}`, kind: h.kind };
      for (const name of names) {
        metrics[name][key] = summarize(series(name));
        if (name !== first.baseline) paired[name][key] = pairedDifference(series(name), series(first.baseline));
      }
    }
  }
  return { seeds, metrics, paired, labels };
}

export interface SeedRunOptions extends RunOptions {
  /** Where warnings go (a reused seed from another code version); default: stderr, even when quiet. */
  warn?: (message: string) => void;
}

const defaultWarn = (message: string) => process.stderr.write(`warning: ${message}\n`);

/** The single-seed configuration that seed `seed` of a multi-seed run trains with (its config.json). */
export function seedConfig(config: RunConfig, seed: number): RunConfig {
  return { ...config, seed, seeds: null };
}

/**
 * The finished scorecard of seed `seed` in `dir`, or null when it has not finished. A finished seed is reused only
 * when its config.json equals the seed's configuration; otherwise this throws (the folder holds another run's
 * result: --fresh discards it). A scorecard from another harness version or git commit is reused with a warning:
 * code changes are expected during development, and the provenance of every seed stays in its scorecard.
 */
export function finishedSeed(dir: string, config: RunConfig, seed: number, warn: (m: string) => void = defaultWarn): Scorecard | null {
  const done = path.join(dir, 'scorecard.json');
  if (!fs.existsSync(done)) return null;
  const cfgPath = path.join(dir, 'config.json');
  if (!fs.existsSync(cfgPath)) {
    throw new HarnessInputError(`${dir} has a scorecard.json but no config.json, so it cannot be checked against this run's configuration; rerun with --fresh to recompute it`, cfgPath);
  }
  const why = configDifference(fs.readFileSync(cfgPath, 'utf8'), cfgPath, seedConfig(config, seed), `seed ${seed} of this run`);
  if (why) {
    throw new HarnessInputError(`${dir} holds a finished seed of another configuration (${why}); rerun with --fresh to recompute it, or choose another --out`, cfgPath);
  }
  const card = asScorecard(readScorecard(done)); // validated; a torn or foreign file is an error, never read as a result
  if (card.seed !== seed) throw new HarnessInputError(`${done} is the scorecard of seed ${card.seed}, not of seed ${seed}`, done);
  const now = { harnessVersion: harnessVersion(), gitCommit: gitCommit() };
  const then = card.provenance;
  if (then.harnessVersion !== now.harnessVersion || then.gitCommit !== now.gitCommit) {
    warn(`reusing seed ${seed} from ${dir}, computed by topk-harness ${then.harnessVersion} (${then.gitCommit ?? 'no git commit'}); this is ${now.harnessVersion} (${now.gitCommit ?? 'no git commit'}). Use --fresh to recompute.`);
  }
  return card;
}

/**
 * Run one seed of a multi-seed run into <outDir>/seed-<s>/ (resuming its checkpoints), or reuse it when it has
 * finished with the same configuration. `label` names it in the progress line, e.g. "2 of 8".
 */
export async function runSeed(opts: SeedRunOptions, seed: number, label: string): Promise<{ scorecard: Scorecard; reused: boolean; interrupted: boolean }> {
  const dir = seedDir(opts.outDir, seed);
  const reused = finishedSeed(dir, opts.config, seed, opts.warn);
  if (reused) return { scorecard: reused, reused: true, interrupted: false };
  if (opts.progress !== false) process.stderr.write(`=== seed ${seed} (${label}) ===\n`);
  const out = await runExperiment({ ...opts, config: seedConfig(opts.config, seed), outDir: dir, resume: fs.existsSync(path.join(dir, 'config.json')) });
  return { scorecard: out.scorecard, reused: false, interrupted: out.interrupted };
}

export async function runSeeds(opts: SeedRunOptions): Promise<RunOutput> {
  const { config, outDir } = opts;
  const seeds = config.seeds!;
  prepareRunDir(outDir, config, opts.resume ?? false);
  const ran = await runSeedList(opts, seeds, (i) => `${i + 1} of ${seeds.length}`);
  if (ran.interrupted) return { scorecard: undefined as never, scorecardPath: path.join(outDir, 'scorecard.json'), interrupted: true };
  const out = aggregateSeeds(outDir, config);
  if (opts.progress !== false) process.stderr.write(`scorecard: ${out.scorecardPath}  report: ${path.join(outDir, 'report.html')}\n`);
  return out;
}

/**
 * Run (or reuse) `seeds` into <outDir>/seed-<s>/: the unfinished ones side by side in child processes on a
 * single-threaded backend (parallel-seeds.ts), else one after the other here. `label(i)` names seed i of the list
 * in progress lines. Returns the seeds reused from an earlier run, and whether a signal cut the run short.
 */
export async function runSeedList(opts: SeedRunOptions, seeds: readonly number[], label: (i: number) => string): Promise<{ reused: number[]; interrupted: boolean }> {
  const reused = seeds.filter((s) => finishedSeed(seedDir(opts.outDir, s), opts.config, s, opts.warn) !== null);
  const pending = seeds.filter((s) => !reused.includes(s));
  const log = progressLog(opts.progress !== false);
  if (pending.length >= 2 && opts.stopAfterSteps === undefined && opts.evaluate !== false && !opts.requireTrained) {
    const backend = await initBackend(opts.config.backend, log);
    const labels = pending.map((s) => label(seeds.indexOf(s)));
    const par = await runSeedsInParallel({ config: opts.config, outDir: opts.outDir, backend, seeds: pending, labels, log, quiet: opts.progress === false });
    if (par.parallel) return { reused, interrupted: par.interrupted };
  }
  for (const seed of pending) {
    const out = await runSeed(opts, seed, label(seeds.indexOf(seed)));
    if (out.interrupted) return { reused, interrupted: true };
  }
  return { reused, interrupted: false };
}

/**
 * Build the aggregate of a multi-seed run from its finished seed folders <outDir>/seed-<s>/ (every seed of
 * `config.seeds`, read back validated, in list order): scorecard.json with the statistics over seeds, scorecard.md
 * and report.html in outDir. Used by `runSeeds` and by `merge`, so that both write the same scorecard.
 */
export function aggregateSeeds(outDir: string, config: RunConfig): RunOutput {
  const seeds = config.seeds;
  if (!seeds || seeds.length === 0) throw new HarnessInputError(`${outDir}: aggregating seeds needs a multi-seed configuration (config.seeds)`, 'seeds');
  const cards = readSeedScorecards(outDir, seeds);
  const statistics = seedStatistics(cards, seeds);
  const means: Record<string, ModelResult> = {};
  for (const [name, model] of Object.entries(cards[0].models)) {
    const m = statistics.metrics[name];
    means[name] = {
      ...model,
      test: {
        ...model.test,
        accuracy: m['test.accuracy'].mean,
        nll: m['test.nll'].mean,
        ece: m['test.ece'].mean,
        meanNonzeroFraction: m['test.meanNonzeroFraction'].mean,
        nonzeroFractionPerLayer: model.test.nonzeroFractionPerLayer.map((_, i) => cards.reduce((a, c) => a + c.models[name].test.nonzeroFractionPerLayer[i], 0) / cards.length),
      },
    };
  }
  const deltas: Scorecard['deltas'] = {};
  for (const [name, d] of Object.entries(statistics.paired)) deltas[name] = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.mean]));
  const card: Scorecard = {
    ...cards[0],
    runId: path.basename(path.resolve(outDir)),
    config,
    models: means,
    deltas,
    suites: {},
    statistics,
    timing: {
      models: Object.fromEntries(Object.keys(cards[0].timing.models).map((n) => [n, {
        trainSeconds: cards.reduce((a, c) => a + (c.timing.models[n].trainSeconds ?? 0), 0),
        trainImagesPerSecond: cards.reduce((a, c) => a + (c.timing.models[n].trainImagesPerSecond ?? 0), 0) / cards.length,
        inferImagesPerSecond: cards.reduce((a, c) => a + c.timing.models[n].inferImagesPerSecond, 0) / cards.length,
      }])),
      suites: {},
      totalSeconds: cards.reduce((a, c) => a + c.timing.totalSeconds, 0),
    },
  };
  const scorecardPath = path.join(outDir, 'scorecard.json');
  assertValidScorecard(card);
  writeJsonAtomic(scorecardPath, card);
  writeRunReports(outDir); // scorecard.md (with the statistics section) and report.html
  return { scorecard: card, scorecardPath, interrupted: false };
}

