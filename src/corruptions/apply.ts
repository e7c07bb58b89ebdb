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
 * copy every call. The built-ins are the exception: they only read their input (registry.ts isBuiltinCorruption;
 * tested), so they get a view of the dataset's own pixels, which saves a copy per image (a 150 KB copy is 10-20%
 * of jpeg_compression's or pixelate's whole work at 224 px).
 */
import type { Dataset } from '../data/dataset.js';
import { HarnessInputError } from '../errors.js';
import { rngFor, type Rng } from '../rng.js';
import { assertSeverity, assertTable, severityTableFor, type Corruption, type CorruptionContext, type Severity, type SeverityTable } from './define.js';
import { datasetImage, imageProblem, type Image, type ImageShape } from './image.js';
import { corruptPixelsInPool, DEFAULT_CORRUPTION_TIMEOUT_SECONDS } from './pool.js';
import { builtinCorruptionFile, isBuiltinCorruption } from './registry.js';

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
  output?: Uint8Array,
): CorruptionContext<P> {
  let rng: Rng | undefined;
  return {
    severity,
    table,
    params,
    ...(output === undefined ? {} : { output }),
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
  /**
   * A buffer to reuse for the result's pixels (count·height·width·channels bytes): the result's `images` is this
   * array, overwritten. For callers that drop each result before the next call (the corruption suite): a fresh
   * image-sized output costs its page faults on first write, about 90 us per 224 px image here, as much as
   * pixelate's whole work per image.
   */
  into?: Uint8Array;
  /** The plugin's resolved module file (registry.fileOf), which pool workers import; default `source` from the working directory. */
  module?: string;
  /** Per-call time limit on the pool, seconds (default DEFAULT_CORRUPTION_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
}

/** Below this many pixel bytes a built-in stays on this thread: starting workers would cost more than it saves. */
const POOL_MIN_BYTES = 1 << 21;

/** A built-in corrupts up to this many images (a sixteenth of a smaller job) on this thread, timed, for at least POOL_PROBE_MS, in chunks, before the rest may go to the pool. */
const POOL_PROBE_IMAGES = 32;
const POOL_PROBE_MS = 2;
const POOL_PROBE_CHUNK = 8;

/**
 * The probe's verdict per built-in and (severity, table, image size): the pool's module file, or false to stay on
 * this thread. Later jobs of the same kind (the other passes of a bench, the same corruption on another split) go
 * straight to their side without a serial probe.
 */
const poolDecisions = new WeakMap<Corruption, Map<string, string | false>>();

/**
 * Whether the pool gains on `usPerImage` of work per image of `size` bytes, `remaining` images left after the probe.
 * - Dataset and output in shared memory (`sharedIO`: sharedPixels, as the corruption suite and the bench hold them):
 *   the workers read and write them in place, and each claims its next image from a shared counter, so the pool's
 *   cost is a few messages per job. Measured with 2 threads (bench --threads 1,2 with the pool forced): even
 *   pixelate, ~7 us per 32 px image and ~75 us per 224 px image, ran 1.5x and 1.2x as fast as on one thread. The
 *   pool then pays whenever the job holds more than a millisecond of work.
 * - Otherwise every job copies the dataset into new shared memory and the workers page-fault a new output, about
 *   2-3 us per KB plus 10 us per image on 2 cores whatever the corruption (pixelate and contrast ran at 0.5-0.9x
 *   of one thread); the pool pays when the work exceeds that cost by T/(T - 1), the bound taken for 2 threads
 *   with margin.
 */
function poolPays(usPerImage: number, size: number, remaining: number, sharedIO: boolean): boolean {
  if (sharedIO) return usPerImage * remaining > 1000;
  return usPerImage > Math.max(40, (6 * size) / 1024);
}

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
  if (options.into !== undefined && options.into.length !== dataset.images.length) {
    throw new RangeError(`corruptDataset: options.into holds ${options.into.length} bytes; the dataset's images take ${dataset.images.length}`);
  }
  /** The result, its pixels in options.into when given (where the pool wrote them in place, nothing to copy). */
  const result = (pixels: Uint8Array): Dataset => {
    if (options.into !== undefined && !isSlot(pixels, options.into, 0)) options.into.set(pixels);
    return copy(options.into ?? pixels);
  };
  /** Images [first, count) on the pool, which imports the corruption from `module`. */
  const onPool = (module: string, source: string, first = 0): Promise<Uint8Array> => corruptPixelsInPool(dataset, corruption, severity, {
    seed: options.seed, table, threads, timeoutSeconds: options.timeoutSeconds ?? DEFAULT_CORRUPTION_TIMEOUT_SECONDS,
    module, source, first, onProgress: options.onProgress,
    // a plugin gets a fresh output to write into: a shared `into` lives on (the suite's buffer for every corruption),
    // and a plugin that kept its ctx.output could write into a later result
    into: source === 'built-in' ? options.into : undefined,
  });
  if (options.source !== undefined && options.source !== 'built-in') {
    // a plugin: from its file (`module`, or its specifier from the working directory)
    return result(await onPool(options.module ?? options.source, options.source));
  }

  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 64));
  const size = dataset.height * dataset.width * dataset.channels;
  const count = dataset.count;
  const images = options.into ?? new Uint8Array(count * size);
  const params = corruption.params(severity, table);
  let done = 0;

  // `scratch`: the calling worker's input buffer, reused from image to image (see the module comment): a fresh
  // 150 KB copy per 224 px image cost about as much in page faults as pixelate's whole resize
  const shareInput = isBuiltinCorruption(corruption);
  const run = (i: number, scratch: Uint8Array | undefined): Image | PromiseLike<Image> => {
    const view = datasetImage(dataset, i);
    let input = view; // a built-in's: the dataset's own pixels, which it only reads (see the module comment)
    if (scratch !== undefined) {
      scratch.set(view.data);
      input = { ...view, data: scratch }; // its own copy
    }
    const ctx = imageContext(options.seed, corruption, severity, i, table, params, images.subarray(i * size, (i + 1) * size));
    return corruption.apply(input, ctx);
  };
  const store = (i: number, out: Image): void => {
    checkOutput(out, datasetImage(dataset, i), corruption, severity, i);
    if (!isSlot(out.data, images, i * size)) images.set(out.data, i * size); // else written in place (ctx.output)
    done++;
    options.onProgress?.(done, count);
  };

  /** Images [from, to) on this thread, up to `concurrency` in flight; whether any call returned a promise. */
  const inline = async (from: number, to: number): Promise<boolean> => {
    let next = from;
    let sinceYield = 0;
    let sawAsync = false;
    const worker = async (): Promise<void> => {
      // made when this worker gets its first image: a synchronous corruption's first worker takes every image
      // before the others start, and 63 unused 150 KB buffers per call cost ~130 us per 224 px image (64 images)
      let scratch: Uint8Array | undefined;
      while (next < to) {
        if (!shareInput) scratch ??= new Uint8Array(size);
        const i = next++;
        const r = run(i, scratch);
        if (isThenable(r)) {
          sawAsync = true;
          store(i, await r);
        } else {
          store(i, r);
          // Synchronous corruptions never await; let timers and signals through now and then.
          if (++sinceYield >= 256) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, to - from)) }, worker));
    return sawAsync;
  };

  const sharedIO = dataset.images.buffer instanceof SharedArrayBuffer && options.into?.buffer instanceof SharedArrayBuffer;
  const decisionKey = `${severity}|${table}|${size}|${sharedIO}`;
  let decisions = poolDecisions.get(corruption);
  if (decisions === undefined) poolDecisions.set(corruption, (decisions = new Map()));
  const decided = threads <= 1 || images.length < POOL_MIN_BYTES ? false : decisions.get(decisionKey);
  if (decided === false) {
    await inline(0, count);
    return result(images);
  }
  if (decided !== undefined) return result(await onPool(decided, 'built-in'));
  // A built-in with threads to use: the first images on this thread, timed; the rest go to the pool only when the
  // work per image pays for the pool's own cost per image (see poolPays), and never for an asynchronous corruption,
  // which already spreads over libuv's threads from here (sharp's JPEG measured 0.68x on the pool with 2 threads).
  // Timed in chunks: the fastest chunk's rate stands for the work (a GC pause or a first compilation inside one
  // chunk would otherwise send a cheap corruption to the pool).
  let probe = 0;
  let sawAsync = false;
  let usPerImage = Number.POSITIVE_INFINITY;
  const probeStart = performance.now();
  const probeImages = Math.min(POOL_PROBE_IMAGES, Math.ceil(count / 16)); // a sixteenth of a small job at most
  const chunk = Math.min(POOL_PROBE_CHUNK, probeImages);
  while (probe < count && (probe < probeImages || performance.now() - probeStart < POOL_PROBE_MS)) {
    const to = Math.min(count, probe + chunk);
    const t0 = performance.now();
    sawAsync = (await inline(probe, to)) || sawAsync;
    usPerImage = Math.min(usPerImage, ((performance.now() - t0) * 1000) / (to - probe));
    probe = to;
  }
  // the pool imports a built-in from its file, so only the registered built-in object itself can go there
  const file = sawAsync || !poolPays(usPerImage, size, count - probe, sharedIO) ? undefined : await builtinCorruptionFile(corruption);
  decisions.set(decisionKey, file ?? false);
  if (file === undefined || probe === count) {
    await inline(probe, count);
    return result(images);
  }
  const pooled = await onPool(file, 'built-in', probe);
  if (!isSlot(pooled, images, 0)) pooled.set(images.subarray(0, probe * size)); // else the first images are there already
  return result(pooled);
}

/** Whether data is exactly the slot of `all` that starts at `offset` (a result apply wrote into ctx.output). */
export function isSlot(data: Uint8Array, all: Uint8Array, offset: number): boolean {
  return data.buffer === all.buffer && data.byteOffset === all.byteOffset + offset;
}

function isThenable(v: unknown): v is PromiseLike<Image> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
