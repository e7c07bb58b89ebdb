/**
 * One loader for every plugin module, corruption or suite, user's or built-in: resolve the specifier (a file path
 * relative to cwd, a file: URL, or an npm package name), import it (import-module.ts), and hand back its default
 * export for the caller to validate. Every failure is a HarnessInputError whose message starts with the module and
 * says what is wrong (not found, a directory, failed to import and why, no default export); no stack traces.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessInputError } from '../errors.js';
import { importPluginFile } from './import-module.js';

export type PluginKind = 'corruption' | 'suite';

export interface LoadOptions {
  /** Directory relative paths and package names resolve from; default process.cwd(). */
  cwd?: string;
}

export interface LoadedExport {
  /** The module's default export, not yet validated. */
  value: unknown;
  /** The specifier as given (what messages and the scorecard name). */
  label: string;
  /** The resolved file, when the module is a file. */
  file?: string;
}

/** True when the specifier names a file rather than a package. */
export function looksLikePath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:')
    || /\.(m|c)?(j|t)sx?$/.test(specifier) || specifier.includes('\\');
}

/**
 * Import a plugin module and return its default export. `isDefinitionError` recognises the kind's validation error
 * thrown while the module evaluated (defineCorruption / defineSuite): `relabel` re-throws it with the file named.
 */
export async function loadPluginExport(
  kind: PluginKind,
  specifier: string,
  options: LoadOptions & { relabel?: (err: unknown, label: string) => Error | undefined } = {},
): Promise<LoadedExport> {
  const cwd = options.cwd ?? process.cwd();
  const field = kind === 'corruption' ? 'corruption.plugins' : 'suitePlugins';
  if (typeof specifier !== 'string' || specifier.trim() === '') {
    throw new HarnessInputError(`${kind} module: expected a file path or package name, got an empty string`, field);
  }
  const label = specifier;
  let file: string;
  if (looksLikePath(specifier)) {
    file = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolvePath(cwd, specifier);
    if (!existsSync(file)) throw new HarnessInputError(`${label}: ${kind} module not found (looked for ${file})`, label);
    if (statSync(file).isDirectory()) {
      throw new HarnessInputError(`${label}: is a directory; name the module file (e.g. ${specifier}/index.js)`, label);
    }
  } else {
    try {
      file = createRequire(resolvePath(cwd, 'package.json')).resolve(specifier);
    } catch {
      throw new HarnessInputError(`${label}: ${kind} package not found from ${cwd} (is it installed? a file path must start with ./ or /)`, label);
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importPluginFile(file);
  } catch (err) {
    const relabelled = options.relabel?.(err, label);
    if (relabelled) throw relabelled;
    const e = err as NodeJS.ErrnoException;
    const first = String(e?.message ?? err).split('\n')[0];
    throw new HarnessInputError(`${label}: failed to import ${kind} module: ${first}`, label);
  }
  if (!('default' in mod) || mod.default === undefined) {
    const named = Object.keys(mod).filter((k) => k !== 'default');
    const maker = kind === 'corruption' ? 'defineCorruption' : 'defineSuite';
    throw new HarnessInputError(
      `${label}: no default export; write 'export default ${maker}({ ... })'` + (named.length > 0 ? ` (found named exports: ${named.join(', ')})` : ''),
      label,
    );
  }
  return { value: mod.default, label, file };
}
