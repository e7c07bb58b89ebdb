/**
 * brightness — raise the HSV value channel by c (0..1 scale), clipped at 1.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `brightness`: skimage rgb2hsv, V = clip(V + c, 0, 1), hsv2rgb,
 * clip, ×255, truncated. HSV conversion with scikit-image's conventions (color.ts). Deterministic.
 * Example (hand-checkable): RGB (200, 100, 50), c = 0.1 → H = 1/18, S = 0.75, V = 200/255 + 0.1 → V·255 = 225.5
 * → (225.5, 112.75, 56.375) → (225, 112, 56).
 * Deviations: none beyond float rounding (results within 1e-7 below an integer keep it; see image.ts).
 * Grayscale: a gray pixel is R = G = B, so S = 0 and the result is clip(g/255 + c)·255 on the one channel —
 * identical whether read as the luma or any channel of the RGB result (imagecorruptions does the same).
 */
import { hsvToRgb, rgbToHsv, type Triple } from '../src/corruptions/color.js';
import { defineCorruption } from '../src/corruptions/define.js';
import { unitToByte } from '../src/corruptions/image.js';

export default defineCorruption<number>({
  name: 'brightness',
  version: 1,
  family: 'weather',
  description: 'HSV value + c (0..1 scale), clipped',
  severities: {
    cifar: [0.05, 0.1, 0.15, 0.2, 0.3],
    imagenet: [0.1, 0.2, 0.3, 0.4, 0.5],
  },
  apply(image, { params: c }) {
    const src = image.data;
    const out = new Uint8Array(src.length);
    if (image.channels === 1) {
      for (let i = 0; i < src.length; i++) out[i] = unitToByte(Math.min(src[i] / 255 + c, 1));
      return { ...image, data: out };
    }
    const hsv: Triple = [0, 0, 0];
    const rgb: Triple = [0, 0, 0];
    for (let i = 0; i < src.length; i += 3) {
      rgbToHsv(src[i] / 255, src[i + 1] / 255, src[i + 2] / 255, hsv);
      const v = Math.min(Math.max(hsv[2] + c, 0), 1);
      hsvToRgb(hsv[0], hsv[1], v, rgb);
      out[i] = unitToByte(rgb[0]);
      out[i + 1] = unitToByte(rgb[1]);
      out[i + 2] = unitToByte(rgb[2]);
    }
    return { ...image, data: out };
  },
});
