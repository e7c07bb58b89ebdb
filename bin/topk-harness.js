#!/usr/bin/env node
// Entry point of the `topk-harness` command (and of `npm start`). The installed package carries only the compiled
// JavaScript in dist/ and runs it with plain node. In a git checkout it runs dist/ too while dist/ is newer than
// every TypeScript source (`npm ci` and `npm run build` compile it), and the sources through tsx as soon as one is
// edited, so an edit takes effect without a rebuild. Why not always tsx: its loader cost each process about 0.5 s of
// start-up (measured on a training child: 3.85 s to its first validation pass through tsx, 3.35 s from dist/), and a
// run starts three processes.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist', 'api', 'cli.js');
const SOURCE_DIRS = ['api', 'src', 'suites', 'corruptions']; // tsconfig.build.json's include

/** Newest modification time (ms) of the .ts files under dir, or 0. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (!existsSync(compiled)) return false;
  const built = statSync(compiled).mtimeMs;
  return SOURCE_DIRS.every((d) => newestSource(path.join(root, d)) <= built);
}

const source = path.join(root, 'api', 'cli.ts');
if (existsSync(source) && !compiledIsFresh()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
