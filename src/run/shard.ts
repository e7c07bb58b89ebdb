/**
 * Scale-out and the cells of a run folder. The cells of a multi-seed run are its seeds: each is independent and
 * deterministic, and finishes as <out>/seed-<s>/ (config.json + scorecard.json + its suites and checkpoints).
 *
 * - `run --shard i/n` (runShard) runs the seeds at positions p of the seed list with p mod n == i−1, each exactly as
 *   `runSeeds` does, and writes no aggregate.
 * - `merge DIR... --out OUT` (mergeShards) checks that the shard folders share one configuration and together hold
 *   every seed exactly once, links (or copies) the seed folders into OUT, and writes the aggregate with the same
 *   function as a single-machine run (aggregateSeeds), so the scorecard is the same, timings and provenance aside.
 * - `run --fresh` (removeCells) deletes a run folder's previous results before starting again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { readConfigFile, resolveConfig } from '../config/schema.js';
import { HarnessInputError } from '../errors.js';
import { configDifference } from '../config/compare.js';
import { aggregateSeeds, finishedSeed, runSeedList, SeedRunOptions } from './multi-seed.js';
import { seedDir } from '../scorecard/seed-scorecards.js';
import { prepareRunDir, RunOutput } from './run-experiment.js';

/** Shard `index` (1-based) of `count`. */
export { parseShard, type Shard } from './shard-spec.js';
import type { Shard } from './shard-spec.js';

/** The seeds of shard i/n: those at positions p of the list with p mod n == i−1 (deterministic, list order). */
export function shardSeeds(seeds: readonly number[], shard: Shard): number[] {
  return seeds.filter((_, p) => p % shard.count === shard.index - 1);
}

/** Sharding splits seeds: a single-seed configuration cannot be sharded (throws HarnessInputError). */
export function checkShardable(config: RunConfig, shard: Shard): void {
  if (config.seeds) return;
  if (shard.count === 1) throw new HarnessInputError('--shard needs a multi-seed run (--seeds); a single-seed run is not sharded', '--shard');
  throw new HarnessInputError(`--shard ${shard.index}/${shard.count}: sharding splits the seeds of a multi-seed run, and this run has a single seed; use --seeds (e.g. --seeds 8 or --seeds 0,1,2,3) to run several seeds across the shards`, '--shard');
}

export interface ShardOutput {
  /** The seeds this shard ran or reused, in list order. */
  seeds: number[];
  /** Their folders, <out>/seed-<s>/. */
  dirs: string[];
  /** Seeds reused from an earlier run of this shard. */
  reused: number[];
  interrupted: boolean;
}

/**
 * Run one shard of a multi-seed run: the shard's seeds, each into <out>/seed-<s>/ exactly as runSeeds does
 * (resuming, or reusing finished seeds of the same configuration). <out>/config.json holds the whole run's
 * configuration, which `merge` checks. No aggregate is written.
 */
export async function runShard(opts: SeedRunOptions, shard: Shard): Promise<ShardOutput> {
  const { config, outDir } = opts;
  checkShardable(config, shard);
  const seeds = shardSeeds(config.seeds!, shard);
  prepareRunDir(outDir, config, opts.resume ?? false);
  const ran = await runSeedList(opts, seeds, (i) => `${i + 1} of ${seeds.length} in shard ${shard.index}/${shard.count}`);
  const out: ShardOutput = { seeds, dirs: seeds.map((s) => seedDir(outDir, s)), reused: ran.reused, interrupted: ran.interrupted };
  return out;
}

/** A shard (or run) folder named on the merge command line. */
interface ShardFolder {
  dir: string;
  configPath: string;
  configText: string;
  config: RunConfig;
}

function readShardFolder(dir: string): ShardFolder {
  if (!fs.existsSync(dir)) throw new HarnessInputError(`shard folder ${dir} does not exist`, dir);
  if (!fs.statSync(dir).isDirectory()) throw new HarnessInputError(`shard folder ${dir} is not a directory`, dir);
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(configPath)) {
    throw new HarnessInputError(`${dir} has no config.json: merge takes the folders written by \`run --shard i/n --out DIR\` (or \`run --seeds\`)`, configPath);
  }
  const configText = fs.readFileSync(configPath, 'utf8');
  const config = resolveConfig([readConfigFile(configPath)]);
  if (!config.seeds) {
    throw new HarnessInputError(`${configPath} is a single-seed configuration: merge takes folders of a multi-seed run (run --seeds ... --shard i/n), not a seed-<s> folder itself`, configPath);
  }
  return { dir, configPath, configText, config };
}

/** The seed-<s> folders directly inside `dir`, by seed. */
function seedFolders(dir: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const m = /^seed-(\d+)$/.exec(e.name);
    if (m && e.isDirectory()) found.set(Number(m[1]), path.join(dir, e.name));
  }
  return found;
}

/** Hard-link every file of `from` into `to` (same tree), copying where linking is impossible (another filesystem). */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.name.startsWith('.lock')) continue; // a run-folder lock (run/lock.ts) belongs to the process that held it
    if (e.isDirectory()) linkTree(src, dst);
    else if (e.isFile()) {
      if (e.name.endsWith('.tmp')) continue; // a write that never finished
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
      }
    }
  }
}

export interface MergeOptions {
  warn?: (message: string) => void;
}

export interface MergeOutput extends RunOutput {
  /** seed → the shard folder it came from. */
  sources: Record<number, string>;
}

/**
 * Merge shard folders into `outDir`: the same configuration everywhere (else the first differing field is named),
 * every seed of its list present and finished exactly once (else each missing, unfinished, duplicated or foreign
 * seed is named), then the seed folders are hard-linked (copied across filesystems; every harness write replaces a
 * file by rename, so a link is never changed in place) into outDir and the aggregate is written by aggregateSeeds.
 * Bad input throws HarnessInputError (exit 2).
 */
export function mergeShards(dirs: string[], outDir: string, opts: MergeOptions = {}): MergeOutput {
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  if (dirs.length === 0) throw new HarnessInputError('merge needs at least one shard folder', 'merge');
  const resolvedOut = path.resolve(outDir);
  for (const d of dirs) {
    const r = path.resolve(d);
    if (r === resolvedOut || resolvedOut.startsWith(r + path.sep)) throw new HarnessInputError(`--out ${outDir} must not be a shard folder or lie inside one (${d})`, '--out');
  }
  if (fs.existsSync(outDir) && (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0)) {
    throw new HarnessInputError(`--out ${outDir} already exists and is not empty; merge writes a new folder (remove it or choose another --out)`, '--out');
  }

  const shards = dirs.map(readShardFolder);
  const first = shards[0];
  for (const s of shards.slice(1)) {
    const why = configDifference(s.configText, s.configPath, first.config, first.configPath); // "X is <s's> in s but <first's> in first"
    if (why) throw new HarnessInputError(`the shard folders come from different configurations: ${why}`, s.configPath);
  }
  const config = first.config;
  const seeds = config.seeds!;

  const holders = new Map<number, string[]>();
  const unfinished = new Set<number>();
  const problems: string[] = [];
  for (const s of shards) {
    for (const [seed, dir] of seedFolders(s.dir)) {
      if (!seeds.includes(seed)) {
        problems.push(`${dir}: seed ${seed} is not in the configuration's seeds (${seeds.join(', ')})`);
        continue;
      }
      if (!fs.existsSync(path.join(dir, 'scorecard.json'))) {
        problems.push(`${dir}: seed ${seed} has not finished (no scorecard.json); finish it with \`topk-harness run --resume ${s.dir} --shard i/n\` (that shard's i/n)`);
        unfinished.add(seed);
        continue;
      }
      holders.set(seed, [...(holders.get(seed) ?? []), dir]);
    }
  }
  const missing = seeds.filter((seed) => !holders.has(seed) && !unfinished.has(seed));
  if (missing.length) problems.push(`missing seed${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: no shard folder holds ${missing.length > 1 ? 'them' : 'it'} (was every shard run and passed to merge?)`);
  for (const [seed, where] of holders) {
    if (where.length > 1) problems.push(`seed ${seed} is duplicated: ${where.join(' and ')} (pass each shard folder once; shards of one run never share a seed)`);
  }
  if (problems.length) {
    throw new HarnessInputError(`cannot merge ${dirs.join(' ')} (seeds ${seeds.join(', ')}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'merge');
  }

  // every seed folder must be a finished seed of this configuration; note seeds from other code versions
  const sources: Record<number, string> = {};
  const versions = new Map<string, number[]>();
  const backends = new Map<string, number[]>();
  for (const seed of seeds) {
    const dir = holders.get(seed)![0];
    const card = finishedSeed(dir, config, seed, () => {})!; // throws, naming the field, when its config.json differs
    const p = card.provenance;
    const v = `topk-harness ${p.harnessVersion} (${p.gitCommit ?? 'no git commit'})`;
    versions.set(v, [...(versions.get(v) ?? []), seed]);
    backends.set(card.backend.name, [...(backends.get(card.backend.name) ?? []), seed]);
    sources[seed] = path.dirname(dir);
  }
  const list = (m: Map<string, number[]>) => [...m].map(([v, s]) => `${v}: seed${s.length > 1 ? 's' : ''} ${s.join(', ')}`).join('; ');
  if (versions.size > 1) warn(`the seeds were computed by different code versions: ${list(versions)}`);
  // results are reproducible per backend only: say so when shards ran on different ones
  if (backends.size > 1) warn(`the seeds were computed on different backends, so the merge differs from any single-backend run: ${list(backends)}`);

  prepareRunDir(outDir, config, false);
  for (const seed of seeds) linkTree(holders.get(seed)![0], seedDir(outDir, seed));
  return { ...aggregateSeeds(outDir, config), sources };
}

/** What `--fresh` removes from a run folder: the previous run's results and the state they were computed from. */
export function cellsToRemove(outDir: string): string[] {
  if (!fs.existsSync(outDir) || !fs.statSync(outDir).isDirectory()) return [];
  const root = path.resolve(outDir);
  const out: string[] = [];
  const add = (rel: string) => {
    const abs = path.join(outDir, rel);
    if (fs.existsSync(abs) && !out.includes(abs)) out.push(abs);
  };
  for (const f of ['scorecard.json', 'scorecard.md', 'report.html', 'config.json', 'checkpoints']) add(f);
  const suitesDir = path.join(outDir, 'suites');
  if (fs.existsSync(suitesDir)) {
    for (const f of fs.readdirSync(suitesDir).filter((n) => n.endsWith('.json')).sort()) {
      // the files a suite listed (charts) go with its record, when they lie inside the run folder
      try {
        const rec = JSON.parse(fs.readFileSync(path.join(suitesDir, f), 'utf8')) as { files?: unknown };
        for (const rel of Array.isArray(rec.files) ? rec.files : []) {
          if (typeof rel !== 'string' || path.isAbsolute(rel)) continue;
          const abs = path.resolve(root, rel);
          if (!path.relative(root, abs).startsWith('..')) add(path.relative(root, abs));
        }
      } catch {
        // an unreadable record is removed all the same
      }
      add(path.join('suites', f));
    }
  }
  for (const e of fs.readdirSync(outDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    if (e.isDirectory() && /^seed-\d+$/.test(e.name)) add(e.name);
  }
  return out;
}

/** `--fresh`: print and remove the previous cells of outDir (see cellsToRemove); returns what was removed. */
export function removeCells(outDir: string, print: (line: string) => void = (l) => process.stderr.write(l + '\n')): string[] {
  const targets = cellsToRemove(outDir);
  if (targets.length === 0) {
    print(`--fresh: ${outDir} holds no previous results; nothing to remove`);
    return [];
  }
  print(`--fresh: removing the previous results in ${outDir}:`);
  for (const t of targets) print(`  ${t}${fs.statSync(t).isDirectory() ? path.sep : ''}`);
  for (const t of targets) fs.rmSync(t, { recursive: true, force: true });
  const suitesDir = path.join(outDir, 'suites');
  if (fs.existsSync(suitesDir) && fs.readdirSync(suitesDir).length === 0) fs.rmdirSync(suitesDir);
  return targets;
}
