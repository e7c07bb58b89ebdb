import { expect } from 'chai';
import { deltaWithInterval, PAPER_CLAIMS, seedsBetter, verdict } from '../../src/report/study.js';
import { pairedDifference } from '../../src/scorecard/statistics.js';

describe('study report', () => {
  it('calls a difference distinguishable only when its 95% interval excludes 0, in the claim direction', () => {
    // differences +1, +2, +3 points: mean 2, std 1, t(0.975, 2) = 4.303 → 2 ± 2.48 covers 0
    const wide = pairedDifference([0.51, 0.52, 0.53], [0.5, 0.5, 0.5]);
    expect(verdict(wide, 'higher')).to.equal('not distinguishable from 0');
    // +2, +2.1, +1.9, +2 points: mean 2, std 0.0816 → interval [1.87, 2.13] excludes 0
    const tight = pairedDifference([0.52, 0.521, 0.519, 0.52], [0.5, 0.5, 0.5, 0.5]);
    expect(verdict(tight, 'higher')).to.equal('Top-k better');
    expect(verdict(tight, 'lower')).to.equal('Top-k worse'); // e.g. ECE rising by 2 points
    expect(verdict(pairedDifference([0.5], [0.4]), 'higher')).to.equal('one seed: no interval');
  });

  it('counts the seeds on which Top-k did better, ties not counted', () => {
    const d = pairedDifference([0.6, 0.5, 0.4, 0.7], [0.5, 0.5, 0.5, 0.5]); // +0.1, 0, −0.1, +0.2
    expect(seedsBetter(d, 'higher')).to.equal('2/4');
    expect(seedsBetter(d, 'lower')).to.equal('1/4');
  });

  it('prints a difference with its interval in points', () => {
    const tight = pairedDifference([0.52, 0.521, 0.519, 0.52], [0.5, 0.5, 0.5, 0.5]);
    // t(0.975, 3) = 3.182; half-width 3.182 × 0.000816 / 2 = 0.0013 → [1.87, 2.13] points
    expect(deltaWithInterval(tight, 'fraction')).to.equal('+2.00 pts [+1.87, +2.13]');
    // +0.2, +0.4: mean 0.3, standard error 0.1, t(0.975, 1) = 12.706 → half-width 1.2706
    expect(deltaWithInterval(pairedDifference([1.2, 1.4], [1, 1]), 'number')).to.equal('+0.3000 [−0.9706, +1.5706]');
  });

  it('quotes the paper\'s Table 1 as REFERENCE.md §1.6 gives it', () => {
    const byLabel = Object.fromEntries(PAPER_CLAIMS.map((c) => [c.label, c.paper]));
    expect(byLabel['accuracy, trained with 80% label noise']).to.deep.equal({ vanilla: 0.2535, topk: 0.308 });
    expect(byLabel['ECE on clean test data']).to.deep.equal({ vanilla: 0.0842, topk: 0.0748 });
    expect(byLabel['mean of the three noises']).to.deep.equal({ vanilla: 0.3849, topk: 0.4101 });
  });
});
