/**
 * 2-D correlation with an arbitrary sparse kernel (cv2.filter2D semantics) and ImageMagick's motion blur, which is
 * one. Images are Float64Array, HWC interleaved; correlate2dBytes runs bytes to bytes in WebAssembly SIMD
 * (wasm/src/correlate.ts: the same doubles as correlate2d, so the same bytes).
 */
import { paddedOffsets, padImage, type BorderMode } from './border.js';
import { FLOAT_NOISE, UNIT } from './image.js';
import { KernelScratch, wasmKernels } from './wasm-kernels.js';

/** Non-zero taps of a 2-D kernel, relative to its centre (anchor at (kh−1)/2, (kw−1)/2 as in OpenCV). */
export interface Taps {
  dy: Int32Array;
  dx: Int32Array;
  weight: Float64Array;
}

/** The non-zero entries of a row-major kh x kw kernel as taps. */
export function kernelTaps(kernel: ArrayLike<number>, kh: number, kw: number): Taps {
  const dy: number[] = [];
  const dx: number[] = [];
  const wt: number[] = [];
  const cy = (kh - 1) >> 1;
  const cx = (kw - 1) >> 1;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const v = kernel[i * kw + j];
      if (v !== 0) {
        dy.push(i - cy);
        dx.push(j - cx);
        wt.push(v);
      }
    }
  }
  return { dy: Int32Array.from(dy), dx: Int32Array.from(dx), weight: Float64Array.from(wt) };
}

/** How far the taps reach from the centre: the padding a correlation needs, rows (py) and columns (px). */
export function tapsReach(taps: Taps): { py: number; px: number } {
  let py = 0;
  let px = 0;
  for (let t = 0; t < taps.weight.length; t++) {
    py = Math.max(py, Math.abs(taps.dy[t]));
    px = Math.max(px, Math.abs(taps.dx[t]));
  }
  return { py, px };
}

/**
 * 2-D correlation of an HWC image with taps (cv2.filter2D semantics: correlation, not convolution, anchor at the
 * kernel centre), borders by `mode` (OpenCV's default is reflect101). Each channel separately. Works on a padded
 * copy. Each output row sums all taps while it sits in registers, four values per weight load, in tap order (so the
 * sums are those of a tap-by-tap pass over the whole image, bit for bit, without streaming the image once per tap).
 */
export function correlate2d(src: Float64Array, h: number, w: number, c: number, taps: Taps, mode: BorderMode): Float64Array {
  const { py, px } = tapsReach(taps);
  const n = taps.weight.length;
  const pad = padImage(src, h, w, c, py, px, mode);
  const prow = (w + 2 * px) * c;
  const rowLen = w * c;
  const weight = taps.weight;
  const shift = new Int32Array(n); // offset in pad of tap t for output (0, 0)
  for (let t = 0; t < n; t++) shift[t] = (taps.dy[t] + py) * prow + (taps.dx[t] + px) * c;
  const out = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    const o = y * rowLen;
    const base = y * prow;
    let k = 0;
    for (; k + 4 <= rowLen; k += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let t = 0; t < n; t++) {
        const wt = weight[t];
        const s = base + shift[t] + k;
        a0 += wt * pad[s];
        a1 += wt * pad[s + 1];
        a2 += wt * pad[s + 2];
        a3 += wt * pad[s + 3];
      }
      out[o + k] = a0; out[o + k + 1] = a1; out[o + k + 2] = a2; out[o + k + 3] = a3;
    }
    for (; k < rowLen; k++) {
      let a = 0;
      for (let t = 0; t < n; t++) a += weight[t] * pad[base + shift[t] + k];
      out[o + k] = a;
    }
  }
  return out;
}

/**
 * ImageMagick's MotionBlurImage (what the reference calls through Wand): a one-sided Gaussian line kernel of
 * width 2·ceil(radius)+1 (GetOptimalKernelWidth1D), weights exp(−i²/(2σ²)) normalised, tap i sampling the pixel
 * at (x + ceil(i·cos θ − 0.5), y + ceil(i·sin θ − 0.5)), θ = angle in degrees, image edges replicated (edge
 * virtual pixels). Input and output on the same scale; the caller rounds as ImageMagick's 8-bit PNG writer does.
 */
export function motionBlur(
  src: Float64Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number,
): Float64Array {
  return correlate2d(src, h, w, c, motionBlurTaps(radius, sigma, angleDeg), 'nearest');
}

/** motionBlur's kernel as taps (borders: 'nearest'), taps that land on the same offset merged. */
export function motionBlurTaps(radius: number, sigma: number, angleDeg: number): Taps {
  const width = radius > 1e-12 ? 2 * Math.ceil(radius) + 1 : 3;
  const kernel = new Float64Array(width);
  let sum = 0;
  for (let i = 0; i < width; i++) {
    kernel[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += kernel[i];
  }
  const theta = (angleDeg * Math.PI) / 180;
  const px = width * Math.sin(theta);
  const py = width * Math.cos(theta);
  const hyp = Math.hypot(px, py);
  // Merge taps that land on the same offset (short kernels at steep angles repeat offsets).
  const merged = new Map<string, { dy: number; dx: number; w: number }>();
  for (let i = 0; i < width; i++) {
    const dx = Math.ceil((i * py) / hyp - 0.5);
    const dy = Math.ceil((i * px) / hyp - 0.5);
    const k = `${dy},${dx}`;
    const e = merged.get(k);
    if (e) e.w += kernel[i] / sum;
    else merged.set(k, { dy, dx, w: kernel[i] / sum });
  }
  const list = [...merged.values()];
  return {
    dy: Int32Array.from(list.map((t) => t.dy)),
    dx: Int32Array.from(list.map((t) => t.dx)),
    weight: Float64Array.from(list.map((t) => t.w)),
  };
}

/** How correlate2dBytes reads and writes bytes (image.ts helpers). */
export type ByteScale =
  /** toUnit in, unitToByte out: the reference's x / 255 … np.uint8(clip(v, 0, 1)·255) (defocus_blur). */
  | 'unit'
  /** toFloat255 in, roundToByte out: ImageMagick reading and writing an 8-bit image (motion_blur). */
  | '255';

/** v for every byte v (toFloat255's values), as a table for the kernels. */
const BYTE_VALUES = Float64Array.from({ length: 256 }, (_, v) => v);

/**
 * The bytes of correlate2d on the image's values, by `scale`, in WebAssembly SIMD (wasm/src/correlate.ts: padding,
 * taps and rounding in one call, the same doubles as correlate2d, so the same bytes), or null where the kernels are
 * off. `doubles`, when given (h·w·c), receives the correlation's values (the tests compare them with correlate2d's).
 */
export function correlate2dBytes(
  data: Uint8Array, h: number, w: number, c: number, taps: Taps, mode: BorderMode, scale: ByteScale, doubles?: Float64Array,
): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const nt = taps.weight.length;
  const { py, px } = tapsReach(taps);
  const n = h * w * c;
  const prow = (w + 2 * px) * c;
  const m = new KernelScratch(k);
  const at = {
    in: m.take(n), out: m.take(n), levels: m.take(256 * 8), pad: m.take((h + 2 * py) * prow * 8), row: m.take(w * c * 8),
    doubles: doubles === undefined ? 0 : m.take(n * 8), rowAt: m.take((h + 2 * py) * 4), colAt: m.take((w + 2 * px) * 4),
    shifts: m.take(nt * 4), weights: m.take(nt * 8),
  };
  const buf = m.buffer();
  new Uint8Array(buf, at.in, n).set(data);
  new Float64Array(buf, at.levels, 256).set(scale === 'unit' ? UNIT : BYTE_VALUES);
  new Int32Array(buf, at.rowAt, h + 2 * py).set(paddedOffsets(h, py, w * c, mode));
  new Int32Array(buf, at.colAt, w + 2 * px).set(paddedOffsets(w, px, c, mode));
  const shifts = new Int32Array(buf, at.shifts, nt);
  for (let t = 0; t < nt; t++) shifts[t] = ((taps.dy[t] + py) * prow + (taps.dx[t] + px) * c) * 8;
  new Float64Array(buf, at.weights, nt).set(taps.weight);
  k.correlateBytes(at.in, at.out, at.levels, at.pad, at.row, at.doubles, at.rowAt, at.colAt, at.shifts, at.weights, nt, h, w, c, py, px, scale === 'unit' ? 0 : 1, FLOAT_NOISE);
  if (doubles !== undefined) doubles.set(new Float64Array(buf, at.doubles, n));
  return new Uint8Array(buf, at.out, n).slice();
}
