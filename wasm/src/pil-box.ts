/**
 * Pillow's BOX resize of 8-bit images (src/corruptions/pil-box.ts, what pixelate uses) in WebAssembly SIMD, byte for
 * byte: the same fixed-point weights and the same 8-bit intermediate between the horizontal and the vertical pass.
 * A BOX output's nonzero weights are one run of equal integers (1/count each, in Pillow's 22-bit fixed point), so
 * Pillow's Σ v·k + 2^21 is wt·Σ v + 2^21 exactly: the taps are summed in 16-bit lanes (at most 257 taps, the caller's
 * guard) and multiplied once per output, by a 16-bit rounding multiply where one gives Pillow's bytes (below), else in
 * 32-bit lanes, which hold every such product (< 2^31, as Pillow's int).
 *
 * Tap tables, one (first, count, weight, q15) i32 quadruple per output: the first input pixel (or row), how many
 * taps, Pillow's weight, and a 16-bit multiplier b where (Σ·b + 2^14) >> 15 (i16x8.q15mulr_sat_s, one instruction
 * for eight values) equals Pillow's (Σ·weight + 2^21) >> 22 for every sum the taps can make (checked exhaustively by
 * the JavaScript; 0 where none does, or count > 128: then the 32-bit multiply).
 * Pointers are byte offsets into linear memory; the JavaScript side (src/corruptions/pil-box.ts) lays out the buffers
 * and the tables. Every buffer has 32 bytes of slack after it: loads and stores are whole lanes, and a row's last ones
 * may run past its end.
 */

/** Pillow's PRECISION_BITS for 8-bit images. */
const PRECISION_BITS = 22;

/**
 * The count ≤ 4 pixels of c bytes (c = 1 or 3) at p, tap t of channel ch in byte lane 4·ch + t: a 16-byte load, for
 * RGB through a swizzle by a constant (one pshufb: a constant mask needs no out-of-range fix-up, and the branch on c
 * is always taken the same way); lanes of taps past the count zeroed (`keep`).
 */
// @ts-ignore: decorator
@inline function gatherTaps(p: usize, c: i32, keep: v128): v128 {
  const v = v128.load(p);
  return v128.and(c === 3 ? i8x16.swizzle(v, i8x16(0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, -128, -128, -128, -128)) : v, keep);
}

/** The lanes gatherTaps keeps for `count` taps: 0xff where the lane's tap (`tapOfLane`, 4: none) is below count. */
// @ts-ignore: decorator
@inline function keepTaps(tapOfLane: v128, count: i32): v128 {
  return i8x16.gt_s(i8x16.splat(<i8>count), tapOfLane);
}

/** The channel sums (i32 lanes 0..c−1) of gathered taps: pairwise sums of bytes, then of 16-bit pairs. */
// @ts-ignore: decorator
@inline function sumGathered(v: v128): v128 {
  return i32x4.dot_i16x8_s(i16x8.extadd_pairwise_i8x16_u(v), i16x8.splat(1));
}

/** The channel sums of count pixels of `step` bytes from p, one 4-byte load each (any count ≤ 257). */
// @ts-ignore: decorator
@inline function sumTaps(p: usize, count: i32, step: usize): v128 {
  let s16 = i16x8.splat(0);
  for (let k = 0; k < count; k++) {
    s16 = i16x8.add(s16, i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
    p += step;
  }
  return i32x4.extend_low_i16x8_u(s16);
}

/** Σ·b rounded >> 15 (= Pillow's rounding, see the module comment) of four rows' sums, clipped: row r in bytes 4r .. 4r + 3. */
// @ts-ignore: decorator
@inline function finish4q15(r0: v128, r1: v128, r2: v128, r3: v128, b: v128): v128 {
  // the sums (at most 4 · 255) fit i16 lanes as they are
  const q01 = i16x8.q15mulr_sat_s(i16x8.narrow_i32x4_u(r0, r1), b);
  const q23 = i16x8.q15mulr_sat_s(i16x8.narrow_i32x4_u(r2, r3), b);
  return i8x16.narrow_i16x8_u(q01, q23);
}

/** Pillow's half + Σ·weight, >> 22 and clipped, of four rows' sums: row r's pixel in bytes 4r .. 4r + 3. */
// @ts-ignore: decorator
@inline function finish4(r0: v128, r1: v128, r2: v128, r3: v128, wt: v128): v128 {
  const half = i32x4.splat(1 << (PRECISION_BITS - 1));
  const a0 = i32x4.shr_s(i32x4.add(i32x4.mul(r0, wt), half), PRECISION_BITS);
  const a1 = i32x4.shr_s(i32x4.add(i32x4.mul(r1, wt), half), PRECISION_BITS);
  const a2 = i32x4.shr_s(i32x4.add(i32x4.mul(r2, wt), half), PRECISION_BITS);
  const a3 = i32x4.shr_s(i32x4.add(i32x4.mul(r3, wt), half), PRECISION_BITS);
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(a0, a1), i16x8.narrow_i32x4_u(a2, a3));
}

/** Exactly c bytes (1 or 3) of the 4-byte pixel at byte lane 4·r of b. */
// @ts-ignore: decorator
@inline function storeExact(d: usize, b: v128, r: u8, c: i32): void {
  // the lane index must be a constant: one branch per row
  if (r === 0) { if (c === 3) { v128.store16_lane(d, b, 0); v128.store8_lane(d, b, 2, 2); } else v128.store8_lane(d, b, 0); }
  else if (r === 1) { if (c === 3) { v128.store16_lane(d, b, 2); v128.store8_lane(d, b, 6, 2); } else v128.store8_lane(d, b, 4); }
  else if (r === 2) { if (c === 3) { v128.store16_lane(d, b, 4); v128.store8_lane(d, b, 10, 2); } else v128.store8_lane(d, b, 8); }
  else { if (c === 3) { v128.store16_lane(d, b, 6); v128.store8_lane(d, b, 14, 2); } else v128.store8_lane(d, b, 12); }
}

/**
 * Horizontal pass: h rows of w pixels (c = 1 or 3) to outW pixels, four rows at a time (they share the taps: one
 * table read, one mask, one multiplier per four outputs), one output pixel per i32x4. Up to four taps (every shrink
 * by at most 4x, so all of pixelate's) come from one 16-byte load (gatherTaps) and two rows' sums share one q15
 * multiply; more taps are summed one 4-byte load at a time and multiplied in 32 bits. A pixel is stored as 4 bytes,
 * the spare ones overwritten by the next pixels, except where that would run past the row (the next row is already
 * written): exactly c bytes.
 */
export function boxHorizontal(src: usize, dst: usize, h: i32, w: i32, c: i32, outW: i32, taps: usize): void {
  const tapOfLane = c === 3 ? i8x16(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 4, 4, 4) : i8x16(0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
  const inRow = <usize>(w * c);
  const outRow = <usize>(outW * c);
  const step = <usize>c;
  let y = 0;
  for (; y + 4 <= h; y += 4) {
    const s = src + <usize>y * inRow;
    let d = dst + <usize>y * outRow;
    for (let xx = 0; xx < outW; xx++) {
      const t = taps + (<usize>xx << 4);
      const p = s + <usize>load<i32>(t) * step;
      const count = load<i32>(t, 4);
      const q15 = load<i32>(t, 12);
      let b: v128;
      if (count <= 4 && q15 !== 0) {
        const keep = keepTaps(tapOfLane, count);
        b = finish4q15(sumGathered(gatherTaps(p, c, keep)), sumGathered(gatherTaps(p + inRow, c, keep)),
          sumGathered(gatherTaps(p + 2 * inRow, c, keep)), sumGathered(gatherTaps(p + 3 * inRow, c, keep)), i16x8.splat(<i16>q15));
      } else {
        b = finish4(sumTaps(p, count, step), sumTaps(p + inRow, count, step), sumTaps(p + 2 * inRow, count, step),
          sumTaps(p + 3 * inRow, count, step), i32x4.splat(load<i32>(t, 8)));
      }
      if (xx * c + 4 <= outW * c) {
        v128.store32_lane(d, b, 0);
        v128.store32_lane(d + outRow, b, 1);
        v128.store32_lane(d + 2 * outRow, b, 2);
        v128.store32_lane(d + 3 * outRow, b, 3);
      } else {
        storeExact(d, b, 0, c);
        storeExact(d + outRow, b, 1, c);
        storeExact(d + 2 * outRow, b, 2, c);
        storeExact(d + 3 * outRow, b, 3, c);
      }
      d += step;
    }
  }
  for (; y < h; y++) {
    // the last h % 4 rows one at a time (in order: a row's spare bytes land in the next row, written after it)
    const s = src + <usize>y * inRow;
    let d = dst + <usize>y * outRow;
    for (let xx = 0; xx < outW; xx++) {
      const t = taps + (<usize>xx << 4);
      const p = s + <usize>load<i32>(t) * step;
      const count = load<i32>(t, 4);
      const r = count <= 4 ? sumGathered(gatherTaps(p, c, keepTaps(tapOfLane, count))) : sumTaps(p, count, step);
      v128.store32_lane(d, finish4(r, r, r, r, i32x4.splat(load<i32>(t, 8))), 0);
      d += step;
    }
  }
}

/**
 * Vertical pass: rows of rowLen bytes to outH rows; each output row is its taps' rows summed 16 bytes at a time
 * (the last vector of a row may run past it: it reads into the next row or the slack and writes garbage that the
 * next output row, or the slack, takes).
 */
export function boxVertical(src: usize, dst: usize, rowLen: i32, outH: i32, taps: usize): void {
  const half = i32x4.splat(1 << (PRECISION_BITS - 1));
  const stride = <usize>rowLen;
  for (let yy = 0; yy < outH; yy++) {
    const t = taps + (<usize>yy << 4);
    const first = src + <usize>load<i32>(t) * stride;
    const count = load<i32>(t, 4);
    const wt = i32x4.splat(load<i32>(t, 8));
    const q15 = load<i32>(t, 12);
    const d = dst + <usize>yy * stride;
    if (q15 !== 0) {
      // sums of at most 128 taps fit i16 lanes: one rounding multiply per eight values
      const b = i16x8.splat(<i16>q15);
      for (let k: usize = 0; k < stride; k += 16) {
        let p = first + k;
        let lo = i16x8.splat(0);
        let hi = i16x8.splat(0);
        for (let r = 0; r < count; r++) {
          const v = v128.load(p);
          lo = i16x8.add(lo, i16x8.extend_low_i8x16_u(v));
          hi = i16x8.add(hi, i16x8.extend_high_i8x16_u(v));
          p += stride;
        }
        v128.store(d + k, i8x16.narrow_i16x8_u(i16x8.q15mulr_sat_s(lo, b), i16x8.q15mulr_sat_s(hi, b)));
      }
      continue;
    }
    for (let k: usize = 0; k < stride; k += 16) {
      let p = first + k;
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let r = 0; r < count; r++) {
        const v = v128.load(p);
        lo = i16x8.add(lo, i16x8.extend_low_i8x16_u(v));
        hi = i16x8.add(hi, i16x8.extend_high_i8x16_u(v));
        p += stride;
      }
      const a0 = i32x4.add(i32x4.mul(i32x4.extend_low_i16x8_u(lo), wt), half);
      const a1 = i32x4.add(i32x4.mul(i32x4.extend_high_i16x8_u(lo), wt), half);
      const a2 = i32x4.add(i32x4.mul(i32x4.extend_low_i16x8_u(hi), wt), half);
      const a3 = i32x4.add(i32x4.mul(i32x4.extend_high_i16x8_u(hi), wt), half);
      const l = i16x8.narrow_i32x4_u(i32x4.shr_s(a0, PRECISION_BITS), i32x4.shr_s(a1, PRECISION_BITS));
      const u = i16x8.narrow_i32x4_u(i32x4.shr_s(a2, PRECISION_BITS), i32x4.shr_s(a3, PRECISION_BITS));
      v128.store(d + k, i8x16.narrow_i16x8_u(l, u));
    }
  }
}

/**
 * Both passes when each is a copy (a BOX enlargement: every output takes the one input under its centre, weight
 * 1.0, so (v·2^22 + 2^21) >> 22 = v): output row yy is input row yFrom[yy], built 16 bytes at a time; a row with the
 * same source as the one above is a memory.copy of it. Chunk j of a row (`chunks`, 32 bytes each: an i32 byte
 * offset `base` in the source row, then 16 byte indices below 32) is two 16-byte loads from base and one swizzle of
 * each (an index ≥ 16 gives 0 in the first, one < 16 wraps to ≥ 240 and gives 0 in the second). The last chunk may
 * write past the row: into the next row, written after it, or the slack.
 */
export function boxNearest(src: usize, dst: usize, inRow: i32, outRow: i32, outH: i32, yFrom: usize, chunks: usize): void {
  const n = (outRow + 15) >> 4;
  const sixteen = i8x16.splat(16);
  let prev = -1;
  for (let yy = 0; yy < outH; yy++) {
    const sy = load<i32>(yFrom + (<usize>yy << 2));
    const d = dst + <usize>yy * <usize>outRow;
    if (sy === prev) {
      memory.copy(d, d - <usize>outRow, <usize>outRow);
      continue;
    }
    prev = sy;
    const s = src + <usize>sy * <usize>inRow;
    for (let j = 0; j < n; j++) {
      const e = chunks + (<usize>j << 5);
      const p = s + <usize>load<i32>(e);
      const pick = v128.load(e, 16);
      const v = v128.or(i8x16.swizzle(v128.load(p), pick), i8x16.swizzle(v128.load(p, 16), i8x16.sub(pick, sixteen)));
      v128.store(d + (<usize>j << 4), v);
    }
  }
}
