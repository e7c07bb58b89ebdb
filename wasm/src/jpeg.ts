/**
 * The JPEG round trip (src/corruptions/jpeg-codec.ts + jpeg-block.ts, what jpeg_compression does) in WebAssembly,
 * bytes in, bytes out, integer for integer: every operation is the JavaScript's on 32-bit integers (Math.imul is
 * i32.mul, `>>` i32.shr_s, `>>>` i32.shr_u), so the bytes are the same (tested).
 *
 * The 8x8 blocks go four at a time, one block per i32x4 lane (four horizontally adjacent blocks): every pass of the
 * islow FDCT, the reciprocal quantiser and the islow IDCT is then the scalar code lane by lane, with no transposes;
 * a row of the four blocks (32 bytes) is spread to eight vectors by two byte-interleaving steps, and gathered back by
 * three. The JavaScript's zero-AC shortcuts give the full passes' values, so the lanes always take the full passes;
 * its range-limit table saturates (v + 128 to 0..255), as the saturating narrows do here. Cb and Cr lie side by side
 * in one plane and go through the blocks together (the same quantiser).
 * Colour conversion with 2x2 downsampling, and fancy upsampling with YCbCr → RGB, go 16 pixels a step (the edges
 * one pixel or pair at a time, as the JavaScript), their constants loaded from a pool (see POOL).
 * Where a sum of products has operands that fit 16 bits, it is computed by i32x4.dot_i16x8_s with the products
 * regrouped (the FDCT's z1..z5 expanded into one coefficient per input; a colour constant that does not fit i16
 * split into k + m·2^16, the m·x added after the >> 16): integer sums, so the same values before every shift.
 *
 *   inBytes, outBytes   h·w·c bytes (HWC, c = 1 or 3)
 *   quant               two quantisers (luma, chroma), each 4 x 64 i32: q, corr, recip, shift (natural order)
 *   yPlane              luma plane, lh rows of ys bytes (ys: the padded width rounded up to 32, whole groups of four
 *                       blocks; the columns past the padded width are scratch), + 32 bytes slack
 *   chromaPlane         the chroma planes side by side (Cb in columns 0 .. cw − 1, Cr from cw), ch rows of cs bytes
 *                       (cs: 2·cw rounded up to 32; the columns past 2·cw are scratch), + 32 bytes slack
 *   ws                  64 v128: one group's workspace between the passes, then 64 x 64 bytes: the quantiser
 *                       in use as i32x4 splats and shifts, column by column (splatQuantiser), then 8·cs + 32
 *                       bytes: a line for the colour stages (convertAndDownsampleRows, fancyUpsampleToRgb)
 */

// jfdctint.c / jidctint.c constants, FIX(x) = round(x · 2^13).
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

// jccolor.c / jdcolor.c, FIX(x) at 16 bits (jpeg-codec.ts's constants).
const Y_R: i16 = 19595, Y_G = 38470, Y_B: i16 = 7471;
const CB_R: i16 = -11059, CB_G: i16 = -21709, CBCR_HALF = 32768;
const CR_G: i16 = -27439, CR_B: i16 = -5329;
/** Y_G less 2^16 (fits i16; see weighted). */
const Y_G_LOW: i16 = <i16>(Y_G - 65536);
const Y_ROUND = 1 << 15;
const CBCR_ROUND = (128 << 16) + (1 << 15) - 1;
const R_CR = 91881, G_CB = -22554, G_CR = -46802, B_CB = 116130;
const HALF = 1 << 15;
/** The decoder's constants less multiples of 2^16 (fitting i16; see fancyUpsampleToRgb). */
const R_CR_LOW: i16 = <i16>(R_CR - 65536), G_CB_LOW: i16 = <i16>G_CB, G_CR_LOW: i16 = <i16>(G_CR + 65536), B_CB_LOW: i16 = <i16>(B_CB - 131072);

/**
 * The colour stages' v128 constants, in linear memory: a v128.const in a loop is built in a register at every use
 * by V8 (a 64-bit immediate move, a vmovq and a vpinsrq or vpunpcklqdq per constant, about 30 per 16-pixel step of
 * the colour conversion), and constants kept in registers across the loop spill; a load from here is one
 * instruction. Filled on the first call (fillPool).
 */
const POOL: usize = memory.data(33 << 4, 16);
let poolFilled = false;
const K_Y_RG = 0, K_Y_B = 1, K_CB_RG = 2, K_CB_B = 3, K_CR_RG = 4, K_CR_B = 5, K_Y_ROUND = 6, K_CBCR_ROUND = 7;
const K_BIAS = 8, K_UP_C8 = 9, K_UP_C7 = 10, K_HALF = 11, K_R_CR = 12, K_G_CBCR = 13, K_B_CB = 14;
/** 9 masks each: channel c of 16 RGB pixels from load k (K_CHANNEL + 3c + k); bytes 16k.. of RGB from channel c (K_RGB + 3k + c). */
const K_CHANNEL = 15, K_RGB = 24;

// @ts-ignore: decorator
@inline function pooled(slot: i32): v128 {
  return v128.load(POOL + <usize>(slot << 4));
}

/** i16 pairs (k1, k2) in every i32 lane. */
// @ts-ignore: decorator
@inline function pairConstant(k1: i16, k2: i16): v128 {
  return i16x8(k1, k2, k1, k2, k1, k2, k1, k2);
}

function fillPool(): void {
  if (poolFilled) return;
  const X: i8 = -128;
  v128.store(POOL + (K_Y_RG << 4), pairConstant(Y_R, Y_G_LOW));
  v128.store(POOL + (K_Y_B << 4), pairConstant(Y_B, 0));
  v128.store(POOL + (K_CB_RG << 4), pairConstant(CB_R, CB_G));
  v128.store(POOL + (K_CB_B << 4), pairConstant(-32768, 0));
  v128.store(POOL + (K_CR_RG << 4), pairConstant(-32768, CR_G));
  v128.store(POOL + (K_CR_B << 4), pairConstant(CR_B, 0));
  v128.store(POOL + (K_Y_ROUND << 4), i32x4.splat(Y_ROUND));
  v128.store(POOL + (K_CBCR_ROUND << 4), i32x4.splat(CBCR_ROUND));
  v128.store(POOL + (K_BIAS << 4), i32x4(1, 2, 1, 2));
  // the fancy upsampler's rounding biases less 128·16: ((x + 8 − 2048) >> 4) = ((x + 8) >> 4) − 128 exactly
  v128.store(POOL + (K_UP_C8 << 4), i16x8.splat(8 - 2048));
  v128.store(POOL + (K_UP_C7 << 4), i16x8.splat(7 - 2048));
  v128.store(POOL + (K_HALF << 4), i32x4.splat(HALF));
  v128.store(POOL + (K_R_CR << 4), pairConstant(0, R_CR_LOW));
  v128.store(POOL + (K_G_CBCR << 4), pairConstant(G_CB_LOW, G_CR_LOW));
  v128.store(POOL + (K_B_CB << 4), pairConstant(B_CB_LOW, 0));
  // channelOf: a byte swizzle of each of the three loads (indices with the top bit set give 0)
  const ch = POOL + (K_CHANNEL << 4);
  v128.store(ch, i8x16(0, 3, 6, 9, 12, 15, X, X, X, X, X, X, X, X, X, X));
  v128.store(ch, i8x16(X, X, X, X, X, X, 2, 5, 8, 11, 14, X, X, X, X, X), 16);
  v128.store(ch, i8x16(X, X, X, X, X, X, X, X, X, X, X, 1, 4, 7, 10, 13), 32);
  v128.store(ch, i8x16(1, 4, 7, 10, 13, X, X, X, X, X, X, X, X, X, X, X), 48);
  v128.store(ch, i8x16(X, X, X, X, X, 0, 3, 6, 9, 12, 15, X, X, X, X, X), 64);
  v128.store(ch, i8x16(X, X, X, X, X, X, X, X, X, X, X, 2, 5, 8, 11, 14), 80);
  v128.store(ch, i8x16(2, 5, 8, 11, 14, X, X, X, X, X, X, X, X, X, X, X), 96);
  v128.store(ch, i8x16(X, X, X, X, X, 1, 4, 7, 10, 13, X, X, X, X, X, X), 112);
  v128.store(ch, i8x16(X, X, X, X, X, X, X, X, X, X, 0, 3, 6, 9, 12, 15), 128);
  // interleave3: bytes 16k .. 16k + 15 of the RGB triplets, from r, g and b
  const rgb = POOL + (K_RGB << 4);
  v128.store(rgb, i8x16(0, X, X, 1, X, X, 2, X, X, 3, X, X, 4, X, X, 5));
  v128.store(rgb, i8x16(X, 0, X, X, 1, X, X, 2, X, X, 3, X, X, 4, X, X), 16);
  v128.store(rgb, i8x16(X, X, 0, X, X, 1, X, X, 2, X, X, 3, X, X, 4, X), 32);
  v128.store(rgb, i8x16(X, X, 6, X, X, 7, X, X, 8, X, X, 9, X, X, 10, X), 48);
  v128.store(rgb, i8x16(5, X, X, 6, X, X, 7, X, X, 8, X, X, 9, X, X, 10), 64);
  v128.store(rgb, i8x16(X, 5, X, X, 6, X, X, 7, X, X, 8, X, X, 9, X, X), 80);
  v128.store(rgb, i8x16(X, 11, X, X, 12, X, X, 13, X, X, 14, X, X, 15, X, X), 96);
  v128.store(rgb, i8x16(X, X, 11, X, X, 12, X, X, 13, X, X, 14, X, X, 15, X), 112);
  v128.store(rgb, i8x16(10, X, X, 11, X, X, 12, X, X, 13, X, X, 14, X, X, 15), 128);
  poolFilled = true;
}

// @ts-ignore: decorator
@inline function mulc(x: v128, k: i32): v128 {
  return i32x4.mul(x, i32x4.splat(k));
}

/**
 * Quantise then dequantise coefficient vector x with the entry of row r in a column's part of the quantiser table
 * (jpeg-block.ts requantise): corr, recip and q splatted to i32x4 and the shift, 64 bytes per entry, at qc + 64r
 * (see splatQuantiser). |x| by i32x4.abs, the same as (x ^ sign) − sign.
 */
// @ts-ignore: decorator
@inline function requantise(x: v128, qc: usize, r: i32): v128 {
  const e = qc + <usize>(r << 6);
  const sign = i32x4.shr_s(x, 31);
  const level = i32x4.shr_u(i32x4.mul(i32x4.add(i32x4.abs(x), v128.load(e)), v128.load(e, 16)), load<i32>(e, 48));
  return i32x4.mul(i32x4.sub(v128.xor(level, sign), sign), v128.load(e, 32));
}

/**
 * A quantiser's corr, recip, q and shift (i32 tables at qt + 256, + 512, + 0, + 768, natural order) at qv, column by
 * column: coefficient (row r, column c) at qv + 512c + 64r, its corr, recip and q as i32x4 splats and its shift.
 */
function splatQuantiser(qt: usize, qv: usize): void {
  for (let i: usize = 0; i < 64; i++) {
    const at = qt + (i << 2), e = qv + ((i & 7) << 9) + ((i >> 3) << 6);
    v128.store(e, i32x4.splat(load<i32>(at, 256)));
    v128.store(e, i32x4.splat(load<i32>(at, 512)), 16);
    v128.store(e, i32x4.splat(load<i32>(at)), 32);
    store<i32>(e, load<i32>(at, 768), 48);
  }
}

/** Bytes 0..7 of a and b interleaved (a0 b0 a1 b1 ...): one punpcklbw, where a general shuffle costs several. */
// @ts-ignore: decorator
@inline function interleaveLow(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

/** Bytes 8..15 of a and b interleaved: one punpckhbw. */
// @ts-ignore: decorator
@inline function interleaveHigh(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

// @ts-ignore: decorator
@inline function wsAt(ws: usize, i: usize): usize {
  return ws + (i << 4);
}

/**
 * i16 pairs (a, b) of each i32 lane of a and b (both must fit i16): the operand of dot2. A 16-bit blend of a with
 * b shifted up by 16 (one shift and one pblendw in V8's code, where a general two-input shuffle is two pshufb, a
 * por and two 128-bit constants built in registers).
 */
// @ts-ignore: decorator
@inline function pairs(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, i32x4.shl(b, 16), 0, 9, 2, 11, 4, 13, 6, 15);
}

/** k1·a + k2·b of each lane of pairs(a, b): one i32x4.dot_i16x8_s. */
// @ts-ignore: decorator
@inline function dot2(p: v128, k1: i16, k2: i16): v128 {
  return i32x4.dot_i16x8_s(p, i16x8(k1, k2, k1, k2, k1, k2, k1, k2));
}

/**
 * The FDCT's multiplications (both passes) as sums of i16 products: jfdctint.c's z1..z5 expanded into one
 * coefficient per input, e.g. out2 = tmp12·4433 + tmp13·(4433 + 6270), out7 = tmp4·(2446 − 7373 − 16069 + 9633)
 * + tmp5·9633 + tmp6·(9633 − 16069) + tmp7·(9633 − 7373): the same integer before the descale, so the same
 * result. The inputs fit i16: |tmp4..7| ≤ 255 and |tmp12|, |tmp13| ≤ 510 in pass 1, whose outputs are within
 * ±4096, so ≤ 8192 and 16384 in pass 2.
 */
// @ts-ignore: decorator
@inline function fdctEven2(p1213: v128): v128 { return dot2(p1213, 4433, 10703); }
// @ts-ignore: decorator
@inline function fdctEven6(p1213: v128): v128 { return dot2(p1213, -10704, 4433); }
// @ts-ignore: decorator
@inline function fdctOdd7(p45: v128, p67: v128): v128 { return i32x4.add(dot2(p45, -11363, 9633), dot2(p67, -6436, 2260)); }
// @ts-ignore: decorator
@inline function fdctOdd5(p45: v128, p67: v128): v128 { return i32x4.add(dot2(p45, 9633, 2261), dot2(p67, -11362, 6437)); }
// @ts-ignore: decorator
@inline function fdctOdd3(p45: v128, p67: v128): v128 { return i32x4.add(dot2(p45, -6436, -11362), dot2(p67, -2259, 9633)); }
// @ts-ignore: decorator
@inline function fdctOdd1(p45: v128, p67: v128): v128 { return i32x4.add(dot2(p45, 2260, 6437), dot2(p67, 9633, 11363)); }

/**
 * Four adjacent 8x8 blocks at p (row stride `stride`) through the round trip with quantiser qt, in place
 * (jpeg-block.ts roundTripBlock, lane b = block b).
 */
function roundTrip4(p: usize, stride: usize, qv: usize, ws: usize): void {
  // FDCT pass 1: rows.
  for (let row: usize = 0; row < 8; row++) {
    const s = p + row * stride;
    // a: column 0..3 of the four blocks' row, block by block in each; b: columns 4..7 (two interleaving steps)
    const lo = v128.load(s), hi = v128.load(s, 16);
    const t0 = interleaveLow(lo, hi), t1 = interleaveHigh(lo, hi);
    const a = interleaveLow(t0, t1), b = interleaveHigh(t0, t1);
    const al = i16x8.extend_low_i8x16_u(a), ah = i16x8.extend_high_i8x16_u(a);
    const bl = i16x8.extend_low_i8x16_u(b), bh = i16x8.extend_high_i8x16_u(b);
    const d0 = i32x4.extend_low_i16x8_u(al), d1 = i32x4.extend_high_i16x8_u(al);
    const d2 = i32x4.extend_low_i16x8_u(ah), d3 = i32x4.extend_high_i16x8_u(ah);
    const d4 = i32x4.extend_low_i16x8_u(bl), d5 = i32x4.extend_high_i16x8_u(bl);
    const d6 = i32x4.extend_low_i16x8_u(bh), d7 = i32x4.extend_high_i16x8_u(bh);
    const tmp0 = i32x4.add(d0, d7), tmp7 = i32x4.sub(d0, d7);
    const tmp1 = i32x4.add(d1, d6), tmp6 = i32x4.sub(d1, d6);
    const tmp2 = i32x4.add(d2, d5), tmp5 = i32x4.sub(d2, d5);
    const tmp3 = i32x4.add(d3, d4), tmp4 = i32x4.sub(d3, d4);
    const tmp10 = i32x4.add(tmp0, tmp3), tmp13 = i32x4.sub(tmp0, tmp3);
    const tmp11 = i32x4.add(tmp1, tmp2), tmp12 = i32x4.sub(tmp1, tmp2);
    const w = row << 3;
    v128.store(wsAt(ws, w), i32x4.shl(i32x4.sub(i32x4.add(tmp10, tmp11), i32x4.splat(8 * 128)), 2));
    v128.store(wsAt(ws, w + 4), i32x4.shl(i32x4.sub(tmp10, tmp11), 2));
    const p1213 = pairs(tmp12, tmp13), p45 = pairs(tmp4, tmp5), p67 = pairs(tmp6, tmp7);
    const r11 = i32x4.splat(1024);
    v128.store(wsAt(ws, w + 2), i32x4.shr_s(i32x4.add(fdctEven2(p1213), r11), 11));
    v128.store(wsAt(ws, w + 6), i32x4.shr_s(i32x4.add(fdctEven6(p1213), r11), 11));
    v128.store(wsAt(ws, w + 7), i32x4.shr_s(i32x4.add(fdctOdd7(p45, p67), r11), 11));
    v128.store(wsAt(ws, w + 5), i32x4.shr_s(i32x4.add(fdctOdd5(p45, p67), r11), 11));
    v128.store(wsAt(ws, w + 3), i32x4.shr_s(i32x4.add(fdctOdd3(p45, p67), r11), 11));
    v128.store(wsAt(ws, w + 1), i32x4.shr_s(i32x4.add(fdctOdd1(p45, p67), r11), 11));
  }

  // Columns: FDCT pass 2, quantise + dequantise, IDCT pass 1.
  for (let c: usize = 0; c < 8; c++) {
    const qc = qv + (c << 9);
    const w0 = v128.load(wsAt(ws, c)), w7 = v128.load(wsAt(ws, c + 56));
    const w1 = v128.load(wsAt(ws, c + 8)), w6 = v128.load(wsAt(ws, c + 48));
    const w2 = v128.load(wsAt(ws, c + 16)), w5 = v128.load(wsAt(ws, c + 40));
    const w3 = v128.load(wsAt(ws, c + 24)), w4 = v128.load(wsAt(ws, c + 32));
    const tmp0 = i32x4.add(w0, w7), tmp7 = i32x4.sub(w0, w7);
    const tmp1 = i32x4.add(w1, w6), tmp6 = i32x4.sub(w1, w6);
    const tmp2 = i32x4.add(w2, w5), tmp5 = i32x4.sub(w2, w5);
    const tmp3 = i32x4.add(w3, w4), tmp4 = i32x4.sub(w3, w4);
    const tmp10 = i32x4.add(tmp0, tmp3), tmp13 = i32x4.sub(tmp0, tmp3);
    const tmp11 = i32x4.add(tmp1, tmp2), tmp12 = i32x4.sub(tmp1, tmp2);
    const p1213 = pairs(tmp12, tmp13), p45 = pairs(tmp4, tmp5), p67 = pairs(tmp6, tmp7);
    const r2 = i32x4.splat(2), r15 = i32x4.splat(16384);
    const k0 = requantise(i32x4.shr_s(i32x4.add(i32x4.add(tmp10, tmp11), r2), 2), qc, 0);
    const k4 = requantise(i32x4.shr_s(i32x4.add(i32x4.sub(tmp10, tmp11), r2), 2), qc, 4);
    const k2 = requantise(i32x4.shr_s(i32x4.add(fdctEven2(p1213), r15), 15), qc, 2);
    const k6 = requantise(i32x4.shr_s(i32x4.add(fdctEven6(p1213), r15), 15), qc, 6);
    const k7 = requantise(i32x4.shr_s(i32x4.add(fdctOdd7(p45, p67), r15), 15), qc, 7);
    const k5 = requantise(i32x4.shr_s(i32x4.add(fdctOdd5(p45, p67), r15), 15), qc, 5);
    const k3 = requantise(i32x4.shr_s(i32x4.add(fdctOdd3(p45, p67), r15), 15), qc, 3);
    const k1 = requantise(i32x4.shr_s(i32x4.add(fdctOdd1(p45, p67), r15), 15), qc, 1);
    // IDCT pass 1 (the JavaScript's zero-AC shortcut gives these same values).
    const e1 = mulc(i32x4.add(k2, k6), FIX_0_541196100);
    const e2 = i32x4.sub(e1, mulc(k6, FIX_1_847759065));
    const e3 = i32x4.add(e1, mulc(k2, FIX_0_765366865));
    const e0 = i32x4.shl(i32x4.add(k0, k4), 13), e4 = i32x4.shl(i32x4.sub(k0, k4), 13);
    const t10 = i32x4.add(e0, e3), t13 = i32x4.sub(e0, e3), t11 = i32x4.add(e4, e2), t12 = i32x4.sub(e4, e2);
    const y1 = i32x4.add(k7, k1), y2 = i32x4.add(k5, k3), y3 = i32x4.add(k7, k3), y4 = i32x4.add(k5, k1);
    const y5 = mulc(i32x4.add(y3, y4), FIX_1_175875602);
    const m1 = mulc(y1, -FIX_0_899976223), m2 = mulc(y2, -FIX_2_562915447);
    const m3 = i32x4.add(mulc(y3, -FIX_1_961570560), y5), m4 = i32x4.add(mulc(y4, -FIX_0_390180644), y5);
    const t0 = i32x4.add(i32x4.add(mulc(k7, FIX_0_298631336), m1), m3);
    const t1 = i32x4.add(i32x4.add(mulc(k5, FIX_2_053119869), m2), m4);
    const t2 = i32x4.add(i32x4.add(mulc(k3, FIX_3_072711026), m2), m3);
    const t3 = i32x4.add(i32x4.add(mulc(k1, FIX_1_501321110), m1), m4);
    const r11 = i32x4.splat(1024);
    v128.store(wsAt(ws, c), i32x4.shr_s(i32x4.add(i32x4.add(t10, t3), r11), 11));
    v128.store(wsAt(ws, c + 56), i32x4.shr_s(i32x4.add(i32x4.sub(t10, t3), r11), 11));
    v128.store(wsAt(ws, c + 8), i32x4.shr_s(i32x4.add(i32x4.add(t11, t2), r11), 11));
    v128.store(wsAt(ws, c + 48), i32x4.shr_s(i32x4.add(i32x4.sub(t11, t2), r11), 11));
    v128.store(wsAt(ws, c + 16), i32x4.shr_s(i32x4.add(i32x4.add(t12, t1), r11), 11));
    v128.store(wsAt(ws, c + 40), i32x4.shr_s(i32x4.add(i32x4.sub(t12, t1), r11), 11));
    v128.store(wsAt(ws, c + 24), i32x4.shr_s(i32x4.add(i32x4.add(t13, t0), r11), 11));
    v128.store(wsAt(ws, c + 32), i32x4.shr_s(i32x4.add(i32x4.sub(t13, t0), r11), 11));
  }

  // IDCT pass 2: rows, descale by 2^18, centre, saturate to 0..255 and gather the four blocks' row back to 32 bytes.
  for (let row: usize = 0; row < 8; row++) {
    const w = row << 3;
    const w0 = v128.load(wsAt(ws, w)), w1 = v128.load(wsAt(ws, w + 1)), w2 = v128.load(wsAt(ws, w + 2)), w3 = v128.load(wsAt(ws, w + 3));
    const w4 = v128.load(wsAt(ws, w + 4)), w5 = v128.load(wsAt(ws, w + 5)), w6 = v128.load(wsAt(ws, w + 6)), w7 = v128.load(wsAt(ws, w + 7));
    const e1 = mulc(i32x4.add(w2, w6), FIX_0_541196100);
    const e2 = i32x4.sub(e1, mulc(w6, FIX_1_847759065));
    const e3 = i32x4.add(e1, mulc(w2, FIX_0_765366865));
    const e0 = i32x4.shl(i32x4.add(w0, w4), 13), e4 = i32x4.shl(i32x4.sub(w0, w4), 13);
    const t10 = i32x4.add(e0, e3), t13 = i32x4.sub(e0, e3), t11 = i32x4.add(e4, e2), t12 = i32x4.sub(e4, e2);
    const y1 = i32x4.add(w7, w1), y2 = i32x4.add(w5, w3), y3 = i32x4.add(w7, w3), y4 = i32x4.add(w5, w1);
    const y5 = mulc(i32x4.add(y3, y4), FIX_1_175875602);
    const m1 = mulc(y1, -FIX_0_899976223), m2 = mulc(y2, -FIX_2_562915447);
    const m3 = i32x4.add(mulc(y3, -FIX_1_961570560), y5), m4 = i32x4.add(mulc(y4, -FIX_0_390180644), y5);
    const t0 = i32x4.add(i32x4.add(mulc(w7, FIX_0_298631336), m1), m3);
    const t1 = i32x4.add(i32x4.add(mulc(w5, FIX_2_053119869), m2), m4);
    const t2 = i32x4.add(i32x4.add(mulc(w3, FIX_3_072711026), m2), m3);
    const t3 = i32x4.add(i32x4.add(mulc(w1, FIX_1_501321110), m1), m4);
    // ((x + 2^17) >> 18) + 128 as (x + 2^17 + 128·2^18) >> 18 (exact: |x| stays far below 2^31, see jpeg-block.ts);
    // the narrows saturate to 0..255 (jpeg-block.ts IDCT_LIMIT)
    const r18 = i32x4.splat(131072 + (128 << 18));
    const o0 = i32x4.shr_s(i32x4.add(i32x4.add(t10, t3), r18), 18);
    const o7 = i32x4.shr_s(i32x4.add(i32x4.sub(t10, t3), r18), 18);
    const o1 = i32x4.shr_s(i32x4.add(i32x4.add(t11, t2), r18), 18);
    const o6 = i32x4.shr_s(i32x4.add(i32x4.sub(t11, t2), r18), 18);
    const o2 = i32x4.shr_s(i32x4.add(i32x4.add(t12, t1), r18), 18);
    const o5 = i32x4.shr_s(i32x4.add(i32x4.sub(t12, t1), r18), 18);
    const o3 = i32x4.shr_s(i32x4.add(i32x4.add(t13, t0), r18), 18);
    const o4 = i32x4.shr_s(i32x4.add(i32x4.sub(t13, t0), r18), 18);
    // bytes [o0 of blocks 0..3, o1 .., o2 .., o3 ..] and [o4 .., .., o7 ..], then block-major: the inverse of the
    // load's two interleaving steps is three more (each step rotates the 5-bit byte index by one; five are none)
    const m03 = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(o0, o1), i16x8.narrow_i32x4_s(o2, o3));
    const m47 = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(o4, o5), i16x8.narrow_i32x4_s(o6, o7));
    const u0 = interleaveLow(m03, m47), u1 = interleaveHigh(m03, m47);
    const v0 = interleaveLow(u0, u1), v1 = interleaveHigh(u0, u1);
    const d = p + row * stride;
    v128.store(d, interleaveLow(v0, v1));
    v128.store(d, interleaveHigh(v0, v1), 16);
  }
}

// The workspace's parts (see the module comment): the group's 64 v128, the quantiser's splats, the colour stages' line.
const WS_QUANTISER: usize = 64 * 16, WS_LINE: usize = WS_QUANTISER + 64 * 64;

/** Every group of four blocks of a plane (rows a multiple of 8, stride a multiple of 32). */
function roundTripPlane(p: usize, rows: i32, stride: i32, qt: usize, ws: usize): void {
  const s = <usize>stride;
  const qv = ws + WS_QUANTISER;
  splatQuantiser(qt, qv);
  for (let by = 0; by < rows; by += 8) {
    const r = p + <usize>by * s;
    for (let bx: usize = 0; bx < s; bx += 32) roundTrip4(r + bx, s, qv, ws);
  }
}

// @ts-ignore: decorator
@inline function clamp255(v: i32): u8 {
  return <u8>max(0, min(255, v));
}

/** jdcolor.c ycc_rgb_convert of one pixel into d; cb and cr are the samples minus 128 (jpeg-codec.ts yccToRgb). */
// @ts-ignore: decorator
@inline function yccToRgb(y: i32, cb: i32, cr: i32, d: usize): void {
  store<u8>(d, clamp255(y + ((R_CR * cr + HALF) >> 16)));
  store<u8>(d, clamp255(y + ((G_CB * cb + G_CR * cr + HALF) >> 16)), 1);
  store<u8>(d, clamp255(y + ((B_CB * cb + HALF) >> 16)), 2);
}

// @ts-ignore: decorator
@inline function lumaOf(r: i32, g: i32, b: i32): i32 {
  return (Y_R * r + Y_G * g + Y_B * b + Y_ROUND) >> 16;
}

// @ts-ignore: decorator
@inline function cbOf(r: i32, g: i32, b: i32): i32 {
  return (CB_R * r + CB_G * g + CBCR_HALF * b + CBCR_ROUND) >> 16;
}

// @ts-ignore: decorator
@inline function crOf(r: i32, g: i32, b: i32): i32 {
  return (CBCR_HALF * r + CR_G * g + CR_B * b + CBCR_ROUND) >> 16;
}

/** The round trip of an h x w x c image (see the module comment for the buffers). */
export function jpegRoundTrip(
  inBytes: usize, outBytes: usize, h: i32, w: i32, c: i32, quant: usize, yPlane: usize, chromaPlane: usize, ws: usize,
): void {
  fillPool();
  const lw = (w + 7) & ~7, lh = (h + 7) & ~7;
  const ys = (lw + 31) & ~31;
  if (c === 1) {
    for (let r = 0; r < lh; r++) {
      const src = inBytes + <usize>(min(r, h - 1) * w);
      const dst = yPlane + <usize>(r * ys);
      memory.copy(dst, src, <usize>w);
      memory.fill(dst + <usize>w, load<u8>(src + <usize>(w - 1)), <usize>(lw - w));
    }
    roundTripPlane(yPlane, lh, ys, quant, ws);
    for (let r = 0; r < h; r++) memory.copy(outBytes + <usize>(r * w), yPlane + <usize>(r * ys), <usize>w);
    return;
  }
  // Cb and Cr side by side in one plane (Cr from column cw, a block boundary): one pass over both, with the same
  // quantiser, wastes at most three blocks per block row (a 112-wide plane alone takes four groups for 14 blocks)
  const cw = ((w + 15) >> 4) << 3, ch = ((h + 15) >> 4) << 3;
  const cs = (2 * cw + 31) & ~31;
  const crPlane = chromaPlane + <usize>cw;
  const cwReal = (w + 1) >> 1, chReal = (h + 1) >> 1;
  for (let cy = 0; cy < chReal; cy++) convertAndDownsampleRows(inBytes, w, h, cy, yPlane, lw, ys, chromaPlane, crPlane, cw, cs, ws + WS_LINE);
  for (let r = 2 * chReal; r < lh; r++) memory.copy(yPlane + <usize>(r * ys), yPlane + <usize>((h - 1) * ys), <usize>lw);
  for (let r = chReal; r < ch; r++) memory.copy(chromaPlane + <usize>(r * cs), chromaPlane + <usize>((chReal - 1) * cs), <usize>(2 * cw));
  roundTripPlane(yPlane, lh, ys, quant, ws);
  roundTripPlane(chromaPlane, ch, cs, quant + 1024, ws);
  if (cwReal > 2) fancyUpsampleToRgb(yPlane, ys, chromaPlane, crPlane, cs, cwReal, chReal, h, w, outBytes, ws + WS_LINE);
  else boxUpsampleToRgb(yPlane, ys, chromaPlane, crPlane, cs, h, w, outBytes);
}

/** Bytes 4j .. 4j + 3 of v as i32 lanes (j a constant: the branches fold). */
// @ts-ignore: decorator
@inline function bytesToI32(v: v128, j: i32): v128 {
  const h = j < 2 ? i16x8.extend_low_i8x16_u(v) : i16x8.extend_high_i8x16_u(v);
  return (j & 1) === 0 ? i32x4.extend_low_i16x8_u(h) : i32x4.extend_high_i16x8_u(h);
}

/**
 * Channel 0, 1 or 2 of 16 RGB pixels (48 bytes at p) as 16 bytes: one byte swizzle of each 16-byte load (masks in
 * the pool) and two ors, where a two-input i8x16.shuffle that matches no instruction costs V8 two pshufb, a por and
 * both masks built in registers.
 */
// @ts-ignore: decorator
@inline function channelOf(p: usize, ch: i32): v128 {
  const k = K_CHANNEL + 3 * ch;
  return v128.or(v128.or(
    i8x16.swizzle(v128.load(p), pooled(k)), i8x16.swizzle(v128.load(p, 16), pooled(k + 1))),
    i8x16.swizzle(v128.load(p, 32), pooled(k + 2)));
}

/** The pixels 4j .. 4j + 3 of byte vectors r, g as i16 pairs r, g, r, g, ... (j a constant). */
// @ts-ignore: decorator
@inline function rgPairs(r: v128, g: v128, j: i32): v128 {
  const rg = j < 2
    ? i8x16.shuffle(r, g, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
    : i8x16.shuffle(r, g, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  return (j & 1) === 0 ? i16x8.extend_low_i8x16_u(rg) : i16x8.extend_high_i8x16_u(rg);
}

/**
 * (kr·r + kg·g + kb·b + round) >> 16 of the pixels 4j .. 4j + 3 (i32 lanes), by two i32x4.dot_i16x8_s: the (r, g)
 * pairs, and b with 0 (its i32 lanes read as i16 pairs). kr, kg, kb fit i16; the encoder's constants that do not
 * (Y_G, and 2^15 for Cb's b and Cr's r) are passed less 2^16 and the caller adds that pixel's g, b or r after the
 * shift: (s + 2^16·x) >> 16 = (s >> 16) + x exactly.
 */
// @ts-ignore: decorator
@inline function weighted(r: v128, g: v128, b: v128, j: i32, kRg: i32, kB: i32, kRound: i32): v128 {
  const s = i32x4.add(i32x4.dot_i16x8_s(rgPairs(r, g, j), pooled(kRg)), i32x4.dot_i16x8_s(bytesToI32(b, j), pooled(kB)));
  return i32x4.shr_s(i32x4.add(s, pooled(kRound)), 16);
}

/** Bytes 8h .. 8h + 7 of v as i16 lanes (h a constant). */
// @ts-ignore: decorator
@inline function bytesToI16(v: v128, h: i32): v128 {
  return h === 0 ? i16x8.extend_low_i8x16_u(v) : i16x8.extend_high_i8x16_u(v);
}

/** The luma bytes of 16 pixels (Y_G = −27066 + 2^16). */
// @ts-ignore: decorator
@inline function lumaBytes(r: v128, g: v128, b: v128): v128 {
  const lo = i16x8.add(i16x8.narrow_i32x4_s(weighted(r, g, b, 0, K_Y_RG, K_Y_B, K_Y_ROUND), weighted(r, g, b, 1, K_Y_RG, K_Y_B, K_Y_ROUND)), bytesToI16(g, 0));
  const hi = i16x8.add(i16x8.narrow_i32x4_s(weighted(r, g, b, 2, K_Y_RG, K_Y_B, K_Y_ROUND), weighted(r, g, b, 3, K_Y_RG, K_Y_B, K_Y_ROUND)), bytesToI16(g, 1));
  return i8x16.narrow_i16x8_u(lo, hi);
}

/** Cb (cr false: b's 2^15 = −2^15 + 2^16) or Cr (cr true: r's) of the pixels 8h .. 8h + 7 of one row, i16 lanes. */
// @ts-ignore: decorator
@inline function chromaRow(r: v128, g: v128, b: v128, h: i32, cr: bool): v128 {
  const a = cr
    ? i16x8.narrow_i32x4_s(weighted(r, g, b, 2 * h, K_CR_RG, K_CR_B, K_CBCR_ROUND), weighted(r, g, b, 2 * h + 1, K_CR_RG, K_CR_B, K_CBCR_ROUND))
    : i16x8.narrow_i32x4_s(weighted(r, g, b, 2 * h, K_CB_RG, K_CB_B, K_CBCR_ROUND), weighted(r, g, b, 2 * h + 1, K_CB_RG, K_CB_B, K_CBCR_ROUND));
  return i16x8.add(a, bytesToI16(cr ? r : b, h));
}

/** 2x2 means (h2v2_downsample, biases 1, 2, 1, 2) of 16 columns' row sums: 8 bytes in the low half. */
// @ts-ignore: decorator
@inline function downsampled(lo: v128, hi: v128): v128 {
  const bias = pooled(K_BIAS);
  const a = i32x4.shr_s(i32x4.add(i32x4.extadd_pairwise_i16x8_s(lo), bias), 2);
  const b = i32x4.shr_s(i32x4.add(i32x4.extadd_pairwise_i16x8_s(hi), bias), 2);
  const n = i16x8.narrow_i32x4_s(a, b);
  return i8x16.narrow_i16x8_u(n, n);
}

/**
 * jpeg-codec.ts convertAndDownsampleRows: image rows 2cy, 2cy + 1 to luma, and to Cb, Cr as 2x2 means. Eight chroma
 * columns (16 pixels of both rows) at a time while both columns of each pair are in the image (a chunk's loads may
 * read past the row: into the next row or the buffers after the image), the rest one at a time. `line`: row 2cy's
 * Cb and Cr as i16, 64 bytes per eight chroma columns.
 */
function convertAndDownsampleRows(
  data: usize, w: i32, h: i32, cy: i32, Y: usize, lw: i32, ys: i32, Cb: usize, Cr: usize, cw: i32, cs: i32, line: usize,
): void {
  const s0 = data + <usize>(2 * cy * w * 3), s1 = data + <usize>(min(2 * cy + 1, h - 1) * w * 3);
  const l0 = Y + <usize>(2 * cy * ys), l1 = l0 + <usize>ys;
  const cbRow = Cb + <usize>(cy * cs), crRow = Cr + <usize>(cy * cs);
  const inside = w >> 1;
  const lastX = (w - 1) * 3;
  // Row 2cy: its luma, and its Cb and Cr (i16 lanes) into `line`; then row 2cy + 1, adding them. Two loops, where
  // one with both rows kept about twice as many vectors live, which V8 spilled.
  let cx = 0;
  for (; cx + 8 <= inside; cx += 8) {
    const p0 = s0 + <usize>(6 * cx), l = line + <usize>(cx << 3);
    const r0 = channelOf(p0, 0), g0 = channelOf(p0, 1), b0 = channelOf(p0, 2);
    v128.store(l0 + <usize>(2 * cx), lumaBytes(r0, g0, b0));
    v128.store(l, chromaRow(r0, g0, b0, 0, false));
    v128.store(l, chromaRow(r0, g0, b0, 1, false), 16);
    v128.store(l, chromaRow(r0, g0, b0, 0, true), 32);
    v128.store(l, chromaRow(r0, g0, b0, 1, true), 48);
  }
  for (cx = 0; cx + 8 <= inside; cx += 8) {
    const p1 = s1 + <usize>(6 * cx), l = line + <usize>(cx << 3);
    const r1 = channelOf(p1, 0), g1 = channelOf(p1, 1), b1 = channelOf(p1, 2);
    v128.store(l1 + <usize>(2 * cx), lumaBytes(r1, g1, b1));
    const cb = downsampled(i16x8.add(v128.load(l), chromaRow(r1, g1, b1, 0, false)), i16x8.add(v128.load(l, 16), chromaRow(r1, g1, b1, 1, false)));
    const cr = downsampled(i16x8.add(v128.load(l, 32), chromaRow(r1, g1, b1, 0, true)), i16x8.add(v128.load(l, 48), chromaRow(r1, g1, b1, 1, true)));
    v128.store64_lane(cbRow + <usize>cx, cb, 0);
    v128.store64_lane(crRow + <usize>cx, cr, 0);
  }
  for (; cx < cw; cx++) {
    const x0 = cx < inside ? 6 * cx : min(6 * cx, lastX);
    const x1 = cx < inside ? x0 + 3 : lastX;
    let p = s0 + <usize>x0;
    let r = <i32>load<u8>(p), g = <i32>load<u8>(p, 1), b = <i32>load<u8>(p, 2);
    const y00 = lumaOf(r, g, b);
    let cb = cbOf(r, g, b), cr = crOf(r, g, b);
    p = s0 + <usize>x1;
    r = <i32>load<u8>(p); g = <i32>load<u8>(p, 1); b = <i32>load<u8>(p, 2);
    const y01 = lumaOf(r, g, b);
    cb += cbOf(r, g, b); cr += crOf(r, g, b);
    p = s1 + <usize>x0;
    r = <i32>load<u8>(p); g = <i32>load<u8>(p, 1); b = <i32>load<u8>(p, 2);
    const y10 = lumaOf(r, g, b);
    cb += cbOf(r, g, b); cr += crOf(r, g, b);
    p = s1 + <usize>x1;
    r = <i32>load<u8>(p); g = <i32>load<u8>(p, 1); b = <i32>load<u8>(p, 2);
    const y11 = lumaOf(r, g, b);
    cb += cbOf(r, g, b); cr += crOf(r, g, b);
    const bias = 1 + (cx & 1);
    store<u8>(cbRow + <usize>cx, <u8>((cb + bias) >> 2));
    store<u8>(crRow + <usize>cx, <u8>((cr + bias) >> 2));
    const lx = 2 * cx;
    if (lx < lw) {
      store<u8>(l0 + <usize>lx, <u8>y00); store<u8>(l0 + <usize>lx, <u8>y01, 1);
      store<u8>(l1 + <usize>lx, <u8>y10); store<u8>(l1 + <usize>lx, <u8>y11, 1);
    }
  }
}

/** 3·near + far of eight chroma columns from p (i16 lanes): the vertical step of the fancy upsampler. */
// @ts-ignore: decorator
@inline function columnSums(near: usize, far: usize): v128 {
  const n = v128.load8x8_u(near);
  return i16x8.add(i16x8.add(i16x8.add(n, n), n), v128.load8x8_u(far));
}

/** The 16 upsampled chroma samples (minus 128) of eight columns from c: i16 lanes, pixels 0..7 (h 0) or 8..15 (h 1). */
// @ts-ignore: decorator
@inline function upsampledHalf(left: v128, right: v128, h: i32): v128 {
  return h === 0
    ? i8x16.shuffle(left, right, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23)
    : i8x16.shuffle(left, right, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
}

/**
 * (k1·cb + k2·cr + HALF) >> 16 of the four pixels of `pairs` (i16 lanes cb, cr, cb, cr, ...; k1, k2 fit i16): one
 * i32x4.dot_i16x8_s.
 */
// @ts-ignore: decorator
@inline function term(pairs: v128, k: i32): v128 {
  return i32x4.shr_s(i32x4.add(i32x4.dot_i16x8_s(pairs, pooled(k)), pooled(K_HALF)), 16);
}

/** One output pair (chroma column c) of the fancy upsampler, scalar, neighbours clamped to the plane. */
// @ts-ignore: decorator
@inline function fancyPair(yRow: usize, cbN: usize, cbF: usize, crN: usize, crF: usize, c: i32, last: i32, w: i32, o: usize): void {
  const p = <usize>max(c - 1, 0), t = <usize>c, n = <usize>min(c + 1, last);
  const cbPrev = 3 * <i32>load<u8>(cbN + p) + <i32>load<u8>(cbF + p), crPrev = 3 * <i32>load<u8>(crN + p) + <i32>load<u8>(crF + p);
  const cbThis = 3 * <i32>load<u8>(cbN + t) + <i32>load<u8>(cbF + t), crThis = 3 * <i32>load<u8>(crN + t) + <i32>load<u8>(crF + t);
  const cbNext = 3 * <i32>load<u8>(cbN + n) + <i32>load<u8>(cbF + n), crNext = 3 * <i32>load<u8>(crN + n) + <i32>load<u8>(crF + n);
  const x = 2 * c;
  yccToRgb(<i32>load<u8>(yRow + <usize>x), ((3 * cbThis + cbPrev + 8) >> 4) - 128, ((3 * crThis + crPrev + 8) >> 4) - 128, o);
  if (x + 1 === w) return; // odd width: the pair's right sample is past the image
  yccToRgb(<i32>load<u8>(yRow + <usize>x, 1), ((3 * cbThis + cbNext + 7) >> 4) - 128, ((3 * crThis + crNext + 7) >> 4) - 128, o + 3);
}

/** Bytes 16k .. 16k + 15 of the 48 RGB bytes of 16 pixels whose channels are r, g, b (see channelOf). */
// @ts-ignore: decorator
@inline function interleave3(r: v128, g: v128, b: v128, k: i32): v128 {
  const m = K_RGB + 3 * k;
  return v128.or(v128.or(i8x16.swizzle(r, pooled(m)), i8x16.swizzle(g, pooled(m + 1))), i8x16.swizzle(b, pooled(m + 2)));
}

/**
 * jpeg-codec.ts fancyUpsampleToRgb: h2v2 fancy upsampling + YCbCr → RGB. Eight chroma columns (16 pixels) at a
 * time where both neighbours are inside the plane (columns 1 .. last − 1), the edges one pair at a time. `line`:
 * the current row's 3·near + far of both planes (i16, 2·cs + 16 bytes each).
 */
function fancyUpsampleToRgb(
  Y: usize, ys: i32, Cb: usize, Cr: usize, cs: i32, cwReal: i32, chReal: i32, h: i32, w: i32, out: usize, line: usize,
): void {
  const last = cwReal - 1;
  const lineCb = line, lineCr = line + <usize>(2 * cs + 16);
  const c8 = pooled(K_UP_C8), c7 = pooled(K_UP_C7);
  for (let y = 0; y < h; y++) {
    const cy = y >> 1;
    const near = <usize>(cy * cs);
    const far = <usize>(((y & 1) === 0 ? max(cy - 1, 0) : min(cy + 1, chReal - 1)) * cs);
    const yRow = Y + <usize>(y * ys);
    const o = out + <usize>(y * w * 3);
    const cbN = Cb + near, cbF = Cb + far, crN = Cr + near, crF = Cr + far;
    fancyPair(yRow, cbN, cbF, crN, crF, 0, last, w, o);
    // the row's vertical step once (columns 0 .. last, eight at a time), which the loop below reads three times
    for (let v: usize = 0; v <= <usize>last; v += 8) {
      v128.store(lineCb + (v << 1), columnSums(cbN + v, cbF + v));
      v128.store(lineCr + (v << 1), columnSums(crN + v, crF + v));
    }
    let c = 1;
    for (; c + 8 <= last; c += 8) {
      const at = <usize>(c << 1);
      const cbPrev = v128.load(lineCb + at - 2), cbThis = v128.load(lineCb + at), cbNext = v128.load(lineCb + at + 2);
      const crPrev = v128.load(lineCr + at - 2), crThis = v128.load(lineCr + at), crNext = v128.load(lineCr + at + 2);
      const cb3 = i16x8.add(i16x8.add(cbThis, cbThis), cbThis), cr3 = i16x8.add(i16x8.add(crThis, crThis), crThis);
      const cbL = i16x8.shr_s(i16x8.add(i16x8.add(cb3, cbPrev), c8), 4);
      const cbR = i16x8.shr_s(i16x8.add(i16x8.add(cb3, cbNext), c7), 4);
      const crL = i16x8.shr_s(i16x8.add(i16x8.add(cr3, crPrev), c8), 4);
      const crR = i16x8.shr_s(i16x8.add(i16x8.add(cr3, crNext), c7), 4);
      const yb = v128.load(yRow + <usize>(2 * c));
      const yLo = i16x8.extend_low_i8x16_u(yb), yHi = i16x8.extend_high_i8x16_u(yb);
      const cbLo = upsampledHalf(cbL, cbR, 0), cbHi = upsampledHalf(cbL, cbR, 1);
      const crLo = upsampledHalf(crL, crR, 0), crHi = upsampledHalf(crL, crR, 1);
      // jdcolor.c's terms with constants that fit i16: R_CR = 26345 + 2^16, G_CR = 18734 − 2^16, B_CB = −14942 + 2^17,
      // and (k·x + 2^16·m·x + HALF) >> 16 = ((k·x + HALF) >> 16) + m·x exactly
      const p0 = i8x16.shuffle(cbLo, crLo, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
      const p1 = i8x16.shuffle(cbLo, crLo, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
      const p2 = i8x16.shuffle(cbHi, crHi, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
      const p3 = i8x16.shuffle(cbHi, crHi, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
      const rLo = i16x8.add(i16x8.add(yLo, crLo), i16x8.narrow_i32x4_s(term(p0, K_R_CR), term(p1, K_R_CR)));
      const rHi = i16x8.add(i16x8.add(yHi, crHi), i16x8.narrow_i32x4_s(term(p2, K_R_CR), term(p3, K_R_CR)));
      const gLo = i16x8.add(i16x8.sub(yLo, crLo), i16x8.narrow_i32x4_s(term(p0, K_G_CBCR), term(p1, K_G_CBCR)));
      const gHi = i16x8.add(i16x8.sub(yHi, crHi), i16x8.narrow_i32x4_s(term(p2, K_G_CBCR), term(p3, K_G_CBCR)));
      const bLo = i16x8.add(i16x8.add(yLo, i16x8.add(cbLo, cbLo)), i16x8.narrow_i32x4_s(term(p0, K_B_CB), term(p1, K_B_CB)));
      const bHi = i16x8.add(i16x8.add(yHi, i16x8.add(cbHi, cbHi)), i16x8.narrow_i32x4_s(term(p2, K_B_CB), term(p3, K_B_CB)));
      const r = i8x16.narrow_i16x8_u(rLo, rHi), g = i8x16.narrow_i16x8_u(gLo, gHi), b = i8x16.narrow_i16x8_u(bLo, bHi);
      const d = o + <usize>(6 * c);
      v128.store(d, interleave3(r, g, b, 0));
      v128.store(d, interleave3(r, g, b, 1), 16);
      v128.store(d, interleave3(r, g, b, 2), 32);
    }
    for (; c < cwReal; c++) fancyPair(yRow, cbN, cbF, crN, crF, c, last, w, o + <usize>(6 * c));
  }
}

/** jpeg-codec.ts boxUpsampleToRgb: chroma planes at most 2 samples wide, 2x2 repetition + YCbCr → RGB. */
function boxUpsampleToRgb(Y: usize, ys: i32, Cb: usize, Cr: usize, cs: i32, h: i32, w: i32, out: usize): void {
  let o = out;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = <usize>((y >> 1) * cs + (x >> 1));
      yccToRgb(<i32>load<u8>(Y + <usize>(y * ys + x)), <i32>load<u8>(Cb + c) - 128, <i32>load<u8>(Cr + c) - 128, o);
      o += 3;
    }
  }
}
