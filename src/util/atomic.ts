/**
 * Durable, atomic file writes: write every byte to a temporary file in the same directory, fsync it, rename it over
 * the target, then fsync the directory, so that a reader (or a resumed run) sees either the old file or the whole new
 * one, never a torn or truncated write, even after a crash or on a full disk. Any failure removes the temporary file
 * and throws a one-line FileWriteError (util/file-errors.ts) that names the path and the cause. The file-system calls go
 * through util/write-fs.ts, so tests can stand in a full disk or a read-only mount.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode, errnoError, FileWriteError, type FileWriteErrorOptions } from './file-errors.js';
import { writeFs, type WriteFs } from './write-fs.js';

/** Longest name of one path component, in bytes, on the usual file systems (ext4, xfs, btrfs, tmpfs, APFS). */
const NAME_MAX = 255;

/** fsync on a directory fails with these where the platform or file system does not support it; nothing is lost. */
const DIR_FSYNC_UNSUPPORTED = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EACCES', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF']);

/** Numbers the temporary files of this process, so two writes to one target never share a temporary name. */
let temporaryCounter = 0;

/**
 * Writes `data` (a string is UTF-8) to `file` atomically and durably, creating its folder if needed. Throws a
 * FileWriteError (a HarnessInputError: exit 2) for a full disk, a read-only mount, a missing permission, a directory
 * in the way and the like; the previous content of `file`, if any, is then untouched and no temporary file is left.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const io = writeFs();
  const errorOptions = fileErrorOptions(io);
  if (namesDirectory(file)) throw new FileWriteError(file, errnoError('EISDIR', 'open', file), errorOptions);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    makeDirectories(io, path.dirname(file));
  } catch (e) {
    throw asFileWriteError(file, e, errorOptions);
  }
  let tmp: string | undefined; // set while a temporary file exists
  let fd: number | undefined; // set while it is open
  try {
    ({ tmp, fd } = openTemporary(io, file));
    writeAll(io, fd, bytes, tmp);
    io.fsyncSync(fd);
    const open = fd;
    fd = undefined; // a failed close still releases the descriptor: never close it twice
    io.closeSync(open);
    io.renameSync(tmp, file);
    tmp = undefined;
  } catch (e) {
    if (fd !== undefined) ignoreErrors(() => io.closeSync(fd!));
    if (tmp !== undefined) ignoreErrors(() => io.unlinkSync(tmp!));
    throw asFileWriteError(file, e, errorOptions);
  }
  fsyncDirectory(io, path.dirname(file), file, errorOptions);
}

/** JSON with sorted keys (stable diffs, stable hashes) and a trailing newline. */
export function stableStringify(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(ArrayBuffer.isView(v))) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** `stableStringify(value)` written with writeFileAtomic. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, stableStringify(value));
}

/**
 * `mkdir -p dir`, throwing a one-line FileWriteError naming `dir` (a file in the way, a read-only mount, a full disk)
 * where `fs.mkdirSync(dir, { recursive: true })` would throw a raw error, or ENOENT for EROFS and ENOSPC.
 */
export function ensureDirectory(dir: string): void {
  const io = writeFs();
  try {
    makeDirectories(io, dir);
  } catch (e) {
    throw asFileWriteError(dir, e, { ...fileErrorOptions(io), directory: true });
  }
}

/**
 * Checks, before any work starts, that files can be written into `dir`: it is a directory, or it is missing and its
 * nearest existing ancestor is a directory (so it can be created), and a probe file can be created, written and
 * removed there. Creates nothing that outlives the call. Throws the FileWriteError that a later write would have met.
 */
export function checkWritableDir(dir: string): void {
  const io = writeFs();
  checkDirectoryFor(io, dir, dir, { ...fileErrorOptions(io), directory: true });
}

/**
 * Checks, before any work starts, that writeFileAtomic(file) could succeed: `file` is not a directory, an existing
 * `file` may be replaced (not immutable, not on a read-only mount), and its folder passes checkWritableDir. Throws the
 * FileWriteError that the write would have met, naming `file`.
 */
export function checkWritableFile(file: string): void {
  const io = writeFs();
  const errorOptions = fileErrorOptions(io);
  if (namesDirectory(file)) throw new FileWriteError(file, errnoError('EISDIR', 'open', file), errorOptions);
  let stat: { isDirectory(): boolean } | undefined;
  try {
    stat = io.statSync(file);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw asFileWriteError(file, e, errorOptions);
  }
  if (stat?.isDirectory()) throw new FileWriteError(file, errnoError('EISDIR', 'open', file), errorOptions);
  if (stat) {
    try {
      io.accessSync(file, fs.constants.W_OK);
    } catch (e) {
      // EPERM: immutable or append-only, so the rename would fail too. EACCES (mode bits) does not stop a rename.
      if (errnoCode(e) === 'EPERM' || errnoCode(e) === 'EROFS') throw asFileWriteError(file, e, errorOptions);
    }
  }
  checkDirectoryFor(io, path.dirname(file), file, errorOptions);
}

/** checkWritableDir's work, with errors naming `target` (the folder itself, or the file to be written in it). */
function checkDirectoryFor(io: WriteFs, dir: string, target: string, errorOptions: FileWriteErrorOptions): void {
  let existing = dir; // the nearest existing ancestor (or dir itself): where mkdir -p would start
  for (;;) {
    let stat: { isDirectory(): boolean };
    try {
      stat = io.statSync(existing);
    } catch (e) {
      const up = path.dirname(existing);
      if (errnoCode(e) === 'ENOENT' && up !== existing) {
        existing = up;
        continue;
      }
      throw asFileWriteError(target, e, errorOptions);
    }
    if (!stat.isDirectory()) throw new FileWriteError(target, errnoError('ENOTDIR', 'mkdir', existing), errorOptions);
    break;
  }
  const probe = path.join(existing, `.topk-write-probe.${process.pid}.${++temporaryCounter}.tmp`);
  let created = false;
  let fd: number | undefined;
  try {
    fd = io.openSync(probe, 'wx', 0o600);
    created = true;
    writeAll(io, fd, Buffer.from('\n'), probe);
    const open = fd;
    fd = undefined;
    io.closeSync(open);
  } catch (e) {
    if (fd !== undefined) ignoreErrors(() => io.closeSync(fd!));
    throw asFileWriteError(target, e, errorOptions);
  } finally {
    if (created) ignoreErrors(() => io.unlinkSync(probe));
  }
}

/**
 * `mkdir -p dir`, one level at a time: Node's own `{ recursive: true }` reports a read-only file system or a full disk
 * as ENOENT (nodejs/node#47098, #42808), which would name the wrong cause.
 */
function makeDirectories(io: WriteFs, dir: string): void {
  const missing: string[] = []; // from dir upwards
  for (let p = dir; ; p = path.dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = io.statSync(p).isDirectory();
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
      missing.push(p);
      if (path.dirname(p) === p) break;
      continue;
    }
    if (!isDirectory) throw errnoError('ENOTDIR', 'mkdir', p);
    break;
  }
  for (const p of missing.reverse()) {
    try {
      io.mkdirSync(p);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST' || !io.statSync(p).isDirectory()) throw e; // made by another process meanwhile
    }
  }
}

/** Creates a new temporary file beside `file` (never reusing one a crashed process left behind). */
function openTemporary(io: WriteFs, file: string): { tmp: string; fd: number } {
  for (let attempt = 0; ; attempt++) {
    const tmp = temporaryName(file);
    try {
      return { tmp, fd: io.openSync(tmp, 'wx', 0o666) };
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

/**
 * `<file>.<pid>.<n>.tmp` in the folder of `file`: unique across processes (pid) and within one (n). Ends in `.tmp`,
 * which readers of run folders skip. The name part taken from `file` is shortened to keep it within NAME_MAX bytes.
 */
function temporaryName(file: string): string {
  const suffix = `.${process.pid}.${++temporaryCounter}.tmp`;
  const room = NAME_MAX - Buffer.byteLength(suffix);
  let base = path.basename(file);
  while (Buffer.byteLength(base) > room) base = [...base].slice(0, -1).join('');
  return path.join(path.dirname(file), base + suffix);
}

/** Writes every byte of `bytes`, continuing short writes; a write that makes no progress means the disk is full. */
function writeAll(io: WriteFs, fd: number, bytes: Uint8Array, file: string): void {
  let offset = 0;
  while (offset < bytes.length) {
    const wrote = io.writeSync(fd, bytes, offset, bytes.length - offset, offset);
    if (!(wrote > 0)) throw errnoError('ENOSPC', 'write', file);
    offset += wrote;
  }
}

/** Makes the rename in `dir` durable; skipped where the platform cannot fsync a directory. */
function fsyncDirectory(io: WriteFs, dir: string, file: string, errorOptions: FileWriteErrorOptions): void {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  let fd: number;
  try {
    fd = io.openSync(dir, 'r');
  } catch (e) {
    if (DIR_FSYNC_UNSUPPORTED.has(errnoCode(e) ?? '')) return;
    throw asFileWriteError(file, e, errorOptions);
  }
  try {
    io.fsyncSync(fd);
  } catch (e) {
    if (!DIR_FSYNC_UNSUPPORTED.has(errnoCode(e) ?? '')) throw asFileWriteError(file, e, errorOptions);
  } finally {
    ignoreErrors(() => io.closeSync(fd));
  }
}

/** A system error (one with an errno code) as a FileWriteError naming `target`; anything else (a bug) as it is. */
function asFileWriteError(target: string, e: unknown, errorOptions: FileWriteErrorOptions): unknown {
  if (e instanceof FileWriteError || errnoCode(e) === undefined) return e;
  return new FileWriteError(target, e, errorOptions);
}

/** Error messages name the file that blocks a path as the layer in use sees it. */
function fileErrorOptions(io: WriteFs): FileWriteErrorOptions {
  return {
    isNonDirectory: (p) => {
      try {
        return !io.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

/** `out/` names a directory whatever is on disk. */
function namesDirectory(file: string): boolean {
  return file.endsWith('/') || file.endsWith(path.sep);
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // cleaning up after an error that is already being reported
  }
}
