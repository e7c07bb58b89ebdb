/**
 * snow — falling snow: a thresholded, zoomed noise layer smeared by motion blur, added twice (once rotated by
 * 180°) to a brightened, desaturated image.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `snow` with (loc, scale, zoom, threshold, blur radius, blur
 * sigma, blend):
 * 1. layer = N(loc, scale²) per pixel (H x W); layer = clipped_zoom(layer, zoom); layer[layer < threshold] = 0;
 *    layer = uint8(clip(layer, 0, 1)·255) (truncated);
 * 2. layer = ImageMagick MotionBlurImage(radius, sigma, angle ~ U(−135°, −45°)), back as 8-bit, /255;
 * 3. x = blend·x + (1 − blend)·max(x, gray(x)·1.5 + 0.5), gray = cv2 RGB2GRAY (0.299, 0.587, 0.114);
 * 4. out = clip(x + layer + rot180(layer), 0, 1)·255, truncated.
 * Ported in typed arrays: clipped_zoom and the motion blur as in zoom_blur / motion_blur (filters.ts). The snow
 * layer is procedural in the reference too (no texture file), so only the random draws differ.
 * Deviations: float64 arithmetic where the reference uses float32 (the image) — rounding only; clipped_zoom per
 * axis on non-square images.
 * Grayscale: gray(x) is the pixel itself (as in imagecorruptions), the same layer is added to the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { clippedZoom, motionBlur } from '../src/corruptions/filters.js';
import { imageFromUnit, roundToByte, toUnit, unitToByte } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';

export interface SnowParams {
  /** Mean of the per-pixel normal noise. */
  loc: number;
  /** Standard deviation of the noise. */
  scale: number;
  /** clipped_zoom factor of the noise layer (>= 1). */
  zoom: number;
  /** Noise below this becomes 0. */
  threshold: number;
  /** Motion-blur radius (px, ImageMagick). */
  blurRadius: number;
  /** Motion-blur sigma (px, ImageMagick). */
  blurSigma: number;
  /** Weight of the original image against its brightened gray version. */
  blend: number;
}

const p = (loc: number, scale: number, zoom: number, threshold: number, blurRadius: number, blurSigma: number, blend: number): SnowParams =>
  ({ loc, scale, zoom, threshold, blurRadius, blurSigma, blend });

export default defineCorruption<SnowParams>({
  name: 'snow',
  version: 2,
  family: 'weather',
  description: 'thresholded zoomed noise, motion-blurred into streaks, added to a brightened image',
  severities: {
    cifar: [
      p(0.1, 0.2, 1, 0.6, 8, 3, 0.95),
      p(0.1, 0.2, 1, 0.5, 10, 4, 0.9),
      p(0.15, 0.3, 1.75, 0.55, 10, 4, 0.9),
      p(0.25, 0.3, 2.25, 0.6, 12, 6, 0.85),
      p(0.3, 0.3, 1.25, 0.65, 14, 12, 0.8),
    ],
    imagenet: [
      p(0.1, 0.3, 3, 0.5, 10, 4, 0.8),
      p(0.2, 0.3, 2, 0.5, 12, 4, 0.7),
      p(0.55, 0.3, 4, 0.9, 12, 8, 0.7),
      p(0.55, 0.3, 4.5, 0.85, 12, 8, 0.65),
      p(0.55, 0.3, 2.5, 0.85, 12, 12, 0.55),
    ],
  },
  apply(image, { rng, params: q }) {
    const { height: h, width: w, channels: c } = image;
    const s = pixelStream(rng);
    const noise = s.fillNormal(new Float64Array(h * w), q.loc, q.scale);
    const zoomed = clippedZoom(noise, h, w, 1, q.zoom);
    const layer8 = new Float64Array(h * w);
    for (let i = 0; i < layer8.length; i++) layer8[i] = zoomed[i] < q.threshold ? 0 : unitToByte(zoomed[i]);
    const angle = s.uniformIn(-135, -45);
    const streaks = motionBlur(layer8, h, w, 1, q.blurRadius, q.blurSigma, angle);
    const snow = new Float64Array(h * w);
    for (let i = 0; i < snow.length; i++) snow[i] = roundToByte(streaks[i]) / 255;
    const x = toUnit(image);
    const n = h * w;
    for (let i = 0; i < n; i++) {
      const o = i * c;
      const gray = c === 3 ? 0.299 * x[o] + 0.587 * x[o + 1] + 0.114 * x[o + 2] : x[o];
      const bright = gray * 1.5 + 0.5;
      const add = snow[i] + snow[n - 1 - i]; // rot90(k=2): pixel (y, x) gets (h−1−y, w−1−x)
      for (let ch = 0; ch < c; ch++) {
        const v = x[o + ch];
        x[o + ch] = q.blend * v + (1 - q.blend) * Math.max(v, bright) + add;
      }
    }
    return imageFromUnit(x, image);
  },
});
