/** Where the seeds of a multi-seed run keep their scorecards, and reading them back (the run writes, reports read). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HarnessInputError } from '../errors.js';
import { asScorecard, readScorecard } from './read.js';
import type { Scorecard } from './scorecard.js';

/** The folder of seed `seed` inside a multi-seed run folder: <outDir>/seed-<seed>. */
export function seedDir(outDir: string, seed: number): string {
  return path.join(outDir, `seed-${seed}`);
}

/** The finished scorecards of `seeds` in <outDir>/seed-<s>/, read back validated, in list order (throws naming an unfinished seed). */
export function readSeedScorecards(outDir: string, seeds: readonly number[]): Scorecard[] {
  return seeds.map((seed) => {
    const file = path.join(seedDir(outDir, seed), 'scorecard.json');
    if (!fs.existsSync(file)) throw new HarnessInputError(`seed ${seed} has not finished: ${file} is missing`, file);
    return asScorecard(readScorecard(file));
  });
}
