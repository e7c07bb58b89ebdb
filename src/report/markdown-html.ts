/**
 * A small Markdown → HTML renderer for the Markdown the harness writes itself (scorecard.md and each suite's
 * section): ATX headings, GitHub-flavoured pipe tables with column alignment, paragraphs, bullet and numbered lists,
 * fenced code blocks, inline `code`, **bold**, *italic* and [links](href), and a collapsible block written as GitHub
 * renders it: a line `<details><summary>Title</summary>` … a line `</details>` (the title is text, escaped; these two
 * exact line forms are the only HTML understood). Everything else is text: all input is
 * HTML-escaped, so Markdown cannot inject markup, and links with a scheme other than http(s) or a relative path are
 * dropped (kept as text).
 */

import { escapeXml } from '../util/escape.js';

/** Escape text for HTML content and attribute values (the one escaper, util/escape.ts). */
export const escapeHtml = escapeXml;

export interface MarkdownHtmlOptions {
  /** Map a link target to the href to emit (e.g. a file that is inlined → its in-page anchor). Default: unchanged. */
  rewriteLink?: (href: string) => string;
  /** Added to every heading level (1 = '##' becomes <h3>), so a section nests under the page's own headings. */
  headingOffset?: number;
}

/** Inline Markdown of one line (already split from its block) → HTML. */
export function inlineMarkdown(text: string, options: MarkdownHtmlOptions = {}): string {
  // Code spans first, so their content is not parsed; then escape; then the other inline forms.
  const codes: string[] = [];
  const withoutCode = text.replace(/`([^`]+)`/g, (_m, c: string) => {
    codes.push(`<code>${escapeHtml(c)}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  let html = escapeHtml(withoutCode);
  // an image ![alt](file) becomes a link like any other: the report embeds every figure a suite lists, once, below
  html = html.replace(/!?\[([^\]]+)\]\(([^)\s]+)\)/g, (m, label: string, hrefEscaped: string) => {
    const href = unescapeHtml(hrefEscaped);
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !/^https?:/i.test(href)) return label; // javascript:, data:, ...
    const target = options.rewriteLink ? options.rewriteLink(href) : href;
    return `<a href="${escapeHtml(target)}">${label}</a>`;
  });
  html = html.replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '<strong>$1</strong>');
  html = html.replace(/(^|[^*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])/g, '$1<em>$2</em>');
  return html.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)]);
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

/** Split a table row into cells: outer pipes optional, `\|` is a literal pipe. */
function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (s[i] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += s[i];
    }
  }
  cells.push(cur.trim());
  return cells;
}

const DELIMITER_CELL = /^:?-{1,}:?$/;
const DETAILS_OPEN = /^\s*<details>\s*<summary>(.*?)<\/summary>\s*$/;
const DETAILS_CLOSE = /^\s*<\/details>\s*$/;

function isDelimiterRow(line: string): boolean {
  if (!line.includes('-')) return false;
  const cells = splitRow(line);
  return cells.length > 0 && cells.every((c) => DELIMITER_CELL.test(c));
}

function alignment(cell: string): 'left' | 'right' | 'center' | null {
  const l = cell.startsWith(':');
  const r = cell.endsWith(':');
  return l && r ? 'center' : r ? 'right' : l ? 'left' : null;
}

function tableHtml(header: string[], aligns: ('left' | 'right' | 'center' | null)[], rows: string[][], options: MarkdownHtmlOptions): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) => {
    const a = aligns[i];
    return `<${tag}${a ? ` class="${a === 'right' ? 'num' : a}"` : ''}>${inlineMarkdown(text, options)}</${tag}>`;
  };
  const out = ['<div class="table-wrap"><table>', `<thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`, '<tbody>'];
  for (const r of rows) {
    const cells = header.map((_, i) => r[i] ?? '');
    out.push(`<tr>${cells.map((c, i) => cell('td', c, i)).join('')}</tr>`);
  }
  out.push('</tbody></table></div>');
  return out.join('\n');
}

/** Render a Markdown document (see the module comment for what is understood) to an HTML fragment. */
export function markdownToHtml(markdown: string, options: MarkdownHtmlOptions = {}): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  let openDetails = 0; // a stray </details> stays text; an unclosed one is closed at the end
  const isBlank = (l: string | undefined) => l === undefined || l.trim() === '';
  const startsBlock = (l: string, next: string | undefined) =>
    DETAILS_OPEN.test(l) || DETAILS_CLOSE.test(l) || /^#{1,6}\s/.test(l) || /^```/.test(l) || /^\s*([-*+]|\d+[.)])\s+/.test(l) || (l.includes('|') && next !== undefined && isDelimiterRow(next));
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const details = DETAILS_OPEN.exec(line);
    if (details) {
      out.push(`<details><summary>${inlineMarkdown(details[1], options)}</summary>`);
      openDetails++;
      i++;
      continue;
    }
    if (DETAILS_CLOSE.test(line) && openDetails > 0) {
      out.push('</details>');
      openDetails--;
      i++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + (options.headingOffset ?? 0));
      out.push(`<h${level}>${inlineMarkdown(heading[2], options)}</h${level}>`);
      i++;
      continue;
    }
    if (/^```/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++; // closing fence (or end of input)
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && isDelimiterRow(lines[i + 1])) {
      const header = splitRow(line);
      const aligns = splitRow(lines[i + 1]).map(alignment);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) rows.push(splitRow(lines[i++]));
      out.push(tableHtml(header, aligns, rows, options));
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        let text = lines[i++].replace(/^\s*([-*+]|\d+[.)])\s+/, '');
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) text += ' ' + lines[i++].trim();
        items.push(`<li>${inlineMarkdown(text, options)}</li>`);
      }
      out.push(`<${ordered ? 'ol' : 'ul'}>${items.join('')}</${ordered ? 'ol' : 'ul'}>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && (para.length === 0 || !startsBlock(lines[i], lines[i + 1]))) para.push(lines[i++].trim());
    out.push(`<p>${para.map((p) => inlineMarkdown(p, options)).join('\n')}</p>`);
  }
  for (; openDetails > 0; openDetails--) out.push('</details>');
  return out.join('\n');
}
