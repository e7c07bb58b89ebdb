/**
 * A small pool of CLI child processes for independent, deterministic work on single-threaded backends (wasm and
 * cpu run on one core): the models of a run (parallel-training.ts) or the seeds of a multi-seed run
 * (parallel-seeds.ts). Each child is this installation's CLI with a hidden command that writes its result into the
 * run folder (checkpoints, a seed folder), so the parent then finds it finished and goes on as if it had done the
 * work itself.
 *
 * At most `width` children at once; their stderr lines are relayed (prefixed), a child's `error: ...` line becomes
 * the parent's error, and a SIGINT or SIGTERM of the parent is passed on so that every child stops at a checkpoint.
 * The parent passes a stop on as SIGTERM, once per child; the children ignore SIGINT (signals.ts StopOptions.child),
 * which a terminal's Ctrl-C also sends them, as the whole process group (they stay in it, so a hangup, Ctrl-Z or a
 * kill of the group reaches them as before). When the parent exits at once (a second signal, or the end of its grace
 * period), each child gets SIGTERM again, which makes it exit at once too, and the parent waits for them, killing
 * any still there shortly before EXIT_HOOK_MS (signals.ts onExitNow): nothing outlives the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessInputError } from '../errors.js';
import { EXIT_HOOK_MS, onExitNow, stopRequested } from './signals.js';

/** Backends whose work uses one core: children side by side pay off there. libtorch and tensorflow use them all. */
const SINGLE_THREADED = new Set(['wasm', 'cpu']);

/**
 * How many of `jobs` independent jobs to run side by side in children on this backend: min(workers, jobs), or 0 where
 * that does not pay off (a backend that uses every core itself, one worker, fewer than two jobs). `workers` defaults
 * to workerCount().
 */
export function sideBySideWidth(backendName: string, jobs: number, workers?: number): number {
  const w = Math.max(1, workers ?? workerCount());
  return SINGLE_THREADED.has(backendName) && w >= 2 && jobs >= 2 ? Math.min(w, jobs) : 0;
}

/** How many children run at once: TOPK_WORKERS when set (1 = one at a time, in this process), else one per core. */
export function workerCount(): number {
  const env = process.env.TOPK_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new HarnessInputError(`TOPK_WORKERS must be a positive integer, got '${env}'`, 'TOPK_WORKERS');
    return n;
  }
  return os.availableParallelism();
}

export interface ChildJob {
  /** Names the job in errors, e.g. 'training topk' or 'seed 3'. */
  name: string;
  /** Arguments of the CLI: a hidden command and its flags. */
  args: string[];
  /** TOPK_WORKERS of the child (its own parallelism). */
  workers: number;
  /** More environment for the child (e.g. TOPK_LIBTORCH_THREADS). */
  env?: Record<string, string>;
}

export interface ChildPoolOptions {
  jobs: readonly ChildJob[];
  width: number;
  log(line: string): void;
  /** Put in front of each relayed line of a job (e.g. '[seed 3] '); none by default. */
  prefix?(job: ChildJob): string;
  /** Aborting it stops the pool: no new jobs, and each running child gets SIGTERM (it stops at a checkpoint). */
  abort?: AbortSignal;
}

/** Lines of a child that the parent does not relay: npm's noise and the backend/data lines the parent prints once. */
const QUIET = /^npm warn|^backend: |^data: /;

/**
 * Run `jobs`, at most `width` at once; returns whether a signal cut them short. The first failure stops new jobs
 * from starting and is thrown once the running ones end: a child's exit code 2 (bad input) as a HarnessInputError
 * with the child's own one-line message.
 */
export async function runChildPool(o: ChildPoolOptions): Promise<{ interrupted: boolean }> {
  const queue = [...o.jobs];
  const live = new Set<ChildProcess>();
  const failures: { job: ChildJob; code: number; error?: string }[] = [];
  let interrupted = false;
  /** The children that got their stop (SIGTERM) already. */
  const stopped = new Set<ChildProcess>();
  const stop = (c: ChildProcess) => {
    if (alive(c) && !stopped.has(c)) {
      stopped.add(c);
      c.kill('SIGTERM');
    }
  };
  const forward = setInterval(() => {
    if (stopRequested() !== undefined) for (const c of live) stop(c);
  }, 100);
  const onAbort = () => {
    for (const c of live) stop(c);
  };
  o.abort?.addEventListener('abort', onAbort, { once: true });
  const removeExitHook = onExitNow(async () => {
    const running = [...live].filter(alive);
    const closed = running.map((c) => new Promise<void>((resolve) => c.once('close', () => resolve())));
    const fresh = running.filter((c) => !stopped.has(c)); // the parent's stop came before the forwarder ran
    running.forEach(stop);
    // the second SIGTERM: exit at once (apart from the first, so that the two are not merged into one pending signal)
    const again = setTimeout(() => running.forEach((c) => alive(c) && c.kill('SIGTERM')), fresh.length > 0 ? 50 : 0);
    const last = setTimeout(() => running.forEach((c) => alive(c) && c.kill('SIGKILL')), EXIT_HOOK_MS - 500);
    try {
      await Promise.all(closed);
    } finally {
      clearTimeout(again);
      clearTimeout(last);
    }
  });
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && failures.length === 0 && !interrupted && !o.abort?.aborted) {
      const job = queue.shift()!;
      const { code, error } = await runChild(o, job, live);
      if (code === 130 || code === 143) interrupted = true;
      else if (code !== 0) failures.push({ job, code, error });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.width, o.jobs.length)) }, worker));
  } finally {
    clearInterval(forward);
    removeExitHook();
    o.abort?.removeEventListener('abort', onAbort);
  }
  if (interrupted || stopRequested() !== undefined || o.abort?.aborted) return { interrupted: true };
  const failed = failures[0];
  if (failed !== undefined) {
    const message = failed.error ?? `${failed.job.name} failed in a child process with exit code ${failed.code}`;
    if (failed.code === 2) throw new HarnessInputError(message, failed.job.name);
    throw new Error(message);
  }
  return { interrupted: false };
}

function alive(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

/** The CLI entry of this installation: api/cli.ts under tsx from sources, dist/api/cli.js when compiled. */
function cliEntry(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return ['--import', 'tsx', path.resolve(path.dirname(here), '..', '..', 'api', 'cli.ts')];
  return [path.resolve(path.dirname(here), '..', '..', 'api', 'cli.js')];
}

/** Run one child; its exit code, and the message of its `error: ...` line (not relayed: the parent reports it). */
function runChild(o: ChildPoolOptions, job: ChildJob, live: Set<ChildProcess>): Promise<{ code: number; error?: string }> {
  const child = spawn(process.execPath, [...cliEntry(), ...job.args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...job.env, TOPK_WORKERS: String(job.workers) },
  });
  live.add(child);
  const prefix = o.prefix?.(job) ?? '';
  let buffer = '';
  let error: string | undefined;
  const relay = (line: string) => {
    if (line.startsWith('error: ')) error = line.slice('error: '.length);
    else if (line.trim() !== '' && !QUIET.test(line)) o.log(line.startsWith(prefix) ? line : prefix + line); // no '[x] [x] '
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
      resolve({ code: 1, error: `could not start a child process for ${job.name}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      if (buffer.trim() !== '') relay(buffer.trim());
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1), error });
    });
  });
}
