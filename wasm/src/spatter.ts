/**
 * spatter's water mode (corruptions/spatter.ts) in WebAssembly, from the standard normal draws to the output bytes:
 * the noise's mean and scale, the liquid layer's Gaussian (gaussian.ts), the threshold, the 8-bit liquid, Canny,
 * the 5x5 chamfer distance, the box blurs, equalizeHist, the emboss, the mask and the turquoise blend. Every value
 * is the JavaScript's (tested byte for byte against it); where a step is computed differently here the comment says
 * why it gives the same numbers:
 * - the chamfer passes take each pixel's minimum over its mask as one f64x2 minimum of the rows already done, then
 *   a serial pass for the one neighbour in its own row (a minimum of the same candidates, in another order: a
 *   minimum does not round). Minima are f64x2.pmin (b < a ? b : a, one instruction, where f64.min's NaN and -0
 *   rules cost a branchy sequence): the same value here, where no value is NaN or -0;
 * - the emboss and the second box blur run on integers (their inputs are bytes and their weights integers, so the
 *   JavaScript's double sums are exact integers: roundHalfEven of an integer is itself);
 * - the rounding of the second blur's s/9 is a table of Math.round(s / 9) for every possible sum s;
 * - Canny's non-maximum suppression runs on i32x4 lanes with selects instead of branches; its hysteresis starts
 *   from the strong pixels in another order, which gives the same edge set (the 8-connected closure).
 * Pointers are byte offsets; `work` is scratch (see spatterWater for its size).
 */
import { gaussianSymmetric } from './gaussian';
import { storeSix, storeTwo, unitPairToInts, unitSixPart } from './to-bytes';

/** JavaScript's Math.round. */
@inline function jsRound(x: f64): f64 {
  const r = Math.ceil(x);
  return r - 0.5 > x ? r - 1 : r;
}

/** border.ts borderIndex for reflect-101. */
@inline function reflect101(i: i32, n: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (n == 1) return 0;
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** Rows 0 and h + 1 and columns 0 and w + 1 of a one-pixel-padded byte image, by reflect-101 (interior set). */
function reflectBorderBytes(p: usize, h: i32, w: i32): void {
  const pw = w + 2;
  for (let y = 1; y <= h; y++) {
    const row = p + <usize>(y * pw);
    store<u8>(row, load<u8>(row + <usize>(reflect101(-1, w) + 1)));
    store<u8>(row + <usize>(w + 1), load<u8>(row + <usize>(reflect101(w, w) + 1)));
  }
  memory.copy(p, p + <usize>((reflect101(-1, h) + 1) * pw), <usize>pw);
  memory.copy(p + <usize>((h + 1) * pw), p + <usize>((reflect101(h, h) + 1) * pw), <usize>pw);
}

/** The same for doubles. */
function reflectBorderDoubles(p: usize, h: i32, w: i32): void {
  const pw = w + 2;
  for (let y = 1; y <= h; y++) {
    const row = p + (<usize>(y * pw) << 3);
    store<f64>(row, load<f64>(row + (<usize>(reflect101(-1, w) + 1) << 3)));
    store<f64>(row + (<usize>(w + 1) << 3), load<f64>(row + (<usize>(reflect101(w, w) + 1) << 3)));
  }
  memory.copy(p, p + (<usize>((reflect101(-1, h) + 1) * pw) << 3), <usize>pw << 3);
  memory.copy(p + (<usize>((h + 1) * pw) << 3), p + (<usize>((reflect101(h, h) + 1) * pw) << 3), <usize>pw << 3);
}

/**
 * spatter.ts canny(l8, h, w, low, high): `map` (h·w bytes) 2 on edges, else 0 or 1. Scratch: pad (bytes,
 * (h+2)(w+2)), mag (i32, (h+2)(w+2)), gx, gy (i32, h·w + 8), stack (i32, h·w).
 */
function canny(l8: usize, map: usize, h: i32, w: i32, low: i32, high: i32, pad: usize, mag: usize, gx: usize, gy: usize, stack: usize): void {
  const pw = w + 2;
  // the source padded by one replicated pixel (OpenCV's Canny uses BORDER_REPLICATE)
  for (let y = 0; y < h; y++) {
    const row = pad + <usize>((y + 1) * pw);
    memory.copy(row + 1, l8 + <usize>(y * w), <usize>w);
    store<u8>(row, load<u8>(row + 1));
    store<u8>(row + <usize>(w + 1), load<u8>(row + <usize>w));
  }
  memory.copy(pad, pad + <usize>pw, <usize>pw);
  memory.copy(pad + <usize>((h + 1) * pw), pad + <usize>(h * pw), <usize>pw);
  memory.fill(mag, 0, <usize>((h + 2) * pw) << 2); // zero border, as OpenCV's magnitude buffer
  // Sobel on 8 pixels at a time (i16 lanes hold |dx|, |dy| <= 1020 and their sum): the same integers
  for (let y = 0; y < h; y++) {
    const j0 = (y + 1) * pw + 1;
    let x = 0;
    for (; x + 8 <= w; x += 8) {
      const p = pad + <usize>(j0 + x);
      const up = p - <usize>pw;
      const dn = p + <usize>pw;
      const ul = v128.load8x8_u(up - 1), uc = v128.load8x8_u(up), ur = v128.load8x8_u(up + 1);
      const ml = v128.load8x8_u(p - 1), mr = v128.load8x8_u(p + 1);
      const dl = v128.load8x8_u(dn - 1), dc = v128.load8x8_u(dn), dr = v128.load8x8_u(dn + 1);
      const dx = i16x8.add(i16x8.add(i16x8.sub(ur, ul), i16x8.shl(i16x8.sub(mr, ml), 1)), i16x8.sub(dr, dl));
      const dy = i16x8.add(i16x8.add(i16x8.sub(dl, ul), i16x8.shl(i16x8.sub(dc, uc), 1)), i16x8.sub(dr, ur));
      const m = i16x8.add(i16x8.abs(dx), i16x8.abs(dy));
      const o = <usize>(y * w + x) << 2;
      v128.store(gx + o, i32x4.extend_low_i16x8_s(dx));
      v128.store(gx + o, i32x4.extend_high_i16x8_s(dx), 16);
      v128.store(gy + o, i32x4.extend_low_i16x8_s(dy));
      v128.store(gy + o, i32x4.extend_high_i16x8_s(dy), 16);
      const mo = mag + (<usize>(j0 + x) << 2);
      v128.store(mo, i32x4.extend_low_i16x8_u(m));
      v128.store(mo, i32x4.extend_high_i16x8_u(m), 16);
    }
    for (; x < w; x++) {
      const j = j0 + x;
      const a = <i32>load<u8>(pad + <usize>(j - pw - 1)), b = <i32>load<u8>(pad + <usize>(j - pw)), c = <i32>load<u8>(pad + <usize>(j - pw + 1));
      const d = <i32>load<u8>(pad + <usize>(j - 1)), f = <i32>load<u8>(pad + <usize>(j + 1));
      const g = <i32>load<u8>(pad + <usize>(j + pw - 1)), hh = <i32>load<u8>(pad + <usize>(j + pw)), k = <i32>load<u8>(pad + <usize>(j + pw + 1));
      const dx = c - a + 2 * (f - d) + k - g;
      const dy = g - a + 2 * (hh - b) + k - c;
      store<i32>(gx + (<usize>(y * w + x) << 2), dx);
      store<i32>(gy + (<usize>(y * w + x) << 2), dy);
      store<i32>(mag + (<usize>j << 2), abs<i32>(dx) + abs<i32>(dy));
    }
  }
  // Non-maximum suppression, 4 pixels at a time: OpenCV's sector test (tan 22.5° in 15-bit fixed point; the
  // spatter.ts comparisons, > on the one side and >= on the other) as masks, then 1 (not an edge), 0 (weak) or
  // 2 (strong). Every value here is an integer, so the lanes compute exactly what the scalar code branches on.
  const TG22 = i32x4.splat(13573); // Math.round(0.4142135623730950488 · 2^15), as spatter.ts computes it
  const lowV = i32x4.splat(low), highV = i32x4.splat(high);
  const one = i32x4.splat(1), two = i32x4.splat(2), zero = i32x4.splat(0);
  let top = 0;
  for (let y = 0; y < h; y++) {
    const j0 = (y + 1) * pw + 1;
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const mp = mag + (<usize>(j0 + x) << 2);
      const m = v128.load(mp);
      const xs = v128.load(gx + (<usize>(y * w + x) << 2));
      const ys = v128.load(gy + (<usize>(y * w + x) << 2));
      const ax = i32x4.abs(xs);
      const ay = i32x4.shl(i32x4.abs(ys), 15);
      const tg22x = i32x4.mul(ax, TG22);
      const tg67x = i32x4.add(tg22x, i32x4.shl(ax, 16));
      const row = <usize>pw << 2;
      const keepH = v128.and(i32x4.gt_s(m, v128.load(mp - 4)), i32x4.ge_s(m, v128.load(mp + 4)));
      const keepV = v128.and(i32x4.gt_s(m, v128.load(mp - row)), i32x4.ge_s(m, v128.load(mp + row)));
      // s = sign(xs ^ ys): mag[j − pw − s] and mag[j + pw + s]
      const neg = i32x4.lt_s(v128.xor(xs, ys), zero);
      const before = v128.bitselect(v128.load(mp - row + 4), v128.load(mp - row - 4), neg);
      const after = v128.bitselect(v128.load(mp + row - 4), v128.load(mp + row + 4), neg);
      const keepD = v128.and(i32x4.gt_s(m, before), i32x4.gt_s(m, after));
      const horizontal = i32x4.lt_s(ay, tg22x);
      const vertical = i32x4.gt_s(ay, tg67x);
      const keep = v128.bitselect(keepH, v128.bitselect(keepV, keepD, vertical), horizontal);
      const candidate = v128.and(keep, i32x4.gt_s(m, lowV));
      const strong = v128.and(candidate, i32x4.gt_s(m, highV));
      const v = v128.bitselect(two, v128.bitselect(zero, one, candidate), strong);
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(v, v), zero);
      v128.store32_lane(map + <usize>(y * w + x), bytes, 0);
      if (v128.any_true(strong)) {
        for (let l = 0; l < 4; l++) if (load<u8>(map + <usize>(y * w + x + l)) == 2) { store<i32>(stack + (<usize>top << 2), y * w + x + l); top++; }
      }
    }
    for (; x < w; x++) {
      const j = j0 + x;
      const i = y * w + x;
      const m = load<i32>(mag + (<usize>j << 2));
      let v: u8 = 1;
      if (m > low) {
        const xs = load<i32>(gx + (<usize>i << 2));
        const ys = load<i32>(gy + (<usize>i << 2));
        const ax = abs<i32>(xs);
        const ay = abs<i32>(ys) << 15;
        const tg22x = ax * 13573;
        let keep: bool;
        if (ay < tg22x) keep = m > load<i32>(mag + (<usize>(j - 1) << 2)) && m >= load<i32>(mag + (<usize>(j + 1) << 2));
        else {
          const tg67x = tg22x + (ax << 16);
          if (ay > tg67x) keep = m > load<i32>(mag + (<usize>(j - pw) << 2)) && m >= load<i32>(mag + (<usize>(j + pw) << 2));
          else {
            const s = (xs ^ ys) < 0 ? -1 : 1;
            keep = m > load<i32>(mag + (<usize>(j - pw - s) << 2)) && m > load<i32>(mag + (<usize>(j + pw + s) << 2));
          }
        }
        if (keep) v = m > high ? 2 : 0;
      }
      store<u8>(map + <usize>i, v);
      if (v == 2) { store<i32>(stack + (<usize>top << 2), i); top++; }
    }
  }
  // hysteresis: weak pixels 8-connected to a strong one become strong
  while (top > 0) {
    top--;
    const i = load<i32>(stack + (<usize>top << 2));
    const y = i / w;
    const x = i - y * w;
    const y1 = min<i32>(h - 1, y + 1);
    const x1 = min<i32>(w - 1, x + 1);
    for (let yy = max<i32>(0, y - 1); yy <= y1; yy++) {
      for (let xx = max<i32>(0, x - 1); xx <= x1; xx++) {
        const k = yy * w + xx;
        if (load<u8>(map + <usize>k) == 0) {
          store<u8>(map + <usize>k, 2);
          store<i32>(stack + (<usize>top << 2), k);
          top++;
        }
      }
    }
  }
}

/**
 * The chamfer forward mask over the rows above for the two pixels at p (doubles, row stride r1 bytes, r2 = 2·r1):
 * min(d[p], d[p − 2r1 ∓ 1] + C, d[p − r1 − 2] + C, d[p − r1 ∓ 1] + B, d[p − r1] + A, d[p − r1 + 2] + C), lane by lane.
 */
// @ts-ignore: decorator
@inline function aboveMin(p: usize, r1: usize, r2: usize, a2: v128, b2: v128, c2: v128): v128 {
  let v = v128.load(p);
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r2 - 8), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r2 + 8), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r1 - 16), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r1 - 8), b2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r1), a2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p - r1 + 8), b2));
  return f64x2.pmin(v, f64x2.add(v128.load(p - r1 + 16), c2));
}

/** The mirrored (backward) mask over the rows below, as aboveMin. */
// @ts-ignore: decorator
@inline function belowMin(p: usize, r1: usize, r2: usize, a2: v128, b2: v128, c2: v128): v128 {
  let v = v128.load(p);
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r2 + 8), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r2 - 8), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r1 + 16), c2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r1 + 8), b2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r1), a2));
  v = f64x2.pmin(v, f64x2.add(v128.load(p + r1 - 8), b2));
  return f64x2.pmin(v, f64x2.add(v128.load(p + r1 - 16), c2));
}

/**
 * spatter.ts chamferDistance5 of the non-edge pixels (map != 2) to the nearest edge, then min(·, 20), into `out`:
 * (h+2)(w+2) doubles, the image at rows and columns 1.., its border left for the box blur. Scratch d: (h+4)(w+4)
 * doubles.
 */
function chamferDistance5(map: usize, out: usize, h: i32, w: i32, d: usize): void {
  const A: f64 = 1;
  const B: f64 = 1.4;
  const C: f64 = 2.1969;
  const FAR: f64 = 1e9;
  const pw = w + 4;
  const total = (h + 4) * pw;
  for (let i = 0; i < total; i++) store<f64>(d + (<usize>i << 3), FAR);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) if (load<u8>(map + <usize>(y * w + x)) == 2) store<f64>(d + (<usize>((y + 2) * pw + x + 2) << 3), 0);
  }
  const a2 = f64x2.splat(A), b2 = f64x2.splat(B), c2 = f64x2.splat(C);
  const r1 = <usize>pw << 3;
  const r2 = r1 << 1;
  // forward: the rows above (offsets −2pw∓1, −pw−2..−pw+2) two pixels at a time, then the left neighbour serially
  for (let y = 0; y < h; y++) {
    const row = d + (<usize>((y + 2) * pw + 2) << 3);
    let x = 0;
    for (; x + 2 <= w; x += 2) v128.store(row + (<usize>x << 3), aboveMin(row + (<usize>x << 3), r1, r2, a2, b2, c2));
    // an odd width's last pixel: lane 1 reads the right border and is not stored
    for (; x < w; x++) v128.store64_lane(row + (<usize>x << 3), aboveMin(row + (<usize>x << 3), r1, r2, a2, b2, c2), 0);
    let left = v128.load64_zero(row - 8);
    for (x = 0; x < w; x++) {
      const p = row + (<usize>x << 3);
      left = f64x2.pmin(v128.load64_zero(p), f64x2.add(left, a2));
      v128.store64_lane(p, left, 0);
    }
  }
  // backward: the mirrored mask, rows below, then the right neighbour serially
  for (let y = h - 1; y >= 0; y--) {
    const row = d + (<usize>((y + 2) * pw + 2) << 3);
    let x = 0;
    for (; x + 2 <= w; x += 2) v128.store(row + (<usize>x << 3), belowMin(row + (<usize>x << 3), r1, r2, a2, b2, c2));
    for (; x < w; x++) v128.store64_lane(row + (<usize>x << 3), belowMin(row + (<usize>x << 3), r1, r2, a2, b2, c2), 0);
    let right = v128.load64_zero(row + (<usize>w << 3));
    for (x = w - 1; x >= 0; x--) {
      const p = row + (<usize>x << 3);
      right = f64x2.pmin(v128.load64_zero(p), f64x2.add(right, a2));
      v128.store64_lane(p, right, 0);
    }
  }
  const ow = w + 2;
  const cap = f64x2.splat(20);
  for (let y = 0; y < h; y++) {
    const from = d + (<usize>((y + 2) * pw + 2) << 3);
    const to = out + (<usize>((y + 1) * ow + 1) << 3);
    let x = 0;
    for (; x + 2 <= w; x += 2) v128.store(to + (<usize>x << 3), f64x2.pmin(v128.load(from + (<usize>x << 3)), cap));
    for (; x < w; x++) v128.store64_lane(to + (<usize>x << 3), f64x2.pmin(v128.load64_zero(from + (<usize>x << 3)), cap), 0);
  }
}

/**
 * cv2.blur(3x3) of the padded distances `pad` ((h+2)(w+2) doubles, borders filled): s summed row by row, left to
 * right (spatter.ts correlate3x3 with weights 1: 1·v is v and 0 + v is v), s / 9, truncated to bytes (the `| 0`)
 * into `out` (h·w bytes).
 */
function blurDistances(pad: usize, out: usize, h: i32, w: i32): void {
  const pw = w + 2;
  const r1 = <usize>pw << 3;
  const r2 = r1 << 1;
  const nine = f64x2.splat(9);
  for (let y = 0; y < h; y++) {
    const row = pad + (<usize>(y * pw) << 3);
    let x = 0;
    for (; x + 2 <= w; x += 2) {
      const p = row + (<usize>x << 3);
      let s = f64x2.add(v128.load(p), v128.load(p + 8));
      s = f64x2.add(s, v128.load(p + 16));
      s = f64x2.add(s, v128.load(p + r1));
      s = f64x2.add(s, v128.load(p + r1 + 8));
      s = f64x2.add(s, v128.load(p + r1 + 16));
      s = f64x2.add(s, v128.load(p + r2));
      s = f64x2.add(s, v128.load(p + r2 + 8));
      s = f64x2.add(s, v128.load(p + r2 + 16));
      const t = i32x4.trunc_sat_f64x2_s_zero(f64x2.div(s, nine));
      const o = out + <usize>(y * w + x);
      store<u8>(o, <u8>i32x4.extract_lane(t, 0));
      store<u8>(o + 1, <u8>i32x4.extract_lane(t, 1));
    }
    for (; x < w; x++) {
      const p = row + (<usize>x << 3);
      let s = load<f64>(p) + load<f64>(p + 8);
      s += load<f64>(p + 16);
      s += load<f64>(p + r1); s += load<f64>(p + r1 + 8); s += load<f64>(p + r1 + 16);
      s += load<f64>(p + r2); s += load<f64>(p + r2 + 8); s += load<f64>(p + r2 + 16);
      store<u8>(out + <usize>(y * w + x), <u8><i32>(s / 9));
    }
  }
}

/**
 * spatter.ts equalizeHist of `src` (n bytes) into `out`, a one-pixel-padded (h+2)(w+2) byte image (rows and
 * columns 1..). Scratch hist: 256 i32, lut: 256 bytes.
 */
function equalizeHist(src: usize, out: usize, h: i32, w: i32, hist: usize, lut: usize): void {
  const n = h * w;
  memory.fill(hist, 0, 256 << 2);
  for (let k = 0; k < n; k++) {
    const at = hist + (<usize>load<u8>(src + <usize>k) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  let i = 0;
  while (load<i32>(hist + (<usize>i << 2)) == 0) i++;
  if (load<i32>(hist + (<usize>i << 2)) == n) {
    memory.fill(lut, <u8>i, 256);
  } else {
    const scale = <f32>(255.0 / <f64>(n - load<i32>(hist + (<usize>i << 2))));
    let sum = 0;
    store<u8>(lut + <usize>i, 0);
    i++;
    for (; i < 256; i++) {
      sum += load<i32>(hist + (<usize>i << 2));
      store<u8>(lut + <usize>i, <u8>min<f64>(255, roundHalfEven(<f64><f32>(<f64>sum * <f64>scale))));
    }
  }
  const pw = w + 2;
  for (let y = 0; y < h; y++) {
    const s = src + <usize>(y * w);
    const o = out + <usize>((y + 1) * pw + 1);
    for (let x = 0; x < w; x++) store<u8>(o + <usize>x, load<u8>(lut + <usize>load<u8>(s + <usize>x)));
  }
}

/** image.ts roundHalfEven. */
@inline function roundHalfEven(v: f64): f64 {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 == 0 ? f : f + 1;
}

/**
 * The emboss [[−2, −1, 0], [−1, 1, 1], [0, 1, 2]] of a padded byte image (filter2D to CV_8U: the sum, an integer
 * in −1020..1020, clipped to 0..255) into the interior of `out`, another (h+2)(w+2) byte image. i16 lanes; the
 * unsigned narrowing is the clip.
 */
function emboss(pad: usize, out: usize, h: i32, w: i32): void {
  const pw = w + 2;
  for (let y = 0; y < h; y++) {
    const p0 = pad + <usize>(y * pw);
    const o = out + <usize>((y + 1) * pw + 1);
    let x = 0;
    for (; x + 8 <= w; x += 8) {
      const a = p0 + <usize>x;
      const b = a + <usize>pw;
      const c = b + <usize>pw;
      let s = i16x8.sub(i16x8.add(i16x8.sub(v128.load8x8_u(b, 1), i16x8.shl(v128.load8x8_u(a), 1)), v128.load8x8_u(b, 2)), v128.load8x8_u(a, 1));
      s = i16x8.add(i16x8.sub(s, v128.load8x8_u(b)), i16x8.add(v128.load8x8_u(c, 1), i16x8.shl(v128.load8x8_u(c, 2), 1)));
      v128.store64_lane(o + <usize>x, i8x16.narrow_i16x8_u(s, s), 0);
    }
    for (; x < w; x++) {
      const a = p0 + <usize>x;
      const b = a + <usize>pw;
      const c = b + <usize>pw;
      const s = -2 * <i32>load<u8>(a) - <i32>load<u8>(a, 1) - <i32>load<u8>(b) + <i32>load<u8>(b, 1) + <i32>load<u8>(b, 2)
        + <i32>load<u8>(c, 1) + 2 * <i32>load<u8>(c, 2);
      store<u8>(o + <usize>x, <u8>min<i32>(255, max<i32>(0, s)));
    }
  }
}

/**
 * The mask before its normalisation, l8 · Math.round(blur3x3(emb)) (integers up to 255², exact as doubles), into
 * `mask` (h·w i32); returns its maximum. The 3x3 sums (integers up to 2295) in i16 lanes, rounded by `rnd`
 * (Math.round(s / 9) for each s, bytes).
 */
function maskValues(l8: usize, emb: usize, mask: usize, sums: usize, rnd: usize, h: i32, w: i32): i32 {
  const pw = w + 2;
  let mx = 0;
  for (let y = 0; y < h; y++) {
    const p0 = emb + <usize>(y * pw);
    let x = 0;
    for (; x + 8 <= w; x += 8) {
      const a = p0 + <usize>x;
      const b = a + <usize>pw;
      const c = b + <usize>pw;
      let s = i16x8.add(i16x8.add(v128.load8x8_u(a), v128.load8x8_u(a, 1)), v128.load8x8_u(a, 2));
      s = i16x8.add(s, i16x8.add(i16x8.add(v128.load8x8_u(b), v128.load8x8_u(b, 1)), v128.load8x8_u(b, 2)));
      s = i16x8.add(s, i16x8.add(i16x8.add(v128.load8x8_u(c), v128.load8x8_u(c, 1)), v128.load8x8_u(c, 2)));
      v128.store(sums + (<usize>x << 1), s);
    }
    for (; x < w; x++) {
      const a = p0 + <usize>x;
      const b = a + <usize>pw;
      const c = b + <usize>pw;
      store<u16>(sums + (<usize>x << 1), <u16>(<i32>load<u8>(a) + <i32>load<u8>(a, 1) + <i32>load<u8>(a, 2) + <i32>load<u8>(b)
        + <i32>load<u8>(b, 1) + <i32>load<u8>(b, 2) + <i32>load<u8>(c) + <i32>load<u8>(c, 1) + <i32>load<u8>(c, 2)));
    }
    for (x = 0; x < w; x++) {
      const i = y * w + x;
      const v = <i32>load<u8>(l8 + <usize>i) * <i32>load<u8>(rnd + <usize>load<u16>(sums + (<usize>x << 1)));
      store<i32>(mask + (<usize>i << 2), v);
      mx = max<i32>(mx, v);
    }
  }
  return mx;
}

/**
 * spatter's water mode for one image, from h·w standard normals at `normals` to the output bytes: 1, or 0 when no
 * liquid is left (the caller copies the input). The Gaussian's layout (line, rowAt, edgeFrom, kernel, offs, r) is
 * src/corruptions/gaussian.ts symmetricLayout's for c = 1. `work` must hold spatterWorkBytes(h, w) bytes.
 */
export function spatterWater(
  normals: usize, inBytes: usize, outBytes: usize, h: i32, w: i32, c: i32, loc: f64, scale: f64, threshold: f64,
  intensity: f64, line: usize, rowAt: usize, edgeFrom: usize, kernel: usize, offs: usize, r: i32, work: usize, floatNoise: f64,
): i32 {
  const n = h * w;
  const padded = <usize>((h + 2) * (w + 2));
  const big = <usize>((h + 4) * (w + 4));
  const liquid = work;
  const chamfer = liquid + (<usize>n << 3);
  const dist = chamfer + (big << 3);
  const mag = dist + (padded << 3);
  const gx = mag + (padded << 2);
  const gy = gx + (<usize>(n + 8) << 2);
  const stack = gy + (<usize>(n + 8) << 2);
  const mask = stack + (<usize>n << 2);
  const l8 = mask + (<usize>n << 2);
  const map = l8 + <usize>n;
  const bytesA = map + <usize>n + 8;
  const bytesB = bytesA + padded + 8;
  const small = bytesB + padded + 8;
  const sums = small + <usize>n + 8;
  const hist = sums + (<usize>(w + 8) << 1);
  const lut = hist + 1024;
  const rnd = lut + 256;
  const unit = rnd + 2304;

  // the noise N(loc, scale²) (random.ts fillNormal: mean + std·z), its Gaussian, the threshold, the 8-bit liquid
  const locV = f64x2.splat(loc), scaleV = f64x2.splat(scale);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = normals + (<usize>i << 3);
    v128.store(p, f64x2.add(locV, f64x2.mul(scaleV, v128.load(p))));
  }
  for (; i < n; i++) store<f64>(normals + (<usize>i << 3), loc + scale * load<f64>(normals + (<usize>i << 3)));
  gaussianSymmetric(normals, liquid, line, rowAt, edgeFrom, kernel, offs, h, w, 1, r);
  // l8 = min(255, max(0, v·255)) | 0 of the thresholded liquid v, two at a time (pmin and pmax are the same values
  // here: no NaN, and a −0 truncates to the same byte)
  const thrV = f64x2.splat(threshold), zeroV = f64x2.splat(0), k255 = f64x2.splat(255);
  for (i = 0; i + 2 <= n; i += 2) {
    let v = v128.load(liquid + (<usize>i << 3));
    v = v128.andnot(v, f64x2.lt(v, thrV));
    storeTwo(l8 + <usize>i, i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.pmax(f64x2.mul(v, k255), zeroV), k255)));
  }
  for (; i < n; i++) {
    let v = load<f64>(liquid + (<usize>i << 3));
    v = v < threshold ? 0 : v;
    store<u8>(l8 + <usize>i, <u8><i32>min<f64>(255, max<f64>(0, v * 255)));
  }
  canny(l8, map, h, w, 50, 150, bytesA, mag, gx, gy, stack);
  chamferDistance5(map, dist, h, w, chamfer);
  reflectBorderDoubles(dist, h, w);
  blurDistances(dist, small, h, w);
  equalizeHist(small, bytesA, h, w, hist, lut);
  reflectBorderBytes(bytesA, h, w);
  emboss(bytesA, bytesB, h, w);
  reflectBorderBytes(bytesB, h, w);
  for (let s = 0; s < 2296; s++) store<u8>(rnd + <usize>s, <u8>jsRound(<f64>s / 9));
  const mx = maskValues(l8, bytesB, mask, sums, rnd, h, w);
  if (mx <= 0) return 0;
  const mxF = <f64>mx;
  for (let v = 0; v < 256; v++) store<f64>(unit + (<usize>v << 3), <f64>v / 255.0); // image.ts UNIT
  const water0: f64 = 175.0 / 255.0;
  const water1: f64 = 238.0 / 255.0;
  i = 0;
  if (c == 3) {
    // two pixels (six bytes) a step: m = (mask / max)·intensity per pixel, m·colour per byte, the byte's unit value
    // (v / 255, image.ts UNIT) plus that, unitToByte as blendByte
    const mxV = f64x2.splat(mxF), intV = f64x2.splat(intensity), noiseV = f64x2.splat(floatNoise), oneV = f64x2.splat(1);
    const c01 = f64x2(water0, water1), c23 = f64x2(water1, water0), c45 = f64x2.splat(water1);
    for (; i + 2 <= n; i += 2) {
      const mm = f64x2.mul(f64x2.div(f64x2.convert_low_i32x4_s(v128.load64_zero(mask + (<usize>i << 2))), mxV), intV);
      const o = inBytes + <usize>(i * 3);
      const v01 = f64x2.add(unitSixPart(o, 0, k255), f64x2.mul(v128.shuffle<f64>(mm, mm, 0, 0), c01));
      const v23 = f64x2.add(unitSixPart(o, 1, k255), f64x2.mul(mm, c23));
      const v45 = f64x2.add(unitSixPart(o, 2, k255), f64x2.mul(v128.shuffle<f64>(mm, mm, 1, 1), c45));
      storeSix(outBytes + <usize>(i * 3), unitPairToInts(v01, zeroV, oneV, k255, noiseV), unitPairToInts(v23, zeroV, oneV, k255, noiseV),
        unitPairToInts(v45, zeroV, oneV, k255, noiseV));
    }
  }
  for (; i < n; i++) {
    const m = (<f64>load<i32>(mask + (<usize>i << 2)) / mxF) * intensity;
    if (c == 3) {
      const o = i * 3;
      blendByte(inBytes, outBytes, unit, o, m * water0, floatNoise);
      blendByte(inBytes, outBytes, unit, o + 1, m * water1, floatNoise);
      blendByte(inBytes, outBytes, unit, o + 2, m * water1, floatNoise);
    } else {
      let g: f64 = 0;
      g += 0.2989 * min<f64>(1, m * water0);
      g += 0.587 * min<f64>(1, m * water1);
      g += 0.114 * min<f64>(1, m * water1);
      blendByte(inBytes, outBytes, unit, i, g, floatNoise);
    }
  }
  return 1;
}

/** Bytes of scratch spatterWater needs for an h x w image. */
export function spatterWorkBytes(h: i32, w: i32): i32 {
  const n = h * w;
  const padded = (h + 2) * (w + 2);
  const big = (h + 4) * (w + 4);
  return n * 8 + big * 8 + padded * 8 + padded * 4 + 2 * (n + 8) * 4 + 2 * n * 4 + 2 * n + 8 + 2 * (padded + 8) + n + 8
    + (w + 8) * 2 + 1024 + 256 + 2304 + 2048;
}

/**
 * out[o] = unitToByte(unit[in[o]] + add) (image.ts), without branches: clamping v to 0..1 first gives the same byte
 * (v ≤ 0: 0·255 + floatNoise truncates to 0; v ≥ 1: 255 + floatNoise to 255; between, the same expression).
 */
@inline function blendByte(inBytes: usize, outBytes: usize, unit: usize, o: i32, add: f64, floatNoise: f64): void {
  const v = load<f64>(unit + (<usize>load<u8>(inBytes + <usize>o) << 3)) + add;
  store<u8>(outBytes + <usize>o, <u8><i32>(min<f64>(max<f64>(v, 0), 1) * 255 + floatNoise));
}
