/**
 * saturate — scale and shift the HSV saturation: S = clip(S·c0 + c1, 0, 1). (Held-out extra.)
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `saturate`: skimage rgb2hsv, S = clip(S·c0 + c1, 0, 1),
 * hsv2rgb, clip, ×255, truncated (color.ts). Deterministic. Deviations on RGB: none beyond float rounding.
 * Example (hand-checkable): RGB (200, 100, 50), (c0, c1) = (0.3, 0): S = 0.75 → 0.225, H = 1/18, V = 200/255 →
 * R = 200, G = 200·(1 − (2/3)·0.225) = 170, B = 200·(1 − 0.225) = 155.
 * Grayscale: the gray value g is read as R = G = B (S = 0, H = 0); S becomes clip(c1) and the RGB result is
 * (V, V(1 − S), V(1 − S)); the one output channel is its luma 0.299 R + 0.587 G + 0.114 B = V·(1 − 0.701·S),
 * truncated. So severities with c1 = 0 leave a gray image unchanged and those with c1 > 0 darken it — a colour
 * tint seen in gray. (imagecorruptions keeps the red channel instead, which leaves gray images unchanged.)
 */
import { hsvToRgb, rgbToHsv, type Triple } from '../src/corruptions/color.js';
import { defineCorruption } from '../src/corruptions/define.js';
import { unitToByte } from '../src/corruptions/image.js';

export interface SaturateParams {
  /** Multiplier of the saturation. */
  scale: number;
  /** Added to the saturation after scaling. */
  shift: number;
}

export default defineCorruption<SaturateParams>({
  name: 'saturate',
  version: 1,
  family: 'digital',
  description: 'HSV saturation × scale + shift, clipped to [0, 1]',
  severities: {
    cifar: [
      { scale: 0.3, shift: 0 },
      { scale: 0.1, shift: 0 },
      { scale: 1.5, shift: 0 },
      { scale: 2, shift: 0.1 },
      { scale: 2.5, shift: 0.2 },
    ],
    imagenet: [
      { scale: 0.3, shift: 0 },
      { scale: 0.1, shift: 0 },
      { scale: 2, shift: 0 },
      { scale: 5, shift: 0.1 },
      { scale: 20, shift: 0.2 },
    ],
  },
  apply(image, { params }) {
    const src = image.data;
    const out = new Uint8Array(src.length);
    const hsv: Triple = [0, 0, 0];
    const rgb: Triple = [0, 0, 0];
    const step = image.channels;
    for (let i = 0; i < src.length; i += step) {
      const r = src[i] / 255;
      const g = step === 3 ? src[i + 1] / 255 : r;
      const b = step === 3 ? src[i + 2] / 255 : r;
      rgbToHsv(r, g, b, hsv);
      const s = Math.min(Math.max(hsv[1] * params.scale + params.shift, 0), 1);
      hsvToRgb(hsv[0], s, hsv[2], rgb);
      if (step === 3) {
        out[i] = unitToByte(rgb[0]);
        out[i + 1] = unitToByte(rgb[1]);
        out[i + 2] = unitToByte(rgb[2]);
      } else {
        out[i] = unitToByte(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
      }
    }
    return { ...image, data: out };
  },
});
