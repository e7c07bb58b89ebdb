/**
 * One process per run folder. proper-lockfile takes the lock (an atomic mkdir of <dir>/.lock, released on exit and
 * on signals), and the holder writes who it is (pid, host, start time) beside it (.lock-holder.json), so a second `run --resume` on the
 * same folder is refused naming the holder, and a lock left by a process that is gone is recognised:
 * - same host, pid no longer alive: stale, taken over at once;
 * - another host: cannot be checked from here; proper-lockfile takes it over once it has not been refreshed for a
 *   day (the holder refreshes it every 12 hours; training loops are synchronous, so refreshes can be late).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lockfile from 'proper-lockfile';
import { HarnessInputError } from '../errors.js';

const DAY_MS = 24 * 3600 * 1000;

interface Holder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export class RunFolderLockedError extends HarnessInputError {
  constructor(dir: string, holder: Holder | undefined) {
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since}: ${holder.command})` : 'another process';
    super(`run folder ${dir} is in use by ${who}; wait for it to finish, or stop it first`, dir);
    this.name = 'RunFolderLockedError';
  }
}

/** Lock `dir` (which must exist) for this process; returns the release function. */
export function lockRunFolder(dir: string): () => void {
  const lockDir = path.join(dir, '.lock');
  const holderFile = path.join(dir, '.lock-holder.json'); // beside the lock: proper-lockfile removes .lock with rmdir
  const holder = readHolder(holderFile);
  if (holder && holder.host === os.hostname() && !alive(holder.pid)) fs.rmSync(lockDir, { recursive: true, force: true });
  let release: () => void;
  try {
    release = lockfile.lockSync(dir, { lockfilePath: lockDir, stale: DAY_MS, realpath: false, onCompromised: () => {} });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new RunFolderLockedError(dir, readHolder(holderFile));
    throw e;
  }
  const me: Holder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command: process.argv.slice(2).join(' ') || 'topk-harness' };
  fs.writeFileSync(holderFile, JSON.stringify(me) + '\n');
  return () => {
    fs.rmSync(holderFile, { force: true });
    try {
      release();
    } catch {
      // already released (e.g. by proper-lockfile's exit handler)
    }
  };
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
  // a killed process whose parent has not reaped it yet still answers signal 0: a zombie holds nothing
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust signal 0
  }
}
