/**
 * One-line errors for files the harness cannot write: a full disk, a read-only mount, a directory where a file was
 * meant, a missing permission. They are the user's environment, not a bug, so they are HarnessInputErrors (the CLI
 * prints the message in one line and exits 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HarnessInputError } from '../errors.js';

/** What a disk-full message tells the user to do unless the caller knows better (`withDiskFullAdvice`). */
export const DEFAULT_DISK_FULL_ADVICE = 'free some space, then run the command again';

/** The errno codes that mean "no room left": a full file system or a used-up quota. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

export interface FileWriteErrorOptions {
  /** The target is a folder that files are to be written into (checkWritableDir), not a file. Default false. */
  directory?: boolean;
  /** Replaces DEFAULT_DISK_FULL_ADVICE in ENOSPC/EDQUOT messages, e.g. `free some space, then resume with: ...`. */
  diskFullAdvice?: string;
  /** Answers "is this path a non-directory?" when naming the file that blocks a path (ENOTDIR); default node:fs. */
  isNonDirectory?: (p: string) => boolean;
}

/** A file or folder that cannot be written, with the errno code that said so (`code`, e.g. 'ENOSPC'). */
export class FileWriteError extends HarnessInputError {
  /** The errno code of the cause ('ENOSPC', 'EROFS', ...), or 'UNKNOWN' when it had none. */
  readonly code: string;
  /** The file (or folder) that was being written, as the caller named it. */
  readonly target: string;
  readonly cause: unknown;
  private readonly options: FileWriteErrorOptions;

  constructor(target: string, cause: unknown, options: FileWriteErrorOptions = {}) {
    const code = errnoCode(cause) ?? 'UNKNOWN';
    super(fileWriteMessage(target, code, cause, options), target);
    this.name = 'FileWriteError';
    this.code = code;
    this.target = target;
    this.cause = cause;
    this.options = options;
  }

  /** True for ENOSPC and EDQUOT: the write would succeed once space is freed. */
  get isDiskFull(): boolean {
    return DISK_FULL.has(this.code);
  }

  /** The same error whose disk-full message ends in `(advice)`; e.g. the run command offers its `--resume`. */
  withDiskFullAdvice(advice: string): FileWriteError {
    return new FileWriteError(this.target, this.cause, { ...this.options, diskFullAdvice: advice });
  }
}

/** The `code` of a Node.js system error ('ENOSPC'), or undefined for anything else. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** A Node.js-style system error (`code`, `syscall`, `path`), for file-system fakes that must fail like the real one. */
export function errnoError(code: string, syscall: string, file?: string): NodeJS.ErrnoException {
  const words = ERRNO_WORDS[code] ?? code.toLowerCase();
  const e: NodeJS.ErrnoException = new Error(`${code}: ${words}, ${syscall}${file !== undefined ? ` '${file}'` : ''}`);
  e.code = code;
  e.syscall = syscall;
  if (file !== undefined) e.path = file;
  return e;
}

/** Node's own words for the codes the fakes raise (the libuv strings). */
const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'illegal operation on a directory',
  ENOTDIR: 'not a directory',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EIO: 'i/o error',
  EXDEV: 'cross-device link not permitted',
  EEXIST: 'file already exists',
  ENOENT: 'no such file or directory',
  EFBIG: 'file too large',
  ENFILE: 'file table overflow',
  EINVAL: 'invalid argument',
  EBUSY: 'resource busy or locked',
};

/** The one-line message for `code` while writing `target`; see FileWriteError. */
function fileWriteMessage(target: string, code: string, cause: unknown, options: FileWriteErrorOptions): string {
  const dir = options.directory === true;
  const where = dir ? `in ${target}` : target;
  const advice = options.diskFullAdvice ?? DEFAULT_DISK_FULL_ADVICE;
  switch (code) {
    case 'ENOSPC':
      return `no space left on device while writing ${where} (${advice})`;
    case 'EDQUOT':
      return `disk quota exceeded while writing ${where} (${advice})`;
    case 'EROFS':
      return `read-only file system: cannot write ${where}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied writing ${where}`;
    case 'EISDIR':
      return dir ? `${target}: a directory is in the way of a file it needs` : `${target} is a directory; give a file name`;
    case 'ENOTDIR':
    case 'EEXIST': {
      const blocker = nonDirectoryAncestor(dir ? target : path.dirname(target), options.isNonDirectory ?? isNonDirectory);
      if (blocker === target) return `${target} is a file, not a directory`;
      if (blocker !== undefined) return `cannot write ${where}: ${blocker} is a file, not a directory`;
      return code === 'ENOTDIR' ? `cannot write ${where}: a part of its path is not a directory` : fallback(target, code, cause);
    }
    case 'ENAMETOOLONG':
      return `file name too long: ${target}`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files while writing ${where} (close other programs or raise the limit with ulimit -n)`;
    case 'EIO':
      return `input/output error while writing ${where} (the disk or network file system may be failing)`;
    case 'EFBIG':
      return `file too large for its file system: ${target}`;
    default:
      return fallback(target, code, cause);
  }
}

/** `/x/out: EXDEV (cross-device link not permitted)`, the words taken from Node's own message when it has them. */
function fallback(target: string, code: string, cause: unknown): string {
  const m = /^[A-Z0-9]+: ([^,\n]+)/.exec(cause instanceof Error ? cause.message : '');
  const words = m ? m[1].trim() : cause instanceof Error && code === 'UNKNOWN' ? cause.message.split('\n')[0] : '';
  return `${target}: ${code}${words ? ` (${words})` : ''}`;
}

/** `start` or its nearest ancestor, as the user spelled it, when that exists and is not a directory. */
function nonDirectoryAncestor(start: string, nonDir: (p: string) => boolean): string | undefined {
  for (let p = start; ; p = path.dirname(p)) {
    if (nonDir(p)) return p;
    if (path.dirname(p) === p) return undefined;
  }
}

function isNonDirectory(p: string): boolean {
  try {
    return !fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
