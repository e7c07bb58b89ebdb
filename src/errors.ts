/**
 * Errors the harness throws at its boundaries. Each carries a message that names the bad value and what is
 * allowed; the CLI prints `message` once and exits non-zero (2 for bad input).
 */

const INPUT_ERROR = Symbol.for('topk-harness.HarnessInputError');

/** Bad user input: config fields, CLI flags, plugin modules, data files. */
export class HarnessInputError extends Error {
  /** Dotted path of the offending field or the file name, when there is one. */
  readonly path?: string;
  constructor(message: string, path?: string) {
    super(message);
    this.name = 'HarnessInputError';
    this.path = path;
    Object.defineProperty(this, INPUT_ERROR, { value: true });
  }

  /**
   * `e instanceof HarnessInputError` also holds for one thrown by another copy of this module: a TypeScript plugin
   * compiled by tsx imports its own copy of the harness, and the CLI must still print its message in one line.
   * Subclasses keep the ordinary prototype check.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === HarnessInputError && typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[INPUT_ERROR] === true;
  }
}

/** A data file that exists but cannot be read as the format it claims to be. */
export class DataFileError extends HarnessInputError {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`, file);
    this.name = 'DataFileError';
  }
}

/** Training diverged: a loss or gradient norm was NaN or infinite. */
export class NonFiniteLossError extends Error {
  readonly step: number;
  constructor(step: number, what: string, value: number) {
    super(
      `${what} became ${value} at step ${step}; training stopped. Lower the learning rate or enable gradient ` +
        `clipping (train.gradClipNorm).`,
    );
    this.name = 'NonFiniteLossError';
    this.step = step;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The allowed choice closest to `value` when it is close enough to be a likely misspelling, else undefined. */
export function nearestChoice(value: string, allowed: readonly string[]): string | undefined {
  const best = [...allowed].sort((x, y) => editDistance(value, x) - editDistance(value, y))[0];
  return best !== undefined && editDistance(value, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** "unknown dataset 'mnsit'. Did you mean mnist? Allowed: mnist, fashion-mnist, ..." */
export function unknownChoiceMessage(what: string, value: string, allowed: readonly string[]): string {
  const best = nearestChoice(value, allowed);
  return `unknown ${what} '${value}'.${best !== undefined ? ` Did you mean ${best}?` : ''} Allowed: ${allowed.join(', ')}`;
}
