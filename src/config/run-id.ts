/** The default name of a run folder (a light module: the CLI computes it before loading the run code). */
import type { RunConfig } from './run-config.js';

/** Default run folder name: time, preset and seed, e.g. 20261128-193012-quick-s0. */
export function defaultRunId(config: RunConfig, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${config.preset}-s${config.seed}`;
}
