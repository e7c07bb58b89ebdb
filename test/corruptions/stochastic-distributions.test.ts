/**
 * Fidelity of glass_blur, elastic_transform and frost's crop to the reference's distributions (make_imagenet_c.py /
 * make_cifar_c.py; corruptions_peer.py vendors both). The harness draws from its own streams, so what must match is
 * the distribution of what the reference's random draws control, recovered from the output pixels:
 *
 *   glass_blur   where each output pixel's value came from. An input whose (R, G) bytes are the pixel's own (y, x)
 *                and a blur sigma of 0.05 (radius 0: the blurs are the identity) leave only the shuffle, so the
 *                output names every pixel's origin. The reference's loop (offsets randint(−δ, δ), copy semantics,
 *                bottom-right to top-left) is re-run here with its own uniform integers as the model; the origin
 *                offsets of harness and model must pass a χ² homogeneity test. For δ = 1 every source is still
 *                unshuffled when read, so the offset is exactly uniform on {−1, 0}² per pass: tested directly.
 *   elastic      the displacement field's variance: dx = alpha·G_σ∗U(−1, 1) (scipy, truncate 3) has variance
 *                alpha²·(1/3)·(Σ_k w_k²)² away from the borders. Recovered from ramp images (R = 2x + 1, G = 2y + 1:
 *                bilinear sampling of a linear ramp is exact), after a least-squares fit removes the random affine.
 *   frost        the crop: offsets uniform on [0, texture − size) per axis (numpy's randint excludes the last one),
 *                style uniform on 0..4; crops located by searching the style-0 texture for the output.
 */
import { expect } from 'chai';
import type { Corruption, Severity, SeverityTable } from '../../src/corruptions/define.js';
import { corruptImage, corruptionStream } from '../../src/corruptions/apply.js';
import { gaussianKernel1d } from '../../src/corruptions/gaussian.js';
import { pixelStream } from '../../src/corruptions/random.js';
import { rngFor } from '../../src/rng.js';
import type { GlassBlurParams } from '../../corruptions/glass_blur.js';
import { frostTextureFor, type FrostParams } from '../../corruptions/frost.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';
import { expectSameHistogram, expectUniformInts, Z_TOL } from './sampling.js';

const byName = (name: string) => BUILTIN_CORRUPTIONS.find((c) => c.name === name)!;

// ---- glass_blur ------------------------------------------------------------------------------------------------

const GLASS_SIDE = 96;

/** Origin offsets (dy, dx) → count, read on a grid with step 2δ (nearly independent pixels). `origin` is HW x (y, x). */
function originHistogram(origin: (i: number) => [number, number], d: number, hist: Map<string, number>): void {
  for (let y = 2 * d + 1; y < GLASS_SIDE - 2 * d; y += 2 * d) {
    for (let x = 2 * d + 1; x < GLASS_SIDE - 2 * d; x += 2 * d) {
      const [oy, ox] = origin(y * GLASS_SIDE + x);
      const key = `${oy - y},${ox - x}`;
      hist.set(key, (hist.get(key) ?? 0) + 1);
    }
  }
}

/** The harness's shuffle: glass_blur's apply on the coordinate image with the blurs switched off (sigma 0.05). */
async function harnessOrigins(p: GlassBlurParams, images: number): Promise<Map<string, number>> {
  const glass = byName('glass_blur') as Corruption<GlassBlurParams>;
  const data = new Uint8Array(GLASS_SIDE * GLASS_SIDE * 3); // HWC, R = y, G = x, B = 0
  for (let i = 0; i < GLASS_SIDE * GLASS_SIDE; i++) {
    data[i * 3] = Math.floor(i / GLASS_SIDE);
    data[i * 3 + 1] = i % GLASS_SIDE;
  }
  const hist = new Map<string, number>();
  for (let k = 0; k < images; k++) {
    const ctx = { severity: 1 as Severity, table: 'imagenet' as SeverityTable, rng: rngFor(7, 'glass-test', p.maxDelta, p.iterations, k), params: { ...p, sigma: 0.05 } };
    const out = (await glass.apply({ data: data.slice(), height: GLASS_SIDE, width: GLASS_SIDE, channels: 3 }, ctx)).data;
    originHistogram((i) => [out[i * 3], out[i * 3 + 1]], p.maxDelta, hist);
  }
  return hist;
}

/**
 * The reference's loop (make_imagenet_c.py glass_blur, copy semantics on RGB views) on pixel indices, with offsets
 * uniform on [lo, hi) from a small independent generator (mulberry32); the model the harness is compared with.
 */
function modelOrigins(d: number, iterations: number, runs: number, lo = -d, hi = d): Map<string, number> {
  let seed = 0x9e3779b9 ^ (d * 131 + iterations);
  const next = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const randint = (): number => lo + Math.floor(next() * (hi - lo));
  const n = GLASS_SIDE;
  const hist = new Map<string, number>();
  const px = new Int32Array(n * n); // HW: index of the pixel whose value sits here
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < px.length; i++) px[i] = i;
    for (let it = 0; it < iterations; it++) {
      for (let h = n - d; h > d; h--) {
        for (let w = n - d; w > d; w--) {
          const dx = randint();
          const dy = randint();
          px[h * n + w] = px[(h + dy) * n + (w + dx)];
        }
      }
    }
    originHistogram((i) => [Math.floor(px[i] / n), px[i] % n], d, hist);
  }
  return hist;
}

// ---- elastic_transform -----------------------------------------------------------------------------------------

const RAMP = 128;
const MARGIN = 24;

/**
 * Exact variance of alpha·G_σ∗U(−1, 1) (scipy kernel w, truncate 3); `sumRho` = Σ over 2-D lags of the field's
 * autocorrelation ((Σw)²/Σw²)², which the fitted plane absorbs about 3 times over; `seFactor` = √(2·Σρ²), the SE
 * of a variance estimate from correlated normal values in units of variance/√n.
 */
function fieldVariance(alpha: number, sigma: number): { variance: number; sumRho: number; seFactor: number } {
  const w = gaussianKernel1d(sigma, 3);
  const sumSq = w.reduce((a, v) => a + v * v, 0);
  let rho2 = 0; // Σ_k ρ₁(k)², ρ₁ the 1-D smoothing's normalised autocorrelation; the 2-D field's is ρ₁ ⊗ ρ₁
  for (let k = -(w.length - 1); k < w.length; k++) {
    let c = 0;
    for (let j = 0; j < w.length; j++) if (j + k >= 0 && j + k < w.length) c += w[j] * w[j + k];
    rho2 += (c / sumSq) ** 2;
  }
  return { variance: (alpha * alpha * sumSq * sumSq) / 3, sumRho: 1 / (sumSq * sumSq), seFactor: Math.sqrt(2 * rho2 * rho2) };
}

/**
 * Variance of one displacement component, per image, recovered from a ramp image: the output's R byte is
 * floor(2X + 1) where X = a·(x + dx) + b·(y + dy) + c (the inverse affine applied to the displaced position), so
 * the residual of a least-squares fit of X on (x, y, 1) is a·dx + b·dy plus the byte's quantisation (variance 1/48).
 */
async function recoveredFieldVariances(severity: Severity, table: SeverityTable, images: number): Promise<number[]> {
  const data = new Uint8Array(RAMP * RAMP * 3); // HWC, R = 2x + 1, G = 2y + 1
  for (let y = 0; y < RAMP; y++) for (let x = 0; x < RAMP; x++) data.set([2 * x + 1, 2 * y + 1, 0], (y * RAMP + x) * 3);
  const out: number[] = [];
  for (let k = 0; k < images; k++) {
    const img = (await corruptImage({ data, height: RAMP, width: RAMP, channels: 3 }, byName('elastic_transform'), severity, { seed: 3, index: k, table })).data;
    const perAxis = [0, 1].map((ch) => {
      // normal equations of v ≈ a·x + b·y + c over the interior
      const s = new Float64Array(9); // Σ of xx, xy, x, yy, y, 1, xv, yv, v
      const pts: [number, number, number][] = [];
      for (let y = MARGIN; y < RAMP - MARGIN; y++) {
        for (let x = MARGIN; x < RAMP - MARGIN; x++) {
          const v = (img[(y * RAMP + x) * 3 + ch] - 0.5) / 2;
          pts.push([x, y, v]);
          s[0] += x * x; s[1] += x * y; s[2] += x; s[3] += y * y; s[4] += y; s[5] += 1; s[6] += x * v; s[7] += y * v; s[8] += v;
        }
      }
      const [a, b, c] = solve3([[s[0], s[1], s[2]], [s[1], s[3], s[4]], [s[2], s[4], s[5]]], [s[6], s[7], s[8]]);
      let rss = 0;
      for (const [x, y, v] of pts) rss += (v - a * x - b * y - c) ** 2;
      return (rss / (pts.length - 3) - 1 / 48) / (a * a + b * b);
    });
    out.push((perAxis[0] + perAxis[1]) / 2);
  }
  return out;
}

function solve3(m: number[][], r: number[]): number[] {
  const det = (q: number[][]) => q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0]) + q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0]);
  const d = det(m);
  return [0, 1, 2].map((j) => det(m.map((row, i) => row.map((v, c) => (c === j ? r[i] : v)))) / d);
}

/**
 * The per-image variances agree with the exact one within Z_TOL SE (SE from the field's correlation; the two axes
 * counted as one sample). The least-squares plane also takes out the field's own mean and tilt over the window, about
 * 3·Σρ/n of its variance (1-3 % here), so that share is taken off the expectation.
 */
function expectFieldVariance(perImage: number[], exact: { variance: number; sumRho: number; seFactor: number }, what: string): void {
  const perWindow = (RAMP - 2 * MARGIN) ** 2;
  const expected = (exact.variance * (perWindow - 3 * exact.sumRho)) / (perWindow - 3);
  const got = perImage.reduce((a, b) => a + b, 0) / perImage.length;
  const se = (exact.variance * exact.seFactor) / Math.sqrt(perWindow * perImage.length);
  expect(Math.abs(got - expected), `${what}: field variance ${got.toFixed(4)} px² vs ${expected.toFixed(4)} (SE ${se.toFixed(4)})`)
    .to.be.at.most(Z_TOL * se);
}

// ---- frost -----------------------------------------------------------------------------------------------------

/** Where in the style-0 texture the output of a black image was cropped from (the only position that matches). */
function locateCrop(out: Uint8Array, side: number, tex: { height: number; width: number }, plane: Uint8Array): [number, number] {
  const found: [number, number][] = [];
  for (let top = 0; top + side <= tex.height; top++) {
    for (let left = 0; left + side <= tex.width; left++) {
      let ok = true;
      for (let y = 0; y < side && ok; y++) {
        const o = y * side * 3;
        const t = ((top + y) * tex.width + left) * 3;
        for (let j = 0; j < side * 3; j++) if (out[o + j] !== plane[t + j]) { ok = false; break; }
      }
      if (ok) found.push([top, left]);
    }
  }
  expect(found.length, 'crop positions that match the output').to.equal(1);
  return found[0];
}

/** Crop offsets of the first `count` images whose stream picks style 0, at severity 5 on a black side x side image. */
async function frostCrops(table: SeverityTable, side: number, count: number): Promise<{ tops: number[]; lefts: number[]; style0: number; seen: number }> {
  const frost = byName('frost') as Corruption<FrostParams>;
  const tex = frostTextureFor(0, table, side, side);
  const weight = frost.params(5, table).frost;
  // HW x RGB plane of what each texture pixel becomes on a black image: trunc(weight · texture)
  const plane = Uint8Array.from(tex.data, (v) => Math.floor(weight * v + 1e-7));
  const tops: number[] = [];
  const lefts: number[] = [];
  let seen = 0;
  for (let i = 0; tops.length < count; i++, seen++) {
    // apply's first draw is the style; only style 0 is run, so only one texture is ever generated here
    if (pixelStream(corruptionStream(1, frost, 5, i)).intIn(0, 5) !== 0) continue;
    const black = { data: new Uint8Array(side * side * 3), height: side, width: side, channels: 3 as const };
    const out = (await corruptImage(black, frost, 5, { seed: 1, index: i, table })).data;
    const [top, left] = locateCrop(out, side, tex, plane);
    tops.push(top);
    lefts.push(left);
  }
  return { tops, lefts, style0: count, seen };
}

describe('glass_blur, elastic_transform and frost follow the reference distributions', () => {
  const glassCases: GlassBlurParams[] = [
    { sigma: 0.05, maxDelta: 1, iterations: 2 }, // CIFAR s4-5, ImageNet s1
    { sigma: 0.9, maxDelta: 2, iterations: 1 }, // ImageNet s2
    { sigma: 1, maxDelta: 2, iterations: 3 }, // ImageNet s3
    { sigma: 1.1, maxDelta: 3, iterations: 2 }, // ImageNet s4
    { sigma: 1.5, maxDelta: 4, iterations: 2 }, // ImageNet s5
  ];

  it('glass_blur: one pass with δ = 1 moves each pixel by an offset uniform on {−1, 0}²', async () => {
    const hist = await harnessOrigins({ sigma: 0.05, maxDelta: 1, iterations: 1 }, 4);
    const n = [...hist.values()].reduce((a, b) => a + b, 0);
    expect([...hist.keys()].sort()).to.deep.equal(['-1,-1', '-1,0', '0,-1', '0,0']);
    const se = Math.sqrt((0.25 * 0.75) / n);
    for (const [k, c] of hist) expect(Math.abs(c / n - 0.25), `share of offset ${k}`).to.be.at.most(Z_TOL * se);
  });

  for (const p of glassCases) {
    it(`glass_blur: pixel origins match the reference loop (δ = ${p.maxDelta}, ${p.iterations} pass${p.iterations > 1 ? 'es' : ''})`, async () => {
      const images = 6 * p.maxDelta * p.maxDelta;
      expectSameHistogram(await harnessOrigins(p, images), modelOrigins(p.maxDelta, p.iterations, 4 * images), `δ ${p.maxDelta}`);
    });
  }

  it('glass_blur: the check can fail: offsets on [−δ, δ] (randint\'s upper end included) are refused', async () => {
    const p = { sigma: 0.05, maxDelta: 2, iterations: 1 };
    const harness = await harnessOrigins(p, 24);
    expect(() => expectSameHistogram(harness, modelOrigins(2, 1, 96, -2, 3), 'inclusive')).to.throw(/χ²/);
  });
  const elasticCases: [SeverityTable, Severity][] = [['cifar', 3], ['cifar', 4], ['cifar', 5], ['imagenet', 3], ['imagenet', 4], ['imagenet', 5]];
  for (const [table, s] of elasticCases) {
    it(`elastic_transform: the displacement field's variance is alpha²·(1/3)·(Σw²)² (${table} severity ${s})`, async () => {
      const { alpha, sigma } = byName('elastic_transform').params(s, table) as { alpha: number; sigma: number };
      expectFieldVariance(await recoveredFieldVariances(s, table, 12), fieldVariance(alpha, sigma), `${table} s${s}`);
    });
  }

  it('elastic_transform: the check can fail: an alpha 15% too large is refused', async () => {
    const perImage = await recoveredFieldVariances(3, 'imagenet', 12); // alpha 12.2, sigma 2.44
    expect(() => expectFieldVariance(perImage, fieldVariance(12.2 * 1.15, 2.44), 'wrong alpha')).to.throw(/field variance/);
  });

  for (const [table, side, count] of [['cifar', 32, 150], ['imagenet', 224, 40]] as const) {
    it(`frost: style uniform on 0..4, crop offsets uniform on [0, texture − ${side}) (${table}, ${side} px)`, async () => {
      const { tops, lefts, style0, seen } = await frostCrops(table, side, count);
      const tex = frostTextureFor(0, table, side, side);
      expect(Math.abs(style0 / seen - 0.2), 'share of style 0').to.be.at.most(Z_TOL * Math.sqrt((0.2 * 0.8) / seen));
      expectUniformInts(tops, tex.height - side, 'top');
      expectUniformInts(lefts, tex.width - side, 'left');
    });
  }

  it('frost: the check can fail: offsets read against a range a third too short are refused', async () => {
    const { tops } = await frostCrops('cifar', 32, 150);
    expect(() => expectUniformInts(tops, 64, 'short range')).to.throw();
  });
});
