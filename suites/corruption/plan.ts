/**
 * Which corruptions and severities a run evaluates (config `corruption`): the built-ins selected by name or group,
 * then every plugin, each with its registry source and report group.
 */
import type { RunConfig } from '../../src/config/run-config.js';
import {
  BENCHMARK_CORRUPTIONS, createCorruptionRegistry, HELD_OUT_CORRUPTIONS,
  type Corruption, type CorruptionRegistry, type CorruptionSource, type Severity,
} from '../../src/corruptions/index.js';
import { corruptionGroup, type CorruptionGroup } from '../../src/corruptions/names.js';
import { HarnessInputError } from '../../src/errors.js';

/** A corruption chosen for evaluation, with its registry source and report group. */
export interface PlannedCorruption {
  corruption: Corruption;
  source: CorruptionSource;
  /** The module file it was loaded from (pool workers import it). */
  file?: string;
  group: CorruptionGroup;
}

export interface CorruptionPlan {
  registry: CorruptionRegistry;
  corruptions: PlannedCorruption[];
  severities: Severity[];
}

/**
 * Load the plugins and resolve the configured selection: 'benchmark' (the 15), 'all' (15 + 4) or a list of names,
 * then every plugin corruption not already selected. Throws HarnessInputError (plugin problems; "unknown corruption
 * 'x'. Did you mean y? Available: …") before any work — call it before training to fail fast.
 */
export async function resolveCorruptionPlan(config: Pick<RunConfig, 'corruption'>, cwd = process.cwd()): Promise<CorruptionPlan> {
  const cc = config.corruption;
  const registry = await createCorruptionRegistry({ plugins: cc.plugins, cwd });
  let names: string[];
  if (cc.corruptions === 'benchmark') names = [...BENCHMARK_CORRUPTIONS];
  else if (cc.corruptions === 'all') names = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS];
  else names = [...cc.corruptions];
  const chosen = names.map((n, i) => {
    try {
      return registry.get(n);
    } catch (e) {
      if (!(e instanceof HarnessInputError)) throw e;
      throw new HarnessInputError(`corruption.corruptions.${i}: ${e.message}`, `corruption.corruptions.${i}`); // did-you-mean + list
    }
  });
  for (const p of registry.plugins()) if (!chosen.includes(p)) chosen.push(p);
  const corruptions = chosen.map((c) => {
    const source = registry.sourceOf(c.name);
    return { corruption: c, source, group: corruptionGroup(c.name, source), file: registry.fileOf(c.name) };
  });
  const severities = [...new Set(cc.severities)].sort((a, b) => a - b) as Severity[];
  return { registry, corruptions, severities };
}
