/**
 * Equal-mass edges: the bucketed order statistics must equal a plain full sort (reference implementation
 * written here, independent of the module), for spread, concentrated and tied data and for resamples.
 */
import { expect } from 'chai';
import { rngFor } from '../../src/rng.js';
import { adaptiveCalibrationErrorFromConfidences, equalMassUpperEdges, orderStatistics } from '../../src/metrics/index.js';

/** Kumar's get_equal_bins, transcribed: parts of ceil(N/M) sorted values, midpoints, then 1, deduplicated. */
function kumarEdges(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const size = Math.ceil(sorted.length / bins);
  const parts: number[][] = [];
  for (let i = 0; i < sorted.length; i += size) parts.push(sorted.slice(i, i + size));
  const edges: number[] = [];
  for (let i = 0; i + 1 < parts.length; i++) edges.push((parts[i][parts[i].length - 1] + parts[i + 1][0]) / 2.0);
  edges.push(1.0);
  return [...new Set(edges)].sort((a, b) => a - b);
}

describe('equal-mass (adaptive) edges', () => {
  const rng = rngFor(5, 'test', 'adaptive');
  const spread = Array.from({ length: 5000 }, () => rng());
  const concentrated = Array.from({ length: 5000 }, () => 1 - 1e-7 * rng()); // all in the top bucket
  const ties = Array.from({ length: 5000 }, () => [0.25, 0.5, 0.75, 1][Math.floor(rng() * 4)]);

  for (const [name, data] of [['spread', spread], ['concentrated near 1', concentrated], ['heavily tied', ties]] as const) {
    for (const bins of [1, 2, 7, 15]) {
      it(`${name}, M = ${bins}: matches Kumar's get_equal_bins`, () => {
        expect(Array.from(equalMassUpperEdges(Float64Array.from(data), bins))).to.deep.equal(kumarEdges(data, bins));
      });
    }
  }

  it('order statistics of a resample equal those of the materialised resample', () => {
    const values = Float64Array.from(spread);
    const idx = Int32Array.from({ length: 3000 }, () => Math.floor(rng() * values.length));
    const ranks = [0, 1, 1499, 1500, 2998, 2999];
    const materialised = Array.from(idx, (i) => values[i]).sort((a, b) => a - b);
    expect(Array.from(orderStatistics(values, ranks, idx))).to.deep.equal(ranks.map((r) => materialised[r]));
  });

  it('caps M at N (N = 3, M = 15 → 3 parts of 1; an empty middle bin is kept)', () => {
    // conf [0.2, 0.2, 0.9]: midpoints 0.2 and 0.55, then 1 → bins (0, .2], (.2, .55], (.55, 1].
    const r = adaptiveCalibrationErrorFromConfidences([0.2, 0.2, 0.9], [0, 1, 1], { bins: 15 });
    expect(r.bins.map((b) => b.upper)).to.deep.equal([0.2, 0.55, 1]);
    expect(r.bins.map((b) => b.count)).to.deep.equal([2, 0, 1]);
    // |0.5 − 0.2| · 2/3 + |1 − 0.9| · 1/3 = 0.2 + 0.0333… = 0.233333…
    expect(r.adaptiveEce).to.be.closeTo(0.7 / 3, 1e-12);
  });
});
