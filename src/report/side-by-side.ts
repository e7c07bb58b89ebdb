/**
 * Several SVG figures side by side in one self-contained SVG (panels of one figure: two reliability diagrams, a chart
 * per noise rate), each under an optional title.
 */
import { escapeXml } from '../util/escape.js';
import { SVG_FONT } from './svg.js';

const AXIS = '#222222';

/** Round to 2 decimals for compact coordinates. */
function r2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Width and height of an SVG string's root element. */
function svgSize(svg: string): { width: number; height: number; body: string; viewBox: string } {
  const m = /^\s*(?:<\?xml[^>]*\?>\s*)?<svg\b([^>]*)>([\s\S]*)<\/svg>\s*$/.exec(svg);
  if (!m) throw new RangeError('sideBySide expects SVG strings with a single <svg> root');
  const attrs = m[1];
  const num = (name: string) => {
    const a = new RegExp(`\\b${name}="([0-9.]+)`).exec(attrs);
    return a ? Number(a[1]) : NaN;
  };
  const width = num('width');
  const height = num('height');
  if (!(width > 0 && height > 0)) throw new RangeError('sideBySide needs SVGs with numeric width and height');
  const vb = /\bviewBox="([^"]*)"/.exec(attrs);
  return { width, height, body: m[2], viewBox: vb ? vb[1] : `0 0 ${width} ${height}` };
}

/**
 * Place SVGs next to each other (e.g. vanilla and Top-k reliability diagrams), each under its title, in one
 * self-contained SVG. Element ids are prefixed per panel so identical diagrams cannot clash.
 */
export function sideBySide(svgs: readonly string[], titles: readonly string[] = [], options: { gap?: number } = {}): string {
  if (svgs.length === 0) throw new RangeError('sideBySide needs at least one SVG');
  const gap = options.gap ?? 16;
  const hasTitles = titles.some((s) => s.length > 0);
  const titleH = hasTitles ? 30 : 0;
  const parts = svgs.map(svgSize);
  const width = parts.reduce((s, p) => s + p.width, 0) + gap * (parts.length - 1);
  const height = titleH + Math.max(...parts.map((p) => p.height));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(SVG_FONT)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  let x0 = 0;
  parts.forEach((p, i) => {
    const prefix = `p${i}-`;
    const body = p.body
      .replace(/\bid="([^"]+)"/g, (_m, v: string) => `id="${prefix}${v}"`)
      .replace(/url\(#([^)]+)\)/g, (_m, v: string) => `url(#${prefix}${v})`)
      .replace(/\bhref="#([^"]+)"/g, (_m, v: string) => `href="#${prefix}${v}"`);
    const title = titles[i];
    if (title) {
      out.push(
        `<text x="${r2(x0 + p.width / 2)}" y="21" font-size="16" font-weight="bold" text-anchor="middle" fill="${AXIS}">${escapeXml(title)}</text>`,
      );
    }
    out.push(`<svg x="${x0}" y="${titleH}" width="${p.width}" height="${p.height}" viewBox="${p.viewBox}">${body}</svg>`);
    x0 += p.width + gap;
  });
  out.push('</svg>');
  return out.join('\n');
}
