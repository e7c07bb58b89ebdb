/**
 * The configuration of a run from the command line: preset ← config file ← flags, each layer validated
 * (schema.ts); `--resume DIR` reads the run's saved config instead (only --backend may change).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HarnessInputError } from '../errors.js';
import { defaultRunId } from './run-id.js';
import { corruptionFlagOverrides, type CorruptionRunFlags } from './corruption-flags.js';
import type { PresetName, RunConfig } from './run-config.js';
import { ConfigOverrides, parseOverrides, readConfigFile, resolveConfig } from './schema.js';

/** The run flags (commander's camel-cased names) of `run`, `train` and `eval`. */
export interface RunFlags extends CorruptionRunFlags {
  config?: string;
  preset?: PresetName;
  seed?: number;
  seeds?: number[] | number;
  out?: string;
  backend?: string;
  resume?: string | boolean;
  dataset?: string;
  dataDir?: string;
  limitTrain?: number;
  limitTest?: number;
  epochs?: number;
  suites?: string[];
  suiteModule?: string[];
  quiet?: boolean;
}


/** Resolve preset ← config file ← flags; a resumed run reads its saved config instead. */
export function configFromFlags(f: RunFlags): { config: RunConfig; outDir: string; resume: boolean } {
  const resumeDir = typeof f.resume === 'string' ? f.resume : f.resume ? f.out : undefined;
  if (f.resume && !resumeDir) throw new HarnessInputError('--resume needs the run folder: --resume <dir> or --resume --out <dir>', '--resume');
  if (resumeDir) {
    const saved = path.join(resumeDir, 'config.json');
    if (!fs.existsSync(saved)) throw new HarnessInputError(`cannot resume ${resumeDir}: no config.json there`, '--resume');
    const conflicting = (['config', 'preset', 'seed', 'seeds', 'dataset', 'dataDir', 'limitTrain', 'limitTest', 'epochs', 'suites', 'suiteModule', 'corruptionModule', 'severityTable'] as const).filter((k) => f[k] !== undefined);
    if (conflicting.length) throw new HarnessInputError(`--resume takes the run's saved config; drop ${conflicting.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')}`, '--resume');
    const cfg = resolveConfig([readConfigFile(saved)]);
    return { config: f.backend ? { ...cfg, backend: f.backend as RunConfig['backend'] } : cfg, outDir: resumeDir, resume: true };
  }
  const layers: ConfigOverrides[] = [];
  if (f.config) layers.push(readConfigFile(f.config));
  const flags: Record<string, unknown> = {};
  if (f.seed !== undefined) flags.seed = f.seed;
  if (f.seeds !== undefined) {
    const first = f.seed ?? layers.reduce<number | undefined>((s, l) => l.seed ?? s, undefined) ?? 0;
    flags.seeds = typeof f.seeds === 'number' ? Array.from({ length: f.seeds }, (_, i) => first + i) : f.seeds;
  }
  if (f.backend !== undefined) flags.backend = f.backend;
  const data: Record<string, unknown> = {};
  if (f.dataset !== undefined) data.dataset = f.dataset;
  if (f.dataDir !== undefined) data.dataDir = f.dataDir;
  if (f.limitTrain !== undefined) data.limitTrain = f.limitTrain;
  if (f.limitTest !== undefined) data.limitTest = f.limitTest;
  if (Object.keys(data).length) flags.data = data;
  if (f.epochs !== undefined) flags.train = { epochs: f.epochs };
  if (f.suites !== undefined) flags.suites = f.suites;
  if (f.suiteModule !== undefined) flags.suitePlugins = f.suiteModule;
  const corruption = corruptionFlagOverrides(f);
  if (corruption) flags.corruption = corruption;
  layers.push(parseOverrides(flags, 'command-line flags'));
  const config = resolveConfig(layers, f.preset);
  return { config, outDir: f.out ?? path.join('reports', defaultRunId(config)), resume: false };
}

