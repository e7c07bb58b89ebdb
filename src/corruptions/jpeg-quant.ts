/**
 * JPEG quantisation at a quality setting, as libjpeg does it: the Annex K tables scaled by jpeg_set_quality
 * (jcparam.c, force_baseline), and the encoder's divide-with-rounding of an islow DCT coefficient (jcdctmgr.c).
 *
 * libjpeg-turbo (and mozjpeg, which sharp bundles) quantise by a reciprocal multiply rather than a division:
 * level = ((|x| + corr) · recip) >> shift with the sign restored, the constants from compute_reciprocal(8Q).
 * For every divisor 8Q (Q = 1..255) and every |x| an 8-bit islow DCT can produce, that equals the textbook
 * division rounding half away from zero, (|x| + 4Q) / 8Q, and so does the float form used here (see
 * JpegQuantiser); the tests check all three against each other exhaustively.
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
 * One component's quantiser, natural order, 64 entries each. The block round trip computes the quantised level
 * as trunc((x ± 4Q) · inv) with inv = 1/(8Q) nudged up by 2^−40: for every |x| < 2^16 (more than an
 * 8-bit islow DCT produces) that is exactly the rounding division, with no branch and no integer division.
 */
export interface JpegQuantiser {
  /** The table entry Q (1..255): the decoder's dequantisation multiplier. */
  readonly q: Int32Array;
  /** Half the divisor 8Q, i.e. 4Q: round half away from zero. */
  readonly half: Int32Array;
  /** (1 / 8Q) · (1 + 2^−40). */
  readonly inv: Float64Array;
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

function quantiser(table: Uint16Array): JpegQuantiser {
  const q = Int32Array.from(table);
  // The islow FDCT leaves its output scaled up by 8, so the divisor is 8Q.
  return { q, half: q.map((v) => 4 * v), inv: Float64Array.from(q, (v) => (1 / (8 * v)) * (1 + 2 ** -40)) };
}

const cache = new Map<number, JpegQuantisers>();

/** Both quantisers of `quality` (integer 1..100), built once per quality. */
export function jpegQuantisers(quality: number): JpegQuantisers {
  let hit = cache.get(quality);
  if (hit === undefined) {
    hit = { luma: quantiser(jpegQuantTable(quality, 0)), chroma: quantiser(jpegQuantTable(quality, 1)) };
    cache.set(quality, hit);
  }
  return hit;
}
