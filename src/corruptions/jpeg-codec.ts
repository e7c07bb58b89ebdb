/**
 * The lossy part of a baseline JPEG round trip (encode at a quality, decode again), integer for integer as
 * libjpeg-turbo / mozjpeg with default settings: what Pillow's `save(buf, 'JPEG', quality=q)` + `Image.open` and
 * sharp's `jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false })` + decode produce. Entropy coding is
 * lossless, so it is skipped; everything that rounds is kept:
 *
 *  encoder  RGB → YCbCr (jccolor.c, 16-bit fixed point)
 *           edge padding: the last column and row repeated to whole blocks (jcsample.c expand_right_edge,
 *           jcprepct.c expand_bottom_edge; chroma rows past the image repeat the last *downsampled* row)
 *           4:2:0 chroma: 2x2 means with the alternating 1, 2 rounding bias (jcsample.c h2v2_downsample)
 *  per 8x8  FDCT islow, quantisation, dequantisation, IDCT islow (jpeg-block.ts, tables in jpeg-quant.ts)
 *  decoder  chroma upsampling: "fancy" triangle filter (jdsample.c h2v2_fancy_upsample, 9/16 3/16 3/16 1/16,
 *           image edges repeated), or plain 2x2 repetition when the chroma plane is at most 2 samples wide
 *           (libjpeg uses the plain upsampler then); YCbCr → RGB (jdcolor.c arithmetic), limited to 0..255.
 *
 * Grayscale is a one-component JPEG: luma only, no colour conversion, no subsampling.
 *
 * Sizes, for an image of H x W: luma blocks ceil(H/8) x ceil(W/8); chroma planes ceil(H/2) x ceil(W/2) real
 * samples, padded to blocks of ceil(H/16) x ceil(W/16) (one chroma block per 16x16 MCU).
 */
import { copyOut, placeInto } from './image.js';
import { roundTripBlock } from './jpeg-block.js';
import { assertQuality, jpegQuantisers, type JpegQuantiser, type JpegQuantisers } from './jpeg-quant.js';
import { KernelScratch, wasmKernels } from './wasm-kernels.js';

/** libjpeg's FIX(x) at 16 fractional bits (jccolor.c, jdcolor.c). */
const fix16 = (x: number): number => Math.floor(x * 65536 + 0.5);

// Encoder (jccolor.c rgb_ycc_start): Y = 0.299 R + 0.587 G + 0.114 B, Cb/Cr centred on 128; ONE_HALF rounds Y,
// ONE_HALF − 1 rounds Cb and Cr (so 255 cannot round up to 256).
const Y_R = fix16(0.299), Y_G = fix16(0.587), Y_B = fix16(0.114);
const CB_R = -fix16(0.16874), CB_G = -fix16(0.33126), CBCR_HALF = fix16(0.5);
const CR_G = -fix16(0.41869), CR_B = -fix16(0.08131);
const Y_ROUND = 1 << 15;
const CBCR_ROUND = (128 << 16) + (1 << 15) - 1;

// Decoder (jdcolor.c build_ycc_rgb_table): with c = Cb − 128 or Cr − 128, R = Y + (1.402 Cr + ½) >> 16,
// G = Y + (−0.34414 Cb − 0.71414 Cr + ½) >> 16, B = Y + (1.772 Cb + ½) >> 16 in 16-bit fixed point. libjpeg keeps
// the four terms in tables; the same integers computed inline are faster here than four bounds-checked loads.
const R_CR = fix16(1.402), G_CB = -fix16(0.34414), G_CR = -fix16(0.71414), B_CB = fix16(1.772);
const HALF = 1 << 15;

/** jdcolor.c's range limit for Y + chroma term (−227..482), indexed by that sum + 256: a lookup, not a branch. */
const LIMIT = Uint8Array.from({ length: 1024 }, (_, i) => Math.min(255, Math.max(0, i - 256)));

/** Reused planes (grown as needed, never shrunk): the round trip allocates nothing per call but its output. */
const scratch: { y: Uint8Array; cb: Uint8Array; cr: Uint8Array } = {
  y: new Uint8Array(0),
  cb: new Uint8Array(0),
  cr: new Uint8Array(0),
};

function plane(current: Uint8Array, size: number): Uint8Array {
  return current.length >= size ? current : new Uint8Array(size);
}

/**
 * The image a baseline JPEG at `quality` (integer 1..100; 4:2:0 for RGB, standard tables) decodes to.
 * `data` is HWC uint8 with `channels` 1 or 3; returns a new array of the same shape. Runs in WebAssembly
 * (wasm/src/jpeg.ts, the same integers) where the kernels are on, else in the JavaScript below.
 */
export function jpegLossyRoundTrip(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number, into?: Uint8Array): Uint8Array {
  assertRoundTripArguments(data, height, width, channels, quality);
  if (into !== undefined && into.length !== data.length) throw new RangeError(`JPEG output holds ${into.length} bytes, expected ${data.length}`);
  return wasmRoundTrip(data, height, width, channels, jpegQuantisers(quality), into) ?? placeInto(jsRoundTrip(data, height, width, channels, jpegQuantisers(quality)), into);
}

/** jpegLossyRoundTrip in JavaScript only (the fallback, and the twin the WebAssembly is tested against). */
export function jpegLossyRoundTripJs(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): Uint8Array {
  assertRoundTripArguments(data, height, width, channels, quality);
  return jsRoundTrip(data, height, width, channels, jpegQuantisers(quality));
}

/** jpegLossyRoundTrip in WebAssembly, or null where the kernels are off. */
export function jpegLossyRoundTripWasm(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): Uint8Array | null {
  assertRoundTripArguments(data, height, width, channels, quality);
  return wasmRoundTrip(data, height, width, channels, jpegQuantisers(quality));
}

function assertRoundTripArguments(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): void {
  assertQuality(quality);
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`JPEG image size must be positive integers, got ${height}x${width}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`JPEG channels must be 1 or 3, got ${channels}`);
  if (data.length !== height * width * channels) {
    throw new RangeError(`JPEG input has ${data.length} bytes, expected ${height}x${width}x${channels} = ${height * width * channels}`);
  }
}

function jsRoundTrip(data: Uint8Array, h: number, w: number, c: 1 | 3, tables: JpegQuantisers): Uint8Array {
  return c === 1 ? grayRoundTrip(data, h, w, tables.luma) : colourRoundTrip(data, h, w, tables.luma, tables.chroma);
}

/**
 * The kernel's buffers (wasm/src/jpeg.ts): the luma plane and the two chroma planes side by side, rows padded to whole
 * groups of four blocks (32 bytes), 32 bytes of slack after each, the two quantisers as 4 x 64 i32 each, a 5 KB
 * workspace and a line of 8·cs + 32 bytes.
 */
function wasmRoundTrip(data: Uint8Array, h: number, w: number, c: 1 | 3, tables: JpegQuantisers, into?: Uint8Array): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const m = new KernelScratch(k);
  const n = h * w * c;
  const lh = Math.ceil(h / 8) * 8, ys = Math.ceil(w / 32) * 32; // ys: the luma width padded to 8, then to 32
  const ch = Math.ceil(h / 16) * 8, cs = Math.ceil(2 * Math.ceil(w / 16) * 8 / 32) * 32; // Cb and Cr side by side
  const pIn = m.take(n), pOut = m.take(n), pQuant = m.take(2 * 1024), pWs = m.take(64 * 16 + 64 * 64 + 8 * cs + 32);
  const pY = m.take(lh * ys + 32);
  const pChroma = c === 3 ? m.take(ch * cs + 32) : 0;
  const buf = m.buffer();
  new Uint8Array(buf, pIn, n).set(data);
  const quant = new Int32Array(buf, pQuant, 512);
  for (const [at, t] of [[0, tables.luma], [256, tables.chroma]] as const) {
    quant.set(t.q, at); quant.set(t.corr, at + 64); quant.set(t.recip, at + 128); quant.set(t.shift, at + 192);
  }
  k.jpegRoundTrip(pIn, pOut, h, w, c, pQuant, pY, pChroma, pWs);
  return copyOut(new Uint8Array(buf, pOut, n), into);
}

/** Every 8x8 block of a (rows x cols, both multiples of 8) plane through the round trip. */
function roundTripPlane(p: Uint8Array, rows: number, cols: number, t: JpegQuantiser): void {
  for (let by = 0; by < rows; by += 8) {
    for (let bx = 0; bx < cols; bx += 8) roundTripBlock(p, by * cols + bx, cols, t);
  }
}

function grayRoundTrip(data: Uint8Array, h: number, w: number, t: JpegQuantiser): Uint8Array {
  const lw = Math.ceil(w / 8) * 8, lh = Math.ceil(h / 8) * 8; // padded luma plane
  const y = scratch.y = plane(scratch.y, lw * lh);
  for (let r = 0; r < lh; r++) {
    const src = Math.min(r, h - 1) * w, dst = r * lw;
    for (let x = 0; x < w; x++) y[dst + x] = data[src + x];
    y.fill(data[src + w - 1], dst + w, dst + lw); // libjpeg repeats the last column and row
  }
  roundTripPlane(y, lh, lw, t);
  const out = new Uint8Array(h * w);
  for (let r = 0; r < h; r++) out.set(y.subarray(r * lw, r * lw + w), r * w);
  return out;
}

function colourRoundTrip(data: Uint8Array, h: number, w: number, tl: JpegQuantiser, tc: JpegQuantiser): Uint8Array {
  const lw = Math.ceil(w / 8) * 8, lh = Math.ceil(h / 8) * 8; // luma plane, whole blocks
  const cw = Math.ceil(w / 16) * 8, ch = Math.ceil(h / 16) * 8; // chroma planes, one block per 16x16 MCU
  const cwReal = (w + 1) >> 1, chReal = (h + 1) >> 1; // libjpeg's downsampled_width / _height
  const Y = scratch.y = plane(scratch.y, lw * lh);
  const Cb = scratch.cb = plane(scratch.cb, cw * ch);
  const Cr = scratch.cr = plane(scratch.cr, cw * ch);

  for (let cy = 0; cy < chReal; cy++) convertAndDownsampleRows(data, w, h, cy, Y, lw, Cb, Cr, cw);
  // Bottom padding: luma repeats the image's last row, chroma its last downsampled row (jcprepct.c).
  for (let r = 2 * chReal; r < lh; r++) Y.copyWithin(r * lw, (h - 1) * lw, h * lw);
  for (let r = chReal; r < ch; r++) {
    Cb.copyWithin(r * cw, (chReal - 1) * cw, chReal * cw);
    Cr.copyWithin(r * cw, (chReal - 1) * cw, chReal * cw);
  }

  roundTripPlane(Y, lh, lw, tl);
  roundTripPlane(Cb, ch, cw, tc);
  roundTripPlane(Cr, ch, cw, tc);

  const out = new Uint8Array(h * w * 3);
  if (cwReal > 2) fancyUpsampleToRgb(Y, lw, Cb, Cr, cw, cwReal, chReal, h, w, out);
  else boxUpsampleToRgb(Y, lw, Cb, Cr, cw, h, w, out);
  return out;
}

/**
 * Encoder side of chroma row `cy`: image rows 2cy and 2cy + 1 (the last image row again when h is odd: the
 * conversion buffer's expand_bottom_edge) to YCbCr, luma into its plane, Cb and Cr as 2x2 means
 * (h2v2_downsample) into theirs. Columns past the image repeat its last column (expand_right_edge), out to
 * twice the chroma plane's width; luma only as far as its own plane.
 */
function convertAndDownsampleRows(
  data: Uint8Array, w: number, h: number, cy: number,
  Y: Uint8Array, lw: number, Cb: Uint8Array, Cr: Uint8Array, cw: number,
): void {
  const s0 = 2 * cy * w * 3, s1 = Math.min(2 * cy + 1, h - 1) * w * 3; // source rows (HWC)
  const l0 = 2 * cy * lw, l1 = l0 + lw; // luma rows 2cy, 2cy + 1 (always inside the padded plane)
  const c0 = cy * cw;
  const inside = w >> 1; // pairs whose two columns are both in the image
  const lastX = (w - 1) * 3;
  for (let cx = 0; cx < cw; cx++) {
    const x0 = cx < inside ? 6 * cx : Math.min(6 * cx, lastX);
    const x1 = cx < inside ? x0 + 3 : lastX;
    let r = data[s0 + x0], g = data[s0 + x0 + 1], b = data[s0 + x0 + 2];
    const y00 = (Math.imul(Y_R, r) + Math.imul(Y_G, g) + Math.imul(Y_B, b) + Y_ROUND) >> 16;
    let cb = (Math.imul(CB_R, r) + Math.imul(CB_G, g) + Math.imul(CBCR_HALF, b) + CBCR_ROUND) >> 16;
    let cr = (Math.imul(CBCR_HALF, r) + Math.imul(CR_G, g) + Math.imul(CR_B, b) + CBCR_ROUND) >> 16;
    r = data[s0 + x1]; g = data[s0 + x1 + 1]; b = data[s0 + x1 + 2];
    const y01 = (Math.imul(Y_R, r) + Math.imul(Y_G, g) + Math.imul(Y_B, b) + Y_ROUND) >> 16;
    cb += (Math.imul(CB_R, r) + Math.imul(CB_G, g) + Math.imul(CBCR_HALF, b) + CBCR_ROUND) >> 16;
    cr += (Math.imul(CBCR_HALF, r) + Math.imul(CR_G, g) + Math.imul(CR_B, b) + CBCR_ROUND) >> 16;
    r = data[s1 + x0]; g = data[s1 + x0 + 1]; b = data[s1 + x0 + 2];
    const y10 = (Math.imul(Y_R, r) + Math.imul(Y_G, g) + Math.imul(Y_B, b) + Y_ROUND) >> 16;
    cb += (Math.imul(CB_R, r) + Math.imul(CB_G, g) + Math.imul(CBCR_HALF, b) + CBCR_ROUND) >> 16;
    cr += (Math.imul(CBCR_HALF, r) + Math.imul(CR_G, g) + Math.imul(CR_B, b) + CBCR_ROUND) >> 16;
    r = data[s1 + x1]; g = data[s1 + x1 + 1]; b = data[s1 + x1 + 2];
    const y11 = (Math.imul(Y_R, r) + Math.imul(Y_G, g) + Math.imul(Y_B, b) + Y_ROUND) >> 16;
    cb += (Math.imul(CB_R, r) + Math.imul(CB_G, g) + Math.imul(CBCR_HALF, b) + CBCR_ROUND) >> 16;
    cr += (Math.imul(CBCR_HALF, r) + Math.imul(CR_G, g) + Math.imul(CR_B, b) + CBCR_ROUND) >> 16;
    const bias = 1 + (cx & 1); // h2v2_downsample: 1, 2, 1, 2, ... across the row
    Cb[c0 + cx] = (cb + bias) >> 2;
    Cr[c0 + cx] = (cr + bias) >> 2;
    const lx = 2 * cx;
    if (lx < lw) { // the luma plane can be a block narrower than twice the chroma plane
      Y[l0 + lx] = y00; Y[l0 + lx + 1] = y01;
      Y[l1 + lx] = y10; Y[l1 + lx + 1] = y11;
    }
  }
}

/** jdcolor.c ycc_rgb_convert of one pixel into out[o..o+2]; cb and cr are the samples minus 128. */
function yccToRgb(luma: number, cb: number, cr: number, out: Uint8Array, o: number): void {
  const y = luma + 256; // LIMIT's offset
  out[o] = LIMIT[y + ((Math.imul(R_CR, cr) + HALF) >> 16)];
  out[o + 1] = LIMIT[y + ((Math.imul(G_CB, cb) + Math.imul(G_CR, cr) + HALF) >> 16)];
  out[o + 2] = LIMIT[y + ((Math.imul(B_CB, cb) + HALF) >> 16)];
}

/**
 * Decoder: jdsample.c h2v2_fancy_upsample + jdcolor.c ycc_rgb_convert. Each output chroma sample is 9/16 of the
 * nearest chroma sample, 3/16 of each of its two neighbours towards the output position and 1/16 of the
 * diagonal one: vertical 3:1 column sums (rows past the top or bottom repeat the edge row), then the horizontal
 * 3:1 with rounding biases 8 (left output of a pair) and 7 (right); columns past the edges repeat the edge
 * column. `out` is h x w x 3.
 */
function fancyUpsampleToRgb(
  Y: Uint8Array, lw: number, Cb: Uint8Array, Cr: Uint8Array, cw: number,
  cwReal: number, chReal: number, h: number, w: number, out: Uint8Array,
): void {
  const last = cwReal - 1;
  for (let y = 0; y < h; y++) {
    const cy = y >> 1;
    const near = cy * cw;
    const far = ((y & 1) === 0 ? Math.max(cy - 1, 0) : Math.min(cy + 1, chReal - 1)) * cw;
    const yRow = y * lw;
    let o = y * w * 3;
    // Vertical 3:1 sums of columns c − 1, c, c + 1, rolled along the row; column −1 repeats column 0.
    let cbPrev = 3 * Cb[near] + Cb[far], crPrev = 3 * Cr[near] + Cr[far];
    let cbThis = cbPrev, crThis = crPrev;
    for (let c = 0; c < cwReal; c++) {
      const n = c < last ? c + 1 : c; // column past the right edge repeats the last
      const cbNext = 3 * Cb[near + n] + Cb[far + n], crNext = 3 * Cr[near + n] + Cr[far + n];
      const x = 2 * c;
      yccToRgb(Y[yRow + x], ((3 * cbThis + cbPrev + 8) >> 4) - 128, ((3 * crThis + crPrev + 8) >> 4) - 128, out, o);
      if (x + 1 === w) break; // odd width: the pair's right sample is past the image
      yccToRgb(Y[yRow + x + 1], ((3 * cbThis + cbNext + 7) >> 4) - 128, ((3 * crThis + crNext + 7) >> 4) - 128, out, o + 3);
      o += 6;
      cbPrev = cbThis; crPrev = crThis; cbThis = cbNext; crThis = crNext;
    }
  }
}

/** Decoder for chroma planes at most 2 samples wide: jdsample.c h2v2_upsample (2x2 repetition) + ycc_rgb_convert. */
function boxUpsampleToRgb(
  Y: Uint8Array, lw: number, Cb: Uint8Array, Cr: Uint8Array, cw: number, h: number, w: number, out: Uint8Array,
): void {
  for (let y = 0, o = 0; y < h; y++) {
    for (let x = 0; x < w; x++, o += 3) {
      const c = (y >> 1) * cw + (x >> 1);
      yccToRgb(Y[y * lw + x], Cb[c] - 128, Cr[c] - 128, out, o);
    }
  }
}
