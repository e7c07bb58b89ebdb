/**
 * Fidelity of the stochastic corruptions to the reference's distributions (hendrycks/robustness make_imagenet_c.py
 * and make_cifar_c.py, REFERENCE.md §2): the harness draws from its own seeded streams, so the pixels differ from the
 * reference's draw by draw; what must match is the distribution. On a constant mid-gray image (x = 128/255, 96x96x3
 * = 27,648 values) at every severity of both tables, each test compares the output bytes with the exact distribution
 * of the reference's formula, worked out here independently of the corruption code:
 *
 *   gaussian_noise  byte = trunc(255 · clip(x + c·Z, 0, 1))         Z ~ N(0, 1)
 *   speckle_noise   byte = trunc(255 · clip(x + x·c·Z, 0, 1))
 *   shot_noise      byte = trunc(255 · clip(K / c, 0, 1))           K ~ Poisson(x · c)
 *   impulse_noise   each value → 255 with probability c/2, → 0 with c/2, else unchanged
 *
 * Sample mean and variance must lie within 4.5 standard errors of the exact ones (the SE of the variance from the
 * exact fourth central moment), and the clipped shares at 0 and 255 within 4.5 binomial SEs: a wrong scale, a
 * missing clip or a variance off by a few percent fails; sampling noise does not (p ≈ 7e-6 per check).
 */
import { expect } from 'chai';
import type { Corruption, Severity, SeverityTable } from '../../src/corruptions/define.js';
import { corruptImage } from '../../src/corruptions/apply.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';

const SIDE = 96;
const GRAY = 128;
const X = GRAY / 255;
const Z_TOL = 4.5;

/** Standard normal CDF via erfc (W. J. Cody's rational approximations are overkill here: Numerical Recipes' erfc, |ε| < 1.2e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** P(byte = k), k = 0..255, for byte = trunc(255 · clip(x + s·Z, 0, 1)). */
function clippedNormalBytes(mean: number, sd: number): number[] {
  const cdf = (v: number) => phi((v - mean) / sd);
  return Array.from({ length: 256 }, (_, k) => (k === 0 ? cdf(1 / 255) : k === 255 ? 1 - cdf(1) : cdf((k + 1) / 255) - cdf(k / 255)));
}

/** P(byte = k) for byte = trunc(255 · min(K / c, 1)), K ~ Poisson(λ). */
function poissonBytes(lambda: number, c: number): number[] {
  const p = new Array<number>(256).fill(0);
  let logPmf = -lambda; // log P(K = 0)
  for (let k = 0; ; k++) {
    if (k > 0) logPmf += Math.log(lambda) - Math.log(k);
    const y = Math.min(k / c, 1);
    p[Math.min(255, Math.floor(255 * y + 1e-12))] += Math.exp(logPmf);
    if (y >= 1 && k > lambda) {
      // every larger K also clips to 255: add the upper tail at once
      p[255] += Math.max(0, 1 - p.reduce((a, b) => a + b, 0));
      break;
    }
  }
  return p;
}

function moments(p: number[]): { mean: number; variance: number; m4: number } {
  const mean = p.reduce((a, pk, k) => a + pk * k, 0);
  const variance = p.reduce((a, pk, k) => a + pk * (k - mean) ** 2, 0);
  const m4 = p.reduce((a, pk, k) => a + pk * (k - mean) ** 4, 0);
  return { mean, variance, m4 };
}

async function sample(c: Corruption, severity: Severity, table: SeverityTable): Promise<Uint8Array> {
  const image = { data: new Uint8Array(SIDE * SIDE * 3).fill(GRAY), height: SIDE, width: SIDE, channels: 3 as const };
  return (await corruptImage(image, c, severity, { seed: 11, index: severity, table })).data;
}

function expectDistribution(bytes: Uint8Array, p: number[], what: string): void {
  const n = bytes.length;
  const exact = moments(p);
  let sum = 0;
  for (const b of bytes) sum += b;
  const mean = sum / n;
  let ss = 0;
  for (const b of bytes) ss += (b - mean) ** 2;
  const variance = ss / (n - 1);
  const seMean = Math.sqrt(exact.variance / n);
  const seVar = Math.sqrt(Math.max(exact.m4 - exact.variance ** 2, 1e-12) / n);
  expect(Math.abs(mean - exact.mean), `${what}: mean ${mean.toFixed(3)} vs exact ${exact.mean.toFixed(3)} (SE ${seMean.toFixed(3)})`).to.be.at.most(Z_TOL * seMean + 1e-9);
  expect(Math.abs(variance - exact.variance), `${what}: variance ${variance.toFixed(2)} vs exact ${exact.variance.toFixed(2)} (SE ${seVar.toFixed(2)})`).to.be.at.most(Z_TOL * seVar + 1e-9);
  for (const k of [0, 255]) {
    const share = bytes.filter((b) => b === k).length / n;
    const se = Math.sqrt(Math.max(p[k] * (1 - p[k]), 1e-12) / n);
    expect(Math.abs(share - p[k]), `${what}: share of ${k} ${share.toFixed(4)} vs exact ${p[k].toFixed(4)}`).to.be.at.most(Z_TOL * se + 2 / n);
  }
}

const byName = (name: string) => BUILTIN_CORRUPTIONS.find((c) => c.name === name)!;
const CASES: [SeverityTable, Severity][] = (['cifar', 'imagenet'] as const).flatMap((t) => ([1, 2, 3, 4, 5] as const).map((s): [SeverityTable, Severity] => [t, s]));

describe('stochastic corruptions follow the reference distributions (mid-gray input, every severity and table)', () => {
  it('gaussian_noise: x + N(0, c²), clipped and truncated', async () => {
    const c = byName('gaussian_noise');
    for (const [table, s] of CASES) expectDistribution(await sample(c, s, table), clippedNormalBytes(X, c.params(s, table) as number), `${table} severity ${s}`);
  });

  it('speckle_noise: x + x·N(0, c²), clipped and truncated', async () => {
    const c = byName('speckle_noise');
    for (const [table, s] of CASES) expectDistribution(await sample(c, s, table), clippedNormalBytes(X, X * (c.params(s, table) as number)), `${table} severity ${s}`);
  });

  it('shot_noise: Poisson(x·c)/c, clipped and truncated (variance x/c on the unit scale)', async () => {
    const c = byName('shot_noise');
    for (const [table, s] of CASES) {
      const rate = c.params(s, table) as number;
      expectDistribution(await sample(c, s, table), poissonBytes(X * rate, rate), `${table} severity ${s}`);
    }
  });

  it('impulse_noise: each value salt (255) or pepper (0) with probability c/2 each, else unchanged', async () => {
    const c = byName('impulse_noise');
    for (const [table, s] of CASES) {
      const amount = c.params(s, table) as number;
      const bytes = await sample(c, s, table);
      const p = new Array<number>(256).fill(0);
      p[0] = amount / 2;
      p[255] = amount / 2;
      p[GRAY] = 1 - amount;
      expectDistribution(bytes, p, `${table} severity ${s}`);
      expect(bytes.every((b) => b === 0 || b === 255 || b === GRAY), 'only salt, pepper or the input').to.equal(true);
    }
  });

  it('the checks can fail: Gaussian noise with the next severity\'s c is refused', async () => {
    const c = byName('gaussian_noise');
    const bytes = await sample(c, 2, 'cifar'); // c = 0.06
    expect(() => expectDistribution(bytes, clippedNormalBytes(X, 0.08), 'wrong c')).to.throw(/variance/);
  });
});
