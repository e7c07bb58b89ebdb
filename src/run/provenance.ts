/** Facts about the code and machine that produced a scorecard. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';


const require = createRequire(import.meta.url);
import { PACKAGE_ROOT } from '../package-root.js';

export { PACKAGE_ROOT };

export function harnessVersion(): string {
  return (require(path.join(PACKAGE_ROOT, 'package.json')) as { version: string }).version;
}

let commitAtStart: string | null | undefined;

/**
 * The git commit of the package ('<sha>-dirty' when tracked files differ from it; null outside git), as it was when
 * this module loaded: a run of hours records the code it started with, even when the working tree moves on under it.
 */
export function gitCommit(): string | null {
  if (commitAtStart === undefined) commitAtStart = readGitCommit();
  return commitAtStart;
}
gitCommit(); // captured at import, i.e. when the process starts

function readGitCommit(): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return null;
  }
}

export async function sharpVersions(): Promise<{ sharp: string | null; libvips: string | null }> {
  try {
    const sharp = (await import('sharp')).default;
    return { sharp: sharp.versions.sharp ?? null, libvips: sharp.versions.vips ?? null };
  } catch {
    return { sharp: null, libvips: null };
  }
}

export function machine(): { node: string; platform: string; cpu: string; cpuCount: number } {
  const cpus = os.cpus();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpu: cpus[0]?.model ?? 'unknown', cpuCount: cpus.length };
}
