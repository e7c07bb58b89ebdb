/**
 * The corruptions' normal draws (src/corruptions/random.ts: SFC32 and the 256-layer ziggurat) in WebAssembly, value
 * for value the JavaScript's stream: the same integer steps, the same double arithmetic, and for the 1.5% of tries
 * outside a layer's core the JavaScript engine's own Math.exp and Math.log (imported: this module's libm could
 * differ from V8's in the last bit). Then gaussian_noise's and speckle_noise's arithmetic to bytes. Pointers are
 * byte offsets.
 */

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
  for (let i = 0; i < n; i++) {
    const x = <f64>load<u8>(inBytes + <usize>i) / 255.0;
    const z = load<f64>(noise + (<usize>i << 3));
    const v = speckle ? x + x * c * z : x + c * z;
    store<u8>(outBytes + <usize>i, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
  }
}
