/**
 * The one place the built-in corruptions and suites are registered: by module file, so that the registries load
 * them through the same loader as a user's plugins (`--corruption-module`, `--suite-module`). Imported for its effect
 * by every entry point (api/index.ts, the CLI, tests); nothing under src/ imports corruptions/ or suites/.
 */
import { fileURLToPath } from 'node:url';
import { registerBuiltinModules } from '../src/plugins/builtins.js';
import { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from '../src/corruptions/names.js';

/** Run from TypeScript sources (tsx) or from the compiled dist/: the built-ins have the same extension as this file. */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const file = (rel: string) => fileURLToPath(new URL(`${rel}${ext}`, import.meta.url));

/** The built-in suites in the order `--help` lists them. */
export const BUILTIN_SUITE_NAMES = ['calibration', 'sparsity', 'label-noise', 'corruption', 'ood'] as const;

registerBuiltinModules({
  corruptions: [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS].map((n) => file(`../corruptions/${n}`)),
  suites: BUILTIN_SUITE_NAMES.map((name) => ({ name, file: file(`../suites/${name}/index`) })),
});
