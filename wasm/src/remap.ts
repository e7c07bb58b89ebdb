/**
 * elastic_transform's two resamplings (corruptions/elastic_transform.ts) in WebAssembly: OpenCV's warpAffine
 * (fixed-point coordinates, bilinear, reflect-101 borders) and scipy's map_coordinates(order=1, mode='reflect'),
 * each pixel the JavaScript's operations in the JavaScript's order (resample.ts sampleBilinear, border.ts
 * borderIndex), so the same doubles. Scalar: each output reads four arbitrary pixels, but here nothing bounds-checks
 * or deoptimises, and the bytes are converted in and out in the same call. Pointers are byte offsets.
 */

const NEAREST = 0;
const REFLECT = 1;
const REFLECT101 = 2;

/** border.ts borderIndex: i mapped into [0, n) by the mode. */
@inline function borderIndex(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (n == 1) return 0;
  if (mode == NEAREST) return i < 0 ? 0 : n - 1;
  if (mode == REFLECT) {
    const period = 2 * n;
    let k = i % period;
    if (k < 0) k += period;
    return k < n ? k : period - 1 - k;
  }
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** JavaScript's Math.round (halves toward +infinity; V8's ceil-then-correct, exact for every double). */
@inline function jsRound(x: f64): f64 {
  const r = Math.ceil(x);
  return r - 0.5 > x ? r - 1 : r;
}

/** resample.ts sampleBilinear: the c values at (y, x) into out + outOffset (doubles). */
@inline function sampleBilinear(src: usize, h: i32, w: i32, c: i32, y: f64, x: f64, mode: i32, out: usize): void {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const iy = <i32>y0;
  const ix = <i32>x0;
  const ya = borderIndex(iy, h, mode) * w;
  const yb = borderIndex(iy + 1, h, mode) * w;
  const xa = borderIndex(ix, w, mode);
  const xb = borderIndex(ix + 1, w, mode);
  const p00 = src + (<usize>((ya + xa) * c) << 3);
  const p01 = src + (<usize>((ya + xb) * c) << 3);
  const p10 = src + (<usize>((yb + xa) * c) << 3);
  const p11 = src + (<usize>((yb + xb) * c) << 3);
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  for (let ch = 0; ch < c; ch++) {
    const o = <usize>ch << 3;
    store<f64>(out + o, w00 * load<f64>(p00 + o) + w01 * load<f64>(p01 + o) + w10 * load<f64>(p10 + o) + w11 * load<f64>(p11 + o));
  }
}

/**
 * elastic_transform after its draws: x = float32(byte / 255); warped = warpAffine(x) with the inverse matrix
 * (ia, ib, ic; id, ie, iff) when `warp` is 1, else x; out = map_coordinates(warped, (y + dy, x + dx), reflect);
 * bytes = unitToByte(out) with `floatNoise` (image.ts).
 *   inBytes, outBytes   h·w·c bytes;  x, warped, out   h·w·c doubles;  dx, dy   h·w doubles
 */
export function elasticRemap(
  inBytes: usize, outBytes: usize, x: usize, warped: usize, out: usize, dx: usize, dy: usize,
  h: i32, w: i32, c: i32, warp: i32, ia: f64, ib: f64, ic: f64, id: f64, ie: f64, iff: f64, floatNoise: f64,
): void {
  const n = h * w * c;
  for (let i = 0; i < n; i++) store<f64>(x + (<usize>i << 3), <f64><f32>(<f64>load<u8>(inBytes + <usize>i) / 255.0));
  let src = x;
  if (warp) {
    for (let yy = 0; yy < h; yy++) {
      const x0 = jsRound((ib * <f64>yy + ic) * 1024) + 16;
      const y0 = jsRound((ie * <f64>yy + iff) * 1024) + 16;
      for (let xx = 0; xx < w; xx++) {
        const xs = Math.floor((jsRound(ia * <f64>xx * 1024) + x0) / 32) / 32;
        const ys = Math.floor((jsRound(id * <f64>xx * 1024) + y0) / 32) / 32;
        sampleBilinear(x, h, w, c, ys, xs, REFLECT101, warped + (<usize>((yy * w + xx) * c) << 3));
      }
    }
    src = warped;
  }
  for (let yy = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++) {
      const i = yy * w + xx;
      const o = <usize>i << 3;
      sampleBilinear(src, h, w, c, <f64>yy + load<f64>(dy + o), <f64>xx + load<f64>(dx + o), REFLECT, out + (<usize>(i * c) << 3));
    }
  }
  for (let i = 0; i < n; i++) {
    const v = load<f64>(out + (<usize>i << 3));
    store<u8>(outBytes + <usize>i, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
  }
}
