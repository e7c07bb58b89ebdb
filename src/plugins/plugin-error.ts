/**
 * A plugin's own failure (its code threw, or returned something the harness cannot use): one line naming the plugin,
 * where it came from and what happened, no stack trace (set TOPK_HARNESS_DEBUG=1 to get the plugin's stack). The
 * CLI exits with 2, as for any input the user supplied.
 */
import { HarnessInputError } from '../errors.js';

export class PluginError extends HarnessInputError {
  constructor(message: string, source: string, cause?: unknown) {
    super(message, source);
    this.name = 'PluginError';
    if (cause !== undefined) this.cause = cause;
  }
}

/** First line of an error's message (plugins' errors may carry long multi-line messages). */
export function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0];
}
