/** Structural comparison of JSON values, for error messages that name the field that differs. */

/** The first field where two JSON values differ, as a dotted path with both values; null when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): { path: string; a: unknown; b: unknown } | null {
  const here = at || '(root)';
  if (a === b) return null;
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return { path: here, a, b };
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { path: here, a, b };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  for (const k of keys) {
    const d = firstDifference(ra[k], rb[k], at ? `${at}.${k}` : k);
    if (d) return d;
  }
  return null;
}
