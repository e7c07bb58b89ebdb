/**
 * JPEG quantisation at a quality setting, as libjpeg does it: the Annex K tables scaled by jpeg_set_quality
 * (jcparam.c, force_baseline), and the encoder's divide-with-rounding of an islow DCT coefficient (jcdctmgr.c).
 *
 * libjpeg-turbo (and mozjpeg, which sharp bundles) quantise by a reciprocal multiply rather than a division:
 * level = ((|x| + corr) · recip) >> shift with the sign restored, the constants from compute_reciprocal(8Q);
 * that is what is done here. For every divisor 8Q (Q = 1..255) and every |x| an 8-bit islow DCT can produce, it
 * equals the textbook division rounding half away from zero, (|x| + 4Q) / 8Q (the tests check it exhaustively,
 * against libjpeg-turbo's 32-bit non-SIMD build too).
 */

/** JPEG Annex K luminance table, natural (row-major) order: the base of quantisation table 0. */
const ANNEX_K_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
] as const;

/** JPEG Annex K chrominance table, natural order: the base of quantisation table 1 (Cb and Cr). */
const ANNEX_K_CHROMINANCE = [
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
] as const;

/**
 * One component's quantiser, natural order, 64 entries each: libjpeg-turbo's compute_reciprocal for divisor 8Q
 * in its SIMD (16-bit DCTELEM) form, so the level of coefficient x is ((|x| + corr) · recip) >> shift with the
 * sign restored. (|x| + corr) and recip are below 2^16, so the product fits 32 unsigned bits (Math.imul, >>>).
 */
export interface JpegQuantiser {
  /** The table entry Q (1..255): the decoder's dequantisation multiplier. */
  readonly q: Int32Array;
  /** Rounding correction, 4Q or 4Q + 1. */
  readonly corr: Int32Array;
  /** Reciprocal of 8Q scaled by 2^shift, < 2^16. */
  readonly recip: Int32Array;
  /** 16 + floor(log2 8Q), one less for a power of two. */
  readonly shift: Int32Array;
}

/** The quantisers of one quality: table 0 for luma (and gray), table 1 for Cb and Cr. */
export interface JpegQuantisers {
  readonly luma: JpegQuantiser;
  readonly chroma: JpegQuantiser;
}

/** jpeg_quality_scaling: quality 1..100 → percentage scale of the base tables (5000/q below 50, 200 − 2q above). */
export function jpegQualityScaling(quality: number): number {
  return quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
}

/**
 * The 64 entries (natural order) of quantisation table 0 (luma) or 1 (chroma) at `quality` (integer 1..100):
 * jpeg_add_quant_table with force_baseline, i.e. (base · scale + 50) / 100 clamped to 1..255.
 */
export function jpegQuantTable(quality: number, table: 0 | 1): Uint16Array {
  assertQuality(quality);
  const scale = jpegQualityScaling(quality);
  const base = table === 0 ? ANNEX_K_LUMINANCE : ANNEX_K_CHROMINANCE;
  return Uint16Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
}

/** Throws a RangeError unless `quality` is an integer 1..100 (what sharp and Pillow accept). */
export function assertQuality(quality: number): void {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`JPEG quality must be an integer 1..100, got ${quality}`);
  }
}

/** The quantiser of a table (natural order; any length, 64 for a JPEG table). */
export function quantiserFor(table: Uint16Array): JpegQuantiser {
  const q = Int32Array.from(table);
  const n = q.length;
  const corr = new Int32Array(n), recip = new Int32Array(n), shift = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const divisor = 8 * q[i]; // the islow FDCT leaves its output scaled up by 8
    let r = 16 + (31 - Math.clz32(divisor)); // divisor >= 8: never compute_reciprocal's divisor-1 case
    let fq = Math.floor(2 ** r / divisor);
    const fr = 2 ** r % divisor;
    let c = divisor >> 1;
    if (fr === 0) { // a power of two: fq would need 17 bits
      fq >>= 1;
      r--;
    } else if (fr <= divisor >> 1) {
      c++; // fractional part of 2^r / divisor at most one half
    } else {
      fq++;
    }
    corr[i] = c;
    recip[i] = fq;
    shift[i] = r;
  }
  return { q, corr, recip, shift };
}

const cache = new Map<number, JpegQuantisers>();

/** Both quantisers of `quality` (integer 1..100), built once per quality. */
export function jpegQuantisers(quality: number): JpegQuantisers {
  let hit = cache.get(quality);
  if (hit === undefined) {
    hit = { luma: quantiserFor(jpegQuantTable(quality, 0)), chroma: quantiserFor(jpegQuantTable(quality, 1)) };
    cache.set(quality, hit);
  }
  return hit;
}
