/**
 * Procedural textures shared by the weather corruptions.
 */
import type { PixelStream } from './random.js';

/** Smallest power of two >= n (1 for n <= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The reference's plasma_fractal (diamond-square, a modification of FLHerne/mapgen's diamondsquare.py): a
 * size x size height map (size a power of two, >= 2), toroidal (neighbours wrap around), normalised to [0, 1].
 * Starts from 0 at the corner; at each level (step = size, size/2, …, 2) every square centre becomes the mean of
 * its 4 corners plus wibble·U(−wibble, wibble), then every diamond point the mean of its 4 neighbours plus the
 * same kind of noise; wibble starts at 100 and is divided by `decay` after each level. Row-major Float64Array.
 */
export function plasmaFractal(stream: PixelStream, size: number, decay: number): Float64Array {
  if (size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`plasma fractal size must be a power of two >= 2, got ${size}`);
  const m = new Float64Array(size * size);
  const mask = size - 1;
  let step = size;
  let wibble = 100;
  // noise[k]: the k-th draw of the current sweep (each sweep's draws taken at once, in its row-major order)
  const noise = new Float64Array((size * size) >> 2);
  while (step >= 2) {
    const half = step >> 1;
    const sweep = (size / step) * (size / step);
    let k = 0;
    // Squares: centre = mean of the four corners.
    stream.fillUniform(noise.subarray(0, sweep), -wibble, wibble);
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, r1 = ((r + step) & mask) * size, rh = (r + half) * size;
      for (let c = 0; c < size; c += step) {
        const c1 = (c + step) & mask;
        const sum = m[r0 + c] + m[r1 + c] + m[r0 + c1] + m[r1 + c1];
        m[rh + c + half] = sum / 4 + wibble * noise[k++];
      }
    }
    // Diamonds on the corner rows: centres above and below, corners left and right.
    stream.fillUniform(noise.subarray(0, sweep), -wibble, wibble);
    k = 0;
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, rh = (r + half) * size, rl = ((r - half) & mask) * size;
      for (let c = 0; c < size; c += step) {
        const sum = m[rh + c + half] + m[rl + c + half] + m[r0 + c] + m[r0 + ((c + step) & mask)];
        m[r0 + c + half] = sum / 4 + wibble * noise[k++];
      }
    }
    // Diamonds on the centre rows: centres left and right, corners above and below.
    stream.fillUniform(noise.subarray(0, sweep), -wibble, wibble);
    k = 0;
    for (let r = 0; r < size; r += step) {
      const r0 = r * size, rh = (r + half) * size, r1 = ((r + step) & mask) * size;
      for (let c = 0; c < size; c += step) {
        const sum = m[rh + c + half] + m[rh + ((c - half) & mask)] + m[r0 + c] + m[r1 + c];
        m[rh + c] = sum / 4 + wibble * noise[k++];
      }
    }
    step = half;
    wibble /= decay;
  }
  let min = Infinity;
  for (let i = 0; i < m.length; i++) if (m[i] < min) min = m[i];
  let max = -Infinity;
  for (let i = 0; i < m.length; i++) {
    m[i] -= min;
    if (m[i] > max) max = m[i];
  }
  if (max > 0) for (let i = 0; i < m.length; i++) m[i] /= max;
  return m;
}
