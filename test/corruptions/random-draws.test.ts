/**
 * The corruptions' fast draws (src/corruptions/random.ts) against independent descriptions of their distributions:
 * the ziggurat's normals against Φ (Simpson's rule on the density, not the ziggurat's tables), its tail beyond the
 * base layer against the normal tail's mass and mean (the inverse Mills ratio), and the guided inversion against
 * plain binary search.
 */
import { expect } from 'chai';
import { guidedCdf, PixelStream, poissonCdf } from '../../src/corruptions/random.js';
import { KernelScratch, wasmKernels } from '../../src/corruptions/wasm-kernels.js';
import { chiSquareCritical, Z_TOL } from './sampling.js';

/** Φ(x) by Simpson's rule on the density over [0, |x|] (4,000 intervals: error far below 1e-12). */
function Phi(x: number): number {
  const n = 4000;
  const h = Math.abs(x) / n;
  const phi = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let s = phi(0) + phi(Math.abs(x));
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * phi(i * h);
  const half = (s * h) / 3;
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** The x with Φ(x) = p, by bisection. */
function PhiInverse(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (Phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** χ² goodness of fit of `xs` to N(0, 1) on `bins` bins of equal probability. */
function normalChiSquare(xs: Float64Array, bins: number): number {
  const edges = Array.from({ length: bins - 1 }, (_, j) => PhiInverse((j + 1) / bins));
  const counts = new Float64Array(bins);
  for (const x of xs) {
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  const expected = xs.length / bins;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** The base layer's edge R of the 256-layer ziggurat (Marsaglia and Tsang 2000): draws beyond it take the tail path. */
const R = 3.6541528853610088;

describe('corruption random draws (random.ts)', () => {
  const N = 1 << 22;
  const draws = new PixelStream([11, 22, 33, 44]).fillStandardNormal(new Float64Array(N));

  it('the ziggurat\'s normals fit N(0, 1): χ² on 64 equiprobable bins, mean, variance and kurtosis', () => {
    const chi2 = normalChiSquare(draws, 64);
    expect(chi2, `χ² ${chi2.toFixed(1)} on 63 df`).to.be.at.most(chiSquareCritical(63));
    let m1 = 0, m2 = 0, m4 = 0;
    for (const x of draws) {
      m1 += x;
      m2 += x * x;
      m4 += x ** 4;
    }
    m1 /= N; m2 /= N; m4 /= N;
    expect(Math.abs(m1), 'mean').to.be.at.most(Z_TOL / Math.sqrt(N));
    expect(Math.abs(m2 - 1), 'variance').to.be.at.most(Z_TOL * Math.sqrt(2 / N));
    expect(Math.abs(m4 - 3), 'fourth moment').to.be.at.most(Z_TOL * Math.sqrt(96 / N));
  });

  it('the tail beyond the base layer has the normal tail\'s mass and mean (inverse Mills ratio)', () => {
    const tail = Array.from(draws).filter((x) => Math.abs(x) > R).map(Math.abs);
    const p = 2 * (1 - Phi(R));
    const se = Math.sqrt(N * p * (1 - p));
    expect(Math.abs(tail.length - N * p), `${tail.length} draws beyond R, expected ${(N * p).toFixed(0)}`).to.be.at.most(Z_TOL * se);
    // E[|X| | |X| > R] = φ(R) / (1 − Φ(R)); the conditional spread is about 1/R
    const mills = Math.exp(-R * R / 2) / Math.sqrt(2 * Math.PI) / (1 - Phi(R));
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    const sd = Math.sqrt(tail.reduce((a, b) => a + (b - mean) ** 2, 0) / (tail.length - 1));
    expect(Math.abs(mean - mills), `tail mean ${mean.toFixed(4)} vs ${mills.toFixed(4)}`).to.be.at.most(Z_TOL * sd / Math.sqrt(tail.length));
  });

  it('the check can fail: normals 1% too wide are refused', () => {
    const wide = draws.subarray(0, 1 << 20).map((x) => x * 1.01);
    expect(normalChiSquare(wide, 64)).to.be.above(chiSquareCritical(63));
  });

  it('normal() one at a time gives the same stream as fillStandardNormal across its chunks', () => {
    const batch = new PixelStream([5, 6, 7, 8]).fillStandardNormal(new Float64Array(5000));
    const one = new PixelStream([5, 6, 7, 8]);
    const single = Float64Array.from({ length: 5000 }, () => one.normal());
    expect(Array.from(single)).to.deep.equal(Array.from(batch));
  });

  it('the guide table starts each search at the first k with cdf[k] > j / G', () => {
    for (const lambda of [0.3, 7.5, 120]) {
      const { cdf, guide } = poissonCdf(lambda);
      guide.forEach((k, j) => {
        expect(cdf[k], `lambda ${lambda}, guide[${j}]`).to.be.above(j / guide.length);
        if (k > 0) expect(cdf[k - 1]).to.be.at.most(j / guide.length);
      });
    }
    const steps = guidedCdf(Float64Array.from([0, 0, 0.5, 0.5, 1]));
    expect(Array.from(steps.guide)).to.deep.equal([2, 2, 2, 4, 4]); // by hand: thresholds 0, 0.2, 0.4 (cdf[2] = 0.5), 0.6, 0.8
  });

  it('fillFromCdfs draws what fromCdf (binary search) draws, value for value, with no draw for a null table', () => {
    const tables = Array.from({ length: 256 }, (_, v) => (v % 7 === 0 ? null : poissonCdf((v / 255) * 25)));
    const levels = Uint8Array.from({ length: 4000 }, (_, i) => (i * 37) % 256);
    const fast = new PixelStream([1, 2, 3, 4]).fillFromCdfs(levels, tables, new Int32Array(levels.length));
    const slow = new PixelStream([1, 2, 3, 4]);
    const expected = Array.from(levels, (v) => (tables[v] === null ? 0 : slow.fromCdf(tables[v]!.cdf)));
    expect(Array.from(fast)).to.deep.equal(expected);
  });

  it('the WebAssembly draws are the JavaScript\'s, value for value, slow paths included, and leave the same state', () => {
    const n = 1 << 20; // about 15,000 tries outside a layer's core, 270 in the tail
    const js = new PixelStream([9, 8, 7, 6]);
    const expected = js.fillStandardNormal(new Float64Array(n));
    const k = wasmKernels()!;
    const m = new KernelScratch(k);
    const at = m.take(n * 8);
    const wasm = new PixelStream([9, 8, 7, 6]);
    wasm.fillStandardNormalInKernels(m, at, n);
    const got = new Float64Array(m.buffer(), at, n);
    let first = -1;
    for (let i = 0; i < n && first < 0; i++) if (!Object.is(got[i], expected[i])) first = i;
    expect(first, first >= 0 ? `first difference at ${first}: ${got[first]} vs ${expected[first]}` : '').to.equal(-1);
    expect(wasm.uint32()).to.equal(js.uint32());
  });
});
