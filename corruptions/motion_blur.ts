/**
 * motion_blur — linear motion blur in a random direction.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `motion_blur` with (radius, sigma): the image goes through
 * ImageMagick (Wand) `MotionBlurImage(radius, sigma, angle)`, angle ~ U(−45°, 45°), and back as an 8-bit PNG.
 * ImageMagick's kernel is one-sided: width 2·ceil(radius) + 1 taps with weights exp(−i²/(2σ²)) (normalised),
 * tap i at offset (ceil(i·cos θ − 0.5), ceil(i·sin θ − 0.5)) in (x, y), edge pixels replicated beyond the border.
 * Ported in typed arrays (filters.ts motionBlur); the result is rounded to 8 bits as ImageMagick's PNG writer
 * does. No ImageMagick quantum (Q16) rounding of intermediate values; taps that land on the same offset are merged.
 * Runs bytes to bytes in WebAssembly SIMD (correlate2dBytes: the JavaScript's doubles bit for bit, so the same bytes;
 * about 6x faster at 224 px); the JavaScript is the fallback (TOPK_HARNESS_WASM_KERNELS=0).
 * imagecorruptions re-implements the same kernel in numpy (its offsets are the same up to sign conventions).
 * Grayscale: the same blur on the one channel (the reference's PNG would be read back as gray too).
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { correlate2d, correlate2dBytes, motionBlurTaps } from '../src/corruptions/filters.js';
import { roundToByte, toFloat255 } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';

export interface MotionBlurParams {
  /** ImageMagick radius: the kernel has 2·ceil(radius) + 1 taps. */
  radius: number;
  /** ImageMagick sigma of the one-sided Gaussian weights (px). */
  sigma: number;
}

export default defineCorruption<MotionBlurParams>({
  name: 'motion_blur',
  version: 1,
  family: 'blur',
  description: 'ImageMagick-style motion blur (radius, sigma) at a random angle in [−45°, 45°)',
  severities: {
    cifar: [
      { radius: 6, sigma: 1 },
      { radius: 6, sigma: 1.5 },
      { radius: 6, sigma: 2 },
      { radius: 8, sigma: 2 },
      { radius: 9, sigma: 2.5 },
    ],
    imagenet: [
      { radius: 10, sigma: 3 },
      { radius: 15, sigma: 5 },
      { radius: 15, sigma: 8 },
      { radius: 15, sigma: 12 },
      { radius: 20, sigma: 15 },
    ],
  },
  apply(image, { rng, params }) {
    const { height: h, width: w, channels: c } = image;
    const angle = pixelStream(rng).uniformIn(-45, 45);
    // WebAssembly SIMD, bytes to bytes (the same doubles, so the same bytes); null where the kernels are off
    const taps = motionBlurTaps(params.radius, params.sigma, angle);
    const bytes = correlate2dBytes(image.data, h, w, c, taps, 'nearest', '255');
    if (bytes !== null) return { ...image, data: bytes };
    const blurred = correlate2d(toFloat255(image), h, w, c, taps, 'nearest'); // motionBlur with these taps
    const out = new Uint8Array(blurred.length);
    for (let i = 0; i < out.length; i++) out[i] = roundToByte(blurred[i]);
    return { ...image, data: out };
  },
});
