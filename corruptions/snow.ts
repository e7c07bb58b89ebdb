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
 * layer is procedural in the reference too (no texture file), so only the random draws differ. After the draws,
 * steps 1-4 run in one WebAssembly call (snowBytes: snowValues's doubles bit for bit, so the same bytes; about 4x
 * faster at 224 px); the JavaScript (snowValues) is the fallback (TOPK_HARNESS_WASM_KERNELS=0).
 * Deviations: float64 arithmetic where the reference uses float32 (the image) — rounding only; clipped_zoom per
 * axis on non-square images.
 * Grayscale: gray(x) is the pixel itself (as in imagecorruptions), the same layer is added to the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { clippedZoom, clippedZoomPlan, motionBlur, motionBlurTaps, paddedOffsets, tapsReach } from '../src/corruptions/filters.js';
import { FLOAT_NOISE, imageFromUnit, roundToByte, toUnit, UNIT, unitToByte, type Image } from '../src/corruptions/image.js';
import { pixelStream, type PixelStream } from '../src/corruptions/random.js';
import { KernelScratch, wasmKernels } from '../src/corruptions/wasm-kernels.js';

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
    const s = pixelStream(rng);
    const bytes = snowBytes(image, s, q); // WebAssembly, the same bytes; null where the kernels are off
    if (bytes !== null) return { ...image, data: bytes };
    const noise = s.fillNormal(new Float64Array(image.height * image.width), q.loc, q.scale);
    return imageFromUnit(snowValues(image, noise, s.uniformIn(-135, -45), q), image);
  },
});

/**
 * The snowy image on the 0..1 scale (before unitToByte) from the draws: `noise` (H·W, N(loc, scale²) per pixel) and
 * the motion blur's `angle` (degrees). Steps 1-4 of the module comment in typed arrays.
 */
export function snowValues(image: Image, noise: Float64Array, angle: number, q: SnowParams): Float64Array {
  const { height: h, width: w, channels: c } = image;
  const zoomed = clippedZoom(noise, h, w, 1, q.zoom);
  const layer8 = new Float64Array(h * w);
  for (let i = 0; i < layer8.length; i++) layer8[i] = zoomed[i] < q.threshold ? 0 : unitToByte(zoomed[i]);
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
  return x;
}

/**
 * snow's bytes in WebAssembly (wasm/src/snow.ts: snowValues's operations in its order, then unitToByte; the same
 * doubles and bytes): the noise drawn from `s` straight into the kernels' memory, then the angle, as apply draws
 * them; null (nothing drawn) where the kernels are off. `doubles`, when given (H·W·C), receives the values before
 * unitToByte (the tests compare them with snowValues's).
 */
export function snowBytes(image: Image, s: PixelStream, q: SnowParams, doubles?: Float64Array): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const { height: h, width: w, channels: c } = image;
  const n = h * w * c;
  const m = new KernelScratch(k);
  const noiseAt = m.take(h * w * 8);
  s.fillNormal(new Float64Array(m.buffer(), noiseAt, h * w), q.loc, q.scale);
  const taps = motionBlurTaps(q.blurRadius, q.blurSigma, s.uniformIn(-135, -45));
  const nt = taps.weight.length;
  const { py, px } = tapsReach(taps);
  const pw = w + 2 * px;
  const at = {
    in: m.take(n), out: m.take(n), levels: m.take(256 * 8), layer: m.take(h * w * 8), pad: m.take((h + 2 * py) * pw * 8),
    row: m.take(w * 8), doubles: doubles === undefined ? 0 : m.take(n * 8), zy0: m.take(h * 4), zy1: m.take(h * 4),
    zfy: m.take(h * 8), zx0: m.take(w * 4), zx1: m.take(w * 4), zfx: m.take(w * 8), rowAt: m.take((h + 2 * py) * 4),
    colAt: m.take(pw * 4), shifts: m.take(nt * 4), weights: m.take(nt * 8),
  };
  const buf = m.buffer(); // (growing it keeps the noise, only its old view is detached)
  new Uint8Array(buf, at.in, n).set(image.data);
  new Float64Array(buf, at.levels, 256).set(UNIT);
  const zy = clippedZoomPlan(h, q.zoom);
  const zx = clippedZoomPlan(w, q.zoom);
  new Int32Array(buf, at.zy0, h).set(zy.i0);
  new Int32Array(buf, at.zy1, h).set(zy.i1);
  new Float64Array(buf, at.zfy, h).set(zy.frac);
  new Int32Array(buf, at.zx0, w).set(zx.i0);
  new Int32Array(buf, at.zx1, w).set(zx.i1);
  new Float64Array(buf, at.zfx, w).set(zx.frac);
  new Int32Array(buf, at.rowAt, h + 2 * py).set(paddedOffsets(h, py, w, 'nearest'));
  new Int32Array(buf, at.colAt, pw).set(paddedOffsets(w, px, 1, 'nearest'));
  const shifts = new Int32Array(buf, at.shifts, nt);
  for (let t = 0; t < nt; t++) shifts[t] = ((taps.dy[t] + py) * pw + taps.dx[t] + px) * 8;
  new Float64Array(buf, at.weights, nt).set(taps.weight);
  k.snowBytes(
    at.in, at.out, at.levels, noiseAt, at.layer, at.pad, at.row, at.doubles, at.zy0, at.zy1, at.zfy, at.zx0, at.zx1, at.zfx,
    q.threshold, at.rowAt, at.colAt, at.shifts, at.weights, nt, py, px, h, w, c, q.blend, FLOAT_NOISE,
  );
  if (doubles !== undefined) doubles.set(new Float64Array(buf, at.doubles, n));
  return new Uint8Array(buf, at.out, n).slice();
}
