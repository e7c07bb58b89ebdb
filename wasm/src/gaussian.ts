/**
 * The separable symmetric Gaussian of src/corruptions/gaussian.ts (separableSymmetric) in WebAssembly SIMD: scipy's
 * gaussian_filter order of operations, value for value (each f64x2 lane does the scalar code's multiplies and adds
 * in the scalar code's order, and WebAssembly has no fused multiply-add), two doubles a lane pair, eight a step.
 * Pointers are byte offsets into linear memory; the JavaScript side (src/corruptions/wasm-kernels.ts) lays the
 * buffers out and fills the index tables.
 */

import { unitRowToBytes } from './to-bytes';

/**
 * dst[k] = base[k]·w[r] + Σ_{j = r..1} (base[k] at byte offset lo_j + base[k] at offset hi_j)·w[r − j] for k < n:
 * one symmetric pass over a run of n doubles. `offs` holds (lo_j, hi_j) as i32 byte offsets relative to base[k] for
 * j = 1..r: other rows for the axis-0 pass, the same line shifted by ∓j·c values for the axis-1 pass.
 */
function symmetricRun(base: usize, dst: usize, n: i32, offs: usize, kernel: usize, r: i32): void {
  const w0s = load<f64>(kernel + (<usize>r << 3));
  const w0 = f64x2.splat(w0s);
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = base + (<usize>k << 3);
    let a0 = f64x2.mul(v128.load(p), w0);
    let a1 = f64x2.mul(v128.load(p, 16), w0);
    let a2 = f64x2.mul(v128.load(p, 32), w0);
    let a3 = f64x2.mul(v128.load(p, 48), w0);
    for (let j = r; j >= 1; j--) {
      const wt = f64x2.splat(load<f64>(kernel + (<usize>(r - j) << 3)));
      const o = offs + (<usize>(j - 1) << 3);
      const lo = p + <usize>load<i32>(o);
      const hi = p + <usize>load<i32>(o, 4);
      a0 = f64x2.add(a0, f64x2.mul(f64x2.add(v128.load(lo), v128.load(hi)), wt));
      a1 = f64x2.add(a1, f64x2.mul(f64x2.add(v128.load(lo, 16), v128.load(hi, 16)), wt));
      a2 = f64x2.add(a2, f64x2.mul(f64x2.add(v128.load(lo, 32), v128.load(hi, 32)), wt));
      a3 = f64x2.add(a3, f64x2.mul(f64x2.add(v128.load(lo, 48), v128.load(hi, 48)), wt));
    }
    const d = dst + (<usize>k << 3);
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
  }
  for (; k < n; k++) {
    const p = base + (<usize>k << 3);
    let a = load<f64>(p) * w0s;
    for (let j = r; j >= 1; j--) {
      const o = offs + (<usize>(j - 1) << 3);
      a += (load<f64>(p + <usize>load<i32>(o)) + load<f64>(p + <usize>load<i32>(o, 4))) * load<f64>(kernel + (<usize>(r - j) << 3));
    }
    store<f64>(dst + (<usize>k << 3), a);
  }
}

/**
 * scipy's gaussian_filter of an HWC float64 image (axis 0, then axis 1) for a symmetric kernel of radius r < h, w,
 * fused per output row exactly as separableSymmetric: the axis-0 pass writes row y into the middle of `line`, its
 * r-pixel ends are filled from `edgeFrom`, the axis-1 pass reads it.
 *   src, out      h·w·c doubles
 *   line          (w + 2r)·c doubles
 *   rowAt         h + 2r i32: value offset in src of padded row i (image row i − r, border by mode)
 *   edgeFrom      2r i32: for the padded columns (x < r left, else right) the line value offset they copy
 *   kernel        2r + 1 doubles
 *   offs          r pairs of i32 (scratch)
 */
export function gaussianSymmetric(
  src: usize, out: usize, line: usize, rowAt: usize, edgeFrom: usize, kernel: usize, offs: usize,
  h: i32, w: i32, c: i32, r: i32,
): void {
  const rowLen = w * c;
  const lead = r * c;
  for (let y = 0; y < h; y++) {
    const mid = load<i32>(rowAt + (<usize>(y + r) << 2));
    for (let j = 1; j <= r; j++) {
      const o = offs + (<usize>(j - 1) << 3);
      store<i32>(o, (load<i32>(rowAt + (<usize>(y + r - j) << 2)) - mid) << 3);
      store<i32>(o, (load<i32>(rowAt + (<usize>(y + r + j) << 2)) - mid) << 3, 4);
    }
    symmetricRun(src + (<usize>mid << 3), line + (<usize>lead << 3), rowLen, offs, kernel, r);
    for (let x = 0; x < r; x++) {
      const left = line + (<usize>(x * c) << 3);
      const right = line + (<usize>((w + r + x) * c) << 3);
      const fromLeft = line + (<usize>load<i32>(edgeFrom + (<usize>x << 2)) << 3);
      const fromRight = line + (<usize>load<i32>(edgeFrom + (<usize>(r + x) << 2)) << 3);
      for (let ch = 0; ch < c; ch++) {
        store<f64>(left + (<usize>ch << 3), load<f64>(fromLeft + (<usize>ch << 3)));
        store<f64>(right + (<usize>ch << 3), load<f64>(fromRight + (<usize>ch << 3)));
      }
    }
    for (let j = 1; j <= r; j++) {
      const o = offs + (<usize>(j - 1) << 3);
      store<i32>(o, -(j * c) << 3);
      store<i32>(o, (j * c) << 3, 4);
    }
    symmetricRun(line + (<usize>lead << 3), out + (<usize>(y * rowLen) << 3), rowLen, offs, kernel, r);
  }
}

/**
 * gaussian_blur on bytes: x / 255 into `src` (doubles; the division is IEEE's, as JavaScript's UNIT table), the
 * filter into `out`, then the reference's np.uint8(np.clip(v, 0, 1) · 255) with `floatNoise` added before the
 * truncation (image.ts unitToByte; a finite input gives no NaN) into `outBytes`. Saves the two image-sized copies
 * and the two conversion loops on the JavaScript side.
 */
export function gaussianBytes(
  inBytes: usize, outBytes: usize, src: usize, out: usize, line: usize, rowAt: usize, edgeFrom: usize, kernel: usize,
  offs: usize, h: i32, w: i32, c: i32, r: i32, floatNoise: f64,
): void {
  const n = h * w * c;
  const k255 = f64x2.splat(255);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const b = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(inBytes + <usize>i)));
    v128.store(src + (<usize>i << 3), f64x2.div(f64x2.convert_low_i32x4_u(b), k255));
  }
  for (; i < n; i++) store<f64>(src + (<usize>i << 3), <f64>load<u8>(inBytes + <usize>i) / 255.0);
  gaussianSymmetric(src, out, line, rowAt, edgeFrom, kernel, offs, h, w, c, r);
  unitRowToBytes(out, outBytes, n, floatNoise); // branch-free, eight values a step
}
