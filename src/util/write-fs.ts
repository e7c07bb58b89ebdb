/**
 * The file-system calls that durable writes (util/atomic.ts) go through, behind an interface so that a test can
 * stand in a full disk, a read-only mount or short writes without root: `withWriteFs(limitedWriteFs({ capacityBytes:
 * 1000 }), () => ...)`. The default is node:fs itself.
 */
import * as fs from 'node:fs';
import { errnoError } from './file-errors.js';

/** The subset of node:fs that writeFileAtomic, checkWritableDir and checkWritableFile use; same signatures. */
export interface WriteFs {
  openSync(file: string, flags: string, mode?: number): number;
  /** Writes up to `length` bytes of `buffer` from `offset`; returns how many it wrote (maybe fewer: a short write). */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
  /** Creates one directory whose parent exists (not recursive: Node's recursive mkdir reports EROFS/ENOSPC as ENOENT). */
  mkdirSync(dir: string): void;
  statSync(file: string): { isDirectory(): boolean };
  accessSync(file: string, mode?: number): void;
}

/** node:fs itself. */
export const realWriteFs: WriteFs = {
  openSync: (file, flags, mode) => fs.openSync(file, flags, mode),
  writeSync: (fd, buffer, offset, length, position) => fs.writeSync(fd, buffer, offset, length, position),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (file) => fs.unlinkSync(file),
  mkdirSync: (dir) => fs.mkdirSync(dir),
  statSync: (file) => fs.statSync(file),
  accessSync: (file, mode) => fs.accessSync(file, mode),
};

let current: WriteFs = realWriteFs;

/** The layer durable writes use now. */
export function writeFs(): WriteFs {
  return current;
}

/** Makes every durable write go through `layer` (realWriteFs to undo); returns the layer it replaces. */
export function setWriteFs(layer: WriteFs): WriteFs {
  const before = current;
  current = layer;
  return before;
}

/**
 * Runs `fn` with durable writes going through `layer`, then puts the previous layer back, also when `fn` throws; an
 * async `fn` keeps the layer until its promise settles (so do not run other writes concurrently meanwhile).
 */
export function withWriteFs<T>(layer: WriteFs, fn: () => T): T {
  const before = setWriteFs(layer);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    setWriteFs(before);
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => setWriteFs(before)) as T;
  }
  setWriteFs(before);
  return result;
}

export interface LimitedWriteFsOptions {
  /**
   * Bytes the fake disk accepts, counted over the files written through it (files that were there before count
   * nothing); removing a file or renaming over one gives its bytes back, as on a real disk.
   */
  capacityBytes: number;
  /** Most bytes one writeSync call writes, to exercise short writes; default: no limit. */
  maxBytesPerWrite?: number;
  /** What a write does once the disk is full: throw ENOSPC like Linux (default), or return 0 bytes written. */
  whenFull?: 'enospc' | 'zero';
}

/** A WriteFs over the real node:fs whose disk fills after `capacityBytes`: what a full disk does to a write. */
export function limitedWriteFs(options: LimitedWriteFsOptions): WriteFs & { bytesUsed(): number } {
  const sizes = new Map<string, number>(); // file -> bytes written through this layer
  const files = new Map<number, string>(); // open fd -> file
  const used = () => [...sizes.values()].reduce((a, b) => a + b, 0);
  return {
    ...realWriteFs,
    bytesUsed: used,
    openSync(file, flags, mode) {
      const fd = fs.openSync(file, flags, mode);
      files.set(fd, file);
      if (flags.startsWith('w')) sizes.set(file, 0);
      return fd;
    },
    writeSync(fd, buffer, offset, length, position) {
      const file = files.get(fd);
      const free = Math.max(0, options.capacityBytes - used());
      if (free === 0 && length > 0) {
        if (options.whenFull === 'zero') return 0;
        throw errnoError('ENOSPC', 'write');
      }
      const n = Math.min(length, free, options.maxBytesPerWrite ?? Infinity);
      const wrote = fs.writeSync(fd, buffer, offset, n, position);
      if (file !== undefined) sizes.set(file, (sizes.get(file) ?? 0) + wrote);
      return wrote;
    },
    closeSync(fd) {
      files.delete(fd);
      fs.closeSync(fd);
    },
    renameSync(from, to) {
      fs.renameSync(from, to);
      sizes.set(to, sizes.get(from) ?? 0);
      sizes.delete(from);
    },
    unlinkSync(file) {
      fs.unlinkSync(file);
      sizes.delete(file);
    },
  };
}

/**
 * A WriteFs over the real node:fs in which `call` fails with the errno `code` (e.g. `failingWriteFs('openSync',
 * 'EROFS')` for a read-only mount, `failingWriteFs('renameSync', 'EPERM')` for an immutable target); every other call
 * is real. `when` picks which calls fail (default: all of them).
 */
export function failingWriteFs(call: keyof WriteFs, code: string, when: (args: unknown[]) => boolean = () => true): WriteFs {
  const real = realWriteFs[call] as (...args: unknown[]) => unknown;
  const failing = (...args: unknown[]) => {
    if (when(args)) throw errnoError(code, call.replace(/Sync$/, ''), typeof args[0] === 'string' ? args[0] : undefined);
    return real(...args);
  };
  return { ...realWriteFs, [call]: failing };
}
