/**
 * The corruption suite's figures (under corruption/ in the run folder): accuracy against severity, one small panel
 * per corruption; and a corruption x severity heatmap of accuracy deltas (model − baseline) per non-baseline model.
 */
import { lineChartSvg, PALETTE } from '../../src/report/charts.js';
import { divergingColor } from '../../src/report/colors.js';
import { percentTick } from '../../src/report/format.js';
import { gridSvg } from '../../src/report/panel-grid.js';
import { sideBySide } from '../../src/report/side-by-side.js';
import { SVG_FONT } from '../../src/report/svg.js';
import { escapeXml } from '../../src/util/escape.js';
import type { CorruptionResult } from './types.js';

/** Size of each accuracy-vs-severity panel. */
const PANEL_W = 250;
const PANEL_H = 200;

/** One small panel per corruption: accuracy against severity (0 = clean), one line per model. */
export function accuracyPanelsSvg(r: CorruptionResult, names: string[], labels: Record<string, string>): string {
  const colors = Object.fromEntries(names.map((m, i) => [m, PALETTE[i % PALETTE.length]]));
  const panels = r.corruptions.map((c) => lineChartSvg({
    title: c.group === 'benchmark' ? c.name : `${c.name} (${c.group})`,
    xLabel: 'severity',
    yLabel: 'accuracy',
    yDomain: [0, 1],
    yFormat: percentTick,
    xTicks: [0, ...r.convention.severities],
    xFormat: (v) => (v === 0 ? 'clean' : String(v)),
    legend: [],
    width: PANEL_W,
    height: PANEL_H,
    series: names.map((m) => ({
      name: m,
      color: colors[m],
      points: [[0, r.models[m].clean.accuracy] as const, ...r.models[m].perCorruption[c.name].severities.map((s) => [s.severity, s.accuracy] as const)],
    })),
  }));
  const cols = Math.min(5, panels.length);
  return gridSvg(panels, {
    cols,
    panelWidth: PANEL_W,
    panelHeight: PANEL_H,
    title: `Accuracy vs corruption severity (${r.convention.table === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C'} table, ${r.convention.testImages} test images)`,
    legend: names.map((m) => ({ name: labels[m], color: colors[m] })),
    caption: 'severity 0 = clean test images; each panel: one corruption, same corrupted pixels for every model',
  });
}

/** Corruption x severity table of accuracy deltas (model − baseline), one per non-baseline model. */
export function deltaHeatmapsSvg(r: CorruptionResult, names: string[], labels: Record<string, string>): string {
  const maps = names.slice(1).map((m) => deltaHeatmapSvg(r, m, labels[m], labels[r.baseline]));
  return maps.length === 1 ? maps[0] : sideBySide(maps);
}

function deltaHeatmapSvg(r: CorruptionResult, model: string, label: string, baseLabel: string): string {
  const d = r.deltas[model];
  const cols = ['clean', ...r.convention.severities.map((s) => `s${s}`), 'mean'];
  const rowsOf = r.corruptions.map((c) => ({
    name: c.group === 'benchmark' ? c.name : `${c.name} (${c.group})`,
    values: [d.cleanAccuracy, ...d.perCorruption[c.name].accuracy, d.perCorruption[c.name].meanAccuracy],
  }));
  const all = rowsOf.flatMap((x) => x.values);
  const max = Math.max(0.01, ...all.map(Math.abs)); // at least ±1 point full scale, so noise does not look loud
  const labelW = 190;
  const cw = 62;
  const ch = 24;
  const top = 78;
  const W = labelW + cols.length * cw + 30;
  const H = top + rowsOf.length * ch + 70;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(SVG_FONT)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" font-size="15" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(`Accuracy: ${label} − ${baseLabel}`)}</text>`,
    `<text x="${W / 2}" y="42" font-size="11" text-anchor="middle" fill="#444444">points; blue = ${escapeXml(label)} more accurate, red = less</text>`,
  ];
  cols.forEach((c, j) => out.push(`<text x="${labelW + j * cw + cw / 2}" y="${top - 8}" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(c)}</text>`));
  rowsOf.forEach((row, i) => {
    const y = top + i * ch;
    out.push(`<text x="${labelW - 8}" y="${y + ch / 2 + 4}" font-size="12" text-anchor="end" fill="#222222">${escapeXml(row.name)}</text>`);
    row.values.forEach((v, j) => {
      const x = labelW + j * cw;
      const dark = Math.abs(v) / max > 0.6;
      out.push(`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${divergingColor(v, max)}"/>`);
      out.push(`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" font-size="11" text-anchor="middle" fill="${dark ? '#ffffff' : '#222222'}">${cellPoints(v)}</text>`);
    });
  });
  // colour scale
  const sy = top + rowsOf.length * ch + 22;
  const sx = labelW;
  const sw = cols.length * cw - 2;
  for (let k = 0; k < 40; k++) {
    const v = -max + (2 * max * (k + 0.5)) / 40;
    out.push(`<rect x="${(sx + (k * sw) / 40).toFixed(2)}" y="${sy}" width="${(sw / 40 + 0.5).toFixed(2)}" height="10" fill="${divergingColor(v, max)}"/>`);
  }
  out.push(`<text x="${sx}" y="${sy + 24}" font-size="11" text-anchor="start" fill="#222222">−${(100 * max).toFixed(1)} pts</text>`);
  out.push(`<text x="${sx + sw / 2}" y="${sy + 24}" font-size="11" text-anchor="middle" fill="#222222">0</text>`);
  out.push(`<text x="${sx + sw}" y="${sy + 24}" font-size="11" text-anchor="end" fill="#222222">+${(100 * max).toFixed(1)} pts</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** A heatmap cell: points with one decimal, no sign when it rounds to zero. */
function cellPoints(v: number): string {
  const a = Math.abs(100 * v).toFixed(1);
  return Number(a) === 0 ? a : `${v > 0 ? '+' : '−'}${a}`;
}
