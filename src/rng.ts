/**
 * All randomness in the harness flows from here. Every random draw (initialisation, shuffling, label noise,
 * corruption pixels, bootstrap) uses a stream whose seed is derived from the run seed and a path of names, so
 * a result never depends on the order in which other draws happened. No Math.random anywhere.
 */
import seedrandom from 'seedrandom';

/** A seeded uniform generator on [0, 1). */
export interface Rng {
  /** Uniform float in [0, 1). */
  (): number;
  /** Uniform 32-bit signed integer. */
  int32(): number;
}

/**
 * Derive a child seed string from a run seed and a path, e.g. deriveSeed(7, 'init', 'block0.fc1.w').
 * The string is fed to seedrandom, which hashes it (ARC4 key schedule), so nearby paths give unrelated streams.
 */
export function deriveSeed(runSeed: number | string, ...path: (string | number)[]): string {
  return ['topk-harness', String(runSeed), ...path.map(String)].join('/');
}

/** A generator for the stream named by (runSeed, ...path). */
export function rngFor(runSeed: number | string, ...path: (string | number)[]): Rng {
  return seedrandom(deriveSeed(runSeed, ...path)) as unknown as Rng;
}

/** Uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal draw (Box-Muller; one value per call, the cosine branch). */
export function randNormal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
