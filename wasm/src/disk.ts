/**
 * src/corruptions/disk.ts correlateDisk (defocus_blur's blurred-disk correlation, split as K = G ⊛ D + R) in
 * WebAssembly SIMD, bytes in and bytes out: the same passes and the same order of operations value for value (each
 * f64x2 lane does the scalar code's adds and multiplies, and WebAssembly has no fused multiply-add), so the doubles
 * are the JavaScript's bit for bit. Pointers are byte offsets into linear memory; the JavaScript side lays out the
 * buffers and fills the tables.
 */
import { tapsRun } from './correlate';
import { padFromBytes } from './padding';
import { unitRowToBytes } from './to-bytes';

/**
 * t[k] = weight·Σ_{d < rows} (sums[k at byte offset hi_d] − sums[k at offset lo_d]) for k < n, d in order from 0:
 * one row of D ⊛ pad by row prefix sums. `offs` holds (hi_d, lo_d) as i32 byte offsets relative to sums[k].
 */
function diskRun(sums: usize, t: usize, n: i32, offs: usize, rows: i32, weight: f64): void {
  const wt = f64x2.splat(weight);
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = sums + (<usize>k << 3);
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    for (let d = 0; d < rows; d++) {
      const o = offs + (<usize>d << 3);
      const hi = p + <usize>load<i32>(o);
      const lo = p + <usize>load<i32>(o, 4);
      a0 = f64x2.add(a0, f64x2.sub(v128.load(hi), v128.load(lo)));
      a1 = f64x2.add(a1, f64x2.sub(v128.load(hi, 16), v128.load(lo, 16)));
      a2 = f64x2.add(a2, f64x2.sub(v128.load(hi, 32), v128.load(lo, 32)));
      a3 = f64x2.add(a3, f64x2.sub(v128.load(hi, 48), v128.load(lo, 48)));
    }
    const q = t + (<usize>k << 3);
    v128.store(q, f64x2.mul(a0, wt));
    v128.store(q, f64x2.mul(a1, wt), 16);
    v128.store(q, f64x2.mul(a2, wt), 32);
    v128.store(q, f64x2.mul(a3, wt), 48);
  }
  for (; k < n; k++) {
    const p = sums + (<usize>k << 3);
    let a: f64 = 0;
    for (let d = 0; d < rows; d++) {
      const o = offs + (<usize>d << 3);
      a += load<f64>(p + <usize>load<i32>(o)) - load<f64>(p + <usize>load<i32>(o, 4));
    }
    store<f64>(t + (<usize>k << 3), a * weight);
  }
}

/**
 * sums[y][x][ch] = Σ_{x' < x} pad[y][x'][ch] for each of the ph padded rows ((pw + 1)·c values a row, the first c
 * zeros), added left to right as the JavaScript does; the c channels' running sums stay in registers for c = 1 and 3.
 */
function rowPrefixSums(pad: usize, sums: usize, ph: i32, pw: i32, c: i32): void {
  let s = sums;
  let q = pad;
  for (let y = 0; y < ph; y++) {
    if (c == 3) {
      let s0: f64 = 0;
      let s1: f64 = 0;
      let s2: f64 = 0;
      store<f64>(s, 0);
      store<f64>(s, 0, 8);
      store<f64>(s, 0, 16);
      s += 24;
      for (let x = 0; x < pw; x++) {
        s0 += load<f64>(q);
        s1 += load<f64>(q, 8);
        s2 += load<f64>(q, 16);
        store<f64>(s, s0);
        store<f64>(s, s1, 8);
        store<f64>(s, s2, 16);
        s += 24;
        q += 24;
      }
    } else if (c == 1) {
      let s0: f64 = 0;
      store<f64>(s, 0);
      s += 8;
      for (let x = 0; x < pw; x++) {
        s0 += load<f64>(q);
        store<f64>(s, s0);
        s += 8;
        q += 8;
      }
    } else {
      for (let ch = 0; ch < c; ch++) store<f64>(s + (<usize>ch << 3), 0);
      const n = pw * c;
      for (let k = 0; k < n; k++) store<f64>(s + (<usize>(c + k) << 3), load<f64>(s + (<usize>k << 3)) + load<f64>(q + (<usize>k << 3)));
      s += <usize>(n + c) << 3;
      q += <usize>n << 3;
    }
  }
}

/**
 * defocus_blur's correlation on bytes (disk.ts correlateDisk of toUnit(image), then unitToByte): pad by p
 * (padding.ts, levels = v / 255), the row prefix sums, t = D ⊛ pad on the (h + 2rg) x (w + 2rg) region G needs,
 * then per output row G along axis 0 into `u`, G along axis 1 into `row`, the residual taps added from pad, and the
 * row to bytes.
 *   pad        (h + 2p)·(w + 2p)·c doubles            sums   (h + 2p)·(w + 2p + 1)·c doubles
 *   t          (h + 2rg)·(w + 2rg)·c doubles          u      (w + 2rg)·c doubles          row  w·c doubles
 *   rowAt, colAt   h + 2p and w + 2p i32 (padding.ts)
 *   halfWidth  2rd + 1 i32: the disk's run on each row; weight: D's weight
 *   gDown      2rg + 1 i32: byte offsets j·(w + 2rg)·c·8 (G along axis 0 on t); gAcross: j·c·8 (on u); g: 2rg + 1 doubles
 *   resShifts  nres i32: byte offset in pad of residual tap i for output (0, 0); resWeights nres doubles
 *   offs       2rd + 1 pairs of i32 (scratch)
 *   doubles    0, or h·w·c doubles that receive the correlation's values (for the tests)
 */
export function diskBytes(
  inBytes: usize, outBytes: usize, levels: usize, pad: usize, sums: usize, t: usize, u: usize, row: usize, doubles: usize,
  rowAt: usize, colAt: usize, halfWidth: usize, weight: f64, g: usize, gDown: usize, gAcross: usize,
  resShifts: usize, resWeights: usize, nres: i32, offs: usize, h: i32, w: i32, c: i32, p: i32, rd: i32, rg: i32, floatNoise: f64,
): void {
  const pw = w + 2 * p;
  const ph = h + 2 * p;
  padFromBytes(inBytes, levels, pad, rowAt, colAt, ph, pw, p, w, c);
  rowPrefixSums(pad, sums, ph, pw, c);
  const sRow = (pw + 1) * c;
  const th = h + 2 * rg;
  const tRow = (w + 2 * rg) * c;
  const rows = 2 * rd + 1;
  for (let ty = 0; ty < th; ty++) {
    for (let d = 0; d < rows; d++) {
      const base = (ty + p - rg + d - rd) * sRow;
      const a = load<i32>(halfWidth + (<usize>d << 2));
      const o = offs + (<usize>d << 3);
      store<i32>(o, (base + (p - rg + a + 1) * c) << 3);
      store<i32>(o, (base + (p - rg - a) * c) << 3, 4);
    }
    diskRun(sums, t + (<usize>(ty * tRow) << 3), tRow, offs, rows, weight);
  }
  const gl = 2 * rg + 1;
  const rowLen = w * c;
  const rowBytes = <usize>rowLen << 3;
  const pRowBytes = <usize>(pw * c) << 3;
  for (let y = 0; y < h; y++) {
    tapsRun(t + (<usize>(y * tRow) << 3), u, tRow, gDown, g, gl, false);
    tapsRun(u, row, rowLen, gAcross, g, gl, false);
    if (nres > 0) tapsRun(pad + <usize>y * pRowBytes, row, rowLen, resShifts, resWeights, nres, true);
    if (doubles != 0) memory.copy(doubles + <usize>y * rowBytes, row, rowBytes);
    unitRowToBytes(row, outBytes + <usize>(y * rowLen), rowLen, floatNoise);
  }
}
