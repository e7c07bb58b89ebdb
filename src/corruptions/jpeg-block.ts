/**
 * What a baseline JPEG round trip does to one 8x8 block of samples, integer for integer as libjpeg(-turbo) does
 * it: level shift, forward DCT "islow" (jfdctint.c), quantisation (jcdctmgr.c, see jpeg-quant.ts),
 * dequantisation and inverse DCT "islow" with its range limiting (jidctint.c). The entropy coding between them
 * is lossless and is skipped.
 *
 * The FDCT's second pass and the IDCT's first pass both run down columns, so one loop does a column from DCT
 * coefficients to IDCT intermediates without storing the coefficients: pass 1 (rows, pixels → ws), columns
 * (ws → ws), pass 2 (rows, ws → pixels, written back in place).
 *
 * Range: every intermediate stays well inside int32 for 8-bit samples and coefficients that came from such
 * samples (libjpeg relies on the same for its 32-bit JLONG builds), so Math.imul and `>>` are exact. Math.imul
 * rather than `*` on purpose: 0 · −c is −0 in JavaScript, which sends V8 to float arithmetic (and `*` carries
 * a minus-zero check that mispredicts on the many zero coefficients); together about 40% of the block's time.
 */
import type { JpegQuantiser } from './jpeg-quant.js';

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

/**
 * Range limiting of the IDCT output, indexed by value + 2048 (value = sample − 128, before limiting). libjpeg's
 * C code indexes its table by value & 1023, which wraps values of 384 or more (and −641 or less) back into
 * range; the SIMD IDCTs that libjpeg-turbo and mozjpeg run on x86 and Arm saturate instead (packsswb), and so do
 * sharp and Pillow on blocks built to overshoot that far (values up to 548 were found at quality 1, tested):
 * this table saturates. Blocks of 8-bit samples cannot take |value| to 2048 (each coefficient's quantisation
 * error is at most Q/2, about 1,900 at a pixel in the worst case), so the & 4095 only keeps the index in range.
 */
const IDCT_LIMIT = (() => {
  const t = new Uint8Array(4096);
  for (let v = 0; v < 4096; v++) t[v] = Math.min(255, Math.max(0, v - 2048 + 128));
  return t;
})();

/**
 * Quantise then dequantise islow coefficient x (scaled by 8) with entry i of a quantiser's arrays (see
 * JpegQuantiser): integer only, and no branch on the sign, which noise makes unpredictable. Exported for the tests.
 */
export function requantise(x: number, i: number, q: Int32Array, corr: Int32Array, recip: Int32Array, shift: Int32Array): number {
  const sign = x >> 31; // 0 or −1
  const level = Math.imul(((x ^ sign) - sign) + corr[i], recip[i]) >>> shift[i];
  return Math.imul((level ^ sign) - sign, q[i]);
}

/**
 * One block's workspace between the passes. A module constant rather than a parameter: V8 then knows its length
 * and drops the bounds checks on the constant-offset accesses (about 10% of the block's time).
 */
const ws = new Int32Array(64);

/**
 * Replace the 8x8 block of `plane` at `offset` (row stride `stride`) by what a JPEG encoder and
 * decoder make of it with quantiser `t`.
 */
export function roundTripBlock(plane: Uint8Array, offset: number, stride: number, t: JpegQuantiser): void {
  const q = t.q, corr = t.corr, recip = t.recip, shift = t.shift;
  // FDCT pass 1: rows. Results scaled up by sqrt(8) · 2^2 (PASS1_BITS); the −128 level shift only reaches DC.
  for (let row = 0, p = offset; row < 8; row++, p += stride) {
    const d0 = plane[p], d1 = plane[p + 1], d2 = plane[p + 2], d3 = plane[p + 3];
    const d4 = plane[p + 4], d5 = plane[p + 5], d6 = plane[p + 6], d7 = plane[p + 7];
    const tmp0 = d0 + d7, tmp7 = d0 - d7;
    const tmp1 = d1 + d6, tmp6 = d1 - d6;
    const tmp2 = d2 + d5, tmp5 = d2 - d5;
    const tmp3 = d3 + d4, tmp4 = d3 - d4;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    const w = row << 3;
    ws[w] = (tmp10 + tmp11 - 8 * 128) << 2;
    ws[w + 4] = (tmp10 - tmp11) << 2;
    const z1 = Math.imul(tmp12 + tmp13, FIX_0_541196100);
    ws[w + 2] = (z1 + Math.imul(tmp13, FIX_0_765366865) + 1024) >> 11;
    ws[w + 6] = (z1 - Math.imul(tmp12, FIX_1_847759065) + 1024) >> 11;
    const o1 = tmp4 + tmp7, o2 = tmp5 + tmp6, o3 = tmp4 + tmp6, o4 = tmp5 + tmp7;
    const z5 = Math.imul(o3 + o4, FIX_1_175875602);
    const z1o = Math.imul(o1, -FIX_0_899976223);
    const z2o = Math.imul(o2, -FIX_2_562915447);
    const z3o = Math.imul(o3, -FIX_1_961570560) + z5;
    const z4o = Math.imul(o4, -FIX_0_390180644) + z5;
    ws[w + 7] = (Math.imul(tmp4, FIX_0_298631336) + z1o + z3o + 1024) >> 11;
    ws[w + 5] = (Math.imul(tmp5, FIX_2_053119869) + z2o + z4o + 1024) >> 11;
    ws[w + 3] = (Math.imul(tmp6, FIX_3_072711026) + z2o + z3o + 1024) >> 11;
    ws[w + 1] = (Math.imul(tmp7, FIX_1_501321110) + z1o + z4o + 1024) >> 11;
  }

  // Columns: FDCT pass 2 (leaves coefficients scaled by 8), quantise + dequantise, IDCT pass 1.
  for (let c = 0; c < 8; c++) {
    const tmp0 = ws[c] + ws[c + 56], tmp7 = ws[c] - ws[c + 56];
    const tmp1 = ws[c + 8] + ws[c + 48], tmp6 = ws[c + 8] - ws[c + 48];
    const tmp2 = ws[c + 16] + ws[c + 40], tmp5 = ws[c + 16] - ws[c + 40];
    const tmp3 = ws[c + 24] + ws[c + 32], tmp4 = ws[c + 24] - ws[c + 32];
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    const z1 = Math.imul(tmp12 + tmp13, FIX_0_541196100);
    const o1 = tmp4 + tmp7, o2 = tmp5 + tmp6, o3 = tmp4 + tmp6, o4 = tmp5 + tmp7;
    const z5 = Math.imul(o3 + o4, FIX_1_175875602);
    const z1o = Math.imul(o1, -FIX_0_899976223);
    const z2o = Math.imul(o2, -FIX_2_562915447);
    const z3o = Math.imul(o3, -FIX_1_961570560) + z5;
    const z4o = Math.imul(o4, -FIX_0_390180644) + z5;
    // Dequantised coefficients k = vertical frequency of this column (natural index k·8 + c).
    const k0 = requantise((tmp10 + tmp11 + 2) >> 2, c, q, corr, recip, shift);
    const k4 = requantise((tmp10 - tmp11 + 2) >> 2, c + 32, q, corr, recip, shift);
    const k2 = requantise((z1 + Math.imul(tmp13, FIX_0_765366865) + 16384) >> 15, c + 16, q, corr, recip, shift);
    const k6 = requantise((z1 - Math.imul(tmp12, FIX_1_847759065) + 16384) >> 15, c + 48, q, corr, recip, shift);
    const k7 = requantise((Math.imul(tmp4, FIX_0_298631336) + z1o + z3o + 16384) >> 15, c + 56, q, corr, recip, shift);
    const k5 = requantise((Math.imul(tmp5, FIX_2_053119869) + z2o + z4o + 16384) >> 15, c + 40, q, corr, recip, shift);
    const k3 = requantise((Math.imul(tmp6, FIX_3_072711026) + z2o + z3o + 16384) >> 15, c + 24, q, corr, recip, shift);
    const k1 = requantise((Math.imul(tmp7, FIX_1_501321110) + z1o + z4o + 16384) >> 15, c + 8, q, corr, recip, shift);

    if ((k1 | k2 | k3 | k4 | k5 | k6 | k7) === 0) {
      const dc = k0 << 2; // jidctint.c's zero-AC shortcut (same values as the full pass)
      ws[c] = dc; ws[c + 8] = dc; ws[c + 16] = dc; ws[c + 24] = dc;
      ws[c + 32] = dc; ws[c + 40] = dc; ws[c + 48] = dc; ws[c + 56] = dc;
      continue;
    }
    // IDCT pass 1, even part.
    const e1 = Math.imul(k2 + k6, FIX_0_541196100);
    const e2 = e1 - Math.imul(k6, FIX_1_847759065);
    const e3 = e1 + Math.imul(k2, FIX_0_765366865);
    const e0 = (k0 + k4) << 13, e4 = (k0 - k4) << 13;
    const t10 = e0 + e3, t13 = e0 - e3, t11 = e4 + e2, t12 = e4 - e2;
    // Odd part.
    const y1 = k7 + k1, y2 = k5 + k3, y3 = k7 + k3, y4 = k5 + k1;
    const y5 = Math.imul(y3 + y4, FIX_1_175875602);
    const m1 = Math.imul(y1, -FIX_0_899976223), m2 = Math.imul(y2, -FIX_2_562915447);
    const m3 = Math.imul(y3, -FIX_1_961570560) + y5, m4 = Math.imul(y4, -FIX_0_390180644) + y5;
    const t0 = Math.imul(k7, FIX_0_298631336) + m1 + m3;
    const t1 = Math.imul(k5, FIX_2_053119869) + m2 + m4;
    const t2 = Math.imul(k3, FIX_3_072711026) + m2 + m3;
    const t3 = Math.imul(k1, FIX_1_501321110) + m1 + m4;
    ws[c] = (t10 + t3 + 1024) >> 11;
    ws[c + 56] = (t10 - t3 + 1024) >> 11;
    ws[c + 8] = (t11 + t2 + 1024) >> 11;
    ws[c + 48] = (t11 - t2 + 1024) >> 11;
    ws[c + 16] = (t12 + t1 + 1024) >> 11;
    ws[c + 40] = (t12 - t1 + 1024) >> 11;
    ws[c + 24] = (t13 + t0 + 1024) >> 11;
    ws[c + 32] = (t13 - t0 + 1024) >> 11;
  }

  // IDCT pass 2: rows, descale by 2^(13 + 2 + 3), centre and range-limit into the plane.
  for (let row = 0, p = offset; row < 8; row++, p += stride) {
    const w = row << 3;
    const w0 = ws[w], w1 = ws[w + 1], w2 = ws[w + 2], w3 = ws[w + 3];
    const w4 = ws[w + 4], w5 = ws[w + 5], w6 = ws[w + 6], w7 = ws[w + 7];
    if ((w1 | w2 | w3 | w4 | w5 | w6 | w7) === 0) {
      const v = IDCT_LIMIT[(((w0 + 16) >> 5) + 2048) & 4095];
      plane[p] = v; plane[p + 1] = v; plane[p + 2] = v; plane[p + 3] = v;
      plane[p + 4] = v; plane[p + 5] = v; plane[p + 6] = v; plane[p + 7] = v;
      continue;
    }
    const e1 = Math.imul(w2 + w6, FIX_0_541196100);
    const e2 = e1 - Math.imul(w6, FIX_1_847759065);
    const e3 = e1 + Math.imul(w2, FIX_0_765366865);
    const e0 = (w0 + w4) << 13, e4 = (w0 - w4) << 13;
    const t10 = e0 + e3, t13 = e0 - e3, t11 = e4 + e2, t12 = e4 - e2;
    const y1 = w7 + w1, y2 = w5 + w3, y3 = w7 + w3, y4 = w5 + w1;
    const y5 = Math.imul(y3 + y4, FIX_1_175875602);
    const m1 = Math.imul(y1, -FIX_0_899976223), m2 = Math.imul(y2, -FIX_2_562915447);
    const m3 = Math.imul(y3, -FIX_1_961570560) + y5, m4 = Math.imul(y4, -FIX_0_390180644) + y5;
    const t0 = Math.imul(w7, FIX_0_298631336) + m1 + m3;
    const t1 = Math.imul(w5, FIX_2_053119869) + m2 + m4;
    const t2 = Math.imul(w3, FIX_3_072711026) + m2 + m3;
    const t3 = Math.imul(w1, FIX_1_501321110) + m1 + m4;
    plane[p] = IDCT_LIMIT[(((t10 + t3 + 131072) >> 18) + 2048) & 4095];
    plane[p + 7] = IDCT_LIMIT[(((t10 - t3 + 131072) >> 18) + 2048) & 4095];
    plane[p + 1] = IDCT_LIMIT[(((t11 + t2 + 131072) >> 18) + 2048) & 4095];
    plane[p + 6] = IDCT_LIMIT[(((t11 - t2 + 131072) >> 18) + 2048) & 4095];
    plane[p + 2] = IDCT_LIMIT[(((t12 + t1 + 131072) >> 18) + 2048) & 4095];
    plane[p + 5] = IDCT_LIMIT[(((t12 - t1 + 131072) >> 18) + 2048) & 4095];
    plane[p + 3] = IDCT_LIMIT[(((t13 + t0 + 131072) >> 18) + 2048) & 4095];
    plane[p + 4] = IDCT_LIMIT[(((t13 - t0 + 131072) >> 18) + 2048) & 4095];
  }
}
