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
import type { KernelScratch } from './wasm-kernels.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** 2^−53: multiplying by it is exactly dividing by 2^53. */
const TWO_POW_M53 = 1 / TWO_POW_53;

/**
 * The ziggurat's tables for 256 layers of equal area V under f(x) = exp(−x²/2) (Marsaglia and Tsang 2000): x[0] =
 * V/f(R) (the base layer, whose overhang is the tail), x[1] = R, x[i+1] = f⁻¹(V/x[i] + f(x[i])), x[256] = 0.
 * ZIG_K[i] = 2^23·x[i+1]/x[i] (a 23-bit position below it is inside the core, accepted at once), ZIG_W[i] = x[i]/2^23
 * (position to value), ZIG_F[i] = f(x[i+1]) (the curve's height at layer i's inner edge).
 */
/** Values per inner call of fillStandardNormal (see there). */
const NORMAL_CHUNK = 2048;

/** 2^23: positions are 23-bit (one word gives the layer, the sign and the position). */
const ZIG_SCALE = 8388608;
const ZIG_R = 3.6541528853610088;
const ZIG_V = 0.00492867323399;
const ZIG_K = new Int32Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const xs = new Float64Array(257);
  xs[0] = ZIG_V / f(ZIG_R);
  xs[1] = ZIG_R;
  for (let i = 1; i < 256; i++) xs[i + 1] = i === 255 ? 0 : Math.sqrt(-2 * Math.log(ZIG_V / xs[i] + f(xs[i])));
  for (let i = 0; i < 256; i++) {
    ZIG_K[i] = Math.floor(ZIG_SCALE * (xs[i + 1] / xs[i]));
    ZIG_W[i] = xs[i] / ZIG_SCALE;
    ZIG_F[i] = f(xs[i + 1]);
  }
}

/** Uniform, normal, integer and Poisson draws from one expanded stream. */
export class PixelStream {
  /** SFC32's state a, b, c, d in a typed array: the batch loops below load it into locals and store it back. */
  private readonly s: Int32Array;
  /** normal()'s output slot. */
  private readonly one = new Float64Array(1);

  constructor(seed: readonly [number, number, number, number]) {
    this.s = Int32Array.from(seed, (v) => v | 0);
    for (let i = 0; i < 15; i++) this.uint32(); // mix the seed in before first use
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    return sfc32(this.s) >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    return sfc32Uniform(this.s);
  }

  /** Uniform double in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi) (numpy's randint(lo, hi)). Unbiased for ranges far below 2^32. */
  intIn(lo: number, hi: number): number {
    return lo + Math.floor((this.uint32() / TWO_POW_32) * (hi - lo));
  }

  /** Fill `out` with intIn(lo, hi) draws, value for value the same stream, the generator state in locals. */
  fillIntIn(out: Int32Array, lo: number, hi: number): Int32Array {
    const span = hi - lo;
    const st = this.s;
    let a = st[0], b = st[1], c = st[2], d = st[3];
    for (let i = 0; i < out.length; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = lo + Math.floor(((t >>> 0) / TWO_POW_32) * span);
    }
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return out;
  }

  /** Standard normal draw (the ziggurat below; the same values as fillStandardNormal gives one batch at a time). */
  normal(): number {
    this.fillStandardNormal(this.one);
    return this.one[0];
  }

  /**
   * Fill `out` with standard normal draws: Marsaglia and Tsang's ziggurat (2000) with 256 layers. Each try takes one
   * 32-bit word: the layer from its low eight bits, the sign from bit 8 and a 23-bit position in the layer from the
   * rest, so the layer and the value never share bits (the flaw Doornik (2005) found in the original, which took
   * both from overlapping bits); 23 bits resolve a value to 2^-23 of its layer's width, far below anything 8-bit
   * pixels show. 98.5% of tries are one compare and one multiply, the sign applied without a branch (a random
   * branch costs more than the rest); the base layer's tail and the wedges fall back to exact rejection with exp
   * and log. One word a try, not two: SFC32's steps form one dependency chain, which bounds the loop. About 4x
   * faster than the polar method's log and sqrt per pair. Generator state in locals, as in fillUniform; each
   * value's draws are its own, so normal() one at a time gives the same stream.
   */
  fillStandardNormal(out: Float64Array): Float64Array {
    // In chunks: V8's on-stack replacement of one long first call can compile the loop 2-3x slower (measured) than
    // the regular compile that short calls get once their feedback is complete.
    for (let start = 0; start < out.length; start += NORMAL_CHUNK) fillNormalRange(this.s, out, start, Math.min(out.length, start + NORMAL_CHUNK));
    return out;
  }

  /**
   * n standard normals into the kernels' memory at byte offset `at` (taken from `m`), the same values and the same
   * state afterwards as fillStandardNormal (wasm/src/normals.ts: the same integer steps and doubles, the engine's
   * exp and log on the slow path): about twice as fast, and the draws stay where the next kernel reads them.
   */
  fillStandardNormalInKernels(m: KernelScratch, at: number, n: number): void {
    const pK = m.take(256 * 4);
    const pW = m.take(256 * 8);
    const pF = m.take(256 * 8);
    this.lendState(m, (state) => {
      const buf = m.buffer();
      new Int32Array(buf, pK, 256).set(ZIG_K);
      new Float64Array(buf, pW, 256).set(ZIG_W);
      new Float64Array(buf, pF, 256).set(ZIG_F);
      m.k.fillNormals(state, at, n, pK, pW, pF);
    });
  }

  /**
   * Lend this stream's state to a WebAssembly kernel: `run` gets the byte offset of a copy of it in the kernels'
   * memory (16 bytes taken from `m`), which the kernel advances as the JavaScript's draws would; then this stream
   * continues from there.
   */
  lendState(m: KernelScratch, run: (state: number) => void): void {
    const at = m.take(16);
    new Int32Array(m.buffer(), at, 4).set(this.s);
    run(at);
    this.s.set(new Int32Array(m.buffer(), at, 4));
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
    const st = this.s;
    let a = st[0], b = st[1], c = st[2], d = st[3];
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
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return out;
  }

  /** Poisson(lambda) draw by inversion of a cached CDF table (exact to double precision; lambda >= 0). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    return this.fromCdf(poissonCdf(lambda).cdf);
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

  /**
   * out[i] = a draw from tables[levels[i]] (0 where that table is null), by the same inversion as fromCdf, value for
   * value the same stream (one uniform() per table draw, none for a null table). The guide table starts each search
   * within a step or two of the answer (Chen and Asau's indexed search), where the binary search took about
   * log2(K) unpredictable branches.
   */
  fillFromCdfs(levels: Uint8Array, tables: readonly (GuidedCdf | null)[], out: Int32Array): Int32Array {
    // in chunks, as fillStandardNormal (on-stack replacement of one long first call compiles a slower loop)
    for (let start = 0; start < levels.length; start += NORMAL_CHUNK) {
      fillFromCdfsRange(this.s, levels, tables, out, start, Math.min(levels.length, start + NORMAL_CHUNK));
    }
    return out;
  }
}

/**
 * PixelStream.fillFromCdfs for out[start, end), with the generator state in locals (sfc32Uniform's two steps
 * written out, as in fillUniform; as fillNormalRange, about twice as fast as stepping the state array for every
 * word). Drawing each chunk's uniforms with fillUniform first and searching after measured 6% slower on shot_noise
 * at 32 px, so the steps stay written out here.
 */
function fillFromCdfsRange(
  st: Int32Array, levels: Uint8Array, tables: readonly (GuidedCdf | null)[], out: Int32Array, start: number, end: number,
): void {
  let a = st[0], b = st[1], c = st[2], d = st[3];
  for (let i = start; i < end; i++) {
    const table = tables[levels[i]];
    if (table === null) {
      out[i] = 0;
      continue;
    }
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
    const u = (hi27 * 67108864 + (t >>> 6)) * TWO_POW_M53;
    const cdf = table.cdf;
    let k = table.guide[(u * table.guide.length) | 0];
    while (cdf[k] <= u) k++;
    out[i] = k;
  }
  st[0] = a;
  st[1] = b;
  st[2] = c;
  st[3] = d;
}

/** One SFC32 step on the state array: the next 32-bit word, signed. */
function sfc32(st: Int32Array): number {
  const a = st[0], b = st[1], c = st[2], d = st[3];
  const t = (((a + b) | 0) + d) | 0;
  st[3] = (d + 1) | 0;
  st[0] = b ^ (b >>> 9);
  st[1] = (c + (c << 3)) | 0;
  st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t;
}

/** Uniform double in [0, 1) from two steps (PixelStream.uniform). */
function sfc32Uniform(st: Int32Array): number {
  const hi = sfc32(st) >>> 5; // 27 bits
  const lo = sfc32(st) >>> 6; // 26 bits
  return (hi * 67108864 + lo) * TWO_POW_M53;
}

/**
 * Standard normal draws into out[start, end) (see PixelStream.fillStandardNormal): the ziggurat's fast path with the
 * state in locals; a try outside its layer's core goes out of line to zigguratSlow. Module functions rather than
 * methods: V8 compiled the method form about 2x slower (measured).
 */
function fillNormalRange(st: Int32Array, out: Float64Array, start: number, end: number): void {
  let a = st[0], b = st[1], c = st[2], d = st[3];
  for (let i = start; i < end; i++) {
    // one SFC32 step: layer (bits 0-7), sign (bit 8), position (bits 9-31)
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    const u = t >>> 9;
    const layer = t & 255;
    if (u < ZIG_K[layer]) {
      out[i] = u * ZIG_W[layer] * (1 - ((t >>> 7) & 2)); // the sign without a branch: a random branch costs more than the rest
      continue;
    }
    st[0] = a; st[1] = b; st[2] = c; st[3] = d;
    out[i] = zigguratSlow(st, t, layer);
    a = st[0]; b = st[1]; c = st[2]; d = st[3];
  }
  st[0] = a;
  st[1] = b;
  st[2] = c;
  st[3] = d;
}

/**
 * The ziggurat for a try outside its layer's core (word `t`: layer, sign and position): the base layer's tail or
 * the wedge's rejection test, and on rejection whole new tries (one word each, as in fillNormalRange) until one is
 * accepted.
 */
function zigguratSlow(st: Int32Array, t: number, layer: number): number {
  for (;;) {
    const u = t >>> 9;
    const sign = 1 - ((t >>> 7) & 2);
    if (u < ZIG_K[layer]) return u * ZIG_W[layer] * sign;
    if (layer === 0) {
      // the tail beyond R (Marsaglia 1964): R + E1/R, accepted when 2·E2 > (E1/R)² (E1, E2 standard exponentials)
      let x: number, y: number;
      do {
        x = -Math.log(1 - sfc32Uniform(st)) / ZIG_R;
        y = -Math.log(1 - sfc32Uniform(st));
      } while (y + y < x * x);
      return (ZIG_R + x) * sign;
    }
    const x = u * ZIG_W[layer];
    // the wedge between the layer's rectangle and the curve: accept under f
    if (ZIG_F[layer] + sfc32Uniform(st) * (ZIG_F[layer - 1] - ZIG_F[layer]) < Math.exp(-0.5 * x * x)) return x * sign;
    t = sfc32(st);
    layer = t & 255;
  }
}

/** A PixelStream seeded with four 32-bit draws from `rng` (advances `rng` by those four draws). */
export function pixelStream(rng: Rng): PixelStream {
  return new PixelStream([rng.int32(), rng.int32(), rng.int32(), rng.int32()]);
}

/** A discrete distribution on 0..K as its CDF, with a guide table for inversion (fillFromCdfs). */
export interface GuidedCdf {
  /** cdf[k] = P(X <= k), non-decreasing, cdf[K] = 1. */
  readonly cdf: Float64Array;
  /** guide[j] = the first k with cdf[k] > j / guide.length: where the search for a u in [j/G, (j+1)/G) starts. */
  readonly guide: Int32Array;
}

/** The guide table of `cdf` with as many entries as the CDF (about one step per search after the guide). */
export function guidedCdf(cdf: Float64Array): GuidedCdf {
  const g = cdf.length;
  const guide = new Int32Array(g);
  let k = 0;
  for (let j = 0; j < g; j++) {
    while (cdf[k] <= j / g) k++;
    guide[j] = k;
  }
  return { cdf, guide };
}

const poissonCache = new Map<number, GuidedCdf>();

/**
 * CDF of Poisson(lambda) on 0..K with K = ceil(lambda + 15·sqrt(lambda) + 20), where the remaining tail mass is
 * below 1e-40 (the last entry is set to 1), with its guide table. Probabilities are computed in log space, so any
 * lambda works. Cached per lambda: shot noise has at most 256 distinct lambdas per severity.
 */
export function poissonCdf(lambda: number): GuidedCdf {
  const cached = poissonCache.get(lambda);
  if (cached !== undefined) return cached;
  const k = Math.ceil(lambda + 15 * Math.sqrt(lambda) + 20);
  const cdf = new Float64Array(k + 1);
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
  const guided = guidedCdf(cdf);
  if (poissonCache.size > 4096) poissonCache.clear();
  poissonCache.set(lambda, guided);
  return guided;
}
