/**
 * Where the built-in corruptions and suites come from. The core (src/) never imports corruptions/ or suites/: the
 * composition root (api/builtins.ts) registers their module files here once, and the registries load them through
 * the same loader as a user's plugins (plugins/load.ts). Loading happens once per process and is cached.
 */
export interface BuiltinModules {
  /** Module files of the 19 built-in corruptions, any order (the registry sorts them canonically). */
  corruptions: readonly string[];
  /** The built-in suites' names and module files, in the order `--help` lists them. */
  suites: readonly { name: string; file: string }[];
}

// Kept on globalThis so that a second copy of this module (tests can load src/ both as CommonJS and as ES modules)
// sees the same registration.
const STATE = ((globalThis as Record<symbol, unknown>)[Symbol.for('topk-harness.builtin-modules')] ??= { registered: undefined }) as { registered?: BuiltinModules };

/** Called once by api/builtins.ts. A second call with other files is a harness bug. */
export function registerBuiltinModules(modules: BuiltinModules): void {
  if (STATE.registered !== undefined && JSON.stringify(STATE.registered) !== JSON.stringify(modules)) {
    throw new Error('internal error: the built-in modules were registered twice with different files');
  }
  STATE.registered = { corruptions: [...modules.corruptions], suites: modules.suites.map((s) => ({ ...s })) };
}

/** The registered built-in module files; an internal error when no entry point registered them. */
export function builtinModules(): BuiltinModules {
  if (STATE.registered === undefined) {
    throw new Error("internal error: no built-in corruptions or suites registered; import 'topk-harness' (api/index.ts) or api/builtins.ts first");
  }
  return STATE.registered;
}
