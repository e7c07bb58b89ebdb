/**
 * Importing a plugin file the way its author wrote it: `.ts`, `.mts`, `.cts`, `.js`, `.mjs` or `.cjs`, in any folder,
 * with or without a package.json beside it.
 *
 * - JavaScript goes through Node's own import() (Node 20.19+ detects ES module syntax in a `.js` outside any
 *   `"type": "module"` package).
 * - TypeScript goes through tsx's `tsImport`, which compiles the file and its relative imports on the fly. A `.ts`
 *   outside an ES-module package is compiled to CommonJS there, so its exports come back wrapped once more
 *   (`{ default: { __esModule, default } }`); we unwrap that. Importing it with plain import() under a global tsx
 *   hook instead fails with "Cannot require() ES Module ... in a cycle", which is why the loader never does that.
 * - When the harness itself runs from its TypeScript sources (tests, `npm run cli`), a `.ts` inside an ES-module
 *   package is loaded the way the harness itself was (import(), or require() where tsx compiled it to CommonJS) so
 *   that it shares module instances with the harness (tsImport would load a second copy of everything it imports).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** True when this module runs from source under a TypeScript loader (tsx), not from compiled JavaScript. */
const runningFromSource = import.meta.url.endsWith('.ts');

/** The `type` of the nearest package.json above `file` ('commonjs' when none says 'module'). */
export function packageType(file: string): 'module' | 'commonjs' {
  let dir = dirname(file);
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return (JSON.parse(readFileSync(pj, 'utf8')) as { type?: string }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs'; // Node itself would refuse an unparsable package.json; let the import say so
      }
    }
    const up = dirname(dir);
    if (up === dir) return 'commonjs';
    dir = up;
  }
}

/** Import the module at an absolute file path and return its namespace (ES-module view). */
export async function importPluginFile(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file);
  const url = pathToFileURL(file).href;
  if (!TS_EXTENSIONS.has(ext)) return (await import(url)) as Record<string, unknown>;
  const esm = ext === '.mts' || (ext !== '.cts' && packageType(file) === 'module');
  if (runningFromSource && esm) {
    // Share module instances with the harness: when tsx compiled the harness to CommonJS (mocha loads test files
    // with require), load the plugin the same way, else both an ES-module and a CommonJS copy of src/ would run.
    if (typeof module !== 'undefined' && typeof require === 'function') return unwrapCommonJs({ default: require(file) as unknown });
    return (await import(url)) as Record<string, unknown>;
  }
  const { tsImport } = await import('tsx/esm/api');
  let mod: Record<string, unknown>;
  try {
    mod = (await tsImport(url, { parentURL: url })) as Record<string, unknown>;
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/Top-level await is currently not supported with the "cjs" output format/.test(msg)) {
      throw new Error(`top-level await needs an ES module: rename the file to .mts, or put a package.json with {"type": "module"} beside it`);
    }
    throw e;
  }
  return unwrapCommonJs(mod);
}

/** A CommonJS-compiled module's namespace is { default: module.exports }; with __esModule set, its exports are inside. */
function unwrapCommonJs(mod: Record<string, unknown>): Record<string, unknown> {
  const inner = mod.default as Record<string, unknown> | undefined;
  if (typeof inner === 'object' && inner !== null && inner.__esModule === true) {
    return Object.fromEntries(Object.keys(inner).filter((k) => k !== '__esModule').map((k) => [k, inner[k]]));
  }
  return mod;
}
