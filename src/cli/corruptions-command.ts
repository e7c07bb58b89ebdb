/**
 * `topk-harness corruptions` and `topk-harness corrupt`: look at and apply the corruptions without training.
 *
 *   corruptions list [--json] [--corruption-module FILE ...]
 *   corruptions preview (--image in.png | --dataset mnist [--data-dir DIR] [--count 4]) [--corruption NAME ...]
 *                       [--corruption-module FILE ...] [--severities 1,3,5] [--table auto|cifar|imagenet] [--seed N]
 *                       [--out grid.png]
 *   corrupt --image in.png --corruption NAME --severity S [--table auto|cifar|imagenet] [--seed N] --out out.png
 *   corrupt --dataset mnist [--split test|train] [--data-dir DIR] --out DIR [--corruption NAME ...] [--severity S ...]
 *           [--limit N] [--seed N] [--table auto|cifar|imagenet] [--corruption-module FILE ...]
 *   corruptions apply ...   the same command as `corrupt` (same flags, same action: applyCorruption)
 *
 * `list` prints every registered corruption (built-ins, then plugins): name, family, version, source, group
 * (benchmark / held-out / plugin), description and the parameters of both severity tables; --json prints one JSON
 * array instead. `preview` writes a labelled PNG grid of one image file (stream index 0) or of the first --count test
 * images of a dataset (image i uses stream i: the pixels a run with that seed evaluates) under each corruption at each
 * severity, and prints its path. `corrupt` corrupts one image file (stream index 0; PNG out, JPEG when --out ends in
 * .jpg/.jpeg) or the first --limit images of a dataset split (image i uses stream index i, as in a run) into PNG
 * files — <out>/<index>_<label>.png for one corruption at one severity, else
 * <out>/<corruption>/<severity>/<index>_<label>.png — plus manifest.json, written last, and prints the file /
 * manifest path. With --dataset, --corruption defaults to the 15 benchmark corruptions (then plugins) and
 * --severity to 1-5.
 *
 * For `run` (wired in main.ts): addCorruptionRunOptions adds --corruption-module (repeatable) and --severity-table;
 * corruptionFlagOverrides turns them into the config's `corruption` section; the suite's check() loads the plugins
 * and checks the corruption names before training. Output goes through the root program's
 * configureOutput().writeOut, so tests can capture it. Bad input throws HarnessInputError (exit 2 in main).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import sharp from 'sharp';
import type { CorruptionConfig, RunConfig } from '../config/run-config.js';
import {
  BENCHMARK_CORRUPTIONS, corruptDataset, corruptImage, createCorruptionRegistry, datasetImage, HELD_OUT_CORRUPTIONS,
  previewGrid, SEVERITY_TABLES, type Image, type RegisteredCorruption, type Severity,
} from '../corruptions/index.js';
import { subset } from '../data/dataset.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/load.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { checkWritableDir, checkWritableFile, ensureDirectory, writeFileAtomic } from '../util/atomic.js';
import { resolveCorruptionPlan, tableFor, type CorruptionGroup } from '../../suites/corruption.js';
import { intFlag, numberFlag } from './options.js';
import { closeCorruptionPools, DEFAULT_CORRUPTION_TIMEOUT_SECONDS, defaultCorruptionThreads } from '../corruptions/pool.js';
import type { Dataset } from '../data/dataset.js';

/** Default output file of `corruptions preview`. */
export const DEFAULT_PREVIEW_FILE = 'corruptions-preview.png';

/** One row of `corruptions list --json`. */
export interface CorruptionListing {
  name: string;
  family: string;
  version: number;
  /** 'built-in' or the plugin specifier as given. */
  source: string;
  group: CorruptionGroup;
  description: string;
  /** Parameters for severities 1..5 of each table (identical when the module gives one list). */
  severities: { cifar: unknown[]; imagenet: unknown[] };
}

/** Repeatable flag: each occurrence appends (undefined when never given, so "not given" stays distinguishable). */
function collect(value: string, previous?: string[]): string[] {
  return [...(previous ?? []), value];
}

function groupOf(e: RegisteredCorruption): CorruptionGroup {
  if (e.source !== 'built-in') return 'plugin';
  return (BENCHMARK_CORRUPTIONS as readonly string[]).includes(e.corruption.name) ? 'benchmark'
    : (HELD_OUT_CORRUPTIONS as readonly string[]).includes(e.corruption.name) ? 'held-out' : 'plugin';
}

/** Every registered corruption (built-ins in canonical order, then plugins in load order). */
export async function listCorruptions(plugins: readonly string[] = []): Promise<CorruptionListing[]> {
  const registry = await createCorruptionRegistry({ plugins });
  return registry.list().map((e) => ({
    name: e.corruption.name,
    family: e.corruption.family,
    version: e.corruption.version,
    source: e.source,
    group: groupOf(e),
    description: e.corruption.description,
    severities: { cifar: [...e.corruption.severities.cifar], imagenet: [...e.corruption.severities.imagenet] },
  }));
}

/** A parameter value in one short line: 0.08, (0.7, 1, 2), {loc: 0.1, …}. */
function formatParam(p: unknown): string {
  if (typeof p === 'number') return String(Number(p.toPrecision(6)));
  if (Array.isArray(p)) return `(${p.map(formatParam).join(', ')})`;
  if (p !== null && typeof p === 'object') return `{${Object.entries(p).map(([k, v]) => `${k}: ${formatParam(v)}`).join(', ')}}`;
  return String(p);
}

/** The text form of `corruptions list`. */
export function formatCorruptionList(rows: readonly CorruptionListing[]): string {
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  const out = [`${'name'.padEnd(w)}  ${'family'.padEnd(7)}  version  ${'group'.padEnd(9)}  source`];
  for (const r of rows) {
    out.push(`${r.name.padEnd(w)}  ${r.family.padEnd(7)}  ${`v${r.version}`.padEnd(7)}  ${r.group.padEnd(9)}  ${r.source}`);
    out.push(`${' '.repeat(w + 2)}${r.description}`);
    const same = JSON.stringify(r.severities.cifar) === JSON.stringify(r.severities.imagenet);
    if (same) out.push(`${' '.repeat(w + 2)}severities 1-5 (both tables): ${r.severities.cifar.map(formatParam).join(' | ')}`);
    else {
      out.push(`${' '.repeat(w + 2)}cifar    1-5: ${r.severities.cifar.map(formatParam).join(' | ')}`);
      out.push(`${' '.repeat(w + 2)}imagenet 1-5: ${r.severities.imagenet.map(formatParam).join(' | ')}`);
    }
  }
  return out.join('\n') + '\n';
}

/** "1,3,5" → [1, 3, 5]. */
function severitiesFlag(value: string): Severity[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[1-5]$/.test(p)) || new Set(parts).size !== parts.length) {
    throw new HarnessInputError(`--severities must be distinct severities 1..5 separated by commas (e.g. 1,3,5), got '${value}'`, '--severities');
  }
  return parts.map(Number).sort((a, b) => a - b) as Severity[];
}

/**
 * Parses --severity: an integer 1..5 or a comma list (1,3,5); repeatable, values accumulate (sorted, distinct).
 */
function severityListFlag(value: string, previous?: Severity[]): Severity[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[1-5]$/.test(p))) throw new HarnessInputError(`--severity must be an integer 1..5, got '${value}'`, '--severity');
  return [...new Set([...(previous ?? []), ...parts.map(Number)])].sort((a, b) => a - b) as Severity[];
}

/**
 * Decode an image file with sharp into an Image: EXIF orientation applied, alpha dropped, gray sources (1 channel,
 * or gray + alpha) kept as 1 channel, everything else converted to 3-channel sRGB, 8 bits per channel.
 * Throws HarnessInputError naming the file (and sharp's reason) when it is missing or not a decodable image.
 */
export async function readImageFile(file: string): Promise<Image> {
  if (!fs.existsSync(file)) throw new HarnessInputError(`--image ${file}: file not found`, '--image');
  if (fs.statSync(file).isDirectory()) throw new HarnessInputError(`--image ${file}: is a directory, not an image file`, '--image');
  try {
    const meta = await sharp(file).metadata();
    const gray = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1;
    const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace(gray ? 'b-w' : 'srgb').raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width, channels: info.channels };
  } catch (err) {
    throw new HarnessInputError(`--image ${file}: cannot decode as an image: ${(err as Error).message}`, '--image');
  }
}

/** PNG bytes of an image (a one-channel image stays a one-channel gray PNG), or JPEG (quality 95, 4:4:4). */
export async function encodeImage(image: Image, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  let p = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  if (image.channels === 1) p = p.toColourspace('b-w'); // else sharp writes gray as RGB
  return format === 'jpeg' ? p.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer() : p.png().toBuffer();
}

/** The dataset splits `corrupt --dataset` can write. */
export const APPLY_SPLITS = ['test', 'train'] as const;

/** What `corrupt --dataset` (= `corruptions apply --dataset`) writes to <out>/manifest.json. */
export interface ApplyManifest {
  /**
   * With exactly one corruption at one severity (files flat in the folder): its name, version, family, source,
   * severity and parameters, as top-level fields. Absent when several (corruption, severity) pairs were written.
   */
  corruption?: string;
  version?: number;
  family?: string;
  /** 'built-in' or the plugin specifier as given. */
  source?: string;
  severity?: Severity;
  /** The corruption's parameters at this severity and table. */
  parameters?: unknown;
  /** Every corruption written: provenance and its parameters at each severity written (keyed by severity). */
  corruptions: { name: string; version: number; family: string; source: string; parameters: Record<string, unknown> }[];
  /** Severities written for every corruption. */
  severities: Severity[];
  table: 'cifar' | 'imagenet';
  /** Why that table (auto: by image size, or the flag). */
  tableReason: string;
  seed: number;
  dataset: string;
  split: (typeof APPLY_SPLITS)[number];
  /** Images written per (corruption, severity): the first `count` of the split. */
  count: number;
  /** Images in the whole split. */
  splitCount: number;
  classNames: string[];
  /**
   * One entry per file (path relative to the folder): image `index` of the split corrupted with stream index `index`
   * of the run seed `seed`, under `corruption` at `severity`.
   */
  images: { file: string; corruption: string; severity: Severity; index: number; label: number; seed: number }[];
}

/** Flags of `corrupt` and its alias `corruptions apply` (commander's camel-cased names). */
export interface ApplyFlags {
  /** Repeatable; --image takes exactly one. Default with --dataset: the 15 benchmark corruptions, then plugins. */
  corruption?: string[];
  /** Repeatable or comma list; --image takes exactly one. Default with --dataset: 1-5. */
  severity?: Severity[];
  image?: string;
  dataset?: string;
  /** With --dataset; default 'test'. */
  split?: (typeof APPLY_SPLITS)[number];
  dataDir?: string;
  out: string;
  limit?: number;
  seed: number;
  table?: 'auto' | 'cifar' | 'imagenet';
  corruptionModule?: string[];
  /** Worker threads of the corruption pool (default TOPK_CORRUPTION_THREADS, else one per core). */
  threads?: number;
  /** Per-call time limit on the pool, seconds. */
  timeout?: number;
}

/** A dataset of one image (label 0), to run a single image through corruptDataset. */
function oneImageDataset(image: Image): Dataset {
  return { name: 'image', count: 1, height: image.height, width: image.width, channels: image.channels, images: image.data, labels: new Uint8Array(1), classNames: ['image'] } as Dataset;
}

/** Default --limit of `corrupt --dataset`. */
export const DEFAULT_APPLY_LIMIT = 100;

/**
 * The action of `corrupt` and of its alias `corruptions apply` (`command` names it in messages): returns the line
 * to print (the image written, or the manifest).
 */
export async function applyCorruption(f: ApplyFlags, command = 'corrupt'): Promise<string> {
  if ((f.image === undefined) === (f.dataset === undefined)) {
    throw new HarnessInputError(`${command} needs exactly one of --image FILE or --dataset NAME`, f.image === undefined ? '--image' : '--dataset');
  }
  for (const [flag, value] of [['--limit', f.limit], ['--data-dir', f.dataDir], ['--split', f.split]] as const) {
    if (f.image !== undefined && value !== undefined) throw new HarnessInputError(`${flag} applies to --dataset only`, flag);
  }
  if (f.dataset !== undefined && !(DATASET_NAMES as readonly string[]).includes(f.dataset)) {
    throw new HarnessInputError(unknownChoiceMessage('dataset', f.dataset, DATASET_NAMES), '--dataset');
  }
  if (f.image !== undefined) {
    if (f.corruption?.length !== 1) throw new HarnessInputError('--image needs exactly one --corruption NAME', '--corruption');
    if (f.severity?.length !== 1) throw new HarnessInputError('--image needs exactly one --severity S (1..5)', '--severity');
  }
  // resolve the corruptions before reading any pixels, so a typo fails fast
  const registry = await createCorruptionRegistry({ plugins: f.corruptionModule ?? [] });
  const corruptions = f.corruption !== undefined ? f.corruption.map((n) => registry.get(n))
    : [...BENCHMARK_CORRUPTIONS.map((n) => registry.get(n)), ...registry.plugins()];
  const severities = f.severity ?? ([1, 2, 3, 4, 5] as Severity[]);
  const out = path.resolve(f.out);
  // the output checked before any work: a directory, a read-only mount or an immutable file fails in one line
  if (f.image !== undefined) checkWritableFile(out);

  if (f.image !== undefined) {
    const image = await readImageFile(f.image);
    const { table } = tableFor(f.table ?? 'auto', image.height, image.width);
    const c = corruptions[0];
    const source = registry.sourceOf(c.name);
    // a plugin runs on the pool (its own copy of the pixels, the time limit); image 0 of a one-image dataset gets
    // stream 0, as corruptImage does
    const corrupted = source === 'built-in'
      ? await corruptImage(image, c, severities[0], { seed: f.seed, index: 0, table })
      : datasetImage(await corruptDataset(oneImageDataset(image), c, severities[0], { seed: f.seed, table, source, module: registry.fileOf(c.name), threads: 1, timeoutSeconds: f.timeout }), 0);
    writeFileAtomic(out, await encodeImage(corrupted, /\.jpe?g$/i.test(f.out) ? 'jpeg' : 'png'));
    return `${f.out}\n`;
  }

  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
    throw new HarnessInputError(`--out ${f.out}: exists and is not a directory (with --dataset, --out is the folder to write)`, '--out');
  }
  checkWritableDir(out);
  const splitName = f.split ?? 'test';
  const split = (await loadDataset({ name: f.dataset as DatasetName, dataDir: f.dataDir }, { seed: f.seed }))[splitName];
  const { table, reason } = tableFor(f.table ?? 'auto', split.height, split.width);
  const count = Math.min(f.limit ?? DEFAULT_APPLY_LIMIT, split.count);
  // the first `count` images keep their indices, so image i gets stream i as in a run on the whole split
  const first = subset(split, Array.from({ length: count }, (_, i) => i));
  // one pair: <out>/<index>_<label>.png; several: <out>/<corruption>/<severity>/<index>_<label>.png
  const flat = corruptions.length === 1 && severities.length === 1;
  const images: ApplyManifest['images'] = [];
  const threads = f.threads ?? defaultCorruptionThreads();
  try {
  for (const c of corruptions) {
    for (const severity of severities) {
      const corrupted = await corruptDataset(first, c, severity, { seed: f.seed, table, source: registry.sourceOf(c.name), module: registry.fileOf(c.name), threads, timeoutSeconds: f.timeout });
      const sub = flat ? '' : path.join(c.name, String(severity));
      ensureDirectory(path.join(out, sub));
      const base = images.length;
      const inFlight = 8;
      for (let start = 0; start < count; start += inFlight) {
        await Promise.all(Array.from({ length: Math.min(inFlight, count - start) }, async (_, k) => {
          const i = start + k;
          const file = path.posix.join(flat ? '' : `${c.name}/${severity}`, `${i}_${corrupted.labels[i]}.png`);
          writeFileAtomic(path.join(out, file), await encodeImage(datasetImage(corrupted, i)));
          images[base + i] = { file, corruption: c.name, severity, index: i, label: corrupted.labels[i], seed: f.seed };
        }));
      }
    }
  }
  } finally {
    await closeCorruptionPools();
  }
  const only = flat ? corruptions[0] : undefined;
  const manifest: ApplyManifest = {
    ...(only && {
      corruption: only.name, version: only.version, family: only.family, source: registry.sourceOf(only.name),
      severity: severities[0], parameters: only.params(severities[0], table),
    }),
    corruptions: corruptions.map((c) => ({
      name: c.name, version: c.version, family: c.family, source: registry.sourceOf(c.name),
      parameters: Object.fromEntries(severities.map((s) => [String(s), c.params(s, table)])),
    })),
    severities, table, tableReason: reason, seed: f.seed,
    dataset: split.name, split: splitName, count, splitCount: split.count, classNames: [...split.classNames], images,
  };
  const manifestFile = path.join(out, 'manifest.json');
  writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return `${path.join(f.out, 'manifest.json')}\n`;
}

/** Flags of `corruptions preview`. */
interface PreviewFlags {
  dataset?: string;
  image?: string;
  dataDir?: string;
  corruptionModule?: string[];
  corruption?: string[];
  severities?: Severity[];
  table?: 'auto' | 'cifar' | 'imagenet';
  count?: number;
  seed: number;
  out: string;
}

/** Default --count of `corruptions preview --dataset`. */
export const DEFAULT_PREVIEW_COUNT = 4;

/** `corruptions preview`: writes the grid and returns the line to print. */
export async function previewCorruptions(f: PreviewFlags): Promise<string> {
  if ((f.image === undefined) === (f.dataset === undefined)) {
    throw new HarnessInputError('corruptions preview needs exactly one of --image FILE or --dataset NAME', f.image === undefined ? '--image' : '--dataset');
  }
  for (const [flag, value] of [['--count', f.count], ['--data-dir', f.dataDir]] as const) {
    if (f.image !== undefined && value !== undefined) throw new HarnessInputError(`${flag} applies to --dataset only`, flag);
  }
  if (f.dataset !== undefined && !(DATASET_NAMES as readonly string[]).includes(f.dataset)) {
    throw new HarnessInputError(unknownChoiceMessage('dataset', f.dataset, DATASET_NAMES), '--dataset');
  }
  // resolve the corruptions first, so a typo fails before any pixels are read
  const registry = await createCorruptionRegistry({ plugins: f.corruptionModule ?? [] });
  const corruptions = (f.corruption ?? registry.names()).map((n) => registry.get(n));
  let images: Image[];
  if (f.image !== undefined) {
    images = [await readImageFile(f.image)]; // stream index 0, as `corrupt --image`
  } else {
    const { test } = await loadDataset({ name: f.dataset as DatasetName, dataDir: f.dataDir }, { seed: f.seed });
    images = Array.from({ length: Math.min(f.count ?? DEFAULT_PREVIEW_COUNT, test.count) }, (_, i) => datasetImage(test, i));
  }
  const { table } = tableFor(f.table ?? 'auto', images[0].height, images[0].width);
  checkWritableFile(path.resolve(f.out));
  const png = await previewGrid(images, corruptions, f.severities, f.seed, { table });
  writeFileAtomic(path.resolve(f.out), png);
  return `${f.out}\n`;
}

/** The options and action shared by `corrupt` and `corruptions apply` (one command under two names). */
function defineApplyCommand(cmd: Command, name: string, write: (s: string) => void): Command {
  return cmd
    .description('corrupt one image file, or the images of a dataset split into PNG files with a manifest')
    .option('--image <file>', 'image file to corrupt (PNG, JPEG, ...; alpha dropped, gray kept gray); uses stream index 0')
    .option('--dataset <name>', `or: dataset whose images to corrupt (${DATASET_NAMES.join(', ')})`)
    .option('--corruption <name>', 'corruption to apply (see corruptions list); with --dataset repeatable, default the 15 benchmark corruptions and any --corruption-module', collect)
    .option('--severity <s>', 'severity 1..5; with --dataset repeatable or a list like 1,3,5, default 1-5', severityListFlag)
    .addOption(new Option('--split <split>', 'with --dataset: the split to corrupt (default test)').choices([...APPLY_SPLITS]))
    .option('--data-dir <dir>', 'folder holding the dataset files (with --dataset)')
    .requiredOption('-o, --out <path>', 'with --image: the file to write (PNG; JPEG when it ends in .jpg); with --dataset: the folder')
    .option('--limit <n>', `with --dataset: the first n images of the split (default ${DEFAULT_APPLY_LIMIT})`, intFlag('--limit', 1))
    .option('--seed <n>', 'run seed of the corruption streams', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .addOption(new Option('--table <table>', 'severity table (default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]))
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .option('--threads <n>', 'with --dataset: worker threads of the corruption pool (default TOPK_CORRUPTION_THREADS, else one per core; any value gives the same bytes)', intFlag('--threads', 1, 1024))
    .option('--timeout <seconds>', `per-call time limit of a corruption on the pool (default ${DEFAULT_CORRUPTION_TIMEOUT_SECONDS}); a plugin call that overruns it stops the command with exit 2`, numberFlag('--timeout', 0.001, 86_400))
    .action(async (f: ApplyFlags) => write(await applyCorruption(f, name)));
}

/** Add `corruptions list|preview|apply` and the top-level `corrupt` (the same command as `corruptions apply`) to `program`. */
export function registerCorruptionsCommand(program: Command): void {
  const write = (s: string) => (program.configureOutput().writeOut ?? ((t: string) => void process.stdout.write(t)))(s);
  const cmd = program.command('corruptions').description('list the corruptions (built-ins and plugins), preview or apply them');

  cmd
    .command('list')
    .description('every corruption: name, family, version, source, benchmark/held-out/plugin, both severity tables')
    .option('--json', 'print one JSON array instead of text')
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .action(async (f: { json?: boolean; corruptionModule?: string[] }) => {
      const rows = await listCorruptions(f.corruptionModule ?? []);
      write(f.json ? JSON.stringify(rows, null, 2) + '\n' : formatCorruptionList(rows));
    });

  cmd
    .command('preview')
    .description('write a labelled PNG grid of one image file, or of test images, under every corruption and severity')
    .option('--image <file>', 'image file to corrupt (PNG, JPEG, ...); uses stream index 0, as corrupt --image')
    .option('--dataset <name>', `or: dataset whose first test images to corrupt (${DATASET_NAMES.join(', ')})`)
    .option('--data-dir <dir>', 'folder holding the dataset files (with --dataset)')
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .option('--corruption <name>', 'show only this corruption (repeatable; default: all registered)', collect)
    .option('--severities <list>', 'severities to show, e.g. 1,3,5 (default 1,2,3,4,5)', severitiesFlag)
    .addOption(new Option('--table <table>', 'severity table (default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]))
    .option('--count <n>', `with --dataset: test images, the first n (default ${DEFAULT_PREVIEW_COUNT})`, intFlag('--count', 1, 64))
    .option('--seed <n>', 'run seed of the corruption streams', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .option('-o, --out <file>', 'PNG file to write', DEFAULT_PREVIEW_FILE)
    .action(async (f: PreviewFlags) => write(await previewCorruptions(f)));

  defineApplyCommand(cmd.command('apply'), 'corruptions apply', write);
  defineApplyCommand(program.command('corrupt'), 'corrupt', write);
}

/** Flags the `run` command gains (commander's camel-cased names). */
export interface CorruptionRunFlags {
  corruptionModule?: string[];
  severityTable?: CorruptionConfig['table'];
}

/** Add --corruption-module (repeatable) and --severity-table to a run-like command. */
export function addCorruptionRunOptions(cmd: Command): Command {
  return cmd
    .option('--corruption-module <file>', 'corruption plugin for the corruption suite: a module file or npm package (repeatable; replaces corruption.plugins of the config file)', collect)
    .addOption(new Option('--severity-table <table>', 'corruption severity table (corruption.table; default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]));
}

/** The `corruption` config layer the flags give, or undefined when neither was used. */
export function corruptionFlagOverrides(f: CorruptionRunFlags): Partial<CorruptionConfig> | undefined {
  const o: Partial<CorruptionConfig> = {};
  if (f.corruptionModule !== undefined) o.plugins = f.corruptionModule;
  if (f.severityTable !== undefined) o.table = f.severityTable;
  return Object.keys(o).length ? o : undefined;
}

