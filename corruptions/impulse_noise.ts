/**
 * impulse_noise — salt-and-pepper noise: each value independently becomes 0 or 1 (50/50) with probability c.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `impulse_noise`, which calls
 * `skimage.util.random_noise(x, mode='s&p', amount=c)` (salt_vs_pepper 0.5). In current scikit-image every
 * element is flipped independently with probability `amount` and set to 1 (salt) or 0 (pepper) with equal odds;
 * this module does exactly that, per channel value, from the harness's seeded stream (one uniform u per value:
 * u < c/2 → salt, c/2 <= u < c → pepper). Older scikit-image versions drew a fixed count ceil(c·size/2) of
 * positions with replacement; the expected fraction is the same.
 * Grayscale: the same on the one channel (a flipped pixel is black or white).
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { pixelStream } from '../src/corruptions/random.js';

export default defineCorruption<number>({
  name: 'impulse_noise',
  version: 1,
  family: 'noise',
  description: 'salt-and-pepper noise; c = fraction of values replaced by 0 or 255 (half each)',
  severities: {
    cifar: [0.01, 0.02, 0.03, 0.05, 0.07],
    imagenet: [0.03, 0.06, 0.09, 0.17, 0.27],
  },
  apply(image, { rng, params: c }) {
    const out = Uint8Array.from(image.data);
    const s = pixelStream(rng);
    const half = c / 2;
    for (let i = 0; i < out.length; i++) {
      const u = s.uniform();
      if (u < half) out[i] = 255;
      else if (u < c) out[i] = 0;
    }
    return { ...image, data: out };
  },
});
