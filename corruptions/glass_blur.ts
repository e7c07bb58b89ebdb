/**
 * glass_blur — frosted-glass look: Gaussian blur, then local pixel shuffling, then Gaussian blur again.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `glass_blur` with (sigma, max_delta, iterations):
 * 1. x1 = np.uint8(skimage gaussian(x, sigma) · 255) (truncated);
 * 2. `iterations` times, for h from H − δ down to δ + 1 and, inside, w from W − δ down to δ + 1: draw
 *    (dx, dy) = randint(−δ, δ) (δ excluded) and do `x[h, w], x[h', w'] = x[h', w'], x[h, w]` with
 *    (h', w') = (h + dy, w + dx);
 * 3. clip(gaussian(x1 / 255, sigma)) · 255, truncated. Blurs use scipy semantics (filters.ts gaussianFilter,
 *    truncate 4, 'nearest' borders).
 * The loop bounds use the image's own height and width (the reference hard-codes 32 or 224, which equals them
 * at the sizes it was written for; imagecorruptions uses the actual shape too).
 * Faithful quirk: on an RGB array, `x[h, w]` is a numpy view, so the reference's tuple assignment copies pixel
 * (h', w') onto (h, w) and leaves (h', w') as it was — it does not swap. The published CIFAR-10-C / ImageNet-C
 * files were made that way; this module reproduces the copy, for grayscale too (a 2-D numpy array would swap),
 * so both channel counts get the same operation.
 * Deviations: offsets come from the harness's seeded stream.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { gaussianFilter, gaussianFilterBytes } from '../src/corruptions/filters.js';
import { imageFromUnit, toUnit, type Image } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';

/** The bytes of unitToByte(skimage gaussian(x / 255, sigma)): WebAssembly, else the JavaScript filter. */
function blurBytes(image: Image, sigma: number): Uint8Array {
  const { height: h, width: w, channels: c } = image;
  return gaussianFilterBytes(image.data, h, w, c, sigma, 'nearest') ?? imageFromUnit(gaussianFilter(toUnit(image), h, w, c, sigma, 'nearest'), image).data;
}

export interface GlassBlurParams {
  /** Gaussian sigma (px) of both blurs. */
  sigma: number;
  /** Largest shuffle offset δ (px); offsets are drawn from [−δ, δ − 1]. */
  maxDelta: number;
  /** Number of shuffle passes. */
  iterations: number;
}

export default defineCorruption<GlassBlurParams>({
  name: 'glass_blur',
  version: 1,
  family: 'blur',
  description: 'Gaussian blur, local pixel shuffling within ±maxDelta px (iterations passes), Gaussian blur again',
  severities: {
    cifar: [
      { sigma: 0.05, maxDelta: 1, iterations: 1 },
      { sigma: 0.25, maxDelta: 1, iterations: 1 },
      { sigma: 0.4, maxDelta: 1, iterations: 1 },
      { sigma: 0.25, maxDelta: 1, iterations: 2 },
      { sigma: 0.4, maxDelta: 1, iterations: 2 },
    ],
    imagenet: [
      { sigma: 0.7, maxDelta: 1, iterations: 2 },
      { sigma: 0.9, maxDelta: 2, iterations: 1 },
      { sigma: 1, maxDelta: 2, iterations: 3 },
      { sigma: 1.1, maxDelta: 3, iterations: 2 },
      { sigma: 1.5, maxDelta: 4, iterations: 2 },
    ],
  },
  apply(image, { rng, params }) {
    const { height: h, width: w, channels: c } = image;
    const { sigma, maxDelta: d, iterations } = params;
    // The blurs bytes to bytes (WebAssembly, or the JavaScript filter between toUnit and unitToByte: the same
    // bytes), the shuffle on bytes: the values it moves are the first blur's bytes either way.
    const px = blurBytes(image, sigma);
    const s = pixelStream(rng);
    const offsets = new Int32Array(2 * Math.max(0, w - 2 * d)); // one row's (dx, dy) draws, in the reference's order
    for (let it = 0; it < iterations; it++) {
      for (let y = h - d; y > d; y--) {
        s.fillIntIn(offsets, -d, d);
        for (let x = w - d, k = 0; x > d; x--, k += 2) {
          const dst = (y * w + x) * c;
          const src = ((y + offsets[k + 1]) * w + (x + offsets[k])) * c;
          for (let ch = 0; ch < c; ch++) px[dst + ch] = px[src + ch];
        }
      }
    }
    return { ...image, data: blurBytes({ ...image, data: px }, sigma) };
  },
});
