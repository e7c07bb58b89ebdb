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
import { normalNoiseBytes } from '../src/corruptions/normal-noise.js';
import { pixelStream } from '../src/corruptions/random.js';

export default defineCorruption<number>({
  name: 'gaussian_noise',
  version: 2,
  family: 'noise',
  description: 'additive Gaussian noise; c = standard deviation on the 0..1 scale',
  severities: {
    cifar: [0.04, 0.06, 0.08, 0.09, 0.10],
    imagenet: [0.08, 0.12, 0.18, 0.26, 0.38],
  },
  apply(image, { rng, params: c, output }) {
    return { ...image, data: normalNoiseBytes(image.data, pixelStream(rng), c, 'additive', output) };
  },
});
