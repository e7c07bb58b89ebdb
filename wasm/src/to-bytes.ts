/**
 * Doubles to bytes as src/corruptions/image.ts does it, eight values a step. A clamp replaces the helpers' branches:
 * a value at or below the low end becomes the low end, which truncates to the same 0, and one at or above the high
 * end the high end, which gives the same 255; values between are untouched. The kernels' inputs are bytes, so no
 * value is NaN (the JavaScript helpers refuse NaN).
 */

/** dst[k] = unitToByte(src[k]) for k < n: clip to [0, 1], ×255, + floatNoise, truncate. */
export function unitRowToBytes(src: usize, dst: usize, n: i32, floatNoise: f64): void {
  const lo = f64x2.splat(0);
  const hi = f64x2.splat(1);
  const scale = f64x2.splat(255);
  const noise = f64x2.splat(floatNoise);
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = src + (<usize>k << 3);
    const i0 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p), lo), hi), scale), noise));
    const i1 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p, 16), lo), hi), scale), noise));
    const i2 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p, 32), lo), hi), scale), noise));
    const i3 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p, 48), lo), hi), scale), noise));
    storeEight(dst + <usize>k, i0, i1, i2, i3);
  }
  for (; k < n; k++) {
    const v = load<f64>(src + (<usize>k << 3));
    store<u8>(dst + <usize>k, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
  }
}

/** dst[k] = roundToByte(src[k]) for k < n: round half up, clip to [0, 255] (ImageMagick's 8-bit PNG writer). */
export function roundRowToBytes(src: usize, dst: usize, n: i32): void {
  const lo = f64x2.splat(0);
  const hi = f64x2.splat(254.5);
  const half = f64x2.splat(0.5);
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = src + (<usize>k << 3);
    const i0 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(v128.load(p), lo), hi), half));
    const i1 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(v128.load(p, 16), lo), hi), half));
    const i2 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(v128.load(p, 32), lo), hi), half));
    const i3 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.pmin(f64x2.pmax(v128.load(p, 48), lo), hi), half));
    storeEight(dst + <usize>k, i0, i1, i2, i3);
  }
  for (; k < n; k++) store<u8>(dst + <usize>k, roundToByte(load<f64>(src + (<usize>k << 3))));
}

/** roundToByte of one value (scalar). */
// @ts-ignore: decorator
@inline export function roundToByte(v: f64): u8 {
  return v > 0 ? (v >= 254.5 ? 255 : <u8>(<i32>(v + 0.5))) : 0;
}

/** unitToByte of one value (scalar). */
// @ts-ignore: decorator
@inline export function unitToByte(v: f64, floatNoise: f64): u8 {
  return v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0;
}

/** Eight values in 0..255, two in the low lanes of each of four i32x4, as eight bytes at dst. */
// @ts-ignore: decorator
@inline function storeEight(dst: usize, i0: v128, i1: v128, i2: v128, i3: v128): void {
  const a = i32x4.shuffle(i0, i1, 0, 1, 4, 5);
  const b = i32x4.shuffle(i2, i3, 0, 1, 4, 5);
  const h = i16x8.narrow_i32x4_u(a, b);
  v128.store64_lane(dst, i8x16.narrow_i16x8_u(h, h), 0);
}

/**
 * unitToByte of the two doubles of v, clamped as unitRowToBytes (zero, one, k255, noise: splats of 0, 1, 255 and
 * floatNoise, made once outside the caller's loop), as i32 lanes 0 and 1.
 */
// @ts-ignore: decorator
@inline export function unitPairToInts(v: v128, zero: v128, one: v128, k255: v128, noise: v128): v128 {
  return i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v, zero), one), k255), noise));
}

/**
 * Part j (a constant) of the six bytes of two RGB pixels at p as doubles v / 255 (image.ts UNIT: the same
 * division): j = 0 bytes 0 and 1, j = 1 bytes 2 and 3, j = 2 bytes 4 and 5. Reads 8 bytes from p.
 */
// @ts-ignore: decorator
@inline export function unitSixPart(p: usize, j: i32, k255: v128): v128 {
  const b16 = i16x8.extend_low_i8x16_u(v128.load64_zero(p));
  const lo = i32x4.extend_low_i16x8_u(b16);
  const ints = j == 0 ? lo : j == 1 ? i32x4.shuffle(lo, lo, 2, 3, 0, 1) : i32x4.extend_high_i16x8_u(b16);
  return f64x2.div(f64x2.convert_low_i32x4_u(ints), k255);
}

/** The six bytes of two RGB pixels at d from i32 lanes 0 and 1 of t01, t23 and t45 (unitPairToInts' results). */
// @ts-ignore: decorator
@inline export function storeSix(d: usize, t01: v128, t23: v128, t45: v128): void {
  store<u8>(d, <u8>i32x4.extract_lane(t01, 0));
  store<u8>(d, <u8>i32x4.extract_lane(t01, 1), 1);
  store<u8>(d, <u8>i32x4.extract_lane(t23, 0), 2);
  store<u8>(d, <u8>i32x4.extract_lane(t23, 1), 3);
  store<u8>(d, <u8>i32x4.extract_lane(t45, 0), 4);
  store<u8>(d, <u8>i32x4.extract_lane(t45, 1), 5);
}

/** The two bytes at d from i32 lanes 0 and 1 of t. */
// @ts-ignore: decorator
@inline export function storeTwo(d: usize, t: v128): void {
  store<u8>(d, <u8>i32x4.extract_lane(t, 0));
  store<u8>(d, <u8>i32x4.extract_lane(t, 1), 1);
}
