/**
 * Small SVG panels of one figure laid out in a grid (e.g. one line chart per corruption) under a header with the
 * title and one legend for all panels, and a caption below.
 */
import { escapeXml } from '../util/escape.js';
import { SVG_FONT } from './svg.js';

export interface PanelGridOptions {
  /** Panels per row. */
  cols: number;
  /** Every panel's size (the panels are placed, not scaled). */
  panelWidth: number;
  panelHeight: number;
  title: string;
  /** One line-and-marker entry per series, centred under the title. */
  legend: { name: string; color: string }[];
  caption: string;
}

/** Panels (SVG strings) in a grid of `cols` columns, row by row. */
export function gridSvg(panels: string[], o: PanelGridOptions): string {
  const { cols, panelWidth: PANEL_W, panelHeight: PANEL_H, title, legend, caption } = o;
  const rows = Math.ceil(panels.length / cols);
  const headerH = 54;
  const footH = 24;
  const W = cols * PANEL_W;
  const H = headerH + rows * PANEL_H + footH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(SVG_FONT)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" font-size="16" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(title)}</text>`,
  ];
  const itemW = legend.map((l) => 44 + l.name.length * 7);
  let x = (W - itemW.reduce((a, b) => a + b, 0)) / 2;
  legend.forEach((l, i) => {
    out.push(`<line x1="${x}" y1="40" x2="${x + 24}" y2="40" stroke="${l.color}" stroke-width="2"/><circle cx="${x + 12}" cy="40" r="3" fill="${l.color}"/>`);
    out.push(`<text x="${x + 30}" y="44" font-size="12" fill="#222222">${escapeXml(l.name)}</text>`);
    x += itemW[i];
  });
  panels.forEach((p, i) => {
    out.push(`<g transform="translate(${(i % cols) * PANEL_W} ${headerH + Math.floor(i / cols) * PANEL_H})">${p}</g>`);
  });
  out.push(`<text x="${W / 2}" y="${H - 8}" font-size="11" text-anchor="middle" fill="#444444">${escapeXml(caption)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
