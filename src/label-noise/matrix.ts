/**
 * Validation of a user transition matrix T (row = true class, column = observed label; T[i][j] is the
 * probability that an example of class i is observed as j). Rows must be probability vectors.
 */
import { HarnessInputError } from '../errors.js';

/** Rows must sum to 1 within this absolute tolerance. */
export const ROW_SUM_TOLERANCE = 1e-6;

/** A sum or entry for an error message: 12 significant digits, so 0.1+0.2+0.6 prints as 0.9. */
function show(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : String(x);
}

/**
 * Throws HarnessInputError unless `matrix` is square (C x C when `numClasses` is given), every entry is a
 * finite number >= 0, and every row sums to 1 within ROW_SUM_TOLERANCE. Messages name the row (0-based).
 */
export function validateTransitionMatrix(matrix: readonly (readonly number[])[], numClasses?: number): void {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new HarnessInputError('transition matrix is empty; give C rows of C entries (C = number of classes)');
  }
  const size = matrix.length;
  if (numClasses !== undefined && size !== numClasses) {
    throw new HarnessInputError(
      `transition matrix has ${size} rows but the dataset has ${numClasses} classes; it must be ${numClasses} x ${numClasses}`,
    );
  }
  for (let i = 0; i < size; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== size) {
      const got = Array.isArray(row) ? `${row.length} ${row.length === 1 ? 'entry' : 'entries'}` : 'not a list';
      throw new HarnessInputError(
        `transition matrix row ${i} has ${got}; expected ${size} (the matrix must be square, one column per class)`,
      );
    }
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new HarnessInputError(`transition matrix entry [${i}][${j}] is ${String(v)}; entries must be finite numbers`);
      }
      if (v < 0) throw new HarnessInputError(`transition matrix entry [${i}][${j}] is ${show(v)}; entries must be >= 0`);
      sum += v;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new HarnessInputError(
        `transition matrix row ${i} sums to ${show(sum)}; each row must sum to 1 (within ${ROW_SUM_TOLERANCE.toExponential()})`,
      );
    }
  }
}
