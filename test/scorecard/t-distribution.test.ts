import { expect } from 'chai';
import { holmAdjust } from '../../src/scorecard/multiple-comparisons.js';
import { minimalDetectableEffect, seedsToDetect } from '../../src/scorecard/power.js';
import { tCritical95 } from '../../src/scorecard/statistics.js';
import { incompleteBeta, logGamma, tCdf, tQuantile, tTwoSidedP } from '../../src/scorecard/t-distribution.js';

describe('Student t distribution', () => {
  it('ln Γ matches closed forms: Γ(5) = 24, Γ(1/2) = √π, Γ(1) = 1, Γ(0.1) = 9.513507698668732', () => {
    expect(logGamma(5)).to.be.closeTo(Math.log(24), 1e-12);
    expect(logGamma(0.5)).to.be.closeTo(0.5 * Math.log(Math.PI), 1e-12);
    expect(logGamma(1)).to.be.closeTo(0, 1e-12);
    expect(logGamma(0.1)).to.be.closeTo(Math.log(9.513507698668732), 1e-10);
  });

  it('I_x(a, b) matches closed forms: I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    expect(incompleteBeta(0.3, 1, 4)).to.be.closeTo(1 - 0.7 ** 4, 1e-12);
    expect(incompleteBeta(0.8, 3, 1)).to.be.closeTo(0.8 ** 3, 1e-12);
    expect(incompleteBeta(0, 2, 3)).to.equal(0);
    expect(incompleteBeta(1, 2, 3)).to.equal(1);
  });

  it('two-sided p-values match the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [0.1, 1, 2.5, 12.706]) {
      expect(tTwoSidedP(t, 1), `df 1, t ${t}`).to.be.closeTo(1 - (2 / Math.PI) * Math.atan(t), 1e-10); // Cauchy
      expect(tTwoSidedP(t, 2), `df 2, t ${t}`).to.be.closeTo(1 - t / Math.sqrt(t * t + 2), 1e-10);
    }
    expect(tTwoSidedP(-2.5, 2)).to.equal(tTwoSidedP(2.5, 2));
    expect(tTwoSidedP(0, 7)).to.be.closeTo(1, 1e-12);
  });

  it("agrees with the 95% table used for the intervals (df 1-30, 3 decimals) and the tables' 80%, 90%, 99.5% quantiles", () => {
    for (let df = 1; df <= 30; df++) expect(tQuantile(0.975, df), `df ${df}`).to.be.closeTo(tCritical95(df), 6e-4);
    expect(tQuantile(0.8, 7)).to.be.closeTo(0.896, 6e-4);
    expect(tQuantile(0.8, 10)).to.be.closeTo(0.879, 6e-4);
    expect(tQuantile(0.9, 5)).to.be.closeTo(1.476, 6e-4);
    expect(tQuantile(0.995, 20)).to.be.closeTo(2.845, 6e-4);
    expect(tQuantile(0.025, 7)).to.be.closeTo(-2.365, 6e-4);
    expect(tCdf(tQuantile(0.3, 4), 4)).to.be.closeTo(0.3, 1e-9);
  });

  it('refuses impossible arguments with the value', () => {
    expect(() => tQuantile(1, 3)).to.throw(RangeError, /p in \(0, 1\), got 1/);
    expect(() => tCdf(1, 0)).to.throw(RangeError, /got 0/);
    expect(() => tTwoSidedP(Number.NaN, 3)).to.throw(RangeError, /NaN/);
  });
});

describe("Holm's adjustment", () => {
  it("matches R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm') = 0.03 0.06 0.06 0.02 (worked by hand)", () => {
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).to.be.closeTo(v, 1e-12));
  });

  it('caps at 1, keeps ties together and leaves a single test alone', () => {
    expect(holmAdjust([0.5, 0.5])).to.deep.equal([1, 1]);
    expect(holmAdjust([0.02])).to.deep.equal([0.02]);
    expect(holmAdjust([])).to.deep.equal([]);
    expect(() => holmAdjust([0.1, 1.5])).to.throw(RangeError, /1\.5/);
  });
});

describe('minimal detectable effect of a paired t test', () => {
  it('is (t_.975 + t_.8) · s/√n: 8 seeds, s = 1 gives (2.365 + 0.896)/√8 from the tables', () => {
    expect(minimalDetectableEffect(1, 8)).to.be.closeTo((2.365 + 0.896) / Math.sqrt(8), 1e-3);
    expect(minimalDetectableEffect(2, 8)).to.be.closeTo(2 * minimalDetectableEffect(1, 8), 1e-12);
    // many seeds: the normal quantiles 1.95996 + 0.84162
    expect(minimalDetectableEffect(1, 10000) * 100).to.be.closeTo(1.95996 + 0.84162, 2e-3);
  });

  it("says a per-seed SD of 4.3 pts needs about 20 seeds to detect the paper's +2.75 (the issue's hand estimate)", () => {
    const n = seedsToDetect(2.75, 4.3)!;
    expect(n).to.be.within(19, 23);
    expect(minimalDetectableEffect(4.3, n)).to.be.at.most(2.75);
    expect(minimalDetectableEffect(4.3, n - 1)).to.be.above(2.75);
    expect(seedsToDetect(0, 1)).to.equal(null);
    expect(seedsToDetect(0.001, 10, 0.05, 0.8, 50)).to.equal(null);
    expect(() => minimalDetectableEffect(1, 1)).to.throw(RangeError, /at least 2 seeds, got 1/);
  });
});
