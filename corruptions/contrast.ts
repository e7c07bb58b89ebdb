/**
 * contrast — pull every value toward its channel's mean: (x − mean)·c + mean on the 0..1 scale.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `contrast` (means over height and width, one per channel;
 * clipped, ×255, truncated). Deterministic. Example: a half-black, half-white image at c = 0.4 has mean 0.5 and
 * becomes 0.3 / 0.7 → 76 / 178.
 * Deviations: none beyond float rounding (a uniform image stays exactly as it is; see image.ts on truncation).
 * Grayscale: the same on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { unitToByte } from '../src/corruptions/image.js';

export default defineCorruption<number>({
  name: 'contrast',
  version: 1,
  family: 'digital',
  description: 'scale deviations from the per-channel mean by c',
  severities: {
    cifar: [0.75, 0.5, 0.4, 0.3, 0.15],
    imagenet: [0.4, 0.3, 0.2, 0.1, 0.05],
  },
  apply(image, { params: k }) {
    const { height: h, width: w, channels: c, data } = image;
    const out = new Uint8Array(data.length);
    // channel loop outermost (strided by c): each mean sums x / 255 in pixel order, as before; then the bytes
    // straight from the input, with no 0..1 copy of the image
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = ch; i < data.length; i += c) sum += data[i] / 255;
      const mean = sum / (h * w);
      for (let i = ch; i < data.length; i += c) out[i] = unitToByte((data[i] / 255 - mean) * k + mean, i);
    }
    return { ...image, data: out };
  },
});
