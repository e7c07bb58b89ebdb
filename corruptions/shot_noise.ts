/**
 * shot_noise — Poisson (photon) noise: Poisson(x·c) / c on the 0..1 scale, clipped. Smaller c = fewer photons =
 * stronger noise.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `shot_noise`
 * (`np.clip(np.random.poisson(x * c) / c, 0, 1) * 255`, truncated to uint8).
 * Deviations: Poisson draws by inversion of an exact CDF table per rate (random.ts) from the harness's seeded
 * stream instead of numpy's generator: same distribution, different draws.
 * Grayscale: the same per-value noise on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { FLOAT_NOISE } from '../src/corruptions/image.js';
import { pixelStream, poissonCdf, type GuidedCdf } from '../src/corruptions/random.js';

const cdfCache = new Map<number, (GuidedCdf | null)[]>();

/** Poisson CDFs for rate (v/255)·c, one per byte value v (null for v = 0, which always gives 0). */
function levelCdfs(c: number): (GuidedCdf | null)[] {
  let t = cdfCache.get(c);
  if (t === undefined) {
    t = Array.from({ length: 256 }, (_, v) => (v === 0 ? null : poissonCdf((v / 255) * c)));
    cdfCache.set(c, t);
  }
  return t;
}

/** The counts' buffer, reused from image to image (apply is synchronous and keeps nothing of it). */
let countScratch = new Int32Array(0);

const byteCache = new Map<number, Uint8Array>();

/**
 * The output byte of each count k below c: unitToByte(k / c) (k / c is finite and >= 0; from k = c on it is 255), a
 * table so that the loop over the pixels does no division.
 */
function countBytes(c: number): Uint8Array {
  let t = byteCache.get(c);
  if (t === undefined) {
    const n = Math.max(1, Math.ceil(c)); // k = 0 by the formula even for a c <= 0 (0 / 0 gives byte 0, as before)
    t = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const v = k / c;
      t[k] = v >= 1 ? 255 : (v * 255 + FLOAT_NOISE) | 0;
    }
    byteCache.set(c, t);
  }
  return t;
}

export default defineCorruption<number>({
  name: 'shot_noise',
  version: 1,
  family: 'noise',
  description: 'Poisson noise Poisson(x·c)/c; c = photon count at full intensity (smaller is noisier)',
  severities: {
    cifar: [500, 250, 100, 75, 50],
    imagenet: [60, 25, 12, 5, 3],
  },
  apply(image, { rng, params: c }) {
    const src = image.data;
    if (countScratch.length < src.length) countScratch = new Int32Array(src.length);
    const counts = pixelStream(rng).fillFromCdfs(src, levelCdfs(c), countScratch);
    const lut = countBytes(c);
    const top = lut.length;
    const out = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const k = counts[i];
      out[i] = k < top ? lut[k] : 255;
    }
    return { ...image, data: out };
  },
});
