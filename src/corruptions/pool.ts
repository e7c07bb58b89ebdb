/**
 * The corruption pool: corruptDataset's images spread over worker threads (piscina), sized by `threads`, with a
 * per-call time limit. Output is byte-identical for any pool size: image i always gets the random stream
 * corruptionStream(seed, corruption, severity, i) and lands at offset i (pool-task.ts).
 *
 * Plugins always run here, even with one thread: a worker thread is the only place where a corruption that loops
 * forever can be stopped, and it hands every call its own copy of the input. Built-ins run here when threads > 1.
 *
 * Time limit: a watchdog on the main thread reads, every 100 ms, which image each running task is on; a call that
 * has not finished after `timeoutSeconds` (an endless loop, a promise that never settles) stops its thread and
 * fails the run with the corruption, severity and image named.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Dataset } from '../data/dataset.js';
import { firstLine, PluginError } from '../plugins/plugin-error.js';
import type { Corruption, Severity, SeverityTable } from './define.js';
import type { PoolResult, PoolTask } from './pool-worker.js';

/** A corruption call that overran corruption.timeoutSeconds; its worker thread was stopped (exit 2 at the CLI). */
export class CorruptionTimeoutError extends PluginError {
  constructor(message: string, source: string) {
    super(message, source);
    this.name = 'CorruptionTimeoutError';
  }
}

/** Default per-call limit: generous (the slowest built-in takes well under a second per 224 px image). */
export const DEFAULT_CORRUPTION_TIMEOUT_SECONDS = 120;

/** Worker threads for the corruption pool: TOPK_CORRUPTION_THREADS, else one per core. */
export function defaultCorruptionThreads(): number {
  const env = process.env.TOPK_CORRUPTION_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`TOPK_CORRUPTION_THREADS must be an integer ≥ 1, got '${env}'`);
    return n;
  }
  return availableParallelism();
}

export function checkThreads(threads: number, what = 'threads'): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new RangeError(`${what} must be an integer in [1, 1024], got ${threads}`);
  return threads;
}

export function checkTimeout(seconds: number): number {
  if (!(typeof seconds === 'number' && seconds > 0 && Number.isFinite(seconds))) throw new RangeError(`corruption.timeoutSeconds must be a number > 0, got ${seconds}`);
  return seconds;
}

/** The worker module beside this one: .ts when running from source (tsx, inherited by the worker), .js when built. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/pool\.(ts|js)$/, (_m, ext: string) => `pool-worker.${ext}`);
}

const pools = new Map<number, Piscina>();

function poolOf(threads: number): Piscina {
  let p = pools.get(threads);
  if (!p) {
    p = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000, atomics: 'disabled' });
    // minThreads = maxThreads: a thread stopped by the time limit is replaced at once, so queued tasks still run
    // (with minThreads 0 they stalled); idle threads do not keep the process alive
    pools.set(threads, p);
  }
  return p;
}

/** Stop every pool's threads (the end of a suite or command; idle threads also stop on their own after 60 s). */
export async function closeCorruptionPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

export interface PoolRunOptions {
  seed: number | string;
  table: SeverityTable;
  threads: number;
  timeoutSeconds: number;
  /** The module file the corruption loads from (registry.fileOf, or builtinCorruptionFile for a built-in). */
  module: string;
  /** 'built-in' or the plugin's specifier: plugin failures become one PluginError line. */
  source: string;
  /** Images before this one are the caller's (default 0): the tasks cover [first, count); progress counts from it. */
  first?: number;
  /** Where the workers write the pixels when it is shared memory (see corruptPixelsInPool); otherwise ignored. */
  into?: Uint8Array;
  onProgress?: (done: number, total: number) => void;
}

/** `a` when its memory is a SharedArrayBuffer (the workers can read and write it in place), else undefined. */
function shared(a: Uint8Array | undefined): (Uint8Array & { buffer: SharedArrayBuffer }) | undefined {
  return a !== undefined && a.buffer instanceof SharedArrayBuffer ? (a as Uint8Array & { buffer: SharedArrayBuffer }) : undefined;
}

/**
 * Corrupt the images of `dataset` from `first` on, on the pool; returns the pixels (count × size bytes; before
 * `first`: zeros, or what `into` held). The workers read the dataset's pixels and write `o.into` in place where
 * these are shared memory (sharedPixels: the corruption suite's test split and output buffer); otherwise they are
 * copied into and out of new shared buffers, which for 64 images at 224 px cost about as much as a fast
 * corruption's work.
 */
export async function corruptPixelsInPool(dataset: Dataset, corruption: Corruption, severity: Severity, o: PoolRunOptions): Promise<Uint8Array> {
  checkThreads(o.threads);
  checkTimeout(o.timeoutSeconds);
  const size = dataset.height * dataset.width * dataset.channels;
  const count = dataset.count;
  const first = o.first ?? 0;
  const sharedIn = shared(dataset.images);
  const input = sharedIn?.buffer ?? new SharedArrayBuffer(count * size);
  const inputOffset = sharedIn?.byteOffset ?? 0;
  if (sharedIn === undefined) new Uint8Array(input).set(dataset.images.subarray(first * size, count * size), first * size); // the tasks' images only
  const sharedOut = o.into !== undefined && o.into.length === count * size ? shared(o.into) : undefined;
  const output = sharedOut?.buffer ?? new SharedArrayBuffer(count * size);
  const outputOffset = sharedOut?.byteOffset ?? 0;
  if (count === 0) return new Uint8Array(0);

  // One task per thread, each claiming images from a shared counter until none are left: the load evens out by
  // itself, and no task boundary waits on a message through this thread. With eight fixed ranges per thread, those
  // round trips held jpeg_compression at 224 px (~0.4 ms an image) to 0.9-1.3x on two threads; now 1.6-1.8x.
  const tasks = Math.min(o.threads, count - first);
  const nextSlot = tasks, doneSlot = tasks + 1, cancelSlot = tasks + 2;
  const status = new SharedArrayBuffer(4 * (tasks + 3));
  const view = new Int32Array(status);
  view[nextSlot] = first;
  const pool = poolOf(o.threads);
  const controllers = Array.from({ length: tasks }, () => new AbortController());
  // every failure with its image; the lowest image is reported, so the message does not depend on thread timing
  const failures: { index: number; error: Error }[] = [];
  // After a failure the other tasks stop at their next image (the cancel flag); only a call that overran the time
  // limit has its thread stopped (aborting a task that is about to answer makes piscina throw an uncaught error).
  const fail = (error: Error, index = Number.POSITIVE_INFINITY) => {
    failures.push({ index, error });
    Atomics.store(view, cancelSlot, 1);
  };
  const where = (index: number) => `corruption ${o.source === 'built-in' ? `'${corruption.name}'` : `plugin '${corruption.name}' (${o.source})`}, severity ${severity}, image ${index}`;
  const asError = (r: Extract<PoolResult, { ok: false }>): Error => {
    if (process.env.TOPK_HARNESS_DEBUG && r.stack) process.stderr.write(`${r.stack}\n`);
    const message = `${where(r.index)}: ${firstLine(r.message)}`;
    return o.source === 'built-in' ? new Error(message) : new PluginError(message, o.source, new Error(r.message));
  };

  // the watchdog: per running task, the image it is on and since when
  const seen = controllers.map(() => ({ value: 0, since: performance.now() }));
  const limitMs = o.timeoutSeconds * 1000;
  const watchdog = setInterval(() => {
    const now = performance.now();
    controllers.forEach((_, t) => {
      const v = Atomics.load(view, t);
      if (v !== seen[t].value) seen[t] = { value: v, since: now };
      else if (v > 0 && now - seen[t].since > limitMs && !controllers[t].signal.aborted) {
        const msg = `${where(v - 1)}: no result after ${o.timeoutSeconds} s (corruption.timeoutSeconds); its worker thread was stopped`;
        fail(new CorruptionTimeoutError(msg, o.source), v - 1);
        controllers[t].abort();
      }
    });
    o.onProgress?.(first + Atomics.load(view, doneSlot), count);
  }, 100);

  try {
    await Promise.all(controllers.map(async (_, t) => {
      const task: PoolTask = {
        module: o.module, name: corruption.name, cwd: process.cwd(), seed: o.seed, severity, table: o.table,
        height: dataset.height, width: dataset.width, channels: dataset.channels as 1 | 3,
        input, inputOffset, shareInput: o.source === 'built-in', output, outputOffset, start: first, end: count, status, slot: t, nextSlot, doneSlot, cancelSlot,
      };
      try {
        const r = (await pool.run(task, { signal: controllers[t].signal })) as PoolResult;
        if (!r.ok) fail(asError(r), r.index);
      } catch (e) {
        if (!controllers[t].signal.aborted) fail(e instanceof Error ? e : new Error(String(e))); // an abort is the timeout's
      }
    }));
  } finally {
    clearInterval(watchdog);
  }
  if (failures.length > 0) throw failures.reduce((a, b) => (b.index < a.index ? b : a)).error;
  o.onProgress?.(count, count);
  return new Uint8Array(output, outputOffset, count * size);
}

/**
 * A copy of `pixels` in shared memory, for a buffer that many corruptDataset calls with threads > 1 read (a
 * dataset's images) or write (options.into): the pool's workers then use it in place instead of a copy per call.
 */
export function sharedPixels(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(pixels.length));
  out.set(pixels);
  return out;
}
