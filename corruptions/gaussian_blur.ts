/**
 * gaussian_blur — Gaussian blur with standard deviation c pixels. (Held-out extra.)
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `gaussian_blur`:
 * `skimage.filters.gaussian(x / 255., sigma=c, multichannel=True)`, i.e. scipy.ndimage.gaussian_filter with
 * sigma c on both spatial axes, kernel radius int(4c + 0.5), 'nearest' (edge-replicating) borders; then clipped,
 * ×255, truncated. Ported exactly in typed arrays (filters.ts: gaussianFilter); deterministic, no randomness.
 * Deviations: none beyond float rounding order (sharp's blur would truncate the kernel by amplitude instead).
 * Grayscale: the same blur on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { gaussianFilter, gaussianFilterBytes } from '../src/corruptions/filters.js';
import { imageFromUnit, toUnit } from '../src/corruptions/image.js';

export default defineCorruption<number>({
  name: 'gaussian_blur',
  version: 1,
  family: 'blur',
  description: 'Gaussian blur; c = sigma in pixels (scipy kernel radius int(4c + 0.5), edge-replicated borders)',
  severities: {
    cifar: [0.4, 0.6, 0.7, 0.8, 1],
    imagenet: [1, 2, 3, 4, 6],
  },
  apply(image, { params: sigma, output }) {
    const { height: h, width: w, channels: c } = image;
    const bytes = gaussianFilterBytes(image.data, h, w, c, sigma, 'nearest', 4, output); // WebAssembly SIMD, same bytes
    if (bytes !== null) return { ...image, data: bytes };
    return imageFromUnit(gaussianFilter(toUnit(image), h, w, c, sigma, 'nearest'), image);
  },
});
