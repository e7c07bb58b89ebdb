/**
 * The seeds of a multi-seed run side by side on single-threaded backends (wasm, cpu): each unfinished seed runs
 * as a whole (training, evaluation, suites, its scorecard) in a child process (`topk-harness run-seed`, a hidden
 * command; child-pool.ts), at most one per core, into <out>/seed-<s>/ exactly as `runSeed` would in this process.
 * Seeds are deterministic and independent, so the parent then finds them finished and aggregates them: the
 * scorecard is byte for byte the sequential one (tested). Cores left over (fewer seeds than cores) go to each
 * seed's own parallel training. libtorch spreads one training over every core: one seed at a time.
 *
 * A SIGINT or SIGTERM is passed on to the children, each stops at a checkpoint, and `run --resume` continues
 * every unfinished seed from its own.
 */
import type { BackendInfo } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import { runChildPool, sideBySideWidth, workerCount } from './child-pool.js';

export interface ParallelSeedsOptions {
  config: RunConfig;
  /** The multi-seed run folder (its config.json written). */
  outDir: string;
  backend: BackendInfo;
  /** The unfinished seeds, and the label of each in progress lines ("2 of 8"). */
  seeds: readonly number[];
  labels: readonly string[];
  log(line: string): void;
  quiet: boolean;
  /** Children at once; default TOPK_WORKERS, else the available cores. */
  workers?: number;
}

/** Run `seeds` in child processes when that pays off; returns whether it did, and whether a signal cut it short. */
export async function runSeedsInParallel(o: ParallelSeedsOptions): Promise<{ interrupted: boolean; parallel: boolean }> {
  const workers = Math.max(1, o.workers ?? workerCount());
  const width = sideBySideWidth(o.backend.name, o.seeds.length, workers);
  if (width === 0) return { interrupted: false, parallel: false };
  const inner = Math.max(1, Math.floor(workers / width));
  o.log(`running seeds ${o.seeds.join(', ')} side by side (${width} processes, ${o.backend.name}; TOPK_WORKERS=1 runs one at a time)`);
  const jobs = o.seeds.map((seed, i) => ({
    name: `seed ${seed}`,
    // the run's own backend request (not the resolved name), so that each seed's config.json and scorecard are the sequential ones
    args: ['run-seed', o.outDir, '--seed', String(seed), '--label', o.labels[i], '--backend', o.config.backend, ...(o.quiet ? ['--quiet'] : [])],
    workers: inner,
  }));
  const { interrupted } = await runChildPool({ jobs, width, log: o.log, prefix: (job) => `[${job.name}] ` });
  return { interrupted, parallel: true };
}
