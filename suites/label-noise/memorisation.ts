/**
 * Memorisation of the noisy training labels: a fixed seeded probe of changed training examples, and where a model's
 * predictions on it fall (noisy label, true label, neither) after each epoch.
 */
import { permutation, rngFor } from '../../src/rng.js';
import { milestoneEpochs } from '../../src/train/milestones.js';
import type { MemorisationPoint, NoisyModelResult } from './types.js';

/** A fixed seeded subset of at most `size` indices i with changed[i] = 1, ascending. */
export function memorisationProbe(changed: Uint8Array, size: number, seed: number | string, canonicalSpec: string): Int32Array {
  const candidates: number[] = [];
  for (let i = 0; i < changed.length; i++) if (changed[i]) candidates.push(i);
  const order = permutation(rngFor(seed, 'label-noise', 'memorisation-probe', canonicalSpec), candidates.length);
  const picked = Int32Array.from(order.subarray(0, Math.min(size, candidates.length)), (j) => candidates[j]);
  return picked.sort();
}

/** Row-wise argmax of a row-major [N, C] matrix (first maximum wins). */
export function argmaxRows(values: ArrayLike<number>, numClasses: number): Int32Array {
  const n = values.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c] > values[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Where predictions fall on examples whose noisy label differs from the true one: noisy label, true label or
 * neither. Throws if an example's noisy label equals its true one (it would count twice) or the lengths differ.
 */
export function memorisationPoint(epoch: number, predicted: ArrayLike<number>, noisy: ArrayLike<number>, truth: ArrayLike<number>): MemorisationPoint {
  const n = predicted.length;
  if (noisy.length !== n || truth.length !== n) throw new RangeError(`memorisation: ${n} predictions, ${noisy.length} noisy and ${truth.length} true labels`);
  if (n === 0) throw new RangeError('memorisation: empty probe');
  let fitNoisy = 0;
  let fitTrue = 0;
  for (let i = 0; i < n; i++) {
    if (noisy[i] === truth[i]) throw new RangeError(`memorisation: probe example ${i} has an unchanged label`);
    if (predicted[i] === noisy[i]) fitNoisy++;
    else if (predicted[i] === truth[i]) fitTrue++;
  }
  return { epoch, noisyLabel: fitNoisy / n, trueLabel: fitTrue / n, other: (n - fitNoisy - fitTrue) / n };
}

/** Milestone epochs before the last at which every model has a memorisation point. */
export function memorisationMilestones(models: Record<string, NoisyModelResult>): number[] {
  const all = Object.values(models);
  const last = Math.max(0, ...all.flatMap((m) => m.memorisation.map((p) => p.epoch)));
  return milestoneEpochs(last).filter((e) => e < last && all.every((m) => m.memorisation.some((p) => p.epoch === e)));
}
