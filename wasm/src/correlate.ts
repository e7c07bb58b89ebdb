/**
 * Sparse 2-D correlation (src/corruptions/correlate2d.ts correlate2d: cv2.filter2D semantics, and ImageMagick's
 * motion blur, which is one) in WebAssembly SIMD: each output is summed over the taps in tap order from 0, as the
 * JavaScript does, each f64x2 lane doing the scalar code's multiply and add (no fused multiply-add), so the doubles
 * are the JavaScript's bit for bit. Pointers are byte offsets into linear memory; the JavaScript side lays out the
 * buffers and fills the tables.
 */
import { padFromBytes } from './padding';
import { roundRowToBytes, unitRowToBytes } from './to-bytes';

/**
 * dst[k] = a + Σ_{t < nt} w[t]·src[k at byte offset shifts[t]] for k < n, a = dst[k] when `accumulate`, else 0:
 * the taps in order, eight outputs a step, each weight loaded once per step.
 *   shifts   nt i32 byte offsets relative to src[k]
 *   weights  nt doubles
 */
export function tapsRun(src: usize, dst: usize, n: i32, shifts: usize, weights: usize, nt: i32, accumulate: bool): void {
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = src + (<usize>k << 3);
    const d = dst + (<usize>k << 3);
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    if (accumulate) {
      a0 = v128.load(d);
      a1 = v128.load(d, 16);
      a2 = v128.load(d, 32);
      a3 = v128.load(d, 48);
    }
    for (let t = 0; t < nt; t++) {
      const wt = f64x2.splat(load<f64>(weights + (<usize>t << 3)));
      const q = p + <usize>load<i32>(shifts + (<usize>t << 2));
      a0 = f64x2.add(a0, f64x2.mul(wt, v128.load(q)));
      a1 = f64x2.add(a1, f64x2.mul(wt, v128.load(q, 16)));
      a2 = f64x2.add(a2, f64x2.mul(wt, v128.load(q, 32)));
      a3 = f64x2.add(a3, f64x2.mul(wt, v128.load(q, 48)));
    }
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
  }
  for (; k < n; k++) {
    const p = src + (<usize>k << 3);
    const d = dst + (<usize>k << 3);
    let a: f64 = accumulate ? load<f64>(d) : 0;
    for (let t = 0; t < nt; t++) a += load<f64>(weights + (<usize>t << 3)) * load<f64>(p + <usize>load<i32>(shifts + (<usize>t << 2)));
    store<f64>(d, a);
  }
}

/**
 * correlate2d on bytes: the image (h·w·c bytes) to doubles by `levels` and padded by py rows and px columns
 * (padding.ts), correlated with the taps one output row at a time into `row`, each row to bytes:
 * unitToByte (`rounding` 0, with floatNoise) or roundToByte (1).
 *   pad        (h + 2py)·(w + 2px)·c doubles        row       w·c doubles
 *   rowAt      h + 2py i32, colAt w + 2px i32 (padding.ts)
 *   shifts     nt i32: byte offset in pad of tap t for output (0, 0)
 *   weights    nt doubles
 *   doubles    0, or h·w·c doubles that receive the correlation's values (for the tests)
 */
export function correlateBytes(
  inBytes: usize, outBytes: usize, levels: usize, pad: usize, row: usize, doubles: usize, rowAt: usize, colAt: usize,
  shifts: usize, weights: usize, nt: i32, h: i32, w: i32, c: i32, py: i32, px: i32, rounding: i32, floatNoise: f64,
): void {
  const pw = w + 2 * px;
  padFromBytes(inBytes, levels, pad, rowAt, colAt, h + 2 * py, pw, px, w, c);
  const rowLen = w * c;
  const rowBytes = <usize>rowLen << 3;
  const pRowBytes = <usize>(pw * c) << 3;
  for (let y = 0; y < h; y++) {
    tapsRun(pad + <usize>y * pRowBytes, row, rowLen, shifts, weights, nt, false);
    if (doubles != 0) memory.copy(doubles + <usize>y * rowBytes, row, rowBytes);
    const o = outBytes + <usize>(y * rowLen);
    if (rounding == 0) unitRowToBytes(row, o, rowLen, floatNoise);
    else roundRowToBytes(row, o, rowLen);
  }
}
