/**
 * The entry file of the corruption pool's worker threads (piscina; src/corruptions/pool.ts), which hands each task to
 * pool-task.ts loaded as an ES module.
 *
 * Why a trampoline: piscina first tries require() on its worker file. Running from source, tsx grants it by compiling
 * the file and everything it imports (dynamic import() included) to CommonJS, whose export getters made per-pixel
 * helper calls slow: brightness took 3.5 ms per 224 px image on the pool against 1.4 ms on the main thread, and the
 * pool did not scale. So this file registers tsx's ES-module hooks in its thread (a worker inherits only the CommonJS
 * one) and imports pool-task through an import() that stays one. From dist/ it is plain ES modules either way.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PoolResult, PoolTask } from './pool-task.js';

export type { PoolResult, PoolTask } from './pool-task.js';

// an import() that no compiler turns into require()
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

const fromSource = import.meta.url.endsWith('.ts');
const task = (async () => {
  if (fromSource) {
    // the ES-module build of tsx's API (its CommonJS build, required from here, points module.register at a wrong path)
    const api = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs');
    ((await importModule(pathToFileURL(api).href)) as { register(): void }).register();
  }
  return (await importModule(new URL(`./pool-task.${fromSource ? 'ts' : 'js'}`, import.meta.url).href)) as typeof import('./pool-task.js');
})();

export default async function corruptRange(t: PoolTask): Promise<PoolResult> {
  return (await task).corruptRange(t);
}
