/**
 * Bilinear resampling: scipy's order-1 zoom as the reference's clipped_zoom uses it, and single-point bilinear
 * samples (map_coordinates / remap). Images are Float64Array, HWC interleaved.
 */
import { borderIndex, type BorderMode } from './border.js';
import { roundHalfEven } from './image.js';

/** Per output index along one axis: the two source indices and the weight of the second (linear interpolation). */
export interface LinearPlan {
  i0: Int32Array;
  i1: Int32Array;
  frac: Float64Array;
}

const zoomCache = new Map<string, LinearPlan>();

/**
 * One axis of the reference's clipped_zoom(img, z) for z >= 1, generalised per axis (the original squares it with
 * the height): crop ch = ceil(n / z) centred at top = (n − ch) // 2, zoom it with scipy.ndimage.zoom(order=1) to
 * m = round(ch·z) samples (scipy maps output j to input j·(ch−1)/(m−1)), keep m[(m−n)//2 : … + n].
 */
export function clippedZoomPlan(n: number, z: number): LinearPlan {
  const key = `${n}|${z}`;
  const hit = zoomCache.get(key);
  if (hit !== undefined) return hit;
  if (!(z >= 1)) throw new RangeError(`clipped zoom factor must be >= 1, got ${z}`);
  const ch = Math.ceil(n / z);
  const top = Math.floor((n - ch) / 2);
  const m = roundHalfEven(ch * z);
  const trim = Math.floor((m - n) / 2);
  const scale = m > 1 ? (ch - 1) / (m - 1) : 0;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const frac = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let coord = (o + trim) * scale;
    if (coord > ch - 1) coord = ch - 1;
    const f0 = Math.floor(coord);
    i0[o] = top + f0;
    i1[o] = top + Math.min(f0 + 1, ch - 1);
    frac[o] = coord - f0;
  }
  const plan = { i0, i1, frac };
  if (zoomCache.size > 1024) zoomCache.clear();
  zoomCache.set(key, plan);
  return plan;
}

/**
 * clipped_zoom of an HWC image by z (>= 1) on both axes; bilinear as scipy's order-1 zoom. With `float32`, each
 * result is rounded to float32 as scipy does for a float32 input.
 */
export function clippedZoom(src: Float64Array, h: number, w: number, c: number, z: number, float32 = false): Float64Array {
  const py = clippedZoomPlan(h, z);
  const px = clippedZoomPlan(w, z);
  const out = new Float64Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const r0 = py.i0[y] * w;
    const r1 = py.i1[y] * w;
    const fy = py.frac[y];
    for (let x = 0; x < w; x++) {
      const fx = px.frac[x];
      const a = (r0 + px.i0[x]) * c;
      const b = (r0 + px.i1[x]) * c;
      const d = (r1 + px.i0[x]) * c;
      const e = (r1 + px.i1[x]) * c;
      const o = (y * w + x) * c;
      for (let ch = 0; ch < c; ch++) {
        // scipy interpolates along the last axes first for each output point; for order 1 the result is the
        // bilinear blend, computed here as (1−fy)·row0 + fy·row1 of horizontal blends.
        const top = src[a + ch] + fx * (src[b + ch] - src[a + ch]);
        const bot = src[d + ch] + fx * (src[e + ch] - src[d + ch]);
        const v = top + fy * (bot - top);
        out[o + ch] = float32 ? Math.fround(v) : v;
      }
    }
  }
  return out;
}

/**
 * Bilinear sample of channel-interleaved `src` at (y, x) into out[outOffset .. +c], outside samples by `mode`
 * (scipy map_coordinates(order=1) with mode='reflect', or cv2.remap/warpAffine with BORDER_REFLECT_101).
 */
export function sampleBilinear(
  src: Float64Array, h: number, w: number, c: number, y: number, x: number, mode: BorderMode,
  out: Float64Array, outOffset: number,
): void {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const ya = borderIndex(y0, h, mode) * w;
  const yb = borderIndex(y0 + 1, h, mode) * w;
  const xa = borderIndex(x0, w, mode);
  const xb = borderIndex(x0 + 1, w, mode);
  const p00 = (ya + xa) * c;
  const p01 = (ya + xb) * c;
  const p10 = (yb + xa) * c;
  const p11 = (yb + xb) * c;
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  for (let ch = 0; ch < c; ch++) {
    out[outOffset + ch] = w00 * src[p00 + ch] + w01 * src[p01 + ch] + w10 * src[p10 + ch] + w11 * src[p11 + ch];
  }
}

