/**
 * Numeric CSV as numpy and pandas write it: comma-separated numbers (nan/inf spelled as numpy writes them), one
 * optional header line, blank lines skipped, every row as wide as the first.
 */
import { DataFileError } from '../errors.js';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;

/** Numeric value of a CSV field (nan/inf spelled as numpy writes them). */
export function csvNumber(field: string): number {
  const f = field.toLowerCase();
  if (f === 'nan' || f === '+nan' || f === '-nan') return NaN;
  if (f === 'inf' || f === '+inf' || f === 'infinity' || f === '+infinity') return Infinity;
  if (f === '-inf' || f === '-infinity') return -Infinity;
  return Number(field);
}

/** Rows of numeric fields, skipping blank lines and one optional header line. `line` is 1-based. */
export function parseCsvRows(text: string, file: string): { fields: number[]; line: number }[] {
  const rows: { fields: number[]; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let width = -1;
  let widthLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw.length === 0) continue;
    const parts = raw.split(',').map((s) => s.trim());
    const numeric = parts.every((s) => NUMBER_RE.test(s));
    if (!numeric) {
      if (rows.length === 0 && width === -1) {
        width = -2; // header seen; only one allowed
        continue;
      }
      const bad = parts.findIndex((s) => !NUMBER_RE.test(s));
      throw new DataFileError(file, `line ${i + 1}, column ${bad + 1}: ${JSON.stringify(parts[bad])} is not a number`);
    }
    if (width < 0) {
      width = parts.length;
      widthLine = i + 1;
    } else if (parts.length !== width) {
      throw new DataFileError(file, `line ${i + 1} has ${parts.length} fields but line ${widthLine} has ${width}`);
    }
    rows.push({ fields: parts.map(csvNumber), line: i + 1 });
  }
  return rows;
}
