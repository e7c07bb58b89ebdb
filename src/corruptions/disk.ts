/**
 * Correlation with a blurred disk (the reference's defocus kernel, cv2.filter2D semantics) in O(pixels · disk
 * height) instead of O(pixels · disk area). The kernel K is split as K = G ⊛ D + R:
 * - D: a uniform disk, whose every row is one run, so D ⊛ image is, per output, one difference of row prefix sums
 *   per disk row;
 * - G: the small separable Gaussian that anti-aliases the disk (3 or 5 taps per axis);
 * - R: what is left, K − G ⊛ D: zero except where the reference's blur reflected the disk's edge back into the
 *   kernel array (radius 8 and 10), a few taps applied directly.
 * Results equal direct correlation up to float rounding (about 1e-13 of the value, far below FLOAT_NOISE).
 * Images are Float64Array, HWC interleaved. correlateDiskBytes runs the same passes bytes to bytes in WebAssembly SIMD
 * (wasm/src/disk.ts: the same doubles, so the same bytes), about 5x faster at 224 px.
 */
import { paddedOffsets, padImage, type BorderMode } from './border.js';
import type { Taps } from './correlate2d.js';
import { FLOAT_NOISE, UNIT } from './image.js';
import { KernelScratch, wasmKernels } from './wasm-kernels.js';

export interface DiskSplit {
  /** Half-width of the disk's run on each row, dy = −radius .. radius (index dy + radius). */
  halfWidth: Int32Array;
  /** D's weight (1 / number of disk pixels). */
  weight: number;
  /** G, odd length, applied along both axes. */
  g: Float64Array;
  /** R as taps relative to the kernel centre. */
  residual: Taps;
}

/** The padding correlateDisk needs on every side: the disk's and G's radii, or the residual's reach if larger. */
function diskPadding(split: DiskSplit): number {
  const { halfWidth, g, residual } = split;
  let p = ((halfWidth.length - 1) >> 1) + ((g.length - 1) >> 1);
  for (let t = 0; t < residual.weight.length; t++) p = Math.max(p, Math.abs(residual.dy[t]), Math.abs(residual.dx[t]));
  return p;
}

/**
 * K ⊛ src with borders by `mode` (cv2.filter2D: correlation, anchor at the centre). Layout: src and the result are
 * h x w x c; `pad` is src padded by P on every side, `sums` its row prefix sums ((w + 2P + 1) per row and channel),
 * `t` = D ⊛ src on the region G needs (h + 2rg) x (w + 2rg).
 */
export function correlateDisk(src: Float64Array, h: number, w: number, c: number, split: DiskSplit, mode: BorderMode): Float64Array {
  const { halfWidth, weight, g, residual } = split;
  const rd = (halfWidth.length - 1) >> 1;
  const rg = (g.length - 1) >> 1;
  const p = diskPadding(split);
  const pw = w + 2 * p;
  const ph = h + 2 * p;
  const pad = padImage(src, h, w, c, p, p, mode);
  // sums[y][x][ch] = Σ_{x' < x} pad[y][x'][ch]
  const sRow = (pw + 1) * c;
  const sums = new Float64Array(ph * sRow);
  for (let y = 0; y < ph; y++) {
    const s = y * sRow;
    const q = y * pw * c;
    for (let k = 0; k < pw * c; k++) sums[s + c + k] = sums[s + k] + pad[q + k];
  }
  // t = D ⊛ pad on rows/cols p − rg .. p + h/w + rg: per output, one prefix-sum difference per disk row,
  // accumulated in registers four outputs at a time
  const th = h + 2 * rg;
  const tRow = (w + 2 * rg) * c;
  const t = new Float64Array(th * tRow);
  const rows = 2 * rd + 1;
  const hiAt = new Int32Array(rows); // sums index of column x + a + 1 for output column 0, this output row
  const loAt = new Int32Array(rows); // ... of column x − a
  for (let ty = 0; ty < th; ty++) {
    for (let d = 0; d < rows; d++) {
      const base = (ty + p - rg + d - rd) * sRow;
      hiAt[d] = base + (p - rg + halfWidth[d] + 1) * c;
      loAt[d] = base + (p - rg - halfWidth[d]) * c;
    }
    const o = ty * tRow;
    let k = 0;
    for (; k + 4 <= tRow; k += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let d = 0; d < rows; d++) {
        const hi = hiAt[d] + k;
        const lo = loAt[d] + k;
        a0 += sums[hi] - sums[lo];
        a1 += sums[hi + 1] - sums[lo + 1];
        a2 += sums[hi + 2] - sums[lo + 2];
        a3 += sums[hi + 3] - sums[lo + 3];
      }
      t[o + k] = a0 * weight; t[o + k + 1] = a1 * weight; t[o + k + 2] = a2 * weight; t[o + k + 3] = a3 * weight;
    }
    for (; k < tRow; k++) {
      let acc = 0;
      for (let d = 0; d < rows; d++) acc += sums[hiAt[d] + k] - sums[loAt[d] + k];
      t[o + k] = acc * weight;
    }
  }
  // G along axis 0 into one row of u, then along axis 1 into out; both 'valid' on t
  const rowLen = w * c;
  const gl = g.length;
  const u = new Float64Array(tRow);
  const out = new Float64Array(h * rowLen);
  for (let y = 0; y < h; y++) {
    for (let k = 0; k < tRow; k++) {
      let acc = 0;
      for (let j = 0; j < gl; j++) acc += g[j] * t[(y + j) * tRow + k];
      u[k] = acc;
    }
    const o = y * rowLen;
    for (let k = 0; k < rowLen; k++) {
      let acc = 0;
      for (let j = 0; j < gl; j++) acc += g[j] * u[k + j * c];
      out[o + k] = acc;
    }
  }
  // R, directly on the padded image
  const pRow = pw * c;
  for (let i = 0; i < residual.weight.length; i++) {
    const wt = residual.weight[i];
    const shift = (residual.dy[i] + p) * pRow + (residual.dx[i] + p) * c;
    for (let y = 0; y < h; y++) {
      const o = y * rowLen;
      const s = y * pRow + shift;
      for (let k = 0; k < rowLen; k++) out[o + k] += wt * pad[s + k];
    }
  }
  return out;
}

/**
 * unitToByte of correlateDisk(toUnit(image)) (defocus_blur) in WebAssembly SIMD (wasm/src/disk.ts diskBytes: the
 * same passes in the same order, so the same doubles and bytes), or null where the kernels are off. `doubles`, when
 * given (h·w·c), receives the correlation's values (the tests compare them with correlateDisk's).
 */
export function correlateDiskBytes(
  data: Uint8Array, h: number, w: number, c: number, split: DiskSplit, mode: BorderMode, doubles?: Float64Array,
): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const { halfWidth, weight, g, residual } = split;
  const rd = (halfWidth.length - 1) >> 1;
  const rg = (g.length - 1) >> 1;
  const p = diskPadding(split);
  const n = h * w * c;
  const pw = w + 2 * p;
  const ph = h + 2 * p;
  const tRow = (w + 2 * rg) * c;
  const nres = residual.weight.length;
  const m = new KernelScratch(k);
  const at = {
    in: m.take(n), out: m.take(n), levels: m.take(256 * 8), pad: m.take(ph * pw * c * 8), sums: m.take(ph * (pw + 1) * c * 8),
    t: m.take((h + 2 * rg) * tRow * 8), u: m.take(tRow * 8), row: m.take(w * c * 8), doubles: doubles === undefined ? 0 : m.take(n * 8),
    rowAt: m.take(ph * 4), colAt: m.take(pw * 4), halfWidth: m.take(halfWidth.length * 4), g: m.take(g.length * 8),
    gDown: m.take(g.length * 4), gAcross: m.take(g.length * 4), resShifts: m.take(nres * 4), resWeights: m.take(nres * 8),
    offs: m.take(halfWidth.length * 8),
  };
  const buf = m.buffer();
  new Uint8Array(buf, at.in, n).set(data);
  new Float64Array(buf, at.levels, 256).set(UNIT);
  new Int32Array(buf, at.rowAt, ph).set(paddedOffsets(h, p, w * c, mode));
  new Int32Array(buf, at.colAt, pw).set(paddedOffsets(w, p, c, mode));
  new Int32Array(buf, at.halfWidth, halfWidth.length).set(halfWidth);
  new Float64Array(buf, at.g, g.length).set(g);
  const gDown = new Int32Array(buf, at.gDown, g.length);
  const gAcross = new Int32Array(buf, at.gAcross, g.length);
  for (let j = 0; j < g.length; j++) {
    gDown[j] = j * tRow * 8;
    gAcross[j] = j * c * 8;
  }
  const resShifts = new Int32Array(buf, at.resShifts, nres);
  for (let i = 0; i < nres; i++) resShifts[i] = ((residual.dy[i] + p) * pw * c + (residual.dx[i] + p) * c) * 8;
  new Float64Array(buf, at.resWeights, nres).set(residual.weight);
  k.diskBytes(
    at.in, at.out, at.levels, at.pad, at.sums, at.t, at.u, at.row, at.doubles, at.rowAt, at.colAt, at.halfWidth, weight,
    at.g, at.gDown, at.gAcross, at.resShifts, at.resWeights, nres, at.offs, h, w, c, p, rd, rg, FLOAT_NOISE,
  );
  if (doubles !== undefined) doubles.set(new Float64Array(buf, at.doubles, n));
  return new Uint8Array(buf, at.out, n).slice();
}
