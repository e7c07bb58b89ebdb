/** The built-in suites, by name. Order of execution follows the config's `suites` list. */
import type { Suite } from '../src/suite.js';
import calibration from './calibration.js';
import sparsity from './sparsity.js';
import labelNoise from './label-noise.js';
import corruption from './corruption.js';

export const SUITES: Record<string, Suite> = {
  [calibration.name]: calibration,
  [sparsity.name]: sparsity,
  [labelNoise.name]: labelNoise,
  [corruption.name]: corruption,
};
