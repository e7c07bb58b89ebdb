/** `--shard i/n`: which shard of a multi-seed run this process runs (a light module for the CLI's option parsing). */
import { HarnessInputError } from '../errors.js';

/** Shard `index` of `count` (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/** Parse `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new HarnessInputError(`--shard must be i/n with 1 ≤ i ≤ n (shard i of n, e.g. 2/4), got '${value}'`, '--shard');
  }
  return { index, count };
}

