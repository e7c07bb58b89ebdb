/**
 * spatter's water mode (corruptions/spatter.ts waterMask and the blend) in WebAssembly: the 8-bit liquid layer,
 * Canny, the 5x5 chamfer distance, the box blurs, equalizeHist, the emboss, the mask and the turquoise blend to
 * bytes, each step the JavaScript's operations in its order (the same doubles and bytes; tested). The JavaScript
 * spends most of a 224 px image in these dozen full-image passes; here they run without bounds checks or
 * deoptimisation and without image-sized allocations. Pointers are byte offsets; `work` is scratch (see
 * spatterWaterBytes for its size).
 */

@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function f64Put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function i32Put(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

/** JavaScript's Math.round. */
@inline function jsRound(x: f64): f64 {
  const r = Math.ceil(x);
  return r - 0.5 > x ? r - 1 : r;
}

/** image.ts roundHalfEven. */
@inline function roundHalfEven(v: f64): f64 {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 == 0 ? f : f + 1;
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

/** spatter.ts canny(src, h, w, 50, 150) → out (bytes, 255 on edges). Scratch: pad, mag (i32, (h+2)(w+2)), gx, gy (i32, hw), map (u8, hw), stack (i32, hw). */
function canny(src: usize, out: usize, h: i32, w: i32, low: i32, high: i32, pad: usize, mag: usize, gx: usize, gy: usize, map: usize, stack: usize): void {
  const pw = w + 2;
  for (let y = -1; y <= h; y++) {
    const sy = y < 0 ? 0 : y >= h ? h - 1 : y;
    for (let x = -1; x <= w; x++) i32Put(pad, (y + 1) * pw + x + 1, <i32>load<u8>(src + <usize>(sy * w + (x < 0 ? 0 : x >= w ? w - 1 : x))));
  }
  memory.fill(mag, 0, <usize>((h + 2) * pw) << 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * pw + x + 1;
      const dx = i32At(pad, j - pw + 1) - i32At(pad, j - pw - 1) + 2 * (i32At(pad, j + 1) - i32At(pad, j - 1)) + i32At(pad, j + pw + 1) - i32At(pad, j + pw - 1);
      const dy = i32At(pad, j + pw - 1) - i32At(pad, j - pw - 1) + 2 * (i32At(pad, j + pw) - i32At(pad, j - pw)) + i32At(pad, j + pw + 1) - i32At(pad, j - pw + 1);
      i32Put(gx, y * w + x, dx);
      i32Put(gy, y * w + x, dy);
      i32Put(mag, j, abs<i32>(dx) + abs<i32>(dy));
    }
  }
  const SHIFT = 15;
  const TG22: i32 = 13573; // Math.round(0.4142135623730950488 · 2^15), as spatter.ts computes it
  memory.fill(map, 1, <usize>(h * w));
  let top = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * pw + x + 1;
      const m = i32At(mag, j);
      if (m <= low) continue;
      const xs = i32At(gx, y * w + x);
      const ys = i32At(gy, y * w + x);
      const ax = abs<i32>(xs);
      const ay = abs<i32>(ys) * (1 << SHIFT);
      const tg22x = ax * TG22;
      let keep: bool;
      if (ay < tg22x) keep = m > i32At(mag, j - 1) && m >= i32At(mag, j + 1);
      else {
        const tg67x = tg22x + ax * (1 << (SHIFT + 1));
        if (ay > tg67x) keep = m > i32At(mag, j - pw) && m >= i32At(mag, j + pw);
        else {
          const s = (xs ^ ys) < 0 ? -1 : 1;
          keep = m > i32At(mag, j - pw - s) && m > i32At(mag, j + pw + s);
        }
      }
      if (!keep) continue;
      if (m > high) {
        store<u8>(map + <usize>(y * w + x), 2);
        i32Put(stack, top++, y * w + x);
      } else store<u8>(map + <usize>(y * w + x), 0);
    }
  }
  while (top > 0) {
    const i = i32At(stack, --top);
    const y = i / w;
    const x = i - y * w;
    const y1 = min<i32>(h - 1, y + 1);
    const x1 = min<i32>(w - 1, x + 1);
    for (let yy = max<i32>(0, y - 1); yy <= y1; yy++) {
      for (let xx = max<i32>(0, x - 1); xx <= x1; xx++) {
        const k = yy * w + xx;
        if (load<u8>(map + <usize>k) == 0) {
          store<u8>(map + <usize>k, 2);
          i32Put(stack, top++, k);
        }
      }
    }
  }
  for (let i = 0; i < h * w; i++) store<u8>(out + <usize>i, load<u8>(map + <usize>i) == 2 ? 255 : 0);
}

/** spatter.ts chamferDistance5 of bytes src → out (doubles). Scratch d: (h+4)(w+4) doubles. */
function chamferDistance5(src: usize, out: usize, h: i32, w: i32, d: usize): void {
  const A: f64 = 1;
  const B: f64 = 1.4;
  const C: f64 = 2.1969;
  const FAR: f64 = 1e9;
  const pw = w + 4;
  const total = (h + 4) * pw;
  for (let i = 0; i < total; i++) f64Put(d, i, FAR);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (load<u8>(src + <usize>(y * w + x)) == 0) f64Put(d, (y + 2) * pw + x + 2, 0);
  // forward mask: offsets −2pw−1, −2pw+1, −pw−2, −pw−1, −pw, −pw+1, −pw+2, −1 with costs C C C B A B C A
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 2) * pw + x + 2;
      let v = f64At(d, j);
      if (v == 0) continue;
      let t = f64At(d, j - 2 * pw - 1) + C; if (t < v) v = t;
      t = f64At(d, j - 2 * pw + 1) + C; if (t < v) v = t;
      t = f64At(d, j - pw - 2) + C; if (t < v) v = t;
      t = f64At(d, j - pw - 1) + B; if (t < v) v = t;
      t = f64At(d, j - pw) + A; if (t < v) v = t;
      t = f64At(d, j - pw + 1) + B; if (t < v) v = t;
      t = f64At(d, j - pw + 2) + C; if (t < v) v = t;
      t = f64At(d, j - 1) + A; if (t < v) v = t;
      f64Put(d, j, v);
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const j = (y + 2) * pw + x + 2;
      let v = f64At(d, j);
      if (v == 0) continue;
      let t = f64At(d, j + 2 * pw + 1) + C; if (t < v) v = t;
      t = f64At(d, j + 2 * pw - 1) + C; if (t < v) v = t;
      t = f64At(d, j + pw + 2) + C; if (t < v) v = t;
      t = f64At(d, j + pw + 1) + B; if (t < v) v = t;
      t = f64At(d, j + pw) + A; if (t < v) v = t;
      t = f64At(d, j + pw - 1) + B; if (t < v) v = t;
      t = f64At(d, j + pw - 2) + C; if (t < v) v = t;
      t = f64At(d, j + 1) + A; if (t < v) v = t;
      f64Put(d, j, v);
    }
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f64Put(out, y * w + x, f64At(d, (y + 2) * pw + x + 2));
}

/**
 * spatter.ts correlate3x3 (reflect-101 borders): the box blur s/9 when toByte is 0, the emboss rounded half to even
 * and clipped to 0..255 when 1. Kernel k: 9 doubles. Scratch pad: (h+2)(w+2) doubles.
 */
function correlate3x3(src: usize, out: usize, h: i32, w: i32, k: usize, toByte: i32, pad: usize): void {
  const pw = w + 2;
  for (let y = 0; y < h + 2; y++) {
    const sy = reflect101(y - 1, h) * w;
    for (let x = 0; x < pw; x++) f64Put(pad, y * pw + x, f64At(src, sy + reflect101(x - 1, w)));
  }
  const k0 = f64At(k, 0), k1 = f64At(k, 1), k2 = f64At(k, 2), k3 = f64At(k, 3), k4 = f64At(k, 4);
  const k5 = f64At(k, 5), k6 = f64At(k, 6), k7 = f64At(k, 7), k8 = f64At(k, 8);
  for (let y = 0; y < h; y++) {
    const r0 = y * pw;
    const r1 = r0 + pw;
    const r2 = r1 + pw;
    for (let x = 0; x < w; x++) {
      let s: f64 = 0;
      s += k0 * f64At(pad, r0 + x); s += k1 * f64At(pad, r0 + x + 1); s += k2 * f64At(pad, r0 + x + 2);
      s += k3 * f64At(pad, r1 + x); s += k4 * f64At(pad, r1 + x + 1); s += k5 * f64At(pad, r1 + x + 2);
      s += k6 * f64At(pad, r2 + x); s += k7 * f64At(pad, r2 + x + 1); s += k8 * f64At(pad, r2 + x + 2);
      f64Put(out, y * w + x, toByte ? min<f64>(255, max<f64>(0, roundHalfEven(s))) : s / 9);
    }
  }
}

/** spatter.ts equalizeHist: src bytes → out bytes. Scratch hist: 256 i32, lut: 256 bytes. */
function equalizeHist(src: usize, out: usize, n: i32, hist: usize, lut: usize): void {
  memory.fill(hist, 0, 256 << 2);
  for (let k = 0; k < n; k++) {
    const v = <i32>load<u8>(src + <usize>k);
    i32Put(hist, v, i32At(hist, v) + 1);
  }
  let i = 0;
  while (i32At(hist, i) == 0) i++;
  if (i32At(hist, i) == n) {
    memory.fill(out, <u8>i, <usize>n);
    return;
  }
  const scale = <f32>(255.0 / <f64>(n - i32At(hist, i)));
  let sum = 0;
  store<u8>(lut + <usize>i, 0);
  i++;
  for (; i < 256; i++) {
    sum += i32At(hist, i);
    store<u8>(lut + <usize>i, <u8>min<f64>(255, roundHalfEven(<f64><f32>(<f64>sum * <f64>scale))));
  }
  for (let k = 0; k < n; k++) store<u8>(out + <usize>k, load<u8>(lut + <usize>load<u8>(src + <usize>k)));
}

/**
 * The water mode from the thresholded liquid layer (h·w doubles) to the output bytes (h·w·c): 1, or 0 when no
 * liquid is left (the caller copies the input). `kernels`: BOX then EMBOSS (9 doubles each). `work` must hold
 * 48·(h+4)·(w+4) + 1280 bytes.
 */
export function spatterWaterBytes(
  liquid: usize, inBytes: usize, outBytes: usize, h: i32, w: i32, c: i32, intensity: f64, kernels: usize, work: usize, floatNoise: f64,
): i32 {
  const n = h * w;
  const big = <usize>((h + 4) * (w + 4));
  // scratch layout (each region big enough for a padded image of its type)
  const l8 = work;
  const edges = l8 + big;
  const u8a = edges + big;
  const u8b = u8a + big;
  const fA = u8b + big;
  const fB = fA + (big << 3);
  const fPad = fB + (big << 3);
  const iPad = fPad + (big << 3);
  const iMag = iPad + (big << 2);
  const iGx = iMag + (big << 2);
  const iGy = iGx + (big << 2);
  const iStack = iGy + (big << 2);
  const hist = iStack + (big << 2);
  const lut = hist + 1024;

  for (let i = 0; i < n; i++) {
    const v = f64At(liquid, i) * 255;
    store<u8>(l8 + <usize>i, <u8><i32>min<f64>(255, max<f64>(0, v)));
  }
  canny(l8, edges, h, w, 50, 150, iPad, iMag, iGx, iGy, u8a, iStack);
  for (let i = 0; i < n; i++) store<u8>(edges + <usize>i, 255 - load<u8>(edges + <usize>i));
  chamferDistance5(edges, fA, h, w, fPad);
  for (let i = 0; i < n; i++) f64Put(fA, i, min<f64>(f64At(fA, i), 20));
  correlate3x3(fA, fB, h, w, kernels, 0, fPad);
  for (let i = 0; i < n; i++) store<u8>(u8a + <usize>i, <u8><i32>f64At(fB, i));
  equalizeHist(u8a, u8b, n, hist, lut);
  for (let i = 0; i < n; i++) f64Put(fA, i, <f64>load<u8>(u8b + <usize>i));
  correlate3x3(fA, fB, h, w, kernels + 72, 1, fPad);
  correlate3x3(fB, fA, h, w, kernels, 0, fPad);
  let mx: f64 = 0;
  for (let i = 0; i < n; i++) {
    const m = <f64>load<u8>(l8 + <usize>i) * jsRound(f64At(fA, i));
    f64Put(fB, i, m);
    if (m > mx) mx = m;
  }
  if (!(mx > 0)) return 0;
  const water0: f64 = 175.0 / 255.0;
  const water1: f64 = 238.0 / 255.0;
  for (let i = 0; i < n; i++) {
    const m = (f64At(fB, i) / mx) * intensity;
    if (c == 3) {
      const o = i * 3;
      blendByte(inBytes, outBytes, o, m * water0, floatNoise);
      blendByte(inBytes, outBytes, o + 1, m * water1, floatNoise);
      blendByte(inBytes, outBytes, o + 2, m * water1, floatNoise);
    } else {
      let g: f64 = 0;
      g += 0.2989 * min<f64>(1, m * water0);
      g += 0.587 * min<f64>(1, m * water1);
      g += 0.114 * min<f64>(1, m * water1);
      blendByte(inBytes, outBytes, i, g, floatNoise);
    }
  }
  return 1;
}

/** out[o] = unitToByte(in[o] / 255 + add). */
@inline function blendByte(inBytes: usize, outBytes: usize, o: i32, add: f64, floatNoise: f64): void {
  const v = <f64>load<u8>(inBytes + <usize>o) / 255.0 + add;
  store<u8>(outBytes + <usize>o, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
}
