/**
 * Test images for the corruption tests, generated deterministically (no files): a "scene" with smooth
 * gradients, a bright disc, a dark bar and fine stripes (edges and texture for blurs, colour for HSV
 * corruptions, mid-tones so nothing starts clipped), and a digit-like stroke image for grayscale.
 */
import type { Dataset } from '../../src/data/dataset.js';
import type { Image } from '../../src/corruptions/image.js';

/** A representative RGB or gray image of the given size. */
export function sceneImage(height: number, width: number, channels: 1 | 3, variant = 0): Image {
  const data = new Uint8Array(height * width * channels);
  const cy = height * (0.4 + 0.05 * variant);
  const cx = width * (0.55 - 0.05 * variant);
  const r = Math.min(height, width) * 0.22;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / Math.max(1, width - 1);
      const v = y / Math.max(1, height - 1);
      let rgb = [60 + 120 * u, 80 + 100 * v, 150 - 80 * u * v];
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) rgb = [220, 190, 90];
      if (y > height * 0.72 && y < height * 0.8 && x > width * 0.15) rgb = [30, 40, 55];
      if (x < width * 0.2 && ((x + y + variant) >> 1) % 2 === 0) rgb = rgb.map((c) => c * 0.6);
      const o = (y * width + x) * channels;
      if (channels === 3) for (let c = 0; c < 3; c++) data[o + c] = Math.round(rgb[c]);
      else data[o] = Math.round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
    }
  }
  return { data, height, width, channels };
}

/** A white "7"-like stroke on black, MNIST style. */
export function digitImage(height = 28, width = 28, variant = 0): Image {
  const data = new Uint8Array(height * width);
  const t = Math.max(1, Math.round(Math.min(height, width) / 9));
  const top = Math.round(height * 0.2) + variant;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const onBar = y >= top && y < top + t && x >= width * 0.25 && x < width * 0.78;
      const xd = width * 0.75 - ((y - top) * 0.45);
      const onStem = y >= top && y < height * 0.85 && Math.abs(x - xd) < t * 0.8;
      if (onBar || onStem) data[y * width + x] = 255;
      else if (onBar || Math.abs(x - xd) < t * 1.4) data[y * width + x] = y >= top && y < height * 0.85 ? 120 : 0;
    }
  }
  return { data, height, width, channels: 1 };
}

/** An image filled with one colour (or gray value). */
export function uniformImage(height: number, width: number, value: readonly number[]): Image {
  const channels = value.length as 1 | 3;
  const data = new Uint8Array(height * width * channels);
  for (let i = 0; i < height * width; i++) data.set(value, i * channels);
  return { data, height, width, channels };
}

/** A dataset of `count` scene variants (labels 0..count-1 mod 10). */
export function sceneDataset(count: number, height: number, width: number, channels: 1 | 3): Dataset {
  const size = height * width * channels;
  const images = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) images.set(sceneImage(height, width, channels, i % 4).data, i * size);
  return {
    name: 'scenes', images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, height, width, channels,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

/** Mean absolute difference of two equally long byte arrays (0..255 scale). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
