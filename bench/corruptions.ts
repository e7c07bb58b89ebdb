/**
 * The corruption section of `npm run bench`: images/s of each of the 19 built-in corruptions at severity 3, at the
 * two sizes of the paper's benchmarks: 32x32x3 with the CIFAR-10-C table (`px32`) and 224x224x3 with the ImageNet-C
 * table (`px224`), on the inputs the Python peer (shared/peer/corruptions_peer.py) uses:
 * - `noise`: uniform random RGB bytes (the peer's default);
 * - `smooth`: a random 1/8-resolution colour field enlarged bicubically plus N(0, 4) pixel noise, photo-like (the
 *   peer's `--input smooth`; same recipe, sharp's cubic resize instead of OpenCV's, other random draws).
 * Content matters mainly to jpeg_compression (entropy coding); the other corruptions do the same work on any pixels.
 *
 * Each corruption runs through corruptDataset, the path the corruption suite uses, with `threads` worker threads
 * (1: everything on this thread and sharp limited to one thread, i.e. one core). As the peer does, each gets a
 * warm-up pass on other images (frost's texture generation, sharp's first JPEG call, V8 compilation and, on the pool,
 * the workers' start stay out of the rate), then REPS timed passes; the rate is that of the median pass.
 */
import sharp from 'sharp';
import { builtinCorruptions, corruptDataset, type SeverityTable } from '../src/corruptions/index.js';
import { closeCorruptionPools, sharedPixels } from '../src/corruptions/pool.js';
import { pixelStream } from '../src/corruptions/random.js';
import type { Dataset } from '../src/data/dataset.js';
import { rngFor } from '../src/rng.js';

/** Images per timed pass at each size (the pool splits a pass into tasks, so a pass must be long enough to share). */
export const CORRUPTION_BENCH_IMAGES_32 = 2000;
export const CORRUPTION_BENCH_IMAGES_224 = 64;
/** Images in the warm-up pass at each size. */
export const CORRUPTION_WARMUP_IMAGES_32 = 40;
export const CORRUPTION_WARMUP_IMAGES_224 = 4;
/** Timed passes; the median is reported (as the peer's --reps 3)... */
export const CORRUPTION_BENCH_REPS = 3;
/**
 * ...and more passes until they took this long in all: a fast corruption's pass of 64 images at 224 px lasts a few
 * ms, where one GC pause or scheduler hiccup moved its median of three by 2x (pixelate's 2-thread column read 0.45x
 * of its 1-thread one, both running the same code on this thread).
 */
export const CORRUPTION_BENCH_MIN_MS = 300;

export type BenchInput = 'noise' | 'smooth';

/** images/s of one corruption at each size (severity 3). */
export interface CorruptionSpeed {
  /** 32x32x3, CIFAR-10-C table. */
  px32: number;
  /** 224x224x3, ImageNet-C table. */
  px224: number;
}

/** `count` seeded side x side x 3 images of the given kind (labels all 0). */
export async function benchImages(count: number, side: number, stream: string, input: BenchInput): Promise<Dataset> {
  const rng = rngFor(0, 'bench', stream, input);
  const size = side * side * 3;
  const images = new Uint8Array(count * size);
  if (input === 'noise') {
    for (let i = 0; i < images.length; i++) images[i] = Math.floor(rng() * 256);
  } else {
    const small = Math.max(2, Math.floor(side / 8));
    const noise = pixelStream(rng);
    for (let n = 0; n < count; n++) {
      const low = Buffer.alloc(small * small * 3);
      for (let i = 0; i < low.length; i++) low[i] = Math.floor(rng() * 256);
      const big = await sharp(low, { raw: { width: small, height: small, channels: 3 } }).resize(side, side, { kernel: 'cubic' }).raw().toBuffer();
      for (let i = 0; i < size; i++) {
        images[n * size + i] = Math.max(0, Math.min(255, Math.round(big[i] + 4 * noise.normal()))); // N(0, 4) pixel noise
      }
    }
  }
  return { name: `bench-${stream}-${input}`, images, labels: new Uint8Array(count), count, height: side, width: side, channels: 3, classNames: ['0'] };
}

export interface CorruptionBenchOptions {
  /** Worker threads of the corruption pool (1: this thread only, sharp on one thread). */
  threads: number;
  input: BenchInput;
  /** Only these corruptions (default all 19). */
  only?: readonly string[];
  onCorruption?: (name: string, speed: CorruptionSpeed) => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs `pass` at least CORRUPTION_BENCH_REPS times and for at least CORRUPTION_BENCH_MIN_MS; each pass's ms. */
async function timedPasses(pass: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  const start = performance.now();
  while (ms.length < CORRUPTION_BENCH_REPS || performance.now() - start < CORRUPTION_BENCH_MIN_MS) {
    const t0 = performance.now();
    await pass();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** images/s of every built-in corruption (canonical order) at severity 3 at both sizes; see the module comment. */
export async function benchCorruptions(o: CorruptionBenchOptions): Promise<Record<string, CorruptionSpeed>> {
  const sharpThreads = sharp.concurrency();
  if (o.threads === 1) sharp.concurrency(1);
  try {
    const sets = {
      px32: { table: 'cifar' as SeverityTable, timed: await benchImages(CORRUPTION_BENCH_IMAGES_32, 32, 'corruptions-32', o.input), warm: await benchImages(CORRUPTION_WARMUP_IMAGES_32, 32, 'corruptions-32-warmup', o.input) },
      px224: { table: 'imagenet' as SeverityTable, timed: await benchImages(CORRUPTION_BENCH_IMAGES_224, 224, 'corruptions-224', o.input), warm: await benchImages(CORRUPTION_WARMUP_IMAGES_224, 224, 'corruptions-224-warmup', o.input) },
    };
    const out: Record<string, CorruptionSpeed> = {};
    for (const c of await builtinCorruptions()) {
      if (o.only && !o.only.includes(c.name)) continue;
      const speed = { px32: 0, px224: 0 };
      for (const key of ['px32', 'px224'] as const) {
        const { table, timed, warm } = sets[key];
        // one output buffer for every pass, as the corruption suite reuses one (apply.ts: options.into); with threads,
        // it and the images in shared memory, as the suite has them (pool.ts sharedPixels)
        const into = o.threads > 1 ? sharedPixels(new Uint8Array(timed.images.length)) : new Uint8Array(timed.images.length);
        const input = o.threads > 1 ? { ...timed, images: sharedPixels(timed.images) } : timed;
        const pass = () => corruptDataset(input, c, 3, { seed: 0, table, threads: o.threads, into });
        if (o.threads > 1) {
          // The warm-up goes through the same path (below the pool's size threshold a small set would stay on this
          // thread), for as long as a timed run: each worker compiles the corruption's code on its first images and
          // optimises it later, so gaussian_noise's first pool passes at 32 px ran at 3-19k images/s, its later ones
          // at 33-45k (in a suite run the pool lives on from corruption to corruption and severity to severity)
          await timedPasses(pass);
        } else {
          await corruptDataset(warm, c, 3, { seed: 0, table, threads: o.threads });
        }
        speed[key] = median((await timedPasses(pass)).map((ms) => timed.count / (ms / 1000)));
      }
      out[c.name] = speed;
      o.onCorruption?.(c.name, speed);
    }
    return out;
  } finally {
    sharp.concurrency(sharpThreads);
    await closeCorruptionPools();
  }
}
