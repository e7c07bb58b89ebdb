/** The one Markdown (GitHub) table writer of the harness: scorecard.md, the suites' sections, the study tables. */

/** Column alignment: 'l' left (`---`), 'r' right (`---:`). */
export type ColumnAlign = 'l' | 'r';

/**
 * A pipe table. Cells are written as given (escape `|` yourself when a cell may hold one). Default alignment: the
 * first column left (labels), the others right (numbers); `align` overrides per column.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ColumnAlign[] = []): string {
  const sep = header.map((_, i) => ((align[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
