/**
 * Multi-seed runs: one complete run per seed in <out>/seed-<s>/ (each resumable on its own), then one scorecard in
 * <out> whose `statistics` section gives, per model and metric, the mean, std and 95% interval over seeds, and the
 * paired differences against the baseline model with a significance flag. `models` in that scorecard holds the
 * per-model means of the headline metrics; every seed's full scorecard stays in its folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertValidScorecard } from '../scorecard/schema.js';
import { writeRunReports } from '../report/run-reports.js';
import { HEADLINE_METRICS, metricValue, ModelResult, Scorecard } from '../scorecard/scorecard.js';
import { pairedDifference, PairedDifference, summarize, Summary } from '../scorecard/statistics.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { prepareRunDir, runExperiment, RunOptions, RunOutput } from './run-experiment.js';

/** Metrics summarised over seeds: the headline metrics that are deterministic for a seed. */
export const SEED_METRICS = HEADLINE_METRICS.filter((m) => !m.key.startsWith('timing.') && m.key !== 'parameterCount');

export interface SeedStatistics {
  seeds: number[];
  /** model → metric key → summary over seeds. */
  metrics: Record<string, Record<string, Summary>>;
  /** non-baseline model → metric key → paired difference (model − baseline) over seeds. */
  paired: Record<string, Record<string, PairedDifference>>;
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
  return { seeds, metrics, paired };
}

export async function runSeeds(opts: RunOptions): Promise<RunOutput> {
  const { config, outDir } = opts;
  const seeds = config.seeds!;
  prepareRunDir(outDir, config, opts.resume ?? false);
  const cards: Scorecard[] = [];
  for (const seed of seeds) {
    const dir = path.join(outDir, `seed-${seed}`);
    const done = path.join(dir, 'scorecard.json');
    if (fs.existsSync(done)) {
      cards.push(JSON.parse(fs.readFileSync(done, 'utf8')) as Scorecard);
      continue;
    }
    if (opts.progress !== false) process.stderr.write(`=== seed ${seed} (${cards.length + 1} of ${seeds.length}) ===\n`);
    const out = await runExperiment({ ...opts, config: { ...config, seed, seeds: null }, outDir: dir, resume: fs.existsSync(path.join(dir, 'config.json')) });
    if (out.interrupted) return out;
    cards.push(out.scorecard);
  }
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
        trainSeconds: cards.reduce((a, c) => a + c.timing.models[n].trainSeconds, 0),
        trainImagesPerSecond: cards.reduce((a, c) => a + c.timing.models[n].trainImagesPerSecond, 0) / cards.length,
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

