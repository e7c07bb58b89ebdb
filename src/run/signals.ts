/**
 * SIGINT and SIGTERM during a run. The first signal asks the run to stop: training finishes its current step,
 * writes a checkpoint and returns as interrupted, so the CLI prints how to resume and exits with 130 (SIGINT) or
 * 143 (SIGTERM), as a shell expects. A run busy elsewhere (a suite evaluating corrupted images) gets GRACE_MS to
 * reach a stopping point, then exits with the same message: finished suites and checkpoints are on disk, and the
 * suite in progress restarts on resume. A second signal exits at once.
 *
 * Before either exit, the exit hooks run (onExitNow): the child-process pool tells its children to exit at once and
 * waits for them (up to EXIT_HOOK_MS, then kills what is left), so that no training child outlives the run that
 * started it. The pool's children stop on SIGTERM only (StopOptions.child).
 */

/** How long the first signal waits for the run to stop by itself. */
export const GRACE_MS = 5000;

export type StopSignal = 'SIGINT' | 'SIGTERM';

const EXIT_CODE: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** The most the exit hooks may delay an exit. */
export const EXIT_HOOK_MS = 3000;

let requested: StopSignal | undefined;

type ExitHook = (signal: StopSignal) => Promise<void>;
const exitHooks = new Set<ExitHook>();

/** Run `hook` before the process exits on a signal (see the module comment). Returns the function that removes it. */
export function onExitNow(hook: ExitHook): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** The exit hooks, then exit with the signal's code; a hook still busy after EXIT_HOOK_MS is not waited for. */
function exitAfterHooks(signal: StopSignal): void {
  if (exitHooks.size === 0) process.exit(EXIT_CODE[signal]);
  const limit = new Promise<void>((resolve) => setTimeout(resolve, EXIT_HOOK_MS).unref());
  const hooks = Promise.allSettled([...exitHooks].map((h) => Promise.resolve().then(() => h(signal)))); // a throwing hook as a rejection
  void Promise.race([hooks, limit]).then(() => process.exit(EXIT_CODE[signal]));
}

/** The signal that asked the run to stop, if any (training checks this after every step). */
export function stopRequested(): StopSignal | undefined {
  return requested;
}

export function exitCodeFor(signal: StopSignal): number {
  return EXIT_CODE[signal];
}

export interface StopOptions {
  /**
   * A child process of a pool (child-pool.ts): only SIGTERM, which its parent sends, stops it. SIGINT is ignored: a
   * terminal's Ctrl-C goes to the whole process group, and the parent passes it on as SIGTERM, once; counted from
   * both, a child would take the second for "exit at once" and stop without its checkpoint.
   */
  child?: boolean;
}

/**
 * Install the handlers for one command; `resumeHint` is the line printed on the way out (e.g. `interrupted; resume
 * with: topk-harness run --resume DIR`). Returns the function that removes them.
 */
export function stopOnSignals(
  resumeHint: () => string, write: (line: string) => void = (l) => process.stderr.write(l + '\n'), options: StopOptions = {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let exiting = false;
  const handler = (signal: StopSignal) => {
    if (requested !== undefined) {
      if (exiting) process.exit(EXIT_CODE[signal]); // a third: not even the hooks
      exiting = true;
      write(`${signal} again: exiting now. ${resumeHint()}`);
      exitAfterHooks(signal);
      return;
    }
    requested = signal;
    write(`${signal}: stopping at the next checkpoint (up to ${GRACE_MS / 1000} s; ${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again exits at once)`);
    timer = setTimeout(() => {
      exiting = true;
      write(resumeHint());
      exitAfterHooks(signal);
    }, GRACE_MS);
    timer.unref();
  };
  const ignore = () => {};
  const onInterrupt = options.child ? ignore : handler;
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', handler);
    if (timer) clearTimeout(timer);
  };
}

/** For tests: forget a stop request. */
export function resetStopRequest(): void {
  requested = undefined;
}
