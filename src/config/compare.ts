/**
 * Comparing a saved run configuration (a run folder's config.json) with the one a command resolves now: by value,
 * after filling the fields that were added to the harness since it was saved with today's preset defaults, and
 * ignoring `backend` (which machine runs a resumed or re-evaluated run is the user's choice; the scorecard records
 * the backend that ran).
 */
import type { RunConfig } from './run-config.js';
import { parseOverrides, resolveConfig } from './schema.js';
import { firstDifference } from '../util/diff.js';

/** "train.epochs is 1 in X but 2 in Y", or null when the configurations agree (backend aside). */
export function configDifference(savedText: string, savedName: string, config: RunConfig, configName: string): string | null {
  const saved = resolveConfig([parseOverrides(JSON.parse(savedText), savedName)]);
  // neither the backend nor the corruption time limit changes what a run computes: a resume may change them
  const comparable = (c: RunConfig) => ({ ...c, backend: null, corruption: { ...c.corruption, timeoutSeconds: null } });
  const d = firstDifference(comparable(saved), comparable(config));
  if (!d) return null;
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  return `${d.path} is ${show(d.a)} in ${savedName} but ${show(d.b)} in ${configName}`;
}
