/**
 * What `corruptions list|preview` and `corrupt` (= `corruptions apply`) do; loaded when one of them runs
 * (corruptions-command.ts registers them, so that the CLI starts without sharp and the corruption code).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeImage, readImageFile } from '../corruptions/image-file.js';
import {
  BENCHMARK_CORRUPTIONS, corruptDataset, corruptImage, createCorruptionRegistry, datasetImage, imageDataset,
  previewGrid, type Image, type Severity,
} from '../corruptions/index.js';
import { corruptionGroup, type CorruptionGroup } from '../corruptions/names.js';
import { closeCorruptionPools, defaultCorruptionThreads, sharedPixels } from '../corruptions/pool.js';
import { tableFor } from '../corruptions/severity-table.js';
import { subset } from '../data/dataset.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/load.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { checkWritableDir, checkWritableFile, ensureDirectory, writeFileAtomic } from '../util/atomic.js';
import { ordinaryCopy } from '../util/ordinary-copy.js';
import { APPLY_SPLITS, DEFAULT_APPLY_LIMIT, DEFAULT_PREVIEW_COUNT } from './corruptions-command.js';

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

/** Every registered corruption (built-ins in canonical order, then plugins in load order). */
export async function listCorruptions(plugins: readonly string[] = []): Promise<CorruptionListing[]> {
  const registry = await createCorruptionRegistry({ plugins });
  return registry.list().map((e) => ({
    name: e.corruption.name,
    family: e.corruption.family,
    version: e.corruption.version,
    source: e.source,
    group: corruptionGroup(e.corruption.name, e.source),
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
/**
 * Parses --severity: an integer 1..5 or a comma list (1,3,5); repeatable, values accumulate (sorted, distinct).
 */

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
      : datasetImage(await corruptDataset(imageDataset(image, 'image'), c, severities[0], { seed: f.seed, table, source, module: registry.fileOf(c.name), threads: 1, timeoutSeconds: f.timeout }), 0);
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
  // with worker threads, the images and one output buffer for every (corruption, severity) in shared memory, which
  // the pool reads and writes in place (as the corruption suite; apply.ts poolPays)
  const input = threads > 1 ? { ...first, images: sharedPixels(first.images) } : first;
  const into = threads > 1 ? sharedPixels(new Uint8Array(first.images.length)) : undefined;
  /** Image i of a result, as an ordinary copy when it is shared memory (sharp is handed its own buffer). */
  const imageOf = (d: typeof first, i: number) => {
    const img = datasetImage(d, i);
    return img.data.buffer instanceof SharedArrayBuffer ? { ...img, data: ordinaryCopy(img.data) } : img;
  };
  try {
  for (const c of corruptions) {
    for (const severity of severities) {
      const corrupted = await corruptDataset(input, c, severity, { seed: f.seed, table, source: registry.sourceOf(c.name), module: registry.fileOf(c.name), threads, timeoutSeconds: f.timeout, into });
      const sub = flat ? '' : path.join(c.name, String(severity));
      ensureDirectory(path.join(out, sub));
      const base = images.length;
      const inFlight = 8;
      for (let start = 0; start < count; start += inFlight) {
        await Promise.all(Array.from({ length: Math.min(inFlight, count - start) }, async (_, k) => {
          const i = start + k;
          const file = path.posix.join(flat ? '' : `${c.name}/${severity}`, `${i}_${corrupted.labels[i]}.png`);
          writeFileAtomic(path.join(out, file), await encodeImage(imageOf(corrupted, i)));
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
export interface PreviewFlags {
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
