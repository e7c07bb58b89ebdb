/** Plain-text rendering of a LabelNoiseReport, for the `noise` command and logs. */
import type { LabelNoiseReport } from './apply.js';

/** Widest matrix printed in full; larger ones print per-class rows only (the JSON has the full matrix). */
export const MAX_PRINTED_CLASSES = 20;

function fraction(x: number): string {
  return x.toFixed(4);
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

/** Aligned table: rows are [cells]; the first column is left-aligned, the others right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => pad(cell, widths[c], c === 0)).join('  ').trimEnd());
}

/**
 * Multi-line summary: spec, convention, requested / expected / realised changed fractions, counts, and the
 * realised transition matrix with class names (row = true class, column = observed label, entries to 3
 * decimals, '.' for exactly 0), followed by each class's example count and changed fraction.
 */
export function formatNoiseReport(report: LabelNoiseReport, classNames: readonly string[], dataset?: string): string {
  const c = report.counts;
  const names = Array.from({ length: report.numClasses }, (_, i) => classNames[i] ?? String(i));
  const lines: string[] = [];
  const where = dataset !== undefined ? ` on ${dataset} training labels` : '';
  lines.push(`label noise ${report.spec}${where} (${c.examples} examples, ${report.numClasses} classes, seed ${report.seed})`);
  lines.push(...wrapWords(`convention: ${report.convention}`, WRAP_COLUMNS, '  '));
  lines.push('');
  const summary: string[][] = [
    ['requested rate', report.requestedRate === null ? 'n/a (matrix)' : fraction(report.requestedRate), ''],
    ['selected for relabelling', fraction(c.examples > 0 ? c.selected / c.examples : 0), `${c.selected} labels`],
    ['expected changed fraction', fraction(report.expectedChangedFraction), ''],
    ['realised changed fraction', fraction(report.realisedChangedFraction), `${c.changed} labels`],
  ];
  lines.push(...table(summary));
  lines.push('');
  const full = report.numClasses <= MAX_PRINTED_CLASSES;
  lines.push(
    full
      ? 'realised transition (row = true class, column = observed label, row-normalised)'
      : `per-class changes (${report.numClasses} classes; the full realised transition matrix is in --json output)`,
  );
  const header = ['true \\ observed', ...(full ? names : []), 'examples', 'changed'];
  const rows = [header];
  for (let i = 0; i < report.numClasses; i++) {
    const cells = full
      ? report.realisedTransition[i].map((v) => (v === 0 ? '.' : v.toFixed(3)))
      : [];
    const changedFrac = c.perClass[i] > 0 ? (c.changedPerClass[i] / c.perClass[i]).toFixed(3) : '-';
    const label = names[i] === String(i) ? names[i] : `${i} ${names[i]}`.slice(0, 24);
    rows.push([label, ...cells, String(c.perClass[i]), changedFrac]);
  }
  lines.push(...table(rows));
  return lines.join('\n') + '\n';
}

/** Prose lines of the report (the convention) are wrapped here: a terminal's width, and the report's code block. */
const WRAP_COLUMNS = 100;

/** Words of `text` in lines of at most `width` characters (a longer word stays whole), later lines indented. */
function wrapWords(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const prefix = lines.length === 0 ? '' : indent;
    if (line !== '' && (prefix + line + ' ' + word).length > width) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push((lines.length === 0 ? '' : indent) + line);
  return lines;
}
