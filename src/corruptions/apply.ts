/**
 * Running a corruption over images and datasets.
 *
 * Randomness: image i of a dataset corrupted by corruption C (version v) at severity s with run seed S uses the
 * stream rngFor(S, 'corruption', C.name, v, s, i) — nothing else — so the bytes of image i do not depend on the
 * order, batching or parallelism of the run, nor on which other images are corrupted. Bumping a corruption's
 * version changes its streams.
 *
 * Concurrency: with `threads` > 1, or for a plugin, the images go to the worker-thread pool (pool.ts), which also
 * enforces the per-call time limit. Otherwise async corruptions (a plugin may use sharp, which works on libuv's
 * thread pool) run through a bounded set of promises and synchronous ones inline. Results land at their own
 * index either way, so the bytes are the same for any pool size.
 *
 * Isolation: every call gets its own copy of its input image, so a corruption that writes into its input cannot
 * change the dataset that the next corruption or severity reads. On this thread the copy is the call's until it
 * returns (or its promise settles, and its output is stored): then the same buffer takes the next image of that
 * in-flight slot. A corruption must not keep its input past its call; plugins, which run on the pool, get a fresh
 * copy every call.
 */
import type { Dataset } from '../data/dataset.js';
import { HarnessInputError } from '../errors.js';
import { firstLine, PluginError } from '../plugins/plugin-error.js';
import { rngFor, type Rng } from '../rng.js';
import { assertSeverity, assertTable, severityTableFor, type Corruption, type CorruptionContext, type Severity, type SeverityTable } from './define.js';
import { datasetImage, imageProblem, type Image, type ImageShape } from './image.js';
import { corruptPixelsInPool, DEFAULT_CORRUPTION_TIMEOUT_SECONDS } from './pool.js';
import { builtinCorruptionFile } from './registry.js';

/** The random stream of image `index` (see the module comment). */
export function corruptionStream(seed: number | string, corruption: Pick<Corruption, 'name' | 'version'>, severity: Severity, index: number): Rng {
  return rngFor(seed, 'corruption', corruption.name, corruption.version, severity, index);
}

/**
 * What apply gets for image `index`. The stream is made on first read of `rng` (the same stream whenever that is):
 * seeding costs about 7 us, a seventh of a 32 px image's whole budget, and most corruptions draw nothing.
 */
export function imageContext<P>(
  seed: number | string, corruption: Pick<Corruption, 'name' | 'version'>, severity: Severity, index: number, table: SeverityTable, params: P,
): CorruptionContext<P> {
  let rng: Rng | undefined;
  return {
    severity,
    table,
    params,
    get rng(): Rng {
      return (rng ??= corruptionStream(seed, corruption, severity, index));
    },
  };
}

export interface CorruptImageOptions {
  /** Run seed. */
  seed: number | string;
  /** Index of the image in its dataset (selects its random stream); default 0. */
  index?: number;
  /** Parameter table; default severityTableFor(height, width). */
  table?: SeverityTable;
}

/**
 * Corrupt one image. Validates the input and the corruption's output (shape, dtype); the corruption gets a copy of
 * the caller's pixels, so the caller's image is never changed.
 */
export async function corruptImage(image: Image, corruption: Corruption, severity: Severity, options: CorruptImageOptions): Promise<Image> {
  const p = imageProblem(image);
  if (p !== null) throw new HarnessInputError(`corrupt with ${corruption.name}: ${p}`, 'image');
  assertSeverity(severity);
  const table = options.table ?? severityTableFor(image.height, image.width);
  assertTable(table);
  const index = options.index ?? 0;
  const ctx = imageContext(options.seed, corruption, severity, index, table, corruption.params(severity, table));
  const out = await corruption.apply({ ...image, data: image.data.slice() }, ctx); // its own copy
  checkOutput(out, image, corruption, severity, index);
  return out;
}

/** What is wrong with a corruption's output for an input of this shape ('returned a bad image: ...', 'changed the shape ...'), or null. */
export function outputProblem(out: unknown, input: ImageShape): string | null {
  const p = imageProblem(out);
  if (p !== null) return `returned a bad image: ${p}`;
  const o = out as Image;
  if (o.height !== input.height || o.width !== input.width || o.channels !== input.channels) {
    return `changed the shape from ${input.height}x${input.width}x${input.channels} to ${o.height}x${o.width}x${o.channels}`;
  }
  return null;
}

function checkOutput(out: unknown, input: Image, corruption: Corruption, severity: Severity, index: number): asserts out is Image {
  const p = outputProblem(out, input);
  if (p !== null) throw new Error(`corruption '${corruption.name}' (severity ${severity}, image ${index}) ${p}`);
}

export interface CorruptDatasetOptions {
  /** Run seed. */
  seed: number | string;
  /** Parameter table; default severityTableFor(dataset.height, dataset.width) ('cifar' up to 64 px). */
  table?: SeverityTable;
  /** Most images in flight for asynchronous corruptions (default 64). */
  concurrency?: number;
  /** Called after each image with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Where the corruption came from ('built-in' or the plugin module). For a plugin, an error in its apply or its
   * output becomes one PluginError line naming the plugin, the severity and the image (built-ins keep their stack).
   */
  source?: string;
  /** Worker threads (default 1: built-ins run on this thread; plugins always run on the pool, see pool.ts). */
  threads?: number;
  /** The plugin's resolved module file (registry.fileOf), which pool workers import; default `source` from the working directory. */
  module?: string;
  /** Per-call time limit on the pool, seconds (default DEFAULT_CORRUPTION_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
}

/** Below this many pixel bytes a built-in stays on this thread: starting workers would cost more than it saves. */
const POOL_MIN_BYTES = 1 << 21;

/**
 * A new Dataset with every image corrupted at `severity` (labels and class names copied). Its name is
 * `${dataset.name}+${corruption.name}@${severity}`. Image i gets stream corruptionStream(seed, corruption,
 * severity, i), so corruptDataset(d)[i] equals corruptImage(image i of d, { index: i }).
 */
export async function corruptDataset(
  dataset: Dataset, corruption: Corruption, severity: Severity, options: CorruptDatasetOptions,
): Promise<Dataset> {
  assertSeverity(severity);
  const table = options.table ?? severityTableFor(dataset.height, dataset.width);
  assertTable(table);
  const name = `${dataset.name}+${corruption.name}@${severity}`;
  const copy = (images: Uint8Array): Dataset => ({ ...dataset, name, images, labels: Uint8Array.from(dataset.labels), classNames: [...dataset.classNames] });
  const threads = options.threads ?? 1;
  const plugin = options.source !== undefined && options.source !== 'built-in';
  // the pool imports the corruption from its file: a plugin's (`module`, or its specifier from the working
  // directory), or a built-in's when this is the registered built-in object itself
  let module = plugin ? (options.module ?? options.source!)
    : threads > 1 && dataset.images.length >= POOL_MIN_BYTES ? await builtinCorruptionFile(corruption) : undefined;
  if (module !== undefined && !plugin && (await isAsyncCorruption(corruption, dataset, severity, table, options.seed))) {
    // an asynchronous built-in (e.g. one calling sharp) already spreads over libuv's threads from this thread;
    // on the pool each worker would wait for one image at a time (measured with sharp's JPEG: 0.68x on 2 threads)
    module = undefined;
  }
  if (module !== undefined) {
    return copy(await corruptPixelsInPool(dataset, corruption, severity, {
      seed: options.seed, table, threads, timeoutSeconds: options.timeoutSeconds ?? DEFAULT_CORRUPTION_TIMEOUT_SECONDS,
      module, source: plugin ? options.source! : 'built-in', onProgress: options.onProgress,
    }));
  }

  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 64));
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(dataset.count * size);
  const params = corruption.params(severity, table);
  let done = 0;

  // `scratch`: the calling worker's input buffer, reused from image to image (see the module comment): a fresh
  // 150 KB copy per 224 px image cost about as much in page faults as pixelate's whole resize
  const run = (i: number, scratch: Uint8Array): Image | PromiseLike<Image> => {
    const view = datasetImage(dataset, i);
    scratch.set(view.data);
    const input = { ...view, data: scratch }; // its own copy: see the module comment
    const ctx = imageContext(options.seed, corruption, severity, i, table, params);
    return corruption.apply(input, ctx);
  };
  const store = (i: number, out: Image): void => {
    checkOutput(out, datasetImage(dataset, i), corruption, severity, i);
    images.set(out.data, i * size);
    done++;
    options.onProgress?.(done, dataset.count);
  };

  let next = 0;
  let sinceYield = 0;
  let failedAt = -1; // the image whose apply or output failed, for the message
  const worker = async (): Promise<void> => {
    const scratch = new Uint8Array(size);
    while (next < dataset.count) {
      const i = next++;
      try {
        const r = run(i, scratch);
        if (isThenable(r)) {
          store(i, await r);
        } else {
          store(i, r);
          // Synchronous corruptions never await; let timers and signals through now and then.
          if (++sinceYield >= 256) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      } catch (e) {
        if (failedAt < 0) failedAt = i;
        throw e;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, dataset.count)) }, worker));
  } catch (e) {
    const source = options.source;
    if (source === undefined || source === 'built-in' || e instanceof HarnessInputError) throw e;
    if (process.env.TOPK_HARNESS_DEBUG) process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    throw new PluginError(`corruption plugin '${corruption.name}' (${source}), severity ${severity}, image ${failedAt}: ${firstLine(e)}`, source, e);
  }

  return copy(images);
}

const asyncBuiltins = new WeakMap<Corruption, boolean>();

/**
 * Whether a built-in's apply returns a promise: tried once per corruption on a copy of image 0 (the result is
 * discarded) and remembered, since a built-in is either synchronous or not at every severity.
 */
async function isAsyncCorruption(corruption: Corruption, dataset: Dataset, severity: Severity, table: SeverityTable, seed: number | string): Promise<boolean> {
  const known = asyncBuiltins.get(corruption);
  if (known !== undefined) return known;
  const view = datasetImage(dataset, 0);
  const r = corruption.apply({ ...view, data: view.data.slice() }, imageContext(seed, corruption, severity, 0, table, corruption.params(severity, table)));
  if (isThenable(r)) await r;
  asyncBuiltins.set(corruption, isThenable(r));
  return isThenable(r);
}

function isThenable(v: unknown): v is PromiseLike<Image> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
