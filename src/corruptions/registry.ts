/**
 * The corruption registry: the 19 built-ins plus plugins loaded from files or npm packages.
 *
 * - `createCorruptionRegistry({ plugins })` gives a registry with the built-ins and the given plugin modules.
 * - `registry.get(name)` throws "unknown corruption 'gausian_noise'. Did you mean gaussian_noise? Available: …".
 * - Registering a second corruption under a taken name is refused, naming both sources.
 * - `loadCorruptionModule(specifier)` imports a plugin (a path relative to cwd, or a package name), validates
 *   its default export and says what is wrong in which file.
 */
import { HarnessInputError, nearestChoice } from '../errors.js';
import { builtinModules } from '../plugins/builtins.js';
import { loadPluginExport, type LoadOptions } from '../plugins/load.js';
import { CorruptionDefinitionError, validateCorruption, type Corruption } from './define.js';
import { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from './names.js';

export type { LoadOptions } from '../plugins/load.js';
export { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from './names.js';
export { severityTableFor } from './define.js';

/** Where a registered corruption came from: 'built-in', or the plugin's resolved file path. */
export type CorruptionSource = 'built-in' | string;

/** A registry entry. */
export interface RegisteredCorruption {
  corruption: Corruption;
  source: CorruptionSource;
  /** The resolved module file it was loaded from (what a pool worker imports); absent for an object registered directly. */
  file?: string;
}

let builtins: Promise<Corruption[]> | undefined;
/** The built-in corruption objects once loaded (see isBuiltinCorruption). */
const builtinObjects = new WeakSet<Corruption>();
/** The module file of each built-in, by name: what a pool worker imports to run it. */
const builtinFiles = new Map<string, string>();

/**
 * The 19 built-in corruptions, the 15 benchmark ones in canonical order, then the 4 held-out ones: loaded once from
 * the module files the entry point registered (plugins/builtins.ts), through the same loader as a user's plugins.
 */
export function builtinCorruptions(): Promise<Corruption[]> {
  builtins ??= (async () => {
    const all: Corruption[] = [];
    for (const file of builtinModules().corruptions) {
      const { corruption } = await loadCorruptionModuleWithSource(file, {});
      builtinFiles.set(corruption.name, file);
      builtinObjects.add(corruption);
      all.push(corruption);
    }
    const order = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS] as string[];
    return all.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  })();
  return builtins;
}

/**
 * Whether `corruption` is one of the loaded built-in objects: these only read their input (tested for every one,
 * severity, table and channel count, with the WebAssembly kernels on and off), so they may be handed the dataset's
 * own pixels instead of a copy (apply.ts, pool-task.ts).
 */
export function isBuiltinCorruption(corruption: Corruption): boolean {
  return builtinObjects.has(corruption);
}

/** The module file of a built-in corruption (what a pool worker imports), or undefined for another object. */
export async function builtinCorruptionFile(corruption: Corruption): Promise<string | undefined> {
  return (await builtinCorruptions()).includes(corruption) ? builtinFiles.get(corruption.name) : undefined;
}

/** "unknown corruption 'x'. Did you mean y? Available: a, b, …" */
export function unknownCorruptionMessage(name: string, available: readonly string[]): string {
  const best = nearestChoice(name, available);
  const hint = best !== undefined ? ` Did you mean ${best}?` : '';
  return `unknown corruption '${name}'.${hint} Available: ${available.join(', ')}`;
}

/** A name → corruption map that refuses duplicates. */
export class CorruptionRegistry {
  private readonly entries = new Map<string, RegisteredCorruption>();

  /** Add a corruption; throws HarnessInputError when the name is taken. */
  register(corruption: Corruption, source: CorruptionSource = 'built-in', file?: string): void {
    const checked = validateCorruption(corruption, source === 'built-in' ? undefined : source);
    const existing = this.entries.get(checked.name);
    if (existing !== undefined) {
      const from = source === 'built-in' ? 'a built-in' : source;
      const other = existing.source === 'built-in' ? 'the built-in one' : `the one from ${existing.source}`;
      throw new HarnessInputError(
        `duplicate corruption name '${checked.name}': ${from} clashes with ${other}; give the plugin another name`,
        source === 'built-in' ? checked.name : source,
      );
    }
    this.entries.set(checked.name, { corruption: checked, source, file: file ?? (source === 'built-in' ? builtinFiles.get(checked.name) : undefined) });
  }

  /** Load a plugin module (see loadCorruptionModule) and register it. Returns the corruption. */
  async load(specifier: string, options: LoadOptions = {}): Promise<Corruption> {
    const { corruption, source, file } = await loadCorruptionModuleWithSource(specifier, options);
    this.register(corruption, source, file);
    return corruption;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The corruption called `name`; throws HarnessInputError with a suggestion and the list when unknown. */
  get(name: string): Corruption {
    const e = this.entries.get(name);
    if (e === undefined) throw new HarnessInputError(unknownCorruptionMessage(name, this.names()), 'corruption');
    return e.corruption;
  }

  /** The resolved module file `name` was loaded from, if any (for corruptDataset's `module`). */
  fileOf(name: string): string | undefined {
    this.get(name);
    return this.entries.get(name)!.file;
  }

  /** Where `name` came from. */
  sourceOf(name: string): CorruptionSource {
    this.get(name);
    return this.entries.get(name)!.source;
  }

  /** Registered names in registration order (built-ins first, canonical order). */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** All entries in registration order. */
  list(): RegisteredCorruption[] {
    return [...this.entries.values()];
  }

  /** The benchmark corruptions (the 15, canonical order) that are registered. */
  benchmark(): Corruption[] {
    return BENCHMARK_CORRUPTIONS.filter((n) => this.has(n)).map((n) => this.get(n));
  }

  /** The held-out extras that are registered. */
  heldOut(): Corruption[] {
    return HELD_OUT_CORRUPTIONS.filter((n) => this.has(n)).map((n) => this.get(n));
  }

  /** Corruptions that are neither benchmark nor held-out built-ins (plugins). */
  plugins(): Corruption[] {
    return this.list().filter((e) => e.source !== 'built-in').map((e) => e.corruption);
  }
}

export interface RegistryOptions extends LoadOptions {
  /** Plugin specifiers (file paths relative to cwd, or package names), loaded in order. */
  plugins?: readonly string[];
  /** Include the 19 built-ins (default true). */
  builtins?: boolean;
}

/** A registry with the built-ins and the given plugins. */
export async function createCorruptionRegistry(options: RegistryOptions = {}): Promise<CorruptionRegistry> {
  const reg = new CorruptionRegistry();
  if (options.builtins !== false) for (const c of await builtinCorruptions()) reg.register(c);
  for (const p of options.plugins ?? []) await reg.load(p, options);
  return reg;
}

/**
 * Import a corruption plugin and validate its default export. `specifier` is a file path (relative to cwd) or an
 * npm package name. Every failure is a HarnessInputError whose message starts with the file (or package) and
 * says what is wrong: not found, failed to import, no default export, or which fields are invalid.
 */
export async function loadCorruptionModule(specifier: string, options: LoadOptions = {}): Promise<Corruption> {
  return (await loadCorruptionModuleWithSource(specifier, options)).corruption;
}

async function loadCorruptionModuleWithSource(
  specifier: string, options: LoadOptions,
): Promise<{ corruption: Corruption; source: string; file?: string }> {
  const { value, label, file } = await loadPluginExport('corruption', specifier, {
    ...options,
    // defineCorruption threw while the module was being evaluated: name the file. (Duck-typed: the plugin may have
    // imported defineCorruption from another copy of the harness.)
    relabel: (err, l) => (isDefinitionError(err) ? new CorruptionDefinitionError(err.subject, err.issues, l) : undefined),
  });
  return { corruption: validateCorruption(value, label), source: label, file };
}

function isDefinitionError(err: unknown): err is CorruptionDefinitionError {
  const e = err as Partial<CorruptionDefinitionError> | null;
  return typeof e === 'object' && e !== null && e.name === 'CorruptionDefinitionError'
    && typeof e.subject === 'string' && Array.isArray(e.issues);
}
