/** The corruption flags of `run`-like commands and the config layer they give (a light module: the CLI registers them). */
import type { CorruptionConfig } from './run-config.js';

/** Flags the `run` command gains (commander's camel-cased names). */
export interface CorruptionRunFlags {
  corruptionModule?: string[];
  severityTable?: CorruptionConfig['table'];
}

/** The `corruption` config layer the flags give, or undefined when neither was used. */
export function corruptionFlagOverrides(f: CorruptionRunFlags): Partial<CorruptionConfig> | undefined {
  const o: Partial<CorruptionConfig> = {};
  if (f.corruptionModule !== undefined) o.plugins = f.corruptionModule;
  if (f.severityTable !== undefined) o.table = f.severityTable;
  return Object.keys(o).length ? o : undefined;
}
