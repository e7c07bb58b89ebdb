/**
 * Independent trainings side by side on single-threaded backends. wasm and cpu run a model's training on one core,
 * so on a machine with more cores the models of a run are trained by child processes, one per model and at most
 * one per core, each with its own backend instance, into the run folder's checkpoints (`topk-harness train-model`,
 * a hidden command). Each child trains exactly what the parent would (same init, data order, checkpoint identity),
 * so the parent then finds every checkpoint complete and goes on as if it had trained them itself: the scorecard is
 * byte for byte the sequential one (tested). libtorch already spreads one training over every core: one at a time.
 *
 * Children's progress lines are relayed to stderr; a SIGINT or SIGTERM of the parent is passed on, each child stops
 * at a checkpoint, and the run resumes from them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendInfo } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import { HarnessInputError } from '../errors.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { stopRequested } from './signals.js';

/** Backends whose training uses one core: parallel children pay off there. */
const SINGLE_THREADED = new Set(['wasm', 'cpu']);

export interface ParallelTrainingOptions {
  config: RunConfig;
  outDir: string;
  backend: BackendInfo;
  /** Checkpoint keys of the run's models (their names). */
  keys: readonly string[];
  log(line: string): void;
  /** Children at once; default TOPK_WORKERS, else the available cores. */
  workers?: number;
}

/** How many trainings run at once: TOPK_WORKERS when set (1 = sequential), else one per core. */
export function workerCount(): number {
  const env = process.env.TOPK_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new HarnessInputError(`TOPK_WORKERS must be a positive integer, got '${env}'`, 'TOPK_WORKERS');
    return n;
  }
  return os.availableParallelism();
}

/** Train the unfinished models of `keys` in child processes when that pays off; returns whether a signal cut it short. */
export async function trainInParallel(o: ParallelTrainingOptions): Promise<{ interrupted: boolean; parallel: boolean }> {
  const workers = Math.max(1, o.workers ?? workerCount());
  const pending = o.keys.filter((k) => !complete(path.join(o.outDir, 'checkpoints', `${k}.ckpt`), o.config.train.epochs));
  if (!SINGLE_THREADED.has(o.backend.name) || workers < 2 || pending.length < 2) return { interrupted: false, parallel: false };
  const width = Math.min(workers, pending.length);
  o.log(`training ${pending.join(', ')} side by side (${width} processes, ${o.backend.name}; TOPK_WORKERS=1 trains one at a time)`);
  const queue = [...pending];
  const live = new Set<ChildProcess>();
  const failures: { key: string; code: number; error?: string }[] = [];
  let interrupted = false;
  const forward = setInterval(() => {
    const signal = stopRequested();
    if (signal !== undefined) for (const c of live) if (c.exitCode === null && !c.killed) c.kill(signal);
  }, 100);
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && failures.length === 0 && !interrupted) {
      const key = queue.shift()!;
      const { code, error } = await runChild(o, key, live);
      if (code === 130 || code === 143) interrupted = true;
      else if (code !== 0) failures.push({ key, code, error });
    }
  };
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    clearInterval(forward);
  }
  if (interrupted || stopRequested() !== undefined) return { interrupted: true, parallel: true };
  const failed = failures[0];
  if (failed !== undefined) {
    // the child's own one-line error is the run's: bad input (exit 2) stays a HarnessInputError
    const message = failed.error ?? `training ${failed.key} in a child process failed with exit code ${failed.code}`;
    if (failed.code === 2) throw new HarnessInputError(message, failed.key);
    throw new Error(message);
  }
  return { interrupted: false, parallel: true };
}

/**
 * True when the checkpoint exists and holds a finished training (all epochs). A damaged one throws its one-line
 * CheckpointError here, in the parent, before any child starts.
 */
function complete(file: string, epochs: number): boolean {
  if (!fs.existsSync(file)) return false;
  return loadCheckpoint<{ epoch: number }>(file).header.state.epoch >= epochs;
}

/** The CLI entry of this installation: api/cli.ts under tsx from sources, dist/api/cli.js when compiled. */
function cliEntry(): { args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { args: ['--import', 'tsx', path.resolve(path.dirname(here), '..', '..', 'api', 'cli.ts')] };
  return { args: [path.resolve(path.dirname(here), '..', '..', 'api', 'cli.js')] };
}

/** Run one child; its exit code, and the message of its `error: ...` line (not relayed: the parent reports it). */
function runChild(o: ParallelTrainingOptions, key: string, live: Set<ChildProcess>): Promise<{ code: number; error?: string }> {
  const { args } = cliEntry();
  const child = spawn(process.execPath, [...args, 'train-model', o.outDir, '--model', key, '--backend', o.backend.name], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOPK_WORKERS: '1' },
  });
  live.add(child);
  let buffer = '';
  let error: string | undefined;
  const relay = (line: string) => {
    if (line.startsWith('error: ')) error = line.slice('error: '.length);
    else if (line.trim() !== '' && !/^npm warn|^backend: |^data: /.test(line)) o.log(line);
  };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      relay(line);
    }
  });
  return new Promise((resolve) => {
    child.on('error', (e) => {
      live.delete(child);
      resolve({ code: 1, error: `[${key}] could not start a training process: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      if (buffer.trim() !== '') relay(buffer.trim());
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1), error });
    });
  });
}
