/**
 * fog (corruptions/fog.ts) after its draws, in WebAssembly: the plasma fractal (src/corruptions/textures.ts
 * plasmaFractal, the same doubles: the same sums in the same order) from the sweeps' uniforms drawn beforehand in
 * the JavaScript's order, then the blend (x + scale·fractal)·k to bytes. Pointers are byte offsets.
 */

/**
 * The size x size fractal into `m` (doubles), normalised to [0, 1]; `noise` holds every sweep's uniforms on
 * [−wibble, wibble] of its level, one sweep after the other (squares, corner-row diamonds, centre-row diamonds per
 * level, levels from step = size down to 2). Returns nothing; m is the result.
 */
export function plasmaFractal(m: usize, noise: usize, size: i32, decay: f64): void {
  const mask = size - 1;
  memory.fill(m, 0, <usize>(size * size) << 3);
  let step = size;
  let wibble: f64 = 100;
  let k: usize = noise;
  while (step >= 2) {
    const half = step >> 1;
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, r1 = ((r + step) & mask) * size, rh = (r + half) * size;
      for (let c = 0; c < size; c += step) {
        const c1 = (c + step) & mask;
        const sum = at(m, r0 + c) + at(m, r1 + c) + at(m, r0 + c1) + at(m, r1 + c1);
        put(m, rh + c + half, sum / 4 + wibble * load<f64>(k));
        k += 8;
      }
    }
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, rh = (r + half) * size, rl = ((r - half) & mask) * size;
      for (let c = 0; c < size; c += step) {
        const sum = at(m, rh + c + half) + at(m, rl + c + half) + at(m, r0 + c) + at(m, r0 + ((c + step) & mask));
        put(m, r0 + c + half, sum / 4 + wibble * load<f64>(k));
        k += 8;
      }
    }
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, rh = (r + half) * size, r1 = ((r + step) & mask) * size;
      for (let c = 0; c < size; c += step) {
        const sum = at(m, rh + c + half) + at(m, rh + ((c - half) & mask)) + at(m, r0 + c) + at(m, r1 + c);
        put(m, rh + c, sum / 4 + wibble * load<f64>(k));
        k += 8;
      }
    }
    step = half;
    wibble /= decay;
  }
  const n = size * size;
  let min = Infinity;
  for (let i = 0; i < n; i++) if (at(m, i) < min) min = at(m, i);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = at(m, i) - min;
    put(m, i, v);
    if (v > max) max = v;
  }
  if (max > 0) for (let i = 0; i < n; i++) put(m, i, at(m, i) / max);
}

@inline function at(m: usize, i: i32): f64 {
  return load<f64>(m + (<usize>i << 3));
}

@inline function put(m: usize, i: i32, v: f64): void {
  store<f64>(m + (<usize>i << 3), v);
}

/**
 * out = unitToByte((x / 255 + scale·fractal[y][x])·k) per value (fog.ts apply's loop; `floatNoise` as image.ts);
 * the fractal is size x size, the image h x w x c.
 */
export function fogBlend(inBytes: usize, outBytes: usize, fractal: usize, size: i32, h: i32, w: i32, c: i32, scale: f64, k: f64, floatNoise: f64): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const f = scale * at(fractal, y * size + x);
      const o = (y * w + x) * c;
      for (let ch = 0; ch < c; ch++) {
        const v = (<f64>load<u8>(inBytes + <usize>(o + ch)) / 255.0 + f) * k;
        store<u8>(outBytes + <usize>(o + ch), v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
      }
    }
  }
}
