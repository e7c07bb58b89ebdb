/**
 * Pillow's BOX resize on 8-bit images, ported bit for bit from Resample.c (what pixelate uses): in WebAssembly SIMD
 * where the kernels load (wasm/src/pil-box.ts, the same bytes), else in JavaScript (pilBoxResizeJs, the twin the
 * tests compare the kernels against).
 */
import { copyOut, placeInto } from './image.js';
import { KernelScratch, wasmKernels, type KernelExports } from './wasm-kernels.js';

/** Pillow's fixed-point precision for 8-bit resampling. */
const PRECISION_BITS = 32 - 8 - 2;

interface BoxCoeffs {
  bounds: Int32Array; // [xmin, count] per output
  ksize: number;
  kk: Int32Array; // outSize * ksize fixed-point weights
  /** nearestIndex of these coefficients (computed once). */
  near: Int32Array | null;
  /** uniformWeights of these coefficients (computed once). */
  uni: Int32Array | null;
  /** boxTaps of these coefficients (computed once). */
  taps: BoxTaps | null;
  /** nearestChunks per channel count (computed when first asked). */
  chunks: (Uint8Array | null | undefined)[];
}

const boxCache = new Map<number, BoxCoeffs>();

/** Pillow's precompute_coeffs for the BOX filter (support 0.5), then normalize_coeffs_8bpc. Cached. */
function pilBoxCoeffs(inSize: number, outSize: number): BoxCoeffs {
  const key = inSize * 0x10000 + outSize; // a number: no string built per call
  let hit = boxCache.get(key);
  if (hit === undefined) {
    const coeffs = computeBoxCoeffs(inSize, outSize);
    hit = { ...coeffs, near: nearestIndex(coeffs), uni: uniformWeights(coeffs), taps: boxTaps(coeffs), chunks: [] };
    if (boxCache.size > 256) boxCache.clear();
    boxCache.set(key, hit);
  }
  return hit;
}

function computeBoxCoeffs(inSize: number, outSize: number): Omit<BoxCoeffs, 'near' | 'uni' | 'taps' | 'chunks'> {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 0.5 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const v = t > -0.5 && t <= 0.5 ? 1 : 0;
      k[x] = v;
      ww += v;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax && ww !== 0 ? k[x] / ww : 0;
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, ksize, kk };
}

function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Pillow's Image.resize(size, Image.BOX) on an 8-bit image: horizontal pass then vertical pass, each with
 * fixed-point weights and an 8-bit intermediate, exactly as Pillow's Resample.c. A BOX weight is 1 for every
 * input pixel whose centre lies in (centre − scale/2, centre + scale/2] of the output pixel (no partial pixels).
 */
export function pilBoxResize(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  return pilBoxResizeWasm(src, h, w, c, outH, outW) ?? pilBoxResizeJs(src, h, w, c, outH, outW);
}

/**
 * pilBoxResize to outH x outW and back to h x w (pixelate), the small image staying in the kernels' memory between
 * the two: one copy in, one out, into `into` when given (h·w·c bytes, e.g. a corruption's ctx.output; returned).
 */
export function pilBoxRoundTrip(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number, into?: Uint8Array): Uint8Array {
  if (into !== undefined && into.length !== h * w * c) throw new RangeError(`pilBoxRoundTrip: the output holds ${into.length} bytes, not ${h}·${w}·${c}`);
  const k = wasmKernels();
  if (k !== null) {
    const m = new KernelScratch(k);
    const n = h * w * c;
    const pIn = m.take(n + SLACK);
    const pSmall = m.take(outH * outW * c + SLACK);
    const pOut = m.take(n + SLACK);
    const down = wasmResizePlan(m, h, w, c, outH, outW);
    const up = wasmResizePlan(m, outH, outW, c, h, w);
    if (down !== null && up !== null) {
      const buf = m.buffer();
      const bytes = new Uint8Array(buf);
      bytes.set(src, pIn);
      down(k, buf, pIn, pSmall);
      up(k, buf, pSmall, pOut);
      return copyOut(bytes.subarray(pOut, pOut + n), into);
    }
  }
  return placeInto(pilBoxResizeJs(pilBoxResizeJs(src, h, w, c, outH, outW), outH, outW, c, h, w), into);
}

/** pilBoxResize in WebAssembly SIMD (wasm/src/pil-box.ts, the same bytes), or null where the kernels are off or cannot take it. */
export function pilBoxResizeWasm(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const m = new KernelScratch(k);
  const pIn = m.take(h * w * c + SLACK);
  const pOut = m.take(outH * outW * c + SLACK);
  const resize = wasmResizePlan(m, h, w, c, outH, outW);
  if (resize === null) return null;
  const buf = m.buffer();
  const bytes = new Uint8Array(buf);
  bytes.set(src, pIn);
  resize(k, buf, pIn, pOut);
  return bytes.slice(pOut, pOut + outH * outW * c);
}

/** Bytes after every buffer a kernel reads or writes: its whole-lane loads and stores may run up to 32 past the end. */
const SLACK = 32;

/** The kernels sum taps in 16-bit lanes: 257 · 255 < 2^16. A shrink by more runs in JavaScript. */
const MAX_WASM_TAPS = 257;

type WasmResize = (k: KernelExports, buf: ArrayBuffer, from: number, to: number) => void;

/**
 * One resize in the kernels: its tables (and the intermediate between the passes) taken from `m`, and the call that
 * fills them and runs it from `from` to `to` (h·w·c and outH·outW·c bytes, each followed by SLACK). Null where the
 * coefficients are not a BOX's (see boxTaps), a shrink sums more than MAX_WASM_TAPS taps, or c is not 1 or 3.
 */
function wasmResizePlan(m: KernelScratch, h: number, w: number, c: number, outH: number, outW: number): WasmResize | null {
  if (c !== 1 && c !== 3) return null; // the horizontal kernel's gather is written for these two
  const cx = outW !== w ? pilBoxCoeffs(w, outW) : null;
  const cy = outH !== h ? pilBoxCoeffs(h, outH) : null;
  if (cx !== null && cy !== null && cx.near !== null && cy.near !== null) {
    const chunks = nearestChunks(cx, c);
    if (chunks === null) return null;
    const ny = cy.near;
    const pY = m.take(outH * 4), pChunks = m.take(chunks.byteLength);
    return (k, buf, from, to) => {
      new Int32Array(buf, pY, outH).set(ny);
      new Uint8Array(buf, pChunks, chunks.byteLength).set(chunks);
      k.boxNearest(from, to, w * c, outW * c, outH, pY, pChunks);
    };
  }
  const tx = cx?.taps, ty = cy?.taps;
  if (tx === null || ty === null || (tx !== undefined && tx.maxCount > MAX_WASM_TAPS) || (ty !== undefined && ty.maxCount > MAX_WASM_TAPS)) return null;
  const pX = tx !== undefined ? m.take(tx.table.byteLength) : 0;
  const pY = ty !== undefined ? m.take(ty.table.byteLength) : 0;
  const pMid = tx !== undefined && ty !== undefined ? m.take(h * outW * c + SLACK) : 0;
  return (k, buf, from, to) => {
    if (tx === undefined && ty === undefined) {
      new Uint8Array(buf).copyWithin(to, from, from + h * w * c);
      return;
    }
    let cur = from;
    if (tx !== undefined) {
      new Int32Array(buf, pX, tx.table.length).set(tx.table);
      const into = ty !== undefined ? pMid : to;
      k.boxHorizontal(cur, into, h, w, c, outW, pX);
      cur = into;
    }
    if (ty !== undefined) {
      new Int32Array(buf, pY, ty.table.length).set(ty.table);
      k.boxVertical(cur, to, outW * c, outH, pY);
    }
  };
}

/** The JavaScript port of pilBoxResize (the fallback, and the twin the WebAssembly is tested against). */
export function pilBoxResizeJs(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  if (outW !== w && outH !== h && c === 3 && outW % 4 === 0 && LITTLE_ENDIAN) {
    const nx = pilBoxCoeffs(w, outW).near;
    const ny = pilBoxCoeffs(h, outH).near;
    if (nx !== null && ny !== null) return enlargeNearestRgb(src, w, outH, outW, nx, ny);
  }
  let cur = src;
  if (outW !== w) cur = horizontalPass(cur, h, w, c, outW, pilBoxCoeffs(w, outW));
  if (outH !== h) cur = verticalPass(cur, h, outW * c, outH, pilBoxCoeffs(h, outH));
  return cur === src ? Uint8Array.from(src) : cur;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Both passes when both are copies (BOX enlargement) of an RGB image whose output rows are whole 32-bit words
 * (outW % 4 = 0): an input row is packed to one 0x00BBGGRR word per pixel, each four output pixels are written as
 * three little-endian words (12 bytes), and an output row with the same source row as the one above is a memcpy.
 * About 3x fewer stores than byte by byte.
 */
function enlargeNearestRgb(src: Uint8Array, w: number, outH: number, outW: number, nx: Int32Array, ny: Int32Array): Uint8Array {
  const rowLen = outW * 3;
  const out = new Uint8Array(outH * rowLen);
  const words = new Uint32Array(out.buffer, 0, out.length >> 2);
  const px = new Int32Array(w); // packed source row
  for (let yy = 0; yy < outH; yy++) {
    if (yy > 0 && ny[yy] === ny[yy - 1]) {
      out.copyWithin(yy * rowLen, (yy - 1) * rowLen, yy * rowLen);
      continue;
    }
    const s = ny[yy] * w * 3;
    for (let x = 0; x < w; x++) px[x] = src[s + x * 3] | (src[s + x * 3 + 1] << 8) | (src[s + x * 3 + 2] << 16);
    let o = (yy * rowLen) >> 2;
    for (let xx = 0; xx < outW; xx += 4) {
      const p0 = px[nx[xx]], p1 = px[nx[xx + 1]], p2 = px[nx[xx + 2]], p3 = px[nx[xx + 3]];
      words[o] = p0 | (p1 << 24);
      words[o + 1] = (p1 >>> 8) | (p2 << 16);
      words[o + 2] = (p2 >>> 16) | (p3 << 8);
      o += 3;
    }
  }
  return out;
}

/**
 * For coefficients where every output takes exactly one input at weight 1.0 (BOX enlargement): that input's index
 * per output, else null. Then (2^21 + v·2^22) >> 22 = v and the pass is a copy.
 */
function nearestIndex({ bounds, ksize, kk }: Omit<BoxCoeffs, 'near' | 'uni' | 'taps' | 'chunks'>): Int32Array | null {
  const n = bounds.length >> 1;
  const idx = new Int32Array(n);
  for (let o = 0; o < n; o++) {
    if (bounds[o * 2 + 1] !== 1 || kk[o * ksize] !== 1 << PRECISION_BITS) return null;
    idx[o] = bounds[o * 2];
  }
  return idx;
}

/**
 * For coefficients where each output's taps all carry the same weight (BOX: 1/count each, so always in practice):
 * that weight per output, else null. Then Σ v·wt = wt·Σ v exactly (integers below 2^31): one multiply per output.
 */
function uniformWeights({ bounds, ksize, kk }: Omit<BoxCoeffs, 'near' | 'uni' | 'taps' | 'chunks'>): Int32Array | null {
  const n = bounds.length >> 1;
  const wt = new Int32Array(n);
  for (let o = 0; o < n; o++) {
    const count = bounds[o * 2 + 1];
    if (count < 1) return null;
    const first = kk[o * ksize];
    for (let x = 1; x < count; x++) if (kk[o * ksize + x] !== first) return null;
    wt[o] = first;
  }
  return wt;
}

/** A BOX's coefficients as the kernels take them: per output, its run of nonzero taps. */
interface BoxTaps {
  /**
   * (first, count, weight, q15) per output: taps first .. first + count − 1 all carry weight, the others 0; q15 is
   * q15Multiplier(count, weight).
   */
  table: Int32Array;
  /** The largest count. */
  maxCount: number;
}

/**
 * For coefficients where each output's nonzero weights are one run of equal values (BOX: the taps whose centres lie
 * in the output's box all get 1/count, and only edge taps fall outside; in 13 % of size pairs below 600 an edge
 * tap carries 0, which uniformWeights refuses): that run per output, else null. Then Σ v·k = weight·Σ_run v.
 */
function boxTaps({ bounds, ksize, kk }: Omit<BoxCoeffs, 'near' | 'uni' | 'taps' | 'chunks'>): BoxTaps | null {
  const n = bounds.length >> 1;
  const table = new Int32Array(n * 4);
  let maxCount = 0;
  for (let o = 0; o < n; o++) {
    const k0 = o * ksize;
    const xmax = bounds[o * 2 + 1];
    let a = 0;
    while (a < xmax && kk[k0 + a] === 0) a++;
    let b = xmax;
    while (b > a && kk[k0 + b - 1] === 0) b--;
    const wt = a < b ? kk[k0 + a] : 0;
    for (let x = a + 1; x < b; x++) if (kk[k0 + x] !== wt) return null;
    table[o * 4] = bounds[o * 2] + a;
    table[o * 4 + 1] = b - a;
    table[o * 4 + 2] = wt;
    table[o * 4 + 3] = q15Multiplier(b - a, wt);
    if (b - a > maxCount) maxCount = b - a;
  }
  return { table, maxCount };
}

const q15Cache = new Map<number, number>();

/**
 * A multiplier b in 1..32767 with (Σ·b + 2^14) >> 15 = (Σ·weight + 2^21) >> 22, both clipped to 0..255, for every
 * Σ in 0..255·count (tried: weight / 2^7 rounded down, and up but at most 32767, each checked at every Σ; for BOX
 * weights one of them holds for every count up to 12, past that mostly neither: 15 bits of weight are too coarse),
 * or 0 where neither does or count > 128 (a sum past the i16 lanes of the kernels' q15mulr). Cached per (count,
 * weight).
 */
function q15Multiplier(count: number, weight: number): number {
  if (count < 1 || count > 128) return 0;
  const key = count * 2 ** 23 + weight;
  let b = q15Cache.get(key);
  if (b === undefined) {
    b = 0;
    for (const cand of [Math.floor(weight / 128), Math.min(32767, Math.ceil(weight / 128))]) {
      if (cand < 1 || cand > 32767) continue;
      let ok = true;
      for (let sum = 0; sum <= 255 * count && ok; sum++) ok = Math.min(255, (sum * cand + (1 << 14)) >> 15) === clip8(sum * weight + (1 << (PRECISION_BITS - 1)));
      if (ok) { b = cand; break; }
    }
    q15Cache.set(key, b);
  }
  return b;
}

/**
 * The row recipe of wasm boxNearest for these (nearest) coefficients and c channels, cached: per 16 output bytes, 32
 * bytes: the i32 byte offset in the source row of the first pixel they take, then each byte's index from there
 * (bytes past the row repeat its last). Null where 16 output bytes would span 32 source bytes or more (never in an
 * enlargement: 16 bytes are at most 6 pixels, from at most 6 neighbouring source pixels).
 */
function nearestChunks(coeffs: BoxCoeffs, c: number): Uint8Array | null {
  const known = coeffs.chunks[c];
  if (known !== undefined) return known;
  const near = coeffs.near!;
  const rowLen = near.length * c;
  const n = (rowLen + 15) >> 4;
  let table: Uint8Array | null = new Uint8Array(n * 32);
  const base = new Int32Array(table.buffer);
  for (let j = 0; j < n && table !== null; j++) {
    const from = (b: number) => { const o = Math.min(b, rowLen - 1); return near[Math.trunc(o / c)] * c + (o % c); };
    const first = near[Math.trunc(j * 16 / c)] * c; // channel 0 of the first pixel: the chunk's lowest source byte
    base[j * 8] = first;
    for (let b = 0; b < 16; b++) {
      const at = from(j * 16 + b) - first;
      if (at < 0 || at >= 32) { table = null; break; }
      table[j * 32 + 16 + b] = at;
    }
  }
  coeffs.chunks[c] = table;
  return table;
}

/** Resample along x: h rows of w pixels (c channels) to outW pixels. */
function horizontalPass(cur: Uint8Array, h: number, w: number, c: number, outW: number, coeffs: BoxCoeffs): Uint8Array {
  const out = new Uint8Array(h * outW * c);
  const near = coeffs.near;
  if (near !== null) {
    for (let y = 0; y < h; y++) {
      const s = y * w * c;
      const o = y * outW * c;
      if (c === 3) {
        for (let xx = 0; xx < outW; xx++) {
          const from = s + near[xx] * 3;
          out[o + xx * 3] = cur[from]; out[o + xx * 3 + 1] = cur[from + 1]; out[o + xx * 3 + 2] = cur[from + 2];
        }
      } else {
        for (let xx = 0; xx < outW; xx++) out[o + xx] = cur[s + near[xx]];
      }
    }
    return out;
  }
  const { bounds, ksize, kk, uni } = coeffs;
  const half = 1 << (PRECISION_BITS - 1);
  if (uni !== null && c === 3) {
    // RGB, one weight per output: integer channel sums, one multiply each
    for (let y = 0; y < h; y++) {
      const s = y * w * 3;
      const o = y * outW * 3;
      for (let xx = 0; xx < outW; xx++) {
        const from = s + bounds[xx * 2] * 3;
        const end = from + bounds[xx * 2 + 1] * 3;
        let s0 = cur[from], s1 = cur[from + 1], s2 = cur[from + 2];
        for (let i = from + 3; i < end; i += 3) { s0 += cur[i]; s1 += cur[i + 1]; s2 += cur[i + 2]; }
        const wt = uni[xx];
        out[o + xx * 3] = clip8(half + s0 * wt); out[o + xx * 3 + 1] = clip8(half + s1 * wt); out[o + xx * 3 + 2] = clip8(half + s2 * wt);
      }
    }
    return out;
  }
  if (c === 3) {
    // RGB: the three channel sums share each weight load
    for (let y = 0; y < h; y++) {
      const s = y * w * 3;
      const o = y * outW * 3;
      for (let xx = 0; xx < outW; xx++) {
        const from = s + bounds[xx * 2] * 3;
        const count = bounds[xx * 2 + 1];
        const kb = xx * ksize;
        let s0 = half, s1 = half, s2 = half;
        for (let x = 0; x < count; x++) {
          const wt = kk[kb + x];
          const i = from + x * 3;
          s0 += cur[i] * wt; s1 += cur[i + 1] * wt; s2 += cur[i + 2] * wt;
        }
        out[o + xx * 3] = clip8(s0); out[o + xx * 3 + 1] = clip8(s1); out[o + xx * 3 + 2] = clip8(s2);
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    const s = y * w * c;
    const o = y * outW * c;
    for (let xx = 0; xx < outW; xx++) {
      const from = s + bounds[xx * 2] * c;
      const count = bounds[xx * 2 + 1];
      const kb = xx * ksize;
      for (let ch = 0; ch < c; ch++) {
        let ss = half;
        for (let x = 0; x < count; x++) ss += cur[from + x * c + ch] * kk[kb + x];
        out[o + xx * c + ch] = clip8(ss);
      }
    }
  }
  return out;
}

/** Resample along y: h rows of rowLen bytes to outH rows; each output row is a weighted sum of whole input rows. */
function verticalPass(cur: Uint8Array, h: number, rowLen: number, outH: number, coeffs: BoxCoeffs): Uint8Array {
  const out = new Uint8Array(outH * rowLen);
  const near = coeffs.near;
  if (near !== null) {
    for (let yy = 0; yy < outH; yy++) out.set(cur.subarray(near[yy] * rowLen, (near[yy] + 1) * rowLen), yy * rowLen);
    return out;
  }
  const { bounds, ksize, kk, uni } = coeffs;
  if (uni !== null) return verticalUniform(cur, rowLen, outH, bounds, uni, out);
  const ss = new Float64Array(rowLen); // integer sums, exact in doubles (< 2^31)
  for (let yy = 0; yy < outH; yy++) {
    ss.fill(1 << (PRECISION_BITS - 1));
    const ymin = bounds[yy * 2];
    const count = bounds[yy * 2 + 1];
    for (let y = 0; y < count; y++) {
      const wt = kk[yy * ksize + y];
      const s = (ymin + y) * rowLen;
      for (let k = 0; k < rowLen; k++) ss[k] += cur[s + k] * wt;
    }
    const o = yy * rowLen;
    for (let k = 0; k < rowLen; k++) out[o + k] = clip8(ss[k]);
  }
  return out;
}

/**
 * verticalPass for one weight per output row: integer column sums of the count input rows (2 or 3 for pixelate's
 * shrinks get their own loops, no accumulator array), one multiply per value.
 */
function verticalUniform(cur: Uint8Array, rowLen: number, outH: number, bounds: Int32Array, uni: Int32Array, out: Uint8Array): Uint8Array {
  const half = 1 << (PRECISION_BITS - 1);
  const acc = new Int32Array(rowLen);
  for (let yy = 0; yy < outH; yy++) {
    const a = bounds[yy * 2] * rowLen;
    const count = bounds[yy * 2 + 1];
    const wt = uni[yy];
    const o = yy * rowLen;
    if (count === 2) {
      const b = a + rowLen;
      for (let k = 0; k < rowLen; k++) out[o + k] = clip8(half + (cur[a + k] + cur[b + k]) * wt);
    } else if (count === 3) {
      const b = a + rowLen, d = b + rowLen;
      for (let k = 0; k < rowLen; k++) out[o + k] = clip8(half + (cur[a + k] + cur[b + k] + cur[d + k]) * wt);
    } else {
      acc.fill(0);
      for (let y = 0; y < count; y++) {
        const s = a + y * rowLen;
        for (let k = 0; k < rowLen; k++) acc[k] += cur[s + k];
      }
      for (let k = 0; k < rowLen; k++) out[o + k] = clip8(half + acc[k] * wt);
    }
  }
  return out;
}
