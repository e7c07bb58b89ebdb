/**
 * Correlation with a blurred disk (the reference's defocus kernel, cv2.filter2D semantics) in O(pixels · disk
 * height) instead of O(pixels · disk area). The kernel K is split as K = G ⊛ D + R:
 * - D: a uniform disk, whose every row is one run, so D ⊛ image is, per output, one difference of row prefix sums
 *   per disk row;
 * - G: the small separable Gaussian that anti-aliases the disk (3 or 5 taps per axis);
 * - R: what is left, K − G ⊛ D: zero except where the reference's blur reflected the disk's edge back into the
 *   kernel array (radius 8 and 10), a few taps applied directly.
 * Results equal direct correlation up to float rounding (about 1e-13 of the value, far below FLOAT_NOISE).
 * Images are Float64Array, HWC interleaved.
 */
import { padImage, type BorderMode } from './border.js';
import type { Taps } from './correlate2d.js';

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

/**
 * K ⊛ src with borders by `mode` (cv2.filter2D: correlation, anchor at the centre). Layout: src and the result are
 * h x w x c; `pad` is src padded by P on every side, `sums` its row prefix sums ((w + 2P + 1) per row and channel),
 * `t` = D ⊛ src on the region G needs (h + 2rg) x (w + 2rg).
 */
export function correlateDisk(src: Float64Array, h: number, w: number, c: number, split: DiskSplit, mode: BorderMode): Float64Array {
  const { halfWidth, weight, g, residual } = split;
  const rd = (halfWidth.length - 1) >> 1;
  const rg = (g.length - 1) >> 1;
  let p = rd + rg;
  for (let t = 0; t < residual.weight.length; t++) p = Math.max(p, Math.abs(residual.dy[t]), Math.abs(residual.dx[t]));
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
