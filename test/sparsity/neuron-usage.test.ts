import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { firingHistogram, frequencyEdges } from '../../src/sparsity/firing-histogram.js';
import { neuronUsage } from '../../src/sparsity/neuron-usage.js';
import { useTestBackend } from '../support/backend.js';

/**
 * A hand-built activation map a [10 tokens, 5 neurons] (after ReLU / the Top-k mask). Zeros, negative zeros and
 * tiny positives test "strictly positive". Neuron j fires on the tokens marked +:
 *   n0: never (all 0 or -0)        → 0/10
 *   n1: token 3 only (1e-30)       → 1/10 = exactly the 10% threshold, so NOT rare
 *   n2: tokens 0, 5, 9             → 3/10
 *   n3: tokens 0..5                → 6/10 (> 50%)
 *   n4: every token                → 10/10
 */
const T = 10;
const A: number[][] = Array.from({ length: T }, (_, t) => [
  t % 2 === 0 ? 0 : -0,
  t === 3 ? 1e-30 : 0,
  t === 0 || t === 5 || t === 9 ? 0.5 : 0,
  t < 6 ? 2 + t : 0,
  1,
]);
const COUNTS = [0, 1, 3, 6, 10];

describe('neuron usage statistics', () => {
  before(useTestBackend);

  it('the hand-built activations give the hand counts under the model\'s rule (step(a) summed over tokens)', () => {
    const counts = tf.tidy(() => Array.from(tf.sum(tf.step(tf.tensor2d(A)), 0).dataSync()));
    expect(counts).to.deep.equal(COUNTS);
  });

  it('are exact on the hand-built counts', () => {
    const u = neuronUsage(COUNTS, T);
    expect(u.tokens).to.equal(10);
    expect(u.neurons).to.equal(5);
    // Σ counts = 20 nonzeros over 10 tokens × 5 neurons
    expect(u.nonzeroFraction).to.equal(20 / 50);
    expect(u.meanNonzerosPerToken).to.equal(2);
    // frequencies 0, 0.1, 0.3, 0.6, 1: only n0 is < 0.1 (n1 sits on the threshold); n3 and n4 are > 0.5
    expect(u.rareShare).to.equal(1 / 5);
    expect(u.deadCount).to.equal(1);
    expect(u.deadShare).to.equal(1 / 5);
    expect(u.frequentShare).to.equal(2 / 5);
    expect(u.minFrequency).to.equal(0);
    expect(u.medianFrequency).to.equal(0.3);
    expect(u.maxFrequency).to.equal(1);
    // 20 bins of width 0.05: 0 → bin 0, 0.1 → bin 2, 0.3 → bin 6, 0.6 → bin 12, 1 → the closed last bin 19
    const expected = new Array(20).fill(0);
    for (const b of [0, 2, 6, 12, 19]) expected[b] = 1;
    expect(u.histogram.counts).to.deep.equal(expected);
    expect(u.histogram.edges).to.have.length(21);
    expect(u.histogram.edges[2]).to.equal(0.1);
  });

  it('the nonzero fraction is the mean over tokens of the per-token fraction', () => {
    const perToken = A.map((row) => row.filter((v) => v > 0).length / row.length);
    expect(neuronUsage(COUNTS, T).nonzeroFraction).to.be.closeTo(perToken.reduce((a, b) => a + b, 0) / T, 1e-15);
  });

  it('takes other thresholds and bin counts; the median of an even count averages the middle two', () => {
    const u = neuronUsage([0, 1, 3, 6], 10, { rareBelow: 0.3, frequentAbove: 0.55, bins: 4 });
    expect(u.rareShare).to.equal(2 / 4); // 0 and 0.1 (0.3 is not below 0.3)
    expect(u.frequentShare).to.equal(1 / 4); // 0.6
    expect(u.medianFrequency).to.equal(0.2); // (0.1 + 0.3) / 2
    expect(u.histogram.counts).to.deep.equal([2, 1, 1, 0]); // [0,.25): 0, .1; [.25,.5): .3; [.5,.75): .6
    expect(neuronUsage([5, 5], 10).frequentShare).to.equal(0); // exactly 50% is not > 50%
  });

  it('histogram bins are exact at the edges for integer counts', () => {
    // 29 of 50 tokens is exactly 58%: the left edge of bin 29 of 50, although (29 / 50) · 50 = 28.999999999999996
    expect(Math.floor((29 / 50) * 50)).to.equal(28);
    expect(firingHistogram([29], 50, 50).counts[29]).to.equal(1);
    expect(firingHistogram([7, 0, 70, 69], 70, 20).counts.slice(0, 3)).to.deep.equal([1, 0, 1]); // 10% → bin 2
    expect(firingHistogram([7, 0, 70, 69], 70, 20).counts[19]).to.equal(2); // 100% in the closed last bin
    expect(frequencyEdges(4)).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
  });

  it('rejects counts outside [0, tokens], non-integer counts, no tokens and no neurons', () => {
    expect(() => neuronUsage([0, 11], 10)).to.throw(RangeError, 'neuron 1 fired on 11 of 10 tokens; counts must be integers in [0, tokens]');
    expect(() => neuronUsage([0.5], 10)).to.throw(RangeError, 'neuron 0 fired on 0.5 of 10 tokens');
    expect(() => neuronUsage([0], 0)).to.throw(RangeError, 'tokens must be a positive integer, got 0');
    expect(() => neuronUsage([], 10)).to.throw(RangeError, 'neuronUsage needs at least one neuron');
    expect(() => firingHistogram([0], 10, 0)).to.throw(RangeError, 'histogram bins must be a positive integer, got 0');
  });
});
