import { expect } from 'chai';
import { pairedDifference, summarize, tCritical95 } from '../../src/scorecard/statistics.js';

describe('statistics over seeds', () => {
  it('summarizes with the sample std and a Student-t interval (hand-computed)', () => {
    // values 1, 2, 3, 4: mean 2.5, sample variance 5/3, std 1.290994; t(0.975, 3) = 3.182
    const s = summarize([1, 2, 3, 4]);
    expect(s.mean).to.equal(2.5);
    expect(s.std!).to.be.closeTo(1.290994, 1e-6);
    expect(s.low!).to.be.closeTo(2.5 - (3.182 * 1.290994) / 2, 1e-6);
    expect(s.high!).to.be.closeTo(2.5 + (3.182 * 1.290994) / 2, 1e-6);
  });

  it('gives no spread or interval for a single seed', () => {
    expect(summarize([0.7])).to.deep.equal({ n: 1, mean: 0.7, std: null, low: null, high: null, values: [0.7] });
    expect(pairedDifference([0.7], [0.6]).significant).to.equal(false);
  });

  it('calls a paired difference significant only when its interval excludes zero', () => {
    // differences 0.01, 0.02, 0.03: mean 0.02, std 0.01, half width 4.303·0.01/√3 = 0.024843 → interval covers 0
    const covers = pairedDifference([0.51, 0.52, 0.53], [0.5, 0.5, 0.5]);
    expect(covers.mean).to.be.closeTo(0.02, 1e-12);
    expect(covers.low!).to.be.closeTo(0.02 - 0.024843, 1e-6);
    expect(covers.significant).to.equal(false);
    // differences 0.02, 0.021, 0.019: std 0.001 → interval [0.0175, 0.0225] excludes 0
    expect(pairedDifference([0.52, 0.521, 0.519], [0.5, 0.5, 0.5]).significant).to.equal(true);
    expect(() => pairedDifference([1, 2], [1])).to.throw('paired samples differ in length: 2 vs 1');
  });

  it('uses the tabled t values, and the Cornish-Fisher expansion beyond them', () => {
    expect(tCritical95(1)).to.equal(12.706);
    expect(tCritical95(7)).to.equal(2.365);
    // beyond the table: standard t tables give 2.021 (df 40), 2.000 (df 60), 1.984 (df 100)
    expect(tCritical95(40)).to.be.closeTo(2.021, 5e-4);
    expect(tCritical95(60)).to.be.closeTo(2.0, 5e-4);
    expect(tCritical95(100)).to.be.closeTo(1.984, 5e-4);
  });
});
