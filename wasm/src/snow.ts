/**
 * snow (corruptions/snow.ts) after its random draws, in WebAssembly: the clipped zoom and threshold of the noise
 * layer, the layer's motion blur and 8-bit rounding, and the brightening blend, bytes in and bytes out. The same
 * operations in the same order as the JavaScript, so the same doubles and bytes. Pointers are byte offsets into
 * linear memory; the JavaScript side draws the noise into it and fills the tables.
 */
import { tapsRun } from './correlate';
import { padFromDoubles } from './padding';
import { roundToByte, unitToByte } from './to-bytes';

/**
 * The snow image from `noise` (h·w doubles, N(loc, scale²) per pixel) and the input image (h·w·c bytes):
 * 1. layer = clipped zoom of noise (resample.ts clippedZoom on one channel: per axis the source indices i0, i1 and
 *    the weight frac of i1), 0 below `threshold`, else unitToByte, into `layer`;
 * 2. the layer padded (rowAt, colAt: 'nearest', padding.ts) into `pad` and motion-blurred one row at a time into
 *    `row` (taps: shifts, weights as correlate.ts), each value roundToByte / 255, back into `layer`;
 * 3. per pixel: gray = luma (c = 3) or the value (c = 1), bright = 1.5·gray + 0.5, add = layer[i] + layer[n − 1 − i]
 *    (the layer rotated by 180°), each value v = levels[byte] becomes blend·v + (1 − blend)·max(v, bright) + add,
 *    then unitToByte into outBytes (and into `doubles` when not 0, for the tests).
 *   zy0, zy1 h i32, zfy h doubles; zx0, zx1 w i32, zfx w doubles
 *   pad (h + 2py)·(w + 2px) doubles; row w doubles; layer h·w doubles
 */
export function snowBytes(
  inBytes: usize, outBytes: usize, levels: usize, noise: usize, layer: usize, pad: usize, row: usize, doubles: usize,
  zy0: usize, zy1: usize, zfy: usize, zx0: usize, zx1: usize, zfx: usize, threshold: f64,
  rowAt: usize, colAt: usize, shifts: usize, weights: usize, nt: i32, py: i32, px: i32,
  h: i32, w: i32, c: i32, blend: f64, floatNoise: f64,
): void {
  // 1. zoom and threshold
  let d = layer;
  for (let y = 0; y < h; y++) {
    const r0 = noise + (<usize>(load<i32>(zy0 + (<usize>y << 2)) * w) << 3);
    const r1 = noise + (<usize>(load<i32>(zy1 + (<usize>y << 2)) * w) << 3);
    const fy = load<f64>(zfy + (<usize>y << 3));
    for (let x = 0; x < w; x++) {
      const i0 = <usize>load<i32>(zx0 + (<usize>x << 2)) << 3;
      const i1 = <usize>load<i32>(zx1 + (<usize>x << 2)) << 3;
      const fx = load<f64>(zfx + (<usize>x << 3));
      const a = load<f64>(r0 + i0);
      const e = load<f64>(r1 + i0);
      const top = a + fx * (load<f64>(r0 + i1) - a);
      const bot = e + fx * (load<f64>(r1 + i1) - e);
      const v = top + fy * (bot - top);
      store<f64>(d, v < threshold ? 0 : <f64>unitToByte(v, floatNoise));
      d += 8;
    }
  }
  // 2. the motion blur, 8-bit, / 255
  const pw = w + 2 * px;
  padFromDoubles(layer, pad, rowAt, colAt, h + 2 * py, pw, px, w, 1);
  for (let y = 0; y < h; y++) {
    tapsRun(pad + (<usize>(y * pw) << 3), row, w, shifts, weights, nt, false);
    const o = layer + (<usize>(y * w) << 3);
    for (let x = 0; x < w; x++) store<f64>(o + (<usize>x << 3), <f64>roundToByte(load<f64>(row + (<usize>x << 3))) / 255);
  }
  // 3. the blend
  if (c == 3) blendRgb(inBytes, outBytes, levels, layer, doubles, h * w, blend, floatNoise);
  else blendGray(inBytes, outBytes, levels, layer, doubles, h * w, blend, floatNoise);
}

/**
 * Step 3 for RGB, two pixels a step in f64x2 lanes (a vector per channel): each lane does the scalar code's
 * operations in its order. max(v, bright) is pmax: the same value, as bright >= 0.5 and v >= 0 are never NaN or
 * equal zeros; unitToByte is the clamp of to-bytes.ts.
 */
function blendRgb(inBytes: usize, outBytes: usize, levels: usize, layer: usize, doubles: usize, n: i32, blend: f64, floatNoise: f64): void {
  const wBlend = f64x2.splat(blend);
  const wKeep = f64x2.splat(1 - blend);
  const lr = f64x2.splat(0.299);
  const lg = f64x2.splat(0.587);
  const lb = f64x2.splat(0.114);
  const s15 = f64x2.splat(1.5);
  const half = f64x2.splat(0.5);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  const noise = f64x2.splat(floatNoise);
  const last = layer + (<usize>(n - 1) << 3);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const q = inBytes + <usize>(i * 3);
    const r = v128.load64_lane(levels + (<usize>load<u8>(q, 3) << 3), v128.load64_zero(levels + (<usize>load<u8>(q) << 3)), 1);
    const g = v128.load64_lane(levels + (<usize>load<u8>(q, 4) << 3), v128.load64_zero(levels + (<usize>load<u8>(q, 1) << 3)), 1);
    const b = v128.load64_lane(levels + (<usize>load<u8>(q, 5) << 3), v128.load64_zero(levels + (<usize>load<u8>(q, 2) << 3)), 1);
    const gray = f64x2.add(f64x2.add(f64x2.mul(lr, r), f64x2.mul(lg, g)), f64x2.mul(lb, b));
    const bright = f64x2.add(f64x2.mul(gray, s15), half);
    const back = v128.load(last - (<usize>(i + 1) << 3)); // layer[n − 2 − i], layer[n − 1 − i]
    const add = f64x2.add(v128.load(layer + (<usize>i << 3)), f64x2.shuffle(back, back, 1, 0));
    const vr = f64x2.add(f64x2.add(f64x2.mul(wBlend, r), f64x2.mul(wKeep, f64x2.pmax(r, bright))), add);
    const vg = f64x2.add(f64x2.add(f64x2.mul(wBlend, g), f64x2.mul(wKeep, f64x2.pmax(g, bright))), add);
    const vb = f64x2.add(f64x2.add(f64x2.mul(wBlend, b), f64x2.mul(wKeep, f64x2.pmax(b, bright))), add);
    const ir = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(vr, zero), one), s255), noise));
    const ig = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(vg, zero), one), s255), noise));
    const ib = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(vb, zero), one), s255), noise));
    // bytes r0 r1 . . g0 g1 . . b0 b1 . . (i32 lanes narrowed twice), then r0 g0 b0 r1 g1 b1
    const rg = i16x8.narrow_i32x4_u(ir, ig);
    const bb = i16x8.narrow_i32x4_u(ib, ib);
    const px = i8x16.shuffle(i8x16.narrow_i16x8_u(rg, bb), zero, 0, 4, 8, 1, 5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const o = outBytes + <usize>(i * 3);
    v128.store32_lane(o, px, 0);
    v128.store16_lane(o, px, 2, 4);
    if (doubles != 0) {
      const d = doubles + (<usize>(i * 3) << 3);
      v128.store(d, f64x2.shuffle(vr, vg, 0, 2));
      v128.store(d, f64x2.shuffle(vb, vr, 0, 3), 16);
      v128.store(d, f64x2.shuffle(vg, vb, 1, 3), 32);
    }
  }
  for (; i < n; i++) {
    const add = load<f64>(layer + (<usize>i << 3)) + load<f64>(last - (<usize>i << 3));
    const q = inBytes + <usize>(i * 3);
    const o = outBytes + <usize>(i * 3);
    const x0 = load<f64>(levels + (<usize>load<u8>(q) << 3));
    const x1 = load<f64>(levels + (<usize>load<u8>(q, 1) << 3));
    const x2 = load<f64>(levels + (<usize>load<u8>(q, 2) << 3));
    const bright = (0.299 * x0 + 0.587 * x1 + 0.114 * x2) * 1.5 + 0.5;
    const v0 = blend * x0 + (1 - blend) * max(x0, bright) + add;
    const v1 = blend * x1 + (1 - blend) * max(x1, bright) + add;
    const v2 = blend * x2 + (1 - blend) * max(x2, bright) + add;
    store<u8>(o, unitToByte(v0, floatNoise));
    store<u8>(o, unitToByte(v1, floatNoise), 1);
    store<u8>(o, unitToByte(v2, floatNoise), 2);
    if (doubles != 0) {
      const d = doubles + (<usize>(i * 3) << 3);
      store<f64>(d, v0);
      store<f64>(d, v1, 8);
      store<f64>(d, v2, 16);
    }
  }
}

/** Step 3 for one channel (bright = 1.5·v + 0.5), two pixels a step in f64x2 lanes, as blendRgb. */
function blendGray(inBytes: usize, outBytes: usize, levels: usize, layer: usize, doubles: usize, n: i32, blend: f64, floatNoise: f64): void {
  const wBlend = f64x2.splat(blend);
  const wKeep = f64x2.splat(1 - blend);
  const s15 = f64x2.splat(1.5);
  const half = f64x2.splat(0.5);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  const noise = f64x2.splat(floatNoise);
  const last = layer + (<usize>(n - 1) << 3);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const q = inBytes + <usize>i;
    const x = v128.load64_lane(levels + (<usize>load<u8>(q, 1) << 3), v128.load64_zero(levels + (<usize>load<u8>(q) << 3)), 1);
    const bright = f64x2.add(f64x2.mul(x, s15), half);
    const back = v128.load(last - (<usize>(i + 1) << 3));
    const add = f64x2.add(v128.load(layer + (<usize>i << 3)), f64x2.shuffle(back, back, 1, 0));
    const v = f64x2.add(f64x2.add(f64x2.mul(wBlend, x), f64x2.mul(wKeep, f64x2.pmax(x, bright))), add);
    const iv = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(f64x2.pmin(f64x2.pmax(v, zero), one), s255), noise));
    store<u8>(outBytes + <usize>i, <u8>i32x4.extract_lane(iv, 0));
    store<u8>(outBytes + <usize>i, <u8>i32x4.extract_lane(iv, 1), 1);
    if (doubles != 0) v128.store(doubles + (<usize>i << 3), v);
  }
  for (; i < n; i++) {
    const add = load<f64>(layer + (<usize>i << 3)) + load<f64>(last - (<usize>i << 3));
    const x0 = load<f64>(levels + (<usize>load<u8>(inBytes + <usize>i) << 3));
    const v0 = blend * x0 + (1 - blend) * max(x0, x0 * 1.5 + 0.5) + add;
    store<u8>(outBytes + <usize>i, unitToByte(v0, floatNoise));
    if (doubles != 0) store<f64>(doubles + (<usize>i << 3), v0);
  }
}
