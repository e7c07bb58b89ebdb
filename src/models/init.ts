/**
 * Seeded initialisers. tfjs has no global seed, so every parameter is drawn in JS from its own stream
 * rngFor(seed, 'init', name): the vanilla and the Top-k model (same shapes, same names) start from identical
 * weights, and a parameter's values do not depend on which other parameters exist.
 */
import { randNormal, rngFor } from '../rng.js';

/** Truncated normal (re-draw beyond ±2 std, as timm's trunc_normal_), float32. */
export function truncatedNormal(size: number, std: number, seed: number | string, name: string): Float32Array {
  const rng = rngFor(seed, 'init', name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let z = randNormal(rng);
    while (z < -2 || z > 2) z = randNormal(rng);
    out[i] = z * std;
  }
  return out;
}

export function constant(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
