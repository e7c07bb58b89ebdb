/**
 * The corruption section of `npm run bench`: images/s of each of the 19 built-in corruptions at severity 3 with the
 * CIFAR-10-C table, on 2,000 seeded random 28x28x1 images (MNIST-shaped uint8 noise; the pixels do not change the
 * work any corruption does). Each corruption runs through corruptDataset, the path the corruption suite uses (so
 * jpeg_compression's batching of gray images counts), timed once over the 2,000 images.
 *
 * Warm-up: before its timed pass each corruption corrupts 50 other images once. That excludes one-off costs from the
 * rate — frost generates its procedural frost textures (from fixed streams) on first use and caches them, sharp
 * loads libvips' JPEG code on its first call, and V8 compiles the hot loops — so the numbers are steady-state
 * throughput. One thread (sharp's thread pool aside); the whole section took 6-9 s on the shared 2-core machine.
 */
import { builtinCorruptions, corruptDataset } from '../src/corruptions/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { rngFor } from '../src/rng.js';

/** Images in the timed pass, and in the warm-up pass. */
export const CORRUPTION_BENCH_IMAGES = 2000;
export const CORRUPTION_WARMUP_IMAGES = 50;

/** `count` seeded random 28x28x1 images (labels all 0). */
function seededImages(count: number, stream: string): Dataset {
  const rng = rngFor(0, 'bench', stream);
  const images = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rng() * 256);
  return { name: `bench-${stream}`, images, labels: new Uint8Array(count), count, height: 28, width: 28, channels: 1, classNames: ['0'] };
}

/**
 * images/s of every built-in corruption (canonical order) at severity 3, CIFAR table, after a 50-image warm-up pass
 * (see the module comment). Async because jpeg_compression goes through sharp.
 */
export async function benchCorruptions(): Promise<Record<string, { imagesPerSecond: number }>> {
  const timed = seededImages(CORRUPTION_BENCH_IMAGES, 'corruptions');
  const warm = seededImages(CORRUPTION_WARMUP_IMAGES, 'corruptions-warmup');
  const out: Record<string, { imagesPerSecond: number }> = {};
  for (const c of builtinCorruptions()) {
    await corruptDataset(warm, c, 3, { seed: 0, table: 'cifar' });
    const t0 = performance.now();
    await corruptDataset(timed, c, 3, { seed: 0, table: 'cifar' });
    const seconds = (performance.now() - t0) / 1000;
    out[c.name] = { imagesPerSecond: CORRUPTION_BENCH_IMAGES / seconds };
  }
  return out;
}
