/** Parsing of CLI flag values, with errors that name the flag, the value and what is allowed. */
import { HarnessInputError } from '../errors.js';

export function intFlag(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new HarnessInputError(`${flag} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got '${value}'`, flag);
    }
    return n;
  };
}

export function numberFlag(flag: string, min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new HarnessInputError(`${flag} must be a number in [${min}, ${max}], got '${value}'`, flag);
    }
    return n;
  };
}
