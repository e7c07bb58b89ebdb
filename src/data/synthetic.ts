/**
 * A seeded synthetic classification set for tests and smoke runs: trivially learnable, so a tiny ViT reaches high
 * accuracy in seconds, and byte-for-byte deterministic for a seed.
 *
 * The image is divided into a grid of rows x cols cells (cols = ceil(sqrt(classes)), rows = ceil(classes / cols));
 * class k owns cell k (row-major). An example of class k is bright (255 - noise) inside its cell, in every channel,
 * and dark (0 + noise) elsewhere, where each noise value is drawn independently and uniformly from [0, noise).
 * With the default noise 64 the bright and dark ranges (192..255 vs 0..63) never overlap.
 *
 * Labels are balanced: example i starts with label i % classes, and the labels are then shuffled by a seeded
 * permutation. Randomness comes from rngFor(seed, 'synthetic', 'labels') and rngFor(seed, 'synthetic', 'noise').
 */
import { HarnessInputError } from '../errors.js';
import { permutation, rngFor } from '../rng.js';
import type { Dataset } from './dataset.js';

/** Options for syntheticDataset. */
export interface SyntheticOptions {
  /** Number of examples, >= 1. */
  count: number;
  /** Image height, >= the number of grid rows. */
  height: number;
  /** Image width, >= the number of grid columns. */
  width: number;
  /** 1 or 3. */
  channels: number;
  /** Number of classes, 2..256. */
  classes: number;
  /** Run seed; the same seed (and options) gives the same bytes. */
  seed: number | string;
  /** Dataset name; default 'synthetic'. Does not affect the content. */
  name?: string;
  /** Noise amplitude, an integer in [0, 128]; default 64. */
  noise?: number;
}

function checkInt(value: number, what: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HarnessInputError(`synthetic ${what} ${value} is invalid; it must be an integer in [${min}, ${max}]`, what);
  }
}

/** The grid of class cells: cols = ceil(sqrt(classes)), rows = ceil(classes / cols). */
export function syntheticGrid(classes: number): { rows: number; cols: number } {
  const cols = Math.ceil(Math.sqrt(classes));
  return { rows: Math.ceil(classes / cols), cols };
}

/**
 * Build the synthetic dataset described in the module comment; class names are 'class0', 'class1', ...
 * @throws HarnessInputError naming any out-of-range option and its allowed range (including images too small to
 *   give every class a cell of at least one pixel).
 */
export function syntheticDataset(opts: SyntheticOptions): Dataset {
  const { count, height, width, channels, classes, seed } = opts;
  const noise = opts.noise ?? 64;
  checkInt(count, 'count', 1, 10_000_000);
  checkInt(classes, 'classes', 2, 256);
  const { rows, cols } = syntheticGrid(classes);
  checkInt(height, 'height', rows, 4096);
  checkInt(width, 'width', cols, 4096);
  if (channels !== 1 && channels !== 3) {
    throw new HarnessInputError(`synthetic channels ${channels} is invalid; allowed: 1, 3`, 'channels');
  }
  checkInt(noise, 'noise', 0, 128);

  // masks[k * pixels + p] = 1 when pixel p (y * width + x) lies in class k's cell.
  const pixels = height * width;
  const masks = new Uint8Array(classes * pixels);
  for (let k = 0; k < classes; k++) {
    const r = Math.floor(k / cols);
    const c = k % cols;
    const y0 = Math.floor((r * height) / rows);
    const y1 = Math.floor(((r + 1) * height) / rows);
    const x0 = Math.floor((c * width) / cols);
    const x1 = Math.floor(((c + 1) * width) / cols);
    for (let y = y0; y < y1; y++) masks.fill(1, k * pixels + y * width + x0, k * pixels + y * width + x1);
  }

  const labels = new Uint8Array(count);
  const order = permutation(rngFor(seed, 'synthetic', 'labels'), count);
  for (let i = 0; i < count; i++) labels[order[i]] = i % classes;

  const size = pixels * channels;
  const images = new Uint8Array(count * size);
  const rng = rngFor(seed, 'synthetic', 'noise');
  let bits = 0;
  let left = 0; // unused bytes remaining in `bits`
  for (let i = 0; i < count; i++) {
    const maskBase = labels[i] * pixels;
    let o = i * size;
    for (let p = 0; p < pixels; p++) {
      const bright = masks[maskBase + p] === 1;
      for (let ch = 0; ch < channels; ch++, o++) {
        if (left === 0) {
          bits = rng.int32();
          left = 4;
        }
        const n = ((bits & 0xff) * noise) >> 8;
        bits >>>= 8;
        left--;
        images[o] = bright ? 255 - n : n;
      }
    }
  }

  const classNames = Array.from({ length: classes }, (_, k) => `class${k}`);
  return { name: opts.name ?? 'synthetic', images, labels, count, height, width, channels, classNames };
}
