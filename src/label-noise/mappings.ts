/**
 * Class mappings for `asymmetric` noise: a selected example of class `from` is observed as class `to`; classes
 * that no pair names keep their label (docs/conventions.md#label-noise).
 */
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';

/** One mapping entry: true class `from` is relabelled `to` (class indices, 0-based). */
export type ClassPair = readonly [from: number, to: number];

/** Names of the built-in published mappings. */
export const MAPPING_NAMES = ['mnist', 'cifar10'] as const;
export type MappingName = (typeof MAPPING_NAMES)[number];

/** A built-in mapping by name, or explicit pairs. */
export type AsymmetricMapping = MappingName | readonly ClassPair[];

/**
 * The published mappings (Patrini et al. 2017, `noisify_mnist_asymmetric` / `noisify_cifar10_asymmetric`,
 * checked against giorgiop/loss-correction `noise.py`). Both are for 10 classes.
 * - MNIST: 7→1, 2→7, 5→6, 6→5, 3→8 (classes 0, 1, 4, 8, 9 untouched: half of the classes are affected).
 * - CIFAR-10 (0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck):
 *   truck 9→1 automobile, bird 2→0 airplane, deer 4→7 horse, cat 3→5 dog, dog 5→3 cat (0, 1, 6, 7, 8 untouched).
 *   DivideMix `asym` uses the same mapping.
 */
export const PUBLISHED_MAPPINGS: Readonly<Record<MappingName, { numClasses: number; pairs: readonly ClassPair[] }>> = {
  mnist: { numClasses: 10, pairs: [[2, 7], [3, 8], [5, 6], [6, 5], [7, 1]] },
  cifar10: { numClasses: 10, pairs: [[2, 0], [3, 5], [4, 7], [5, 3], [9, 1]] },
};

/** The built-in mapping for a dataset name ('mnist' → mnist, 'cifar10' → cifar10), or undefined. */
export function defaultMappingFor(dataset: string | undefined): MappingName | undefined {
  return dataset !== undefined && (MAPPING_NAMES as readonly string[]).includes(dataset)
    ? (dataset as MappingName)
    : undefined;
}

/** Pairs of a mapping, sorted by `from`. Throws for an unknown name. */
export function mappingPairs(mapping: AsymmetricMapping): ClassPair[] {
  if (typeof mapping === 'string') {
    const published = PUBLISHED_MAPPINGS[mapping];
    if (published === undefined) {
      throw new HarnessInputError(unknownChoiceMessage('asymmetric mapping', mapping, MAPPING_NAMES));
    }
    return [...published.pairs];
  }
  return [...mapping].sort((a, b) => a[0] - b[0]);
}

/**
 * Throws unless the mapping fits `numClasses` (when given): a named mapping needs exactly its class count;
 * explicit pairs need integer classes in [0, C) and each `from` at most once.
 */
export function validateMapping(mapping: AsymmetricMapping, numClasses?: number): void {
  if (typeof mapping === 'string') {
    const published = PUBLISHED_MAPPINGS[mapping];
    if (published === undefined) {
      throw new HarnessInputError(unknownChoiceMessage('asymmetric mapping', mapping, MAPPING_NAMES));
    }
    if (numClasses !== undefined && numClasses !== published.numClasses) {
      throw new HarnessInputError(
        `asymmetric mapping '${mapping}' is for ${published.numClasses} classes; this dataset has ${numClasses}. ` +
          `Give explicit pairs instead, e.g. asymmetric:0.4:2=0,3=5`,
      );
    }
    return;
  }
  if (!Array.isArray(mapping) || mapping.length === 0) {
    throw new HarnessInputError('asymmetric mapping has no pairs; give at least one from=to pair, e.g. 9=1');
  }
  const seen = new Set<number>();
  for (const pair of mapping) {
    const [from, to] = pair;
    for (const c of [from, to]) {
      if (!Number.isInteger(c) || c < 0 || (numClasses !== undefined && c >= numClasses)) {
        const range = numClasses !== undefined ? `[0, ${numClasses})` : 'a class index >= 0';
        throw new HarnessInputError(`asymmetric mapping pair ${from}=${to}: class ${c} is not in ${range}`);
      }
    }
    if (seen.has(from)) throw new HarnessInputError(`asymmetric mapping maps class ${from} twice`);
    seen.add(from);
  }
}

/** `to` for each class (identity where unmapped). Assumes a validated mapping. */
export function mappingTable(mapping: AsymmetricMapping, numClasses: number): Int32Array {
  const table = new Int32Array(numClasses);
  for (let c = 0; c < numClasses; c++) table[c] = c;
  for (const [from, to] of mappingPairs(mapping)) table[from] = to;
  return table;
}
