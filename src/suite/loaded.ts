/**
 * Every suite this process has registered (built-ins once loaded, and plugins), by name, for the synchronous readers
 * of saved results: the multi-seed statistics and the gate ask a suite for the headline scalars of a scorecard that
 * does not carry them (scorecards written before `suiteMeta` existed). New scorecards carry their headlines.
 */
import type { Suite, SuiteHeadline } from './types.js';

// On globalThis: a second copy of this module (src/ loaded both as CommonJS and as ES modules) shares the map.
const seen = ((globalThis as Record<symbol, unknown>)[Symbol.for('topk-harness.loaded-suites')] ??= new Map<string, Suite>()) as Map<string, Suite>;

export function rememberSuite(suite: Suite): void {
  if (!seen.has(suite.name)) seen.set(suite.name, suite);
}

/** The suite called `name` if one was registered in this process. */
export function loadedSuite(name: string): Suite | undefined {
  return seen.get(name);
}

/**
 * A suite result's headline scalars: those stored with the scorecard (suiteMeta), else computed by the suite's own
 * `headline` if this process has that suite; undefined when neither is available. May throw the suite's error on a
 * result it cannot read.
 */
export function headlineOf(
  card: { suites: Record<string, unknown>; suiteMeta?: Record<string, { headline: SuiteHeadline[] }> },
  name: string,
): SuiteHeadline[] | undefined {
  const stored = card.suiteMeta?.[name]?.headline;
  if (stored !== undefined) return stored;
  const suite = loadedSuite(name);
  if (suite?.headline === undefined || card.suites[name] === undefined) return undefined;
  return suite.headline(card.suites[name]);
}

/** Names of the suites registered in this process so far (after builtinSuites(): at least the built-ins). */
export function knownSuiteNames(): string[] {
  return [...seen.keys()];
}
