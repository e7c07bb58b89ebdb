/**
 * How an error message shows a value it refuses. Two forms, for two audiences:
 * - `describeValue`: what a plugin handed over, by kind ('a function', 'an array of length 3', 'a Float32Array',
 *   strings quoted 'like this'): a plugin's values are often functions and typed arrays whose JSON says nothing;
 * - `jsonExcerpt`: the value as it stands in a JSON file (a config, a scorecard), cut at 60 characters, so that
 *   the user can find it in the file.
 */

/** Short printable description of any value, by kind. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return 'an object';
}

/** The value as JSON, at most 60 characters ('nothing' for a missing value). */
export function jsonExcerpt(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The value at a validation issue's path inside `obj` (undefined where the path leaves the object). */
export function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
