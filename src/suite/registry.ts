/**
 * The suite registry: the built-in suites plus plugin suites from files or npm packages, all loaded through the same
 * loader (plugins/load.ts) and validated by validateSuite.
 *
 * - `createSuiteRegistry({ plugins })`: the built-ins and the given plugin modules.
 * - `registry.get(name)` throws "unknown suite 'calibraton'. Did you mean calibration? Allowed: …".
 * - A second suite under a taken name is refused, naming both sources.
 */
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { builtinModules } from '../plugins/builtins.js';
import { loadPluginExport, type LoadOptions } from '../plugins/load.js';
import { SuiteDefinitionError, validateSuite } from './define.js';
import { rememberSuite } from './loaded.js';
import type { Suite } from './types.js';

/** 'built-in', or the plugin's specifier as given. */
export type SuiteSource = 'built-in' | string;

export interface RegisteredSuite {
  suite: Suite;
  source: SuiteSource;
}

export class SuiteRegistry {
  private readonly entries = new Map<string, RegisteredSuite>();

  register(suite: Suite, source: SuiteSource = 'built-in'): void {
    const checked = validateSuite(suite, source === 'built-in' ? undefined : source);
    const existing = this.entries.get(checked.name);
    if (existing !== undefined) {
      const from = source === 'built-in' ? 'a built-in' : source;
      const other = existing.source === 'built-in' ? 'the built-in one' : `the one from ${existing.source}`;
      throw new HarnessInputError(`duplicate suite name '${checked.name}': ${from} clashes with ${other}; give the plugin another name`, source);
    }
    this.entries.set(checked.name, { suite: checked, source });
    rememberSuite(checked);
  }

  /** Load a plugin module and register it; returns the suite. */
  async load(specifier: string, options: LoadOptions = {}): Promise<Suite> {
    const suite = await loadSuiteModule(specifier, options);
    this.register(suite, specifier);
    return suite;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): Suite {
    const e = this.entries.get(name);
    if (e === undefined) throw new HarnessInputError(unknownChoiceMessage('suite', name, this.names()), 'suites');
    return e.suite;
  }

  /** The suite, or undefined when none has that name. */
  find(name: string): Suite | undefined {
    return this.entries.get(name)?.suite;
  }

  sourceOf(name: string): SuiteSource {
    this.get(name);
    return this.entries.get(name)!.source;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  list(): RegisteredSuite[] {
    return [...this.entries.values()];
  }

  /** Plugin suites, in load order. */
  plugins(): RegisteredSuite[] {
    return this.list().filter((e) => e.source !== 'built-in');
  }
}

/** Import a suite plugin and validate its default export; every failure names the module and what is wrong. */
export async function loadSuiteModule(specifier: string, options: LoadOptions = {}): Promise<Suite> {
  const { value, label } = await loadPluginExport('suite', specifier, {
    ...options,
    relabel: (err, l) => (isSuiteDefinitionError(err) ? new SuiteDefinitionError(err.subject, err.issues, l) : undefined),
  });
  return validateSuite(value, label);
}

let builtins: Promise<Suite[]> | undefined;

/** The built-in suites, loaded once from the files the entry point registered, in registration order. */
export function builtinSuites(): Promise<Suite[]> {
  builtins ??= (async () => {
    const out: Suite[] = [];
    for (const { name, file } of builtinModules().suites) {
      const suite = await loadSuiteModule(file);
      if (suite.name !== name) throw new Error(`internal error: built-in suite ${file} is called '${suite.name}', registered as '${name}'`);
      rememberSuite(suite);
      out.push(suite);
    }
    return out;
  })();
  return builtins;
}

export interface SuiteRegistryOptions extends LoadOptions {
  /** Plugin suite specifiers (file paths relative to cwd, or package names), loaded in order. */
  plugins?: readonly string[];
  /** Include the built-ins (default true). */
  builtins?: boolean;
}

export async function createSuiteRegistry(options: SuiteRegistryOptions = {}): Promise<SuiteRegistry> {
  const reg = new SuiteRegistry();
  if (options.builtins !== false) for (const s of await builtinSuites()) reg.register(s);
  for (const p of options.plugins ?? []) await reg.load(p, options);
  return reg;
}

function isSuiteDefinitionError(err: unknown): err is SuiteDefinitionError {
  const e = err as Partial<SuiteDefinitionError> | null;
  return typeof e === 'object' && e !== null && e.name === 'SuiteDefinitionError' && typeof e.subject === 'string' && Array.isArray(e.issues);
}
