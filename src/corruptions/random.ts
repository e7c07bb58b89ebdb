/**
 * Fast random draws for corruptions, all derived from the image's Rng (rngFor in src/rng.ts).
 *
 * seedrandom's ARC4 costs about 60 ns per double, and the noise corruptions need one or two draws per pixel
 * value (3,072 for a 32x32 RGB image). `pixelStream(rng)` takes 128 bits from the image's Rng and expands them
 * with SFC32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 32-bit variant; passes PractRand and BigCrush),
 * about 3 ns per draw. The stream is still a pure function of (run seed, corruption, version, severity, image
 * index), so determinism and order independence are unchanged. Never Math.random.
 */
import type { Rng } from '../rng.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** 2^−53: multiplying by it is exactly dividing by 2^53. */
const TWO_POW_M53 = 1 / TWO_POW_53;
/** 2^−31: multiplying by it is exactly dividing by 2^31 (a power of two), and cheaper. */
const TWO_POW_M31 = 1 / 2147483648;

/** Uniform, normal, integer and Poisson draws from one expanded stream. */
export class PixelStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = seed.map((v) => v | 0);
    for (let i = 0; i < 15; i++) this.uint32(); // mix the seed in before first use
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform double in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi) (numpy's randint(lo, hi)). Unbiased for ranges far below 2^32. */
  intIn(lo: number, hi: number): number {
    return lo + Math.floor((this.uint32() / TWO_POW_32) * (hi - lo));
  }

  /** Standard normal draw (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // 32-bit coordinates are plenty here (tails reach past 6σ); they halve the generator calls.
    let u: number, v: number, s: number;
    do {
      u = (this.uint32() + 0.5) / 2147483648 - 1;
      v = (this.uint32() + 0.5) / 2147483648 - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /**
   * Fill `out` with the next out.length values of normal(), the same stream bit for bit (a pending spare first, an
   * odd last value's partner kept as the spare), with the generator state in locals: about twice as fast as calling
   * normal() per value, whose field reads and writes dominate once log and sqrt are shared by a pair.
   */
  fillStandardNormal(out: Float64Array): Float64Array {
    const n = out.length;
    let i = 0;
    if (n === 0) return out;
    if (this.hasSpare) {
      this.hasSpare = false;
      out[i++] = this.spare;
    }
    let a = this.a, b = this.b, c = this.c, d = this.d;
    while (i < n) {
      let u: number, v: number, s: number;
      do {
        // two uint32() steps inlined (SFC32, as above)
        let t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        u = ((t >>> 0) + 0.5) * TWO_POW_M31 - 1;
        t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        v = ((t >>> 0) + 0.5) * TWO_POW_M31 - 1;
        s = u * u + v * v;
      } while (s >= 1);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = u * m;
      if (i < n) out[i++] = v * m;
      else {
        this.spare = v * m;
        this.hasSpare = true;
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return out;
  }

  /** Fill `out` with N(mean, std²) draws (mean + std·normal(), value by value as normal() gives them). */
  fillNormal(out: Float64Array, mean = 0, std = 1): Float64Array {
    this.fillStandardNormal(out);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * out[i];
    return out;
  }

  /** Fill `out` with uniform draws on [lo, hi). */
  fillUniform(out: Float64Array, lo: number, hi: number): Float64Array {
    const span = hi - lo;
    // uniform() with the generator state in locals (as fillStandardNormal): the same values, about 2x faster
    let a = this.a, b = this.b, c = this.c, d = this.d;
    for (let i = 0; i < out.length; i++) {
      let t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      const hi27 = t >>> 5;
      t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = lo + span * ((hi27 * 67108864 + (t >>> 6)) * TWO_POW_M53);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return out;
  }

  /** Poisson(lambda) draw by inversion of a cached CDF table (exact to double precision; lambda >= 0). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    return this.fromCdf(poissonCdf(lambda));
  }

  /** Inversion sampling: the first k with cdf[k] > u for a uniform u (cdf non-decreasing, last entry 1). */
  fromCdf(cdf: Float64Array): number {
    const u = this.uniform();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** A PixelStream seeded with four 32-bit draws from `rng` (advances `rng` by those four draws). */
export function pixelStream(rng: Rng): PixelStream {
  return new PixelStream([rng.int32(), rng.int32(), rng.int32(), rng.int32()]);
}

const poissonCache = new Map<number, Float64Array>();

/**
 * CDF of Poisson(lambda) on 0..K with K = ceil(lambda + 15·sqrt(lambda) + 20), where the remaining tail mass is
 * below 1e-40 (the last entry is set to 1). Probabilities are computed in log space, so any lambda works.
 * Cached per lambda: shot noise has at most 256 distinct lambdas per severity.
 */
export function poissonCdf(lambda: number): Float64Array {
  let cdf = poissonCache.get(lambda);
  if (cdf !== undefined) return cdf;
  const k = Math.ceil(lambda + 15 * Math.sqrt(lambda) + 20);
  cdf = new Float64Array(k + 1);
  const logLambda = Math.log(lambda);
  let logP = -lambda; // log P(0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logP += logLambda - Math.log(i);
    sum += Math.exp(logP);
    cdf[i] = sum;
  }
  for (let i = 0; i <= k; i++) cdf[i] /= sum;
  cdf[k] = 1;
  if (poissonCache.size > 4096) poissonCache.clear();
  poissonCache.set(lambda, cdf);
  return cdf;
}
