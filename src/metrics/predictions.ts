/**
 * The one prediction type every metric consumes, and the one normaliser that produces it.
 *
 * Accepted inputs (all row-major, N examples x C classes):
 * - `number[][]`: N rows of C entries;
 * - `Float32Array | Float64Array` of length N*C, with `numClasses` in the options;
 * - `{ data, numClasses }` (a flat typed array and its row width);
 * - a `Predictions` value returned by `toPredictions` (passed through without re-validation).
 *
 * Probabilities must lie in [0, 1] and each row must sum to 1 within `ROW_SUM_TOLERANCE`. With `logits: true`
 * the values are unnormalised log-probabilities instead: they must be finite and go through a numerically
 * stable softmax (row maximum subtracted before `exp`). Validation happens once, in `toPredictions`; every
 * metric calls it, so a `Predictions` value can be reused across metrics at no extra cost. A `Predictions`
 * value is treated as immutable: do not write into its arrays after validation.
 */
import { HarnessInputError } from '../errors.js';
import { softmaxRows } from './softmax.js';

/** Largest allowed |row sum - 1| for probability rows. Float32 softmax outputs are well inside it. */
export const ROW_SUM_TOLERANCE = 1e-3;

/** A flat row-major matrix: `data.length = N * numClasses`. */
export interface FlatMatrix {
  data: Float32Array | Float64Array;
  numClasses: number;
}

/** Anything `toPredictions` accepts. */
export type ProbabilityInput = number[][] | Float32Array | Float64Array | FlatMatrix | Predictions;

/** Options shared by every metric that takes predictions. */
export interface PredictionOptions {
  /** Row width when the input is a bare typed array. */
  numClasses?: number;
  /** The values are logits: validate as finite and apply a stable softmax. Default false. */
  logits?: boolean;
}

const BRAND = Symbol('validated predictions');

/** Validated class probabilities: `probs[i * numClasses + k]` = p(class k | example i). */
export class Predictions {
  /** Number of examples, >= 1. */
  readonly n: number;
  /** Number of classes, >= 1. */
  readonly numClasses: number;
  /** Row-major probabilities, length n * numClasses, each row summing to 1 (within tolerance). */
  readonly probs: Float32Array | Float64Array;
  /** The logits the probabilities came from (when built with `logits: true`); NLL uses them directly. */
  readonly logits?: Float32Array | Float64Array;

  /** @internal Use `toPredictions`. */
  constructor(
    brand: typeof BRAND,
    n: number,
    numClasses: number,
    probs: Float32Array | Float64Array,
    logits?: Float32Array | Float64Array,
  ) {
    if (brand !== BRAND) throw new Error('Predictions are created by toPredictions(), not by new');
    this.n = n;
    this.numClasses = numClasses;
    this.probs = probs;
    this.logits = logits;
  }
}

/** Validate a matrix shape and flatten it (number[][] is copied into a Float64Array; typed arrays are not copied). */
export function toFlatMatrix(
  input: number[][] | Float32Array | Float64Array | FlatMatrix,
  numClassesOption: number | undefined,
  what: string,
): { data: Float32Array | Float64Array; n: number; numClasses: number } {
  let data: Float32Array | Float64Array;
  let numClasses: number;
  if (Array.isArray(input)) {
    const n = input.length;
    if (n === 0) throw new HarnessInputError(`${what} are empty: need at least one example`, what);
    const first = input[0];
    if (!Array.isArray(first)) throw new HarnessInputError(`${what} row 0 is not an array`, what);
    numClasses = first.length;
    if (numClasses === 0) throw new HarnessInputError(`${what} row 0 is empty: need at least one class`, what);
    if (numClassesOption !== undefined && numClassesOption !== numClasses) {
      throw new HarnessInputError(`${what} rows have ${numClasses} entries but numClasses is ${numClassesOption}`, what);
    }
    data = new Float64Array(n * numClasses);
    for (let i = 0; i < n; i++) {
      const row = input[i];
      if (!Array.isArray(row)) throw new HarnessInputError(`${what} row ${i} is not an array`, what);
      if (row.length !== numClasses) {
        throw new HarnessInputError(`${what} row ${i} has ${row.length} entries but row 0 has ${numClasses}`, what);
      }
      for (let k = 0; k < numClasses; k++) {
        const v = row[k];
        if (typeof v !== 'number') {
          throw new HarnessInputError(`${what} row ${i}, class ${k} is not a number (got ${JSON.stringify(v)})`, what);
        }
        data[i * numClasses + k] = v;
      }
    }
    return { data, n, numClasses };
  }
  if (input instanceof Float32Array || input instanceof Float64Array) {
    if (numClassesOption === undefined) {
      throw new HarnessInputError(`${what} given as a flat typed array need numClasses`, what);
    }
    data = input;
    numClasses = numClassesOption;
  } else if (input !== null && typeof input === 'object' && 'data' in input && 'numClasses' in input) {
    data = input.data;
    numClasses = input.numClasses;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new HarnessInputError(`${what}.data must be a Float32Array or Float64Array`, what);
    }
    if (numClassesOption !== undefined && numClassesOption !== numClasses) {
      throw new HarnessInputError(`${what} have numClasses ${numClasses} but the options say ${numClassesOption}`, what);
    }
  } else {
    throw new HarnessInputError(
      `${what} must be number[][], a Float32Array/Float64Array with numClasses, or { data, numClasses }`,
      what,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new HarnessInputError(`numClasses must be a positive integer; got ${numClasses}`, 'numClasses');
  }
  if (data.length === 0) throw new HarnessInputError(`${what} are empty: need at least one example`, what);
  if (data.length % numClasses !== 0) {
    throw new HarnessInputError(
      `${what} have ${data.length} values, which is not a multiple of numClasses ${numClasses}`,
      what,
    );
  }
  return { data, n: data.length / numClasses, numClasses };
}

/** Throws unless every entry is a probability and every row sums to 1 within ROW_SUM_TOLERANCE. */
function assertProbabilityRows(p: Float32Array | Float64Array, n: number, c: number): void {
  for (let i = 0, o = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < c; k++, o++) {
      const v = p[o];
      // One comparison pair catches NaN too (NaN fails both); sort out which below.
      if (!(v >= 0 && v <= 1)) {
        if (Number.isNaN(v)) throw new HarnessInputError(`predictions contain NaN at row ${i}, class ${k}`, 'predictions');
        throw new HarnessInputError(
          `probability at row ${i}, class ${k} is ${v}; probabilities must lie in [0, 1] (pass logits: true for logits)`,
          'predictions',
        );
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new HarnessInputError(
        `probabilities in row ${i} sum to ${Number(sum.toFixed(6))}; each row must sum to 1 (tolerance ${ROW_SUM_TOLERANCE})`,
        'predictions',
      );
    }
  }
}

/** Throws unless every logit is finite. */
export function assertFiniteLogits(z: Float32Array | Float64Array, numClasses: number): void {
  for (let o = 0; o < z.length; o++) {
    const v = z[o];
    if (!Number.isFinite(v)) {
      const i = Math.floor(o / numClasses);
      const k = o - i * numClasses;
      if (Number.isNaN(v)) throw new HarnessInputError(`predictions contain NaN at row ${i}, class ${k}`, 'predictions');
      throw new HarnessInputError(`logit at row ${i}, class ${k} is ${v}; logits must be finite`, 'predictions');
    }
  }
}

/**
 * The normaliser every metric uses: validates shape and values and returns `Predictions`.
 * A `Predictions` input is returned as is (it is already probabilities; `logits: true` with one is an error,
 * since applying softmax twice would silently change every metric).
 */
export function toPredictions(input: ProbabilityInput, options: PredictionOptions = {}): Predictions {
  if (input instanceof Predictions) {
    if (options.logits) {
      throw new HarnessInputError('logits: true was given, but the input is already validated probabilities', 'logits');
    }
    return input;
  }
  const { data, n, numClasses } = toFlatMatrix(input, options.numClasses, 'predictions');
  if (options.logits) {
    assertFiniteLogits(data, numClasses);
    return new Predictions(BRAND, n, numClasses, softmaxRows(data, numClasses), data);
  }
  assertProbabilityRows(data, n, numClasses);
  return new Predictions(BRAND, n, numClasses, data);
}

/**
 * Validate labels against the predictions: one per example, each an integer class index in [0, numClasses - 1].
 * Returns them as an Int32Array (a copy, so later writes to the input cannot change a result).
 */
export function toLabels(labels: ArrayLike<number>, n: number, numClasses: number): Int32Array {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new HarnessInputError('labels must be an array of class indices', 'labels');
  }
  if (labels.length !== n) {
    throw new HarnessInputError(`labels has ${labels.length} entries but predictions have ${n} rows`, 'labels');
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      throw new HarnessInputError(
        `label at index ${i} is ${typeof y === 'number' ? y : JSON.stringify(y)}; labels must be integers in [0, ${numClasses - 1}]`,
        'labels',
      );
    }
    out[i] = y;
  }
  return out;
}
