/**
 * Independent trainings side by side on single-threaded backends. wasm and cpu run a model's training on one core,
 * so on a machine with more cores the models of a run are trained by child processes (child-pool.ts), one per model
 * and at most one per core, each with its own backend instance, into the run folder's checkpoints (`topk-harness
 * train-model`, a hidden command). Each child trains exactly what the parent would (same init, data order,
 * checkpoint identity), so the parent then finds every checkpoint complete and goes on as if it had trained them
 * itself: the scorecard is byte for byte the sequential one (tested). On libtorch, which spreads one training over
 * every core, the children split the threads instead (trainingWidth: measured faster).
 *
 * Children's progress lines are relayed to stderr; a SIGINT or SIGTERM of the parent is passed on, each child stops
 * at a checkpoint, and the run resumes from them.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AUTO_ORDER, type BackendInfo } from '../backend.js';
import type { BackendChoice } from '../backend-choices.js';
import { defaultLibtorchThreads } from '../backend-libtorch/index.js';
import { ADDON_PATH } from '../backend-libtorch/native.js';
import type { RunConfig } from '../config/run-config.js';
import { checkpointComplete } from '../train/checkpoint.js';
import { runChildPool, sideBySideWidth, workerCount } from './child-pool.js';

/** What the pool needs of the backend: its name, and libtorch's thread count. */
export type TrainingBackend = Pick<BackendInfo, 'name'> & { libtorch?: { threads: number } };

export interface ParallelTrainingOptions {
  config: RunConfig;
  outDir: string;
  backend: TrainingBackend;
  /** Checkpoint keys of the run's models (their names). */
  keys: readonly string[];
  log(line: string): void;
  /** Whether each child also makes its model's test pass (eval/saved-predictions.ts), for a run that evaluates. */
  predictTest?: boolean;
  /** Children at once; default TOPK_WORKERS, else the available cores. */
  workers?: number;
  /** Stops the children (SIGTERM: each stops at a checkpoint); the result is then { interrupted: true }. */
  abort?: AbortSignal;
}

/**
 * The backend `initBackend(requested)` will give, resolved without loading it, so that the training children can
 * start while this process loads its own (the libtorch addon's load alone took 0.6-0.8 s of the parent's start):
 * wasm and cpu as asked; libtorch as asked, or under 'auto' when the addon is built and tfjs-node is not installed
 * (auto tries tfjs-node first). Undefined where that cannot be told without loading (tfjs-node installed, or asked
 * for: it trains on every core, no children) — the caller then starts the children after its own initBackend, and
 * checks the guess against it in every case.
 */
export function earlyTrainingBackend(requested: BackendChoice): TrainingBackend | undefined {
  for (const name of requested === 'auto' ? AUTO_ORDER : [requested]) {
    if (name === 'tensorflow') {
      if (requested !== 'auto' || tfjsNodeInstalled()) return undefined;
      continue; // not installed: auto goes on
    }
    if (name === 'libtorch' && requested === 'auto' && !existsSync(ADDON_PATH)) continue;
    return name === 'libtorch' ? { name, libtorch: { threads: defaultLibtorchThreads() } } : { name };
  }
  return undefined;
}

function tfjsNodeInstalled(): boolean {
  try {
    import.meta.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * How many trainings side by side, and the libtorch threads of each child. Single-threaded backends: one per core.
 * libtorch: one per core too, each child with its share of the threads. Measured on the 2-core machine (quick preset's
 * model): one training on 2 threads 1,862 images/s; two side by side on one thread each 1,603 + 1,471 images/s, so
 * the pair of models trains 1.65x faster. libtorch's results do not depend on its thread count (the checkpoints of a
 * 1- and a 2-thread training differ only in their recorded seconds), so the scorecard stays the sequential one.
 */
export function trainingWidth(backend: TrainingBackend, jobs: number, workers?: number): { width: number; libtorchThreads?: number } {
  if (backend.name !== 'libtorch') return { width: sideBySideWidth(backend.name, jobs, workers) };
  const w = Math.min(Math.max(1, workers ?? workerCount()), jobs);
  const threads = backend.libtorch?.threads ?? 1;
  if (w < 2 || threads < 2) return { width: 0 };
  const width = Math.min(w, threads);
  return { width, libtorchThreads: Math.max(1, Math.floor(threads / width)) };
}

/** Train the unfinished models of `keys` in child processes when that pays off; returns whether a signal cut it short. */
export async function trainInParallel(o: ParallelTrainingOptions): Promise<{ interrupted: boolean; parallel: boolean }> {
  // a damaged checkpoint throws its one-line CheckpointError here, in the parent, before any child starts
  const pending = o.keys.filter((k) => !checkpointComplete(path.join(o.outDir, 'checkpoints', `${k}.ckpt`), o.config.train.epochs));
  const { width, libtorchThreads } = trainingWidth(o.backend, pending.length, o.workers);
  if (width === 0) return { interrupted: false, parallel: false };
  const each = libtorchThreads ? `, ${libtorchThreads} thread${libtorchThreads === 1 ? '' : 's'} each` : '';
  o.log(`training ${pending.join(', ')} side by side (${width} processes, ${o.backend.name}${each}; TOPK_WORKERS=1 trains one at a time)`);
  const env = libtorchThreads ? { TOPK_LIBTORCH_THREADS: String(libtorchThreads) } : undefined;
  const jobs = pending.map((key) => ({
    name: `training ${key}`,
    args: ['train-model', o.outDir, '--model', key, '--backend', o.backend.name, ...(o.predictTest ? ['--predict-test'] : [])],
    workers: 1,
    env,
  }));
  const { interrupted } = await runChildPool({ jobs, width, log: o.log, abort: o.abort });
  return { interrupted, parallel: true };
}
