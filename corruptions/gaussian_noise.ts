/**
 * gaussian_noise — additive Gaussian noise: x + N(0, c²) on the 0..1 scale, clipped.
 *
 * Reference: hendrycks/robustness make_imagenet_c.py / make_cifar_c.py `gaussian_noise`
 * (`np.clip(x + np.random.normal(size=x.shape, scale=c), 0, 1) * 255`, stored with np.uint8, i.e. truncated).
 * Deviations: the normal draws come from the harness's seeded stream (a 256-layer ziggurat on SFC32 seeded from
 * rngFor), so pixels differ from the published files draw by draw but follow the same distribution.
 * Grayscale: the same noise on the one channel (each value gets its own draw, as numpy does for every element).
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { FLOAT_NOISE, UNIT } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';

/** Values per chunk of draws; `scratch` is reused by every call (apply is synchronous). */
const NOISE_CHUNK = 4096;
const scratch = new Float64Array(NOISE_CHUNK);

export default defineCorruption<number>({
  name: 'gaussian_noise',
  version: 2,
  family: 'noise',
  description: 'additive Gaussian noise; c = standard deviation on the 0..1 scale',
  severities: {
    cifar: [0.04, 0.06, 0.08, 0.09, 0.10],
    imagenet: [0.08, 0.12, 0.18, 0.26, 0.38],
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
        const v = x + c * n[j];
        out[i] = v > 0 ? (v >= 1 ? 255 : (v * 255 + FLOAT_NOISE) | 0) : 0; // unitToByte; x + c·n is finite, never NaN
      }
    }
    return { ...image, data: out };
  },
});
