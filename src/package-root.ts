/**
 * The harness's own folder (where its package.json is), found by walking up from this file, so that the same code
 * finds it from the TypeScript sources (src/) and from the compiled package (dist/src/).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'topk-harness') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`internal error: no topk-harness package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
