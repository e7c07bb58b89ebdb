/**
 * A suite's independent work side by side on single-threaded backends (wasm, cpu): the items a suite names with
 * Suite.workItems (the label-noise suite: one retraining per noise spec and model) run in child processes
 * (`topk-harness suite-item`, a hidden command; child-pool.ts), at most one per core, before the suite's `run`.
 * Each child rebuilds the suite context from the run folder exactly as the run does (config, data splits, the
 * trained models from their checkpoints) and calls Suite.runWorkItem, which writes into the run folder what `run`
 * would have written itself (checkpoints, progress files). `run` then finds that work finished and reuses it: the
 * scorecard is byte for byte the sequential one (tested). libtorch spreads one training over every core: nothing
 * runs in children there, and `run` does the items one after another as before.
 *
 * A SIGINT or SIGTERM is passed on to the children, each stops at a checkpoint, and `run --resume` continues.
 */
import type { BackendInfo } from '../backend.js';
import { runChildPool, sideBySideWidth, workerCount } from './child-pool.js';

export interface SuiteItemsOptions {
  /** The run folder (config.json and the models' checkpoints written). */
  outDir: string;
  backend: BackendInfo;
  log(line: string): void;
  /** Children at once; default TOPK_WORKERS, else the available cores. */
  workers?: number;
}

/**
 * The runner of runSuites' `runItems` for this backend and worker count, or undefined where items would not run side
 * by side (then suites do their work in `run`, one item after another).
 */
export function suiteItemRunner(o: SuiteItemsOptions): ((suite: string, items: readonly string[]) => Promise<{ interrupted: boolean }>) | undefined {
  const workers = Math.max(1, o.workers ?? workerCount());
  if (sideBySideWidth(o.backend.name, 2, workers) === 0) return undefined; // no two items would run side by side
  return async (suite, items) => {
    const width = sideBySideWidth(o.backend.name, items.length, workers);
    o.log(`[suite ${suite}] ${items.length} work items side by side (${width} processes, ${o.backend.name}; TOPK_WORKERS=1 runs them one at a time)`);
    const jobs = items.map((item) => ({
      name: `${suite} ${item}`,
      args: ['suite-item', o.outDir, '--suite', suite, '--item', item, '--backend', o.backend.name],
      workers: 1,
    }));
    const { interrupted } = await runChildPool({ jobs, width, log: o.log, prefix: (job) => `[${job.name.slice(suite.length + 1)}] ` });
    return { interrupted };
  };
}
