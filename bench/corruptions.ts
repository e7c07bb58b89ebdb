/**
 * The corruption section of `npm run bench`: images/s of each of the 19 built-in corruptions at severity 3 on seeded
 * random RGB images at the two sizes of the issue: 32x32x3 with the CIFAR-10-C table (`px32`) and 224x224x3 with the
 * ImageNet-C table (`px224`). The pixels (uniform uint8 noise) do not change the work any corruption does. Each
 * corruption runs through corruptDataset, the path the corruption suite uses, timed once over the whole set:
 * CORRUPTION_BENCH_IMAGES_32 images at 32 px, CORRUPTION_BENCH_IMAGES_224 at 224 px (fewer: glass_blur with the
 * ImageNet table takes tens of ms per image).
 *
 * Warm-up: before its timed pass each corruption corrupts a few other images of the same size and table once. That
 * excludes one-off costs from the rate — frost generates its procedural frost textures (from fixed streams) on first
 * use and caches them, sharp loads libvips' JPEG code on its first call, and V8 compiles the hot loops — so the
 * numbers are steady-state throughput. One thread (sharp's thread pool aside).
 *
 * PYTHON_REFERENCE_PX32 holds the Python reference's images/s on 32 px images, as measured in the issue, for the
 * 15 benchmark corruptions; bench.ts prints each ratio.
 */
import { builtinCorruptions, corruptDataset, type SeverityTable } from '../src/corruptions/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { rngFor } from '../src/rng.js';

/** Images in the timed pass at each size. */
export const CORRUPTION_BENCH_IMAGES_32 = 2000;
export const CORRUPTION_BENCH_IMAGES_224 = 50;
/** Images in the warm-up pass at each size. */
export const CORRUPTION_WARMUP_IMAGES_32 = 20;
export const CORRUPTION_WARMUP_IMAGES_224 = 2;

/** The Python reference's images/s on 32 px images at severity 3 (issue 3, "Speed"). */
export const PYTHON_REFERENCE_PX32: Readonly<Record<string, number>> = {
  gaussian_noise: 9000, shot_noise: 3400, impulse_noise: 6000, defocus_blur: 3700, motion_blur: 650, zoom_blur: 270,
  glass_blur: 100, snow: 460, frost: 120, fog: 1700, brightness: 1600, contrast: 4500, elastic_transform: 1260,
  pixelate: 24000, jpeg_compression: 8400,
};

/** images/s of one corruption at each size (severity 3). */
export interface CorruptionSpeed {
  /** 32x32x3, CIFAR-10-C table. */
  px32: number;
  /** 224x224x3, ImageNet-C table. */
  px224: number;
}

/** `count` seeded random side x side x 3 images (labels all 0). */
function seededImages(count: number, side: number, stream: string): Dataset {
  const rng = rngFor(0, 'bench', stream);
  const images = new Uint8Array(count * side * side * 3);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(rng() * 256);
  return { name: `bench-${stream}`, images, labels: new Uint8Array(count), count, height: side, width: side, channels: 3, classNames: ['0'] };
}

/**
 * images/s of every built-in corruption (canonical order) at severity 3: px32 (CIFAR table) and px224 (ImageNet
 * table), each after its warm-up pass (see the module comment). `onCorruption` is called after each corruption.
 */
export async function benchCorruptions(onCorruption?: (name: string, speed: CorruptionSpeed) => void): Promise<Record<string, CorruptionSpeed>> {
  const sets = {
    px32: { table: 'cifar' as SeverityTable, timed: seededImages(CORRUPTION_BENCH_IMAGES_32, 32, 'corruptions-32'), warm: seededImages(CORRUPTION_WARMUP_IMAGES_32, 32, 'corruptions-32-warmup') },
    px224: { table: 'imagenet' as SeverityTable, timed: seededImages(CORRUPTION_BENCH_IMAGES_224, 224, 'corruptions-224'), warm: seededImages(CORRUPTION_WARMUP_IMAGES_224, 224, 'corruptions-224-warmup') },
  };
  const out: Record<string, CorruptionSpeed> = {};
  for (const c of await builtinCorruptions()) {
    const speed = { px32: 0, px224: 0 };
    for (const key of ['px32', 'px224'] as const) {
      const { table, timed, warm } = sets[key];
      await corruptDataset(warm, c, 3, { seed: 0, table });
      const t0 = performance.now();
      await corruptDataset(timed, c, 3, { seed: 0, table });
      speed[key] = timed.count / ((performance.now() - t0) / 1000);
    }
    out[c.name] = speed;
    onCorruption?.(c.name, speed);
  }
  return out;
}
