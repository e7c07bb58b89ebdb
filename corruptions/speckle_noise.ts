/**
 * speckle_noise — multiplicative Gaussian noise: x + x·N(0, c²) on the 0..1 scale, clipped. (Held-out extra.)
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `speckle_noise`
 * (`np.clip(x + x * np.random.normal(size=x.shape, scale=c), 0, 1) * 255`, truncated to uint8).
 * Deviations: draws from the harness's seeded stream; same distribution.
 * Grayscale: the same per-value noise on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { FLOAT_NOISE, UNIT } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';

/** Values per chunk of draws; `scratch` is reused by every call (apply is synchronous). */
const NOISE_CHUNK = 4096;
const scratch = new Float64Array(NOISE_CHUNK);

export default defineCorruption<number>({
  name: 'speckle_noise',
  version: 2,
  family: 'noise',
  description: 'multiplicative Gaussian noise x + x·N(0, c²); c = standard deviation',
  severities: {
    cifar: [0.06, 0.10, 0.12, 0.16, 0.20],
    imagenet: [0.15, 0.20, 0.35, 0.45, 0.60],
  },
  apply(image, { rng, params: c }) {
    // bytes in, bytes out, UNIT[v] = v / 255; the draws in chunks into a reused buffer (the same values as one
    // fillStandardNormal over the whole image): a fresh Float64Array per image cost more than the draws at 32 px
    const src = image.data;
    const s = pixelStream(rng);
    const out = new Uint8Array(src.length);
    for (let start = 0; start < src.length; start += NOISE_CHUNK) {
      const m = Math.min(NOISE_CHUNK, src.length - start);
      const n = s.fillStandardNormal(m === NOISE_CHUNK ? scratch : scratch.subarray(0, m));
      for (let j = 0, i = start; j < m; j++, i++) {
        const x = UNIT[src[i]];
        const v = x + x * c * n[j];
        out[i] = v > 0 ? (v >= 1 ? 255 : (v * 255 + FLOAT_NOISE) | 0) : 0; // unitToByte; x + x·c·n is finite, never NaN
      }
    }
    return { ...image, data: out };
  },
});
