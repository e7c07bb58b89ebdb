/**
 * The corruptions' normal draws (src/corruptions/random.ts: SFC32 and the 256-layer ziggurat) in WebAssembly, value
 * for value the JavaScript's stream: the same integer steps, the same double arithmetic, and for the 1.5% of tries
 * outside a layer's core the JavaScript engine's own Math.exp and Math.log (imported: this module's libm could
 * differ from V8's in the last bit). Then gaussian_noise's and speckle_noise's arithmetic to bytes. Pointers are
 * byte offsets.
 */

import { storeTwo, unitPairToInts } from './to-bytes';

@external("env", "exp") declare function jsExp(x: f64): f64;
@external("env", "log") declare function jsLog(x: f64): f64;

const ZIG_R: f64 = 3.6541528853610088;
const TWO_POW_M53: f64 = 1.0 / 9007199254740992.0;

/** One SFC32 step on the state at `st` (4 i32: a, b, c, d): the next word, signed (random.ts sfc32). */
@inline function sfc32(st: usize): i32 {
  const a = load<i32>(st), b = load<i32>(st, 4), c = load<i32>(st, 8), d = load<i32>(st, 12);
  const t = a + b + d;
  store<i32>(st, d + 1, 12);
  store<i32>(st, b ^ <i32>(<u32>b >> 9));
  store<i32>(st, c + (c << 3), 4);
  store<i32>(st, ((c << 21) | <i32>(<u32>c >> 11)) + t, 8);
  return t;
}

/** random.ts sfc32Uniform: 53 random bits on [0, 1). */
@inline function uniform(st: usize): f64 {
  const hi = <u32>sfc32(st) >> 5;
  const lo = <u32>sfc32(st) >> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) * TWO_POW_M53;
}

/** random.ts zigguratSlow. k, w, f: the tables (256 i32, 256 f64, 256 f64). */
function zigguratSlow(st: usize, t: i32, layer: i32, k: usize, w: usize, f: usize): f64 {
  for (;;) {
    const u = <i32>(<u32>t >> 9);
    const sign = <f64>(1 - (<i32>(<u32>t >> 7) & 2));
    if (u < load<i32>(k + (<usize>layer << 2))) return <f64>u * load<f64>(w + (<usize>layer << 3)) * sign;
    if (layer == 0) {
      let x: f64, y: f64;
      do {
        x = -jsLog(1 - uniform(st)) / ZIG_R;
        y = -jsLog(1 - uniform(st));
      } while (y + y < x * x);
      return (ZIG_R + x) * sign;
    }
    const x = <f64>u * load<f64>(w + (<usize>layer << 3));
    const fl = load<f64>(f + (<usize>layer << 3));
    if (fl + uniform(st) * (load<f64>(f + (<usize>(layer - 1) << 3)) - fl) < jsExp(-0.5 * x * x)) return x * sign;
    t = sfc32(st);
    layer = t & 255;
  }
  return unreachable();
}

/** n standard normals into `out` (doubles), the state at `st` advanced as random.ts fillStandardNormal advances it. */
export function fillNormals(st: usize, out: usize, n: i32, k: usize, w: usize, f: usize): void {
  let a = load<i32>(st), b = load<i32>(st, 4), c = load<i32>(st, 8), d = load<i32>(st, 12);
  for (let i = 0; i < n; i++) {
    const t = a + b + d;
    d = d + 1;
    a = b ^ <i32>(<u32>b >> 9);
    b = c + (c << 3);
    c = ((c << 21) | <i32>(<u32>c >> 11)) + t;
    const u = <i32>(<u32>t >> 9);
    const layer = t & 255;
    const o = out + (<usize>i << 3);
    if (u < load<i32>(k + (<usize>layer << 2))) {
      store<f64>(o, <f64>u * load<f64>(w + (<usize>layer << 3)) * <f64>(1 - (<i32>(<u32>t >> 7) & 2)));
      continue;
    }
    store<i32>(st, a);
    store<i32>(st, b, 4);
    store<i32>(st, c, 8);
    store<i32>(st, d, 12);
    store<f64>(o, zigguratSlow(st, t, layer, k, w, f));
    a = load<i32>(st);
    b = load<i32>(st, 4);
    c = load<i32>(st, 8);
    d = load<i32>(st, 12);
  }
  store<i32>(st, a);
  store<i32>(st, b, 4);
  store<i32>(st, c, 8);
  store<i32>(st, d, 12);
}

/**
 * gaussian_noise (speckle 0: v = x + c·n) or speckle_noise (speckle 1: v = x + x·c·n) with x = byte / 255, to bytes
 * by unitToByte with `floatNoise` (the values are finite): the corruptions' loops.
 */
export function noiseBytes(inBytes: usize, outBytes: usize, noise: usize, n: i32, c: f64, speckle: i32, floatNoise: f64): void {
  // two values a step, branch-free: unitToByte's v > 0 ? (v >= 1 ? 255 : trunc(v·255 + floatNoise)) : 0 is
  // trunc(clamp(v, 0, 1)·255 + floatNoise) (v ≤ 0 truncates to 0, v ≥ 1 to 255; no value is NaN), and the noise
  // makes those branches unpredictable
  const cV = f64x2.splat(c), k255 = f64x2.splat(255), noiseV = f64x2.splat(floatNoise), zero = f64x2.splat(0), one = f64x2.splat(1);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const b = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(inBytes + <usize>i)));
    const x = f64x2.div(f64x2.convert_low_i32x4_u(b), k255);
    const z = v128.load(noise + (<usize>i << 3));
    const v = speckle ? f64x2.add(x, f64x2.mul(f64x2.mul(x, cV), z)) : f64x2.add(x, f64x2.mul(cV, z));
    storeTwo(outBytes + <usize>i, unitPairToInts(v, zero, one, k255, noiseV));
  }
  for (; i < n; i++) {
    const x = <f64>load<u8>(inBytes + <usize>i) / 255.0;
    const z = load<f64>(noise + (<usize>i << 3));
    const v = speckle ? x + x * c * z : x + c * z;
    store<u8>(outBytes + <usize>i, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
  }
}

/**
 * n uniforms on [lo, hi) into `out` (doubles), the state at `st` advanced: random.ts fillUniform, value for value
 * (two SFC32 words a draw, 53 bits, lo + span·u).
 */
export function fillUniforms(st: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  const span = hi - lo;
  let a = load<i32>(st), b = load<i32>(st, 4), c = load<i32>(st, 8), d = load<i32>(st, 12);
  for (let i = 0; i < n; i++) {
    let t = a + b + d;
    d = d + 1;
    a = b ^ <i32>(<u32>b >> 9);
    b = c + (c << 3);
    c = ((c << 21) | <i32>(<u32>c >> 11)) + t;
    const hi27 = <u32>t >> 5;
    t = a + b + d;
    d = d + 1;
    a = b ^ <i32>(<u32>b >> 9);
    b = c + (c << 3);
    c = ((c << 21) | <i32>(<u32>c >> 11)) + t;
    const u = (<f64>hi27 * 67108864.0 + <f64>(<u32>t >> 6)) * TWO_POW_M53;
    store<f64>(out + (<usize>i << 3), lo + span * u);
  }
  store<i32>(st, a);
  store<i32>(st, b, 4);
  store<i32>(st, c, 8);
  store<i32>(st, d, 12);
}
