/**
 * fog (corruptions/fog.ts) in WebAssembly: the sweeps' uniforms (textures.ts plasmaFractal's, drawn first: they never
 * depend on the map; from the pixel stream's state), the plasma fractal (textures.ts plasmaFractal, the same doubles: the same sums in the same order), the
 * image's largest byte and the blend (x + scale·fractal)·k to bytes. Pointers are byte offsets.
 */
import { fillUniforms } from './normals';
import { storeSix, unitPairToInts, unitSixPart } from './to-bytes';

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
 * The whole of fog for one image (fog.ts apply's kernel path): the draws into `noise` (plasmaDrawCount(size)
 * doubles: per level, step = size … 2, wibble = 100, 100/decay, …, three sweeps of (size/step)² uniforms on
 * [−wibble, wibble), the squares, the corner-row and the centre-row diamonds) from the state at `st` (advanced as
 * plasmaFractal's draws advance it), the fractal into `fractal` (size² doubles),
 * then out = unitToByte((x / 255 + scale·fractal[y][x])·k) with k = maxVal / (maxVal + scale), maxVal the largest
 * byte / 255: two pixels a step, branch-free (clamping v to 0..1 first gives unitToByte's byte: v ≤ 0 and NaN
 * truncate to 0, v ≥ 1 to 255).
 */
export function fogBytes(
  inBytes: usize, outBytes: usize, fractal: usize, st: usize, noise: usize, size: i32, h: i32, w: i32, c: i32,
  scale: f64, decay: f64, floatNoise: f64,
): void {
  let draws = noise;
  let wibble: f64 = 100;
  for (let step = size; step >= 2; step >>= 1) {
    const sweep = (size / step) * (size / step);
    for (let k = 0; k < 3; k++) {
      fillUniforms(st, draws, sweep, -wibble, wibble);
      draws += <usize>sweep << 3;
    }
    wibble /= decay;
  }
  plasmaFractal(fractal, noise, size, decay);
  const n = h * w * c;
  let top = i8x16.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) top = i8x16.max_u(top, v128.load(inBytes + <usize>i));
  top = i8x16.max_u(top, i8x16.shuffle(top, top, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  top = i8x16.max_u(top, i8x16.shuffle(top, top, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
  top = i8x16.max_u(top, i8x16.shuffle(top, top, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
  top = i8x16.max_u(top, i8x16.shuffle(top, top, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
  let maxByte = <i32>i8x16.extract_lane_u(top, 0);
  for (; i < n; i++) maxByte = max<i32>(maxByte, <i32>load<u8>(inBytes + <usize>i));
  const maxVal = <f64>maxByte / 255.0;
  const kk = maxVal / (maxVal + scale);
  const scaleV = f64x2.splat(scale), kV = f64x2.splat(kk), k255 = f64x2.splat(255), noiseV = f64x2.splat(floatNoise);
  const zero = f64x2.splat(0), one = f64x2.splat(1);
  for (let y = 0; y < h; y++) {
    const fRow = fractal + (<usize>(y * size) << 3);
    const inRow = inBytes + <usize>(y * w * c);
    const outRow = outBytes + <usize>(y * w * c);
    let x = 0;
    for (; c == 3 && x + 2 <= w; x += 2) {
      const f = f64x2.mul(scaleV, v128.load(fRow + (<usize>x << 3)));
      const o = <usize>(x * 3);
      const v01 = f64x2.mul(f64x2.add(unitSixPart(inRow + o, 0, k255), v128.shuffle<f64>(f, f, 0, 0)), kV);
      const v23 = f64x2.mul(f64x2.add(unitSixPart(inRow + o, 1, k255), f), kV);
      const v45 = f64x2.mul(f64x2.add(unitSixPart(inRow + o, 2, k255), v128.shuffle<f64>(f, f, 1, 1)), kV);
      storeSix(outRow + o, unitPairToInts(v01, zero, one, k255, noiseV), unitPairToInts(v23, zero, one, k255, noiseV), unitPairToInts(v45, zero, one, k255, noiseV));
    }
    for (; x < w; x++) {
      const f = scale * at(fractal, y * size + x);
      for (let ch = 0; ch < c; ch++) {
        const o = <usize>(x * c + ch);
        const v = (<f64>load<u8>(inRow + o) / 255.0 + f) * kk;
        store<u8>(outRow + o, v > 0 ? (v >= 1 ? 255 : <u8>(<i32>(v * 255 + floatNoise))) : 0);
      }
    }
  }
}

/** How many uniforms fogBytes draws for a size x size fractal. */
export function plasmaDrawCount(size: i32): i32 {
  let total = 0;
  for (let step = size; step >= 2; step >>= 1) total += 3 * (size / step) * (size / step);
  return total;
}
