/**
 * A run folder held by this process for the length of a `run` or `evaluate`: locked (lock.ts), created fresh or
 * resumed (prepareRunDir), removed again when the run fails before its first model starts (so a bad dataset path
 * or a missing backend leaves no folder holding only config.json), and with the wall time of every invocation
 * added up in <dir>/elapsed.json, so that a resumed run's timing.totalSeconds covers all of them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { lockRunFolder } from './lock.js';
import { configDifference } from '../config/compare.js';
import { HarnessInputError } from '../errors.js';
import { checkWritableDir, ensureDirectory, stableStringify, writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';

export interface RunFolder {
  dir: string;
  /** Seconds of earlier invocations plus this one so far. */
  elapsedSeconds(): number;
  /** Record the elapsed time (at stage boundaries, so that an invocation killed later still counts up to there). */
  saveElapsed(): void;
  /** The run has begun real work: from now on a failure keeps the folder for --resume. */
  started(): void;
  /** On a failure: remove the folder if this invocation created it and no work had begun. */
  discardIfUnstarted(): void;
  release(): void;
}

export function openRunFolder(dir: string, config: RunConfig, resume: boolean): RunFolder {
  const existed = fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
  checkWritableDir(dir); // one line for a read-only mount, a file in the way or a full disk, before anything is made
  ensureDirectory(dir);
  const release = lockRunFolder(dir);
  try {
    prepareRunDir(dir, config, resume);
  } catch (e) {
    release();
    if (!existed) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const file = path.join(dir, 'elapsed.json');
  const earlier = readEarlier(file);
  const t0 = performance.now();
  let begun = false;
  const elapsed = () => earlier + (performance.now() - t0) / 1000;
  return {
    dir,
    elapsedSeconds: elapsed,
    saveElapsed: () => writeJsonAtomic(file, { seconds: elapsed() }),
    started: () => void (begun = true),
    discardIfUnstarted: () => {
      if (existed || begun) return;
      release();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    release,
  };
}

function readEarlier(file: string): number {
  try {
    const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as { seconds?: unknown }).seconds;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
  } catch {
    return 0; // none yet (a first invocation), or unreadable: count from this invocation
  }
}

/** Create the run folder and its config.json; on resume, insist that the config has not changed. */
export function prepareRunDir(outDir: string, config: RunConfig, resume: boolean): void {
  const cfgPath = path.join(outDir, 'config.json');
  const text = stableStringify(config);
  if (fs.existsSync(cfgPath)) {
    if (!resume) {
      throw new HarnessInputError(`run folder ${outDir} already holds a run; use --resume ${outDir} to continue it or choose another --out`, 'out');
    }
    const diff = configDifference(fs.readFileSync(cfgPath, 'utf8'), cfgPath, config, "this run's configuration");
    if (diff) throw new HarnessInputError(`cannot resume ${outDir}: ${diff}`, 'resume');
    return;
  }
  if (resume && fs.existsSync(outDir) && fs.readdirSync(outDir).some((n) => !n.startsWith('.lock'))) {
    throw new HarnessInputError(`cannot resume ${outDir}: it has no config.json`, 'resume');
  }
  writeFileAtomic(cfgPath, text);
}
