import { expect } from 'chai';
import {
  binEqualWidth,
  bootstrapInterval,
  bootstrapIntervals,
  eceFromBinSums,
  meanOf,
  sortedQuantile,
} from '../../src/metrics/index.js';

describe('bootstrapInterval', () => {
  // 1000 examples, 700 correct (every example whose index mod 10 is below 7).
  const correct = new Uint8Array(1000).map((_, i) => (i % 10 < 7 ? 1 : 0));
  const acc = (idx: Int32Array) => meanOf(correct, idx);

  it('is reproducible for a seed and changes with the seed or the stream', () => {
    const a = bootstrapInterval(1000, acc, { seed: 42, resamples: 200 });
    const b = bootstrapInterval(1000, acc, { seed: 42, resamples: 200 });
    const c = bootstrapInterval(1000, acc, { seed: 43, resamples: 200 });
    const d = bootstrapInterval(1000, acc, { seed: 42, resamples: 200, stream: 'ece' });
    expect(b).to.deep.equal(a);
    expect(c).not.to.deep.equal(a);
    expect(d).not.to.deep.equal(a);
  });

  it('bootstrapIntervals: one stream for several statistics gives each the interval it gets alone', () => {
    const low = (idx: Int32Array) => meanOf(correct, idx) - 0.5;
    const first = (idx: Int32Array) => idx[0];
    const opts = { seed: 7, resamples: 150, stream: 'shared' };
    const together = bootstrapIntervals(1000, [acc, low, first], opts);
    expect(together).to.deep.equal([bootstrapInterval(1000, acc, opts), bootstrapInterval(1000, low, opts), bootstrapInterval(1000, first, opts)]);
    expect(together[1].low).to.be.closeTo(together[0].low - 0.5, 1e-12); // the same resamples, shifted
    expect(bootstrapIntervals(1000, [], opts)).to.deep.equal([]);
  });

  it('bootstrapIntervals: differences of two statistics from the values each resample gave, exactly the difference function\'s interval', () => {
    const other = (idx: Int32Array) => meanOf(correct, idx.subarray(0, 500));
    const opts = { seed: 3, resamples: 120, stream: 'pairs' };
    const got = bootstrapIntervals(1000, [acc, other], { ...opts, differences: [[1, 0], [0, 1]] });
    expect(got.slice(0, 2)).to.deep.equal(bootstrapIntervals(1000, [acc, other], opts));
    expect(got[2]).to.deep.equal(bootstrapInterval(1000, (idx) => other(idx) - acc(idx), opts));
    expect(got[3]).to.deep.equal(bootstrapInterval(1000, (idx) => acc(idx) - other(idx), opts));
    expect(() => bootstrapIntervals(1000, [acc], { ...opts, differences: [[0, 2]] })).to.throw('a bootstrap difference names statistics [0, 2]; there are 1 (positions 0 to 0)');
  });

  it('brackets the estimate: accuracy 0.7 on 1000 examples, 95% interval about ±0.028', () => {
    const r = bootstrapInterval(1000, acc, { seed: 7, resamples: 400 });
    expect(r.low).to.be.lessThan(0.7);
    expect(r.high).to.be.greaterThan(0.7);
    // Normal approximation: 1.96 · sqrt(0.7 · 0.3 / 1000) = 0.0284; allow generous slack.
    expect(r.low).to.be.within(0.66, 0.69);
    expect(r.high).to.be.within(0.71, 0.74);
    expect(r.mean).to.be.closeTo(0.7, 0.01);
  });

  it('one example: every resample is the same, so low = high = mean', () => {
    const r = bootstrapInterval(1, (idx) => [0.25][idx[0]], { seed: 1, resamples: 10 });
    expect(r).to.deep.equal({ low: 0.25, high: 0.25, mean: 0.25 });
  });

  it('works with the binned estimators through indices (ECE interval)', () => {
    const conf = new Float64Array(1000).map((_, i) => 0.55 + 0.4 * ((i * 7919) % 1000) / 1000);
    const r = bootstrapInterval(
      1000,
      (idx) => eceFromBinSums(binEqualWidth(conf, correct, 15, 'right', idx)),
      { seed: 3, resamples: 100 },
    );
    expect(r.low).to.be.at.most(r.high);
    expect(r.low).to.be.greaterThan(0);
  });

  it('quantiles interpolate linearly between order statistics (numpy default)', () => {
    // h = (4 − 1) · 0.25 = 0.75 → 1 + 0.75 · (2 − 1) = 1.75; q = 1 → 4; q = 0 → 1.
    const s = new Float64Array([1, 2, 3, 4]);
    expect(sortedQuantile(s, 0.25)).to.equal(1.75);
    expect(sortedQuantile(s, 0)).to.equal(1);
    expect(sortedQuantile(s, 1)).to.equal(4);
  });
});
