/** Shared fixtures for the label-noise tests. */
import { expect } from 'chai';
import { rngFor, randInt } from '../../src/rng.js';

/** N labels cycling 0..C-1 (balanced: N/C of each class when C divides N). */
export function balancedLabels(n: number, numClasses: number): Uint8Array {
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % numClasses;
  return labels;
}

/** N labels drawn uniformly at random (seeded), so class counts are unequal. */
export function randomLabels(n: number, numClasses: number, seed = 1): Uint8Array {
  const rng = rngFor(seed, 'test-labels');
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = randInt(rng, numClasses);
  return labels;
}

/** Asserts |observed − expected| <= k·sd (binomial tolerance on a count). */
export function expectWithinSd(observed: number, expected: number, sd: number, k = 4): void {
  expect(Math.abs(observed - expected), `observed ${observed}, expected ${expected} ± ${k}×${sd.toFixed(2)}`)
    .to.be.at.most(k * sd);
}

/** sd of a Binomial(n, p) count. */
export function binomialSd(n: number, p: number): number {
  return Math.sqrt(n * p * (1 - p));
}
