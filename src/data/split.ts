/**
 * Seeded splitting and subsetting of a Dataset.
 *
 * Every function draws one permutation of 0..count-1 from a named stream of the run seed and takes a prefix of it,
 * so the result depends only on (seed, stream, count). The chosen indices are then sorted, so each part keeps the
 * original file order (training shuffles on its own stream anyway). None of these stratify by class: with a random
 * permutation, class proportions in a part match the whole only in expectation, which is fine for the sizes used
 * (hundreds or more); a tiny part of a tiny set may miss a class.
 */
import { HarnessInputError } from '../errors.js';
import { permutation, rngFor } from '../rng.js';
import { subset, type Dataset } from './dataset.js';

/** Indices p[start..end) of a permutation, ascending. */
function sortedSlice(p: Int32Array, start: number, end: number): Int32Array {
  return p.slice(start, end).sort();
}

function checkCount(value: number, what: string, min: number, max: number, d: Dataset): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HarnessInputError(
      `${what} ${value} is invalid; it must be an integer in [${min}, ${max}] for the ${d.count}-example ` +
        `dataset '${d.name}'`,
      what,
    );
  }
}

/**
 * Carve a validation set out of a training set: the first validationCount entries of the permutation drawn from
 * rngFor(seed, 'split') become validation, the rest stay in training (both sorted, disjoint, covering all examples).
 * @param validationCount an integer in [0, train.count - 1]; 0 gives an empty validation set.
 * @throws HarnessInputError naming the value and the allowed range.
 */
export function splitTrainValidation(
  train: Dataset,
  validationCount: number,
  seed: number | string,
): { train: Dataset; validation: Dataset } {
  checkCount(validationCount, 'validation count', 0, train.count - 1, train);
  const p = permutation(rngFor(seed, 'split'), train.count);
  return {
    train: subset(train, sortedSlice(p, validationCount, train.count)),
    validation: subset(train, sortedSlice(p, 0, validationCount)),
  };
}

/**
 * Split one labelled set into train and test when the source has no test split of its own (e.g. a flat image
 * folder): round(all.count * testFraction) examples, the permutation prefix of rngFor(seed, 'test-split'), become
 * the test set.
 * @param testFraction in (0, 1); the resulting test count must be in [1, all.count - 1].
 * @throws HarnessInputError naming the fraction or resulting count and the allowed range.
 */
export function splitTrainTest(
  all: Dataset,
  testFraction: number,
  seed: number | string,
): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new HarnessInputError(`test fraction ${testFraction} is invalid; it must be in (0, 1)`, 'testFraction');
  }
  const testCount = Math.round(all.count * testFraction);
  if (testCount < 1 || testCount > all.count - 1) {
    throw new HarnessInputError(
      `test fraction ${testFraction} of the ${all.count}-example dataset '${all.name}' gives ${testCount} test ` +
        `examples; it must give between 1 and ${all.count - 1} (add images or a test/ folder)`,
      'testFraction',
    );
  }
  const p = permutation(rngFor(seed, 'test-split'), all.count);
  return {
    train: subset(all, sortedSlice(p, testCount, all.count)),
    test: subset(all, sortedSlice(p, 0, testCount)),
  };
}

/**
 * A seeded random subset of n examples: the first n entries of the permutation drawn from
 * rngFor(seed, 'limit', stream), sorted. Not stratified (see the module comment). When n equals d.count, d itself
 * is returned (no copy).
 * @param n an integer in [1, d.count].
 * @param stream distinguishes independent limits under one seed (e.g. 'train', 'test'); default 'default'.
 * @throws HarnessInputError naming n and the allowed range.
 */
export function limit(d: Dataset, n: number, seed: number | string, stream = 'default'): Dataset {
  checkCount(n, 'limit', 1, d.count, d);
  if (n === d.count) return d;
  const p = permutation(rngFor(seed, 'limit', stream), d.count);
  return subset(d, sortedSlice(p, 0, n));
}
