/**
 * Independent trainings side by side on single-threaded backends. wasm and cpu run a model's training on one core,
 * so on a machine with more cores the models of a run are trained by child processes (child-pool.ts), one per model
 * and at most one per core, each with its own backend instance, into the run folder's checkpoints (`topk-harness
 * train-model`, a hidden command). Each child trains exactly what the parent would (same init, data order,
 * checkpoint identity), so the parent then finds every checkpoint complete and goes on as if it had trained them
 * itself: the scorecard is byte for byte the sequential one (tested). libtorch already spreads one training over
 * every core: one at a time.
 *
 * Children's progress lines are relayed to stderr; a SIGINT or SIGTERM of the parent is passed on, each child stops
 * at a checkpoint, and the run resumes from them.
 */
import * as path from 'node:path';
import type { BackendInfo } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import { checkpointComplete } from '../train/checkpoint.js';
import { runChildPool, sideBySideWidth } from './child-pool.js';

export interface ParallelTrainingOptions {
  config: RunConfig;
  outDir: string;
  backend: BackendInfo;
  /** Checkpoint keys of the run's models (their names). */
  keys: readonly string[];
  log(line: string): void;
  /** Whether each child also makes its model's test pass (eval/saved-predictions.ts), for a run that evaluates. */
  predictTest?: boolean;
  /** Children at once; default TOPK_WORKERS, else the available cores. */
  workers?: number;
}

/** Train the unfinished models of `keys` in child processes when that pays off; returns whether a signal cut it short. */
export async function trainInParallel(o: ParallelTrainingOptions): Promise<{ interrupted: boolean; parallel: boolean }> {
  // a damaged checkpoint throws its one-line CheckpointError here, in the parent, before any child starts
  const pending = o.keys.filter((k) => !checkpointComplete(path.join(o.outDir, 'checkpoints', `${k}.ckpt`), o.config.train.epochs));
  const width = sideBySideWidth(o.backend.name, pending.length, o.workers);
  if (width === 0) return { interrupted: false, parallel: false };
  o.log(`training ${pending.join(', ')} side by side (${width} processes, ${o.backend.name}; TOPK_WORKERS=1 trains one at a time)`);
  const jobs = pending.map((key) => ({ name: `training ${key}`, args: ['train-model', o.outDir, '--model', key, '--backend', o.backend.name, ...(o.predictTest ? ['--predict-test'] : [])], workers: 1 }));
  const { interrupted } = await runChildPool({ jobs, width, log: o.log });
  return { interrupted, parallel: true };
}
