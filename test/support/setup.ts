/**
 * Loaded by mocha before every test file (.mocharc.json "require"): registers the built-in corruptions and suites
 * as the package's entry points do, and loads the built-in suites once so that synchronous readers of saved results
 * (the gate, multi-seed statistics) know them.
 */
import '../../api/builtins.js';
import { builtinSuites } from '../../src/suite/registry.js';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await builtinSuites();
  },
};
