/**
 * speckle_noise — multiplicative Gaussian noise: x + x·N(0, c²) on the 0..1 scale, clipped. (Held-out extra.)
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `speckle_noise`
 * (`np.clip(x + x * np.random.normal(size=x.shape, scale=c), 0, 1) * 255`, truncated to uint8).
 * Deviations: draws from the harness's seeded stream; same distribution.
 * Grayscale: the same per-value noise on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { normalNoiseBytes } from '../src/corruptions/normal-noise.js';
import { pixelStream } from '../src/corruptions/random.js';

export default defineCorruption<number>({
  name: 'speckle_noise',
  version: 2,
  family: 'noise',
  description: 'multiplicative Gaussian noise x + x·N(0, c²); c = standard deviation',
  severities: {
    cifar: [0.06, 0.10, 0.12, 0.16, 0.20],
    imagenet: [0.15, 0.20, 0.35, 0.45, 0.60],
  },
  apply(image, { rng, params: c, output }) {
    return { ...image, data: normalNoiseBytes(image.data, pixelStream(rng), c, 'speckle', output) };
  },
});
