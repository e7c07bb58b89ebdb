/**
 * Running the suites of a run, shared by `run` (the harness's own ViTs) and `evaluate` (models trained elsewhere):
 * which suites run in which order, their early checks, the corruption plugins' preflight, the suite context's
 * extra test sets, and the loop that runs each suite once per run folder (suites/<name>.json, verified by
 * suite-cache.ts; a resumed run reuses it) with plugin errors reported in one line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { severityTableFor } from '../corruptions/define.js';
import { imageDataset } from '../corruptions/image.js';
import { preflightCorruptions, probeImage } from '../corruptions/preflight.js';
import { closeCorruptionPools, CorruptionTimeoutError, corruptPixelsInPool, DEFAULT_CORRUPTION_TIMEOUT_SECONDS } from '../corruptions/pool.js';
import { SEVERITIES } from '../corruptions/define.js';
import { createCorruptionRegistry } from '../corruptions/registry.js';
import type { Dataset, DataSplits } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { firstLine, PluginError } from '../plugins/plugin-error.js';
import { deriveSeed } from '../rng.js';
import type { Scorecard } from '../scorecard/scorecard.js';
import type { SuiteRegistry } from '../suite/registry.js';
import type { ExtraDatasetName, Suite, SuiteContext, SuiteHeadline, SuiteOutput } from '../suite/types.js';
import { readSuiteCache, writeSuiteCache } from '../scorecard/suite-cache.js';

/** A suite's saved output (suites/<name>.json) plus its wall time, version, source and headline scalars. */
export interface SuiteRecord extends SuiteOutput {
  seconds: number;
  /** Absent in records written before plugin suites. */
  version?: number;
  source?: string;
  headline?: SuiteHeadline[];
}

/** Thrown through a suite when stopAfterSteps interrupts its extra training. */
export class RunInterrupted extends Error {}

export interface RunSuitesInput {
  /** The context every suite gets (its own options are added per suite). */
  ctx: Omit<SuiteContext, 'options'>;
  registry: SuiteRegistry;
  /** suitesToRun's order. */
  names: readonly string[];
  outDir: string;
  /**
   * Hash of the run's configuration, stored in each suites/<name>.json and compared when a resumed run reuses one
   * (suite-cache.ts). Absent: caches are written without one and a cache's own hash is not compared.
   */
  configHash?: string;
  log(line: string): void;
  /**
   * Runs a suite's work items (Suite.workItems) in child processes; absent where they would not run side by side
   * (libtorch, TOPK_WORKERS=1, models trained elsewhere), and then `workItems` is never called.
   */
  runItems?(suite: string, items: readonly string[]): Promise<{ interrupted: boolean }>;
}

/** Run each suite not already done in outDir, saving each result as it finishes; stops early on RunInterrupted. */
export async function runSuites(input: RunSuitesInput): Promise<{ records: Record<string, SuiteRecord>; interrupted: boolean }> {
  const { ctx, registry, outDir, log } = input;
  const records: Record<string, SuiteRecord> = {};
  for (const name of input.names) {
    const saved = path.join(outDir, 'suites', `${name}.json`);
    if (fs.existsSync(saved)) {
      records[name] = readSuiteCache(saved, input.configHash);
      log(`[suite ${name}] already done in this run folder; reusing ${saved}`);
      continue;
    }
    const suite = registry.get(name);
    log(`[suite ${name}] ${suite.description}`);
    const t1 = performance.now();
    try {
      const options = ctx.config.suiteOptions?.[name];
      if (input.runItems !== undefined && suite.workItems !== undefined) {
        // the suite's independent work first, side by side in child processes; `run` then reuses what they wrote
        const items = await guardPlugin(registry, name, 'workItems', () => suite.workItems!({ ...ctx, options }));
        checkWorkItems(registry, name, items);
        if (items.length >= 2 && (await input.runItems(name, items)).interrupted) return { records, interrupted: true };
      }
      const out = await guardPlugin(registry, name, 'run', () => suite.run({ ...ctx, options }));
      checkSuiteOutput(registry, name, out);
      records[name] = {
        ...out,
        seconds: (performance.now() - t1) / 1000,
        version: suite.version,
        source: registry.sourceOf(name),
        headline: await guardPlugin(registry, name, 'headline', () => storedHeadline(suite, out.result)),
      };
    } catch (e) {
      if (e instanceof RunInterrupted) return { records, interrupted: true };
      throw e;
    }
    writeSuiteCache(saved, records[name], input.configHash);
  }
  return { records, interrupted: false };
}

/** Every suite's early check, before any training or evaluation (each with its options from the config). */
export async function checkSuites(registry: SuiteRegistry, names: readonly string[], config: RunConfig, data: DataSplits): Promise<void> {
  for (const name of names) {
    const suite = registry.get(name);
    await guardPlugin(registry, name, 'check', () => suite.check?.(config, data, config.suiteOptions?.[name]));
  }
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

export type SuitePhase = 'check' | 'run' | 'headline' | 'workItems' | 'runWorkItem';

/** Run one phase of a suite; a plugin suite's own error becomes one line naming the plugin (built-ins keep theirs). */
export async function guardPlugin<T>(registry: SuiteRegistry, name: string, phase: SuitePhase, f: () => T | Promise<T>): Promise<T> {
  const source = registry.sourceOf(name);
  try {
    return await f();
  } catch (e) {
    if (source === 'built-in' || e instanceof RunInterrupted || e instanceof HarnessInputError) throw e;
    if (process.env.TOPK_HARNESS_DEBUG) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    throw new PluginError(`suite plugin '${name}' (${source}): ${phase} failed: ${firstLine(e)}`, source, e);
  }
}

/** workItems must name each item once, by a non-empty string. */
function checkWorkItems(registry: SuiteRegistry, name: string, items: unknown): asserts items is string[] {
  const bad = !Array.isArray(items) || items.some((i) => typeof i !== 'string' || i.trim() === '' || i.includes('\n')) || new Set(items).size !== items.length;
  if (bad) throw new PluginError(`suite '${name}': workItems must return distinct non-empty one-line names, got ${JSON.stringify(items)}`, registry.sourceOf(name));
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
export function suiteMetaOf(records: Record<string, SuiteRecord>): { suiteMeta?: Scorecard['suiteMeta'] } {
  const entries = Object.entries(records).filter(([, r]) => r.version !== undefined && r.source !== undefined && r.headline !== undefined);
  if (entries.length === 0) return {};
  return { suiteMeta: Object.fromEntries(entries.map(([k, r]) => [k, { version: r.version!, source: r.source!, headline: r.headline! }])) };
}

/** SuiteContext.loadTestSet: the test split of another dataset, shaped like the run's images. */
export async function loadExtraTestSet(config: RunConfig, data: DataSplits, name: ExtraDatasetName): Promise<Dataset> {
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
export async function preflightRunCorruptions(config: RunConfig, data: DataSplits): Promise<void> {
  if (!config.suites.includes('corruption') || config.corruption.plugins.length === 0) return;
  const registry = await createCorruptionRegistry({ plugins: config.corruption.plugins });
  const { height, width } = data.test;
  const table = config.corruption.table === 'auto' ? severityTableFor(height, width) : config.corruption.table;
  const probe = probeImage({ height, width, channels: data.test.channels as 1 | 3 }, deriveSeed(config.seed, 'preflight'));
  const plugins = registry.list().filter((e) => e.source !== 'built-in');
  // first on the pool, with the time limit: a plugin that never returns is stopped here, not in the checks below,
  // which call it on this thread (its other mistakes are left to them, which name the rule)
  const one = imageDataset(probe, 'preflight');
  try {
    for (const e of plugins) {
      for (const severity of SEVERITIES) {
        await corruptPixelsInPool(one, e.corruption, severity, {
          seed: config.seed, table, threads: 1, timeoutSeconds: config.corruption.timeoutSeconds ?? DEFAULT_CORRUPTION_TIMEOUT_SECONDS,
          module: e.file ?? e.source, source: e.source,
        }).catch((err: unknown) => {
          if (err instanceof CorruptionTimeoutError) throw err;
        });
      }
    }
  } finally {
    await closeCorruptionPools();
  }
  await preflightCorruptions(plugins, { seed: config.seed, table, probe });
}
