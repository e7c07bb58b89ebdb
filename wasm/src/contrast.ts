/**
 * contrast (corruptions/contrast.ts) from bytes to bytes, the JavaScript's doubles and bytes: each channel's mean is
 * the sum of x / 255 (`unit`, the JavaScript's UNIT table) in pixel order, the channels' chains side by side; then
 * (x / 255 − mean)·k + mean to a byte for each of the 256 values of each channel (a lookup table), and one lookup per
 * value. Scalar: the sums are chains of dependent adds, and a 256-entry lookup has no cheaper SIMD form; what this
 * saves over V8's code is the bounds checks and reloads in the two image-sized loops (about 3x).
 */
import { unitRowToBytes } from './to-bytes';

/**
 *   inBytes, outBytes   n bytes (HWC, c = 1 or 3)
 *   pixels              H·W, the means' divisor
 *   unit                256 doubles: v / 255
 *   values              256 doubles (scratch)
 *   lut                 256·c bytes (scratch)
 */
export function contrastBytes(
  inBytes: usize, outBytes: usize, n: i32, c: i32, pixels: i32, k: f64, unit: usize, values: usize, lut: usize, floatNoise: f64,
): void {
  let s0 = 0.0, s1 = 0.0, s2 = 0.0;
  if (c === 3) {
    for (let i = 0; i < n; i += 3) {
      const p = inBytes + <usize>i;
      s0 += load<f64>(unit + (<usize>load<u8>(p) << 3));
      s1 += load<f64>(unit + (<usize>load<u8>(p, 1) << 3));
      s2 += load<f64>(unit + (<usize>load<u8>(p, 2) << 3));
    }
  } else {
    for (let i = 0; i < n; i++) s0 += load<f64>(unit + (<usize>load<u8>(inBytes + <usize>i) << 3));
  }
  const kk = f64x2.splat(k);
  for (let ch = 0; ch < c; ch++) {
    // the table: two values a step (each lane the scalar (x − mean)·k + mean), then to bytes eight a step
    const mean = (ch === 0 ? s0 : ch === 1 ? s1 : s2) / <f64>pixels;
    const mm = f64x2.splat(mean);
    for (let v: usize = 0; v < 256 * 8; v += 16) v128.store(values + v, f64x2.add(f64x2.mul(f64x2.sub(v128.load(unit + v), mm), kk), mm));
    unitRowToBytes(values, lut + (<usize>ch << 8), 256, floatNoise);
  }
  if (c === 3) {
    for (let i = 0; i < n; i += 3) {
      const p = inBytes + <usize>i;
      const d = outBytes + <usize>i;
      store<u8>(d, load<u8>(lut + <usize>load<u8>(p)));
      store<u8>(d, load<u8>(lut + 256 + <usize>load<u8>(p, 1)), 1);
      store<u8>(d, load<u8>(lut + 512 + <usize>load<u8>(p, 2)), 2);
    }
  } else {
    for (let i = 0; i < n; i++) store<u8>(outBytes + <usize>i, load<u8>(lut + <usize>load<u8>(inBytes + <usize>i)));
  }
}
