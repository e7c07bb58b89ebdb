/**
 * Small, generic SVG charts for suite reports: a line chart (several series, markers, legend, axes) and a bar chart
 * (grouped bars over categories, or a histogram over numeric bin edges). Same look and guarantees as the reliability
 * diagram: self-contained SVG strings (no scripts, fonts, images or stylesheets), white background, light grid,
 * titles and axis labels, legend outside the plot on the right so it never hides data.
 *
 * Values are plotted as given; pass `yFormat` to print fractions as percentages. Combine panels with
 * `sideBySide` (side-by-side.ts).
 */
import { escapeXml } from '../util/escape.js';
import { SVG_FONT } from './svg.js';

const GRID = '#e6e6e6';
const AXIS = '#222222';

/** Colour cycle (seaborn "deep"), used when a series gives no colour. */
export const PALETTE = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860', '#da8bc3', '#8c8c8c', '#ccb974', '#64b5cd'];

/** One legend row: a swatch (line or box) and a label. */
export interface LegendItem {
  name: string;
  color: string;
  /** SVG stroke-dasharray for a line swatch, e.g. '6,4'. */
  dash?: string;
  /** 'line' (default for line charts) or 'box' (bar charts). */
  kind?: 'line' | 'box';
  /** Draw a marker on a line swatch. */
  marker?: boolean;
}

/** A horizontal reference line across the plot, e.g. a bound or a baseline, labelled at its right end. */
export interface ReferenceLine {
  y: number;
  label: string;
  color?: string;
}

/** Options shared by both charts. */
export interface ChartOptions {
  /** Title above the plot (bold). */
  title?: string;
  xLabel: string;
  yLabel: string;
  /** y range [low, high]; default [0 or the minimum, a "nice" value above the maximum]. */
  yDomain?: readonly [number, number];
  /** Tick label of a y value (default: up to 3 significant digits). */
  yFormat?: (v: number) => string;
  /** Tick label of an x value (numeric axes). */
  xFormat?: (v: number) => string;
  /** Horizontal reference lines. */
  referenceLines?: readonly ReferenceLine[];
  /** Vertical reference lines on a numeric x axis (line charts and histograms), labelled at their top. */
  referenceX?: readonly { x: number; label: string; color?: string }[];
  /**
   * Replace the legend built from the series (e.g. one row per colour and one per line style); [] hides it. Reference
   * lines get their own rows after these; without a legend they are labelled in place.
   */
  legend?: readonly LegendItem[];
  /** Small text under the x axis label. */
  caption?: string;
  /** Total width in px (default 560). */
  width?: number;
  /** Total height in px (default 360). */
  height?: number;
}

/** One line: points in x order. */
export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  /** SVG stroke-dasharray, e.g. '6,4'. */
  dash?: string;
  /** Draw a circle at each point (default true). */
  markers?: boolean;
  /** A vertical whisker [low, high] at each point (e.g. a 95% interval), null where there is none. */
  intervals?: readonly (readonly [number, number] | null)[];
}

export interface LineChartOptions extends ChartOptions {
  series: readonly LineSeries[];
  /** x range; default the points' range. */
  xDomain?: readonly [number, number];
  /** x tick positions; default "nice" ticks (integers only when every x is an integer). */
  xTicks?: readonly number[];
}

/** One set of bars: one value per category (or per histogram bin). */
export interface BarSeries {
  name: string;
  values: readonly number[];
  color?: string;
  /** A whisker [low, high] on each bar (e.g. a 95% interval), null where there is none. */
  intervals?: readonly (readonly [number, number] | null)[];
}

export interface BarChartOptions extends ChartOptions {
  series: readonly BarSeries[];
  /** Category axis: one label per bar group. Give this or `edges`. */
  categories?: readonly string[];
  /** Histogram axis: bin edges (values.length + 1, increasing); bars span their bin on a linear x axis. */
  edges?: readonly number[];
  /** Print each bar's value above it (true: with yFormat). */
  valueLabels?: boolean | ((v: number) => string);
}

/** Round to 2 decimals for compact coordinates. */
function r2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** "Nice" ticks (1, 2, 2.5, 5 × 10^k steps, about `target` of them) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [0, 1];
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo));
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw * (1 - 1e-9))!;
  const start = Math.floor(lo / step + 1e-9) * step;
  const out: number[] = [];
  for (let v = start; v < hi + step * (1 - 1e-9); v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi - 1e-9 * step) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

function defaultFormat(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Approximate text width in px for Helvetica-like fonts. */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.56;
}

interface Frame {
  out: string[];
  ml: number;
  mt: number;
  pw: number;
  ph: number;
  width: number;
  height: number;
  y: (v: number) => number;
  yTicks: number[];
  yFormat: (v: number) => string;
}

/** Shared layout: background, title, y grid and ticks, reference lines are drawn by the callers. */
function frame(o: ChartOptions, legend: readonly LegendItem[], yValues: number[]): Frame {
  const width = o.width ?? 560;
  const height = o.height ?? 360;
  const yFormat = o.yFormat ?? defaultFormat;
  const finite = yValues.filter(Number.isFinite).concat((o.referenceLines ?? []).map((r) => r.y));
  const dataMax = finite.length ? Math.max(...finite) : 1;
  const dataMin = finite.length ? Math.min(...finite) : 0;
  const mt = o.title ? 40 : 16;
  const mb = o.caption ? 64 : 48;
  const target = Math.max(3, Math.round((height - mt - mb) / 45)); // about one y tick per 45 px
  const yTicks = o.yDomain
    ? niceTicks(o.yDomain[0], o.yDomain[1], target).filter((t) => t >= o.yDomain![0] - 1e-12 && t <= o.yDomain![1] + 1e-12)
    : niceTicks(Math.min(0, dataMin), dataMax > Math.min(0, dataMin) ? dataMax : 1, target);
  const [y0, y1] = o.yDomain ?? [yTicks[0], yTicks[yTicks.length - 1]];
  const tickW = Math.max(...yTicks.map((t) => textWidth(yFormat(t), 11)));
  const ml = Math.round(tickW + 38);
  const legendW = legend.length ? Math.ceil(Math.max(...legend.map((l) => textWidth(l.name, 11))) + 44) : 0;
  const mr = legend.length ? legendW + 16 : 18;
  const pw = width - ml - mr;
  const ph = height - mt - mb;
  if (!(pw > 40 && ph > 40)) throw new RangeError(`chart of ${width}x${height} px is too small for its labels and legend`);
  const y = (v: number) => mt + ph - ((v - y0) / (y1 - y0 || 1)) * ph;
  const out: string[] = [];
  const label = o.title ?? `${o.yLabel} by ${o.xLabel}`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="${escapeXml(SVG_FONT)}" role="img" aria-label="${escapeXml(label)}">`,
  );
  out.push(`<title>${escapeXml(label)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (o.title) out.push(`<text x="${r2(ml + pw / 2)}" y="${mt - 16}" font-size="15" font-weight="bold" text-anchor="middle" fill="${AXIS}">${escapeXml(o.title)}</text>`);
  for (const t of yTicks) {
    if (t < y0 - 1e-12 || t > y1 + 1e-12) continue;
    const yy = r2(y(t));
    if (t !== y0) out.push(`<line x1="${ml}" y1="${yy}" x2="${ml + pw}" y2="${yy}" stroke="${GRID}" stroke-width="1"/>`);
    out.push(`<line x1="${ml - 4}" y1="${yy}" x2="${ml}" y2="${yy}" stroke="${AXIS}"/>`);
    out.push(`<text x="${ml - 7}" y="${r2(y(t) + 4)}" font-size="11" text-anchor="end" fill="${AXIS}">${escapeXml(yFormat(t))}</text>`);
  }
  out.push(`<text transform="translate(${r2(ml - tickW - 22)} ${r2(mt + ph / 2)}) rotate(-90)" font-size="13" text-anchor="middle" fill="${AXIS}">${escapeXml(o.yLabel)}</text>`);
  out.push(`<text x="${r2(ml + pw / 2)}" y="${mt + ph + 38}" font-size="13" text-anchor="middle" fill="${AXIS}">${escapeXml(o.xLabel)}</text>`);
  if (o.caption) out.push(`<text x="${r2(ml + pw / 2)}" y="${height - 9}" font-size="11" text-anchor="middle" fill="#444444">${escapeXml(o.caption)}</text>`);
  return { out, ml, mt, pw, ph, width, height, y, yTicks, yFormat };
}

const REF_DASH = '7,3,2,3';

/** Legend rows of the reference lines (drawn dash-dotted, so they differ from dashed series). */
function referenceLegend(o: ChartOptions): LegendItem[] {
  return [...(o.referenceLines ?? []), ...(o.referenceX ?? [])].map((r) => ({ name: r.label, color: r.color ?? '#555555', dash: REF_DASH }));
}

/** Horizontal reference lines; labelled in place only when the chart has no legend (a legend lists them). */
function referenceLines(f: Frame, lines: readonly ReferenceLine[], inlineLabels: boolean): void {
  for (const r of lines) {
    const yy = f.y(r.y);
    if (yy < f.mt - 0.5 || yy > f.mt + f.ph + 0.5) continue;
    const color = r.color ?? '#555555';
    f.out.push(`<line x1="${f.ml}" y1="${r2(yy)}" x2="${f.ml + f.pw}" y2="${r2(yy)}" stroke="${color}" stroke-width="1.4" stroke-dasharray="${REF_DASH}"/>`);
    if (inlineLabels) f.out.push(`<text x="${f.ml + f.pw - 4}" y="${r2(yy - 4)}" font-size="10.5" text-anchor="end" fill="${color}">${escapeXml(r.label)}</text>`);
  }
}

function referenceXLines(f: Frame, x: (v: number) => number, lines: ChartOptions['referenceX'], inlineLabels: boolean): void {
  for (const r of lines ?? []) {
    const xx = x(r.x);
    if (xx < f.ml - 0.5 || xx > f.ml + f.pw + 0.5) continue;
    const color = r.color ?? '#555555';
    f.out.push(`<line x1="${r2(xx)}" y1="${f.mt}" x2="${r2(xx)}" y2="${f.mt + f.ph}" stroke="${color}" stroke-width="1.4" stroke-dasharray="${REF_DASH}"/>`);
    if (inlineLabels) f.out.push(`<text x="${r2(xx + 4)}" y="${f.mt + 13}" font-size="10.5" text-anchor="start" fill="${color}">${escapeXml(r.label)}</text>`);
  }
}

function drawLegend(f: Frame, items: readonly LegendItem[]): void {
  if (items.length === 0) return;
  const x0 = f.ml + f.pw + 14;
  const rowH = 17;
  const w = f.width - x0 - 6;
  f.out.push(`<rect x="${x0}" y="${f.mt}" width="${w}" height="${items.length * rowH + 8}" fill="#ffffff" stroke="#bbbbbb" stroke-width="0.8" rx="2"/>`);
  items.forEach((it, i) => {
    const cy = f.mt + 4 + i * rowH + rowH / 2;
    if ((it.kind ?? 'line') === 'box') {
      f.out.push(`<rect x="${x0 + 8}" y="${r2(cy - 5)}" width="20" height="10" fill="${it.color}" stroke="${AXIS}" stroke-width="0.5"/>`);
    } else {
      f.out.push(`<line x1="${x0 + 6}" y1="${r2(cy)}" x2="${x0 + 30}" y2="${r2(cy)}" stroke="${it.color}" stroke-width="2"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
      if (it.marker) f.out.push(`<circle cx="${x0 + 18}" cy="${r2(cy)}" r="3" fill="${it.color}"/>`);
    }
    f.out.push(`<text x="${x0 + 36}" y="${r2(cy + 4)}" font-size="11" fill="${AXIS}">${escapeXml(it.name)}</text>`);
  });
}

function close(f: Frame): string {
  f.out.push(`<rect x="${f.ml}" y="${f.mt}" width="${f.pw}" height="${f.ph}" fill="none" stroke="${AXIS}" stroke-width="1"/>`);
  f.out.push('</svg>');
  return f.out.join('\n');
}

/** A vertical whisker from low to high at pixel x, with short caps. */
function whisker(f: Frame, px: number, [low, high]: readonly [number, number], color: string): void {
  if (!(Number.isFinite(low) && Number.isFinite(high))) return;
  const [a, b] = [f.y(low), f.y(high)];
  f.out.push(`<path d="M${r2(px)},${r2(a)} L${r2(px)},${r2(b)} M${r2(px - 3)},${r2(a)} L${r2(px + 3)},${r2(a)} M${r2(px - 3)},${r2(b)} L${r2(px + 3)},${r2(b)}" stroke="${color}" stroke-width="1.2" fill="none"/>`);
}

/** A line chart of one or more series on numeric x and y axes, as an SVG string. */
export function lineChartSvg(o: LineChartOptions): string {
  const series = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length], markers: s.markers ?? true }));
  const own = o.legend ?? series.map((s) => ({ name: s.name, color: s.color, dash: s.dash, marker: s.markers }));
  const legend = own.length ? [...own, ...referenceLegend(o)] : [];
  const f = frame(o, legend, series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.intervals ?? []).flatMap((iv) => (iv ? [iv[0], iv[1]] : []))]));
  const xs = series.flatMap((s) => s.points.map((p) => p[0])).filter(Number.isFinite);
  const [x0, x1] = o.xDomain ?? (xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1]);
  const allInt = xs.every(Number.isInteger);
  const xTicks = o.xTicks ?? (allInt && x1 - x0 <= 12 ? Array.from({ length: x1 - x0 + 1 }, (_, i) => x0 + i) : niceTicks(x0, x1).filter((t) => t >= x0 && t <= x1 && (!allInt || Number.isInteger(t))));
  const pad = 0.03 * f.pw; // keep end markers off the frame
  const x = (v: number) => f.ml + pad + ((v - x0) / (x1 - x0 || 1)) * (f.pw - 2 * pad);
  const xFormat = o.xFormat ?? defaultFormat;
  for (const t of xTicks) {
    const xx = r2(x(t));
    f.out.push(`<line x1="${xx}" y1="${f.mt}" x2="${xx}" y2="${f.mt + f.ph}" stroke="${GRID}" stroke-width="1"/>`);
    f.out.push(`<line x1="${xx}" y1="${f.mt + f.ph}" x2="${xx}" y2="${f.mt + f.ph + 4}" stroke="${AXIS}"/>`);
    f.out.push(`<text x="${xx}" y="${f.mt + f.ph + 17}" font-size="11" text-anchor="middle" fill="${AXIS}">${escapeXml(xFormat(t))}</text>`);
  }
  referenceLines(f, o.referenceLines ?? [], legend.length === 0);
  referenceXLines(f, x, o.referenceX, legend.length === 0);
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r2(x(p[0]))},${r2(f.y(p[1]))}`).join(' ');
    f.out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    if (s.markers) for (const p of pts) f.out.push(`<circle cx="${r2(x(p[0]))}" cy="${r2(f.y(p[1]))}" r="3" fill="${s.color}"/>`);
    s.points.forEach((p, i) => {
      const iv = s.intervals?.[i];
      if (iv && Number.isFinite(p[0])) whisker(f, x(p[0]), iv, s.color);
    });
  }
  drawLegend(f, legend);
  return close(f);
}

/**
 * A bar chart as an SVG string. With `categories`, each category gets a group of bars, one per series, centred
 * under its label. With `edges`, bars span their numeric bin (split side by side when there are several series)
 * on a linear x axis with "nice" ticks: a histogram.
 */
export function barChartSvg(o: BarChartOptions): string {
  const nGroups = o.categories?.length ?? (o.edges ? o.edges.length - 1 : 0);
  if ((o.categories === undefined) === (o.edges === undefined)) throw new RangeError('barChartSvg needs exactly one of categories or edges');
  if (nGroups < 1) throw new RangeError('barChartSvg needs at least one category or bin');
  for (const s of o.series) {
    if (s.values.length !== nGroups) throw new RangeError(`bar series '${s.name}' has ${s.values.length} values for ${nGroups} ${o.categories ? 'categories' : 'bins'}`);
  }
  const series = o.series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  const own = o.legend ?? (series.length > 1 ? series.map((s) => ({ name: s.name, color: s.color, kind: 'box' as const })) : []);
  const legend = own.length ? [...own, ...referenceLegend(o)] : [];
  const f = frame(o, legend, series.flatMap((s) => [...s.values, ...(s.intervals ?? []).flatMap((iv) => (iv ? [iv[0], iv[1]] : []))]));
  const base = f.y(Math.max(f.yTicks[0], Math.min(0, f.yTicks[f.yTicks.length - 1])));
  const ns = Math.max(1, series.length);
  // group g spans [gx0(g), gx0(g) + gw(g)] in px
  let gx0: (g: number) => number;
  let gw: (g: number) => number;
  let drawX: ((v: number) => number) | null = null;
  if (o.categories) {
    const band = f.pw / nGroups;
    const inner = band * (ns > 1 ? 0.8 : 0.64);
    gx0 = (g) => f.ml + g * band + (band - inner) / 2;
    gw = () => inner;
    o.categories.forEach((c, g) => {
      const cx = f.ml + (g + 0.5) * band;
      f.out.push(`<line x1="${r2(cx)}" y1="${f.mt + f.ph}" x2="${r2(cx)}" y2="${f.mt + f.ph + 4}" stroke="${AXIS}"/>`);
      f.out.push(`<text x="${r2(cx)}" y="${f.mt + f.ph + 17}" font-size="11" text-anchor="middle" fill="${AXIS}">${escapeXml(c)}</text>`);
    });
  } else {
    const e = o.edges!;
    for (let i = 1; i < e.length; i++) if (!(e[i] > e[i - 1])) throw new RangeError('histogram edges must increase');
    const lo = e[0];
    const hi = e[e.length - 1];
    const x = (v: number) => f.ml + ((v - lo) / (hi - lo)) * f.pw;
    drawX = x;
    gx0 = (g) => x(e[g]) + 0.5;
    gw = (g) => Math.max(0.5, x(e[g + 1]) - x(e[g]) - 1);
    const xFormat = o.xFormat ?? defaultFormat;
    for (const t of niceTicks(lo, hi).filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12)) {
      const xx = r2(x(t));
      if (t > lo && t < hi) f.out.push(`<line x1="${xx}" y1="${f.mt}" x2="${xx}" y2="${f.mt + f.ph}" stroke="${GRID}" stroke-width="1"/>`);
      f.out.push(`<line x1="${xx}" y1="${f.mt + f.ph}" x2="${xx}" y2="${f.mt + f.ph + 4}" stroke="${AXIS}"/>`);
      f.out.push(`<text x="${xx}" y="${f.mt + f.ph + 17}" font-size="11" text-anchor="middle" fill="${AXIS}">${escapeXml(xFormat(t))}</text>`);
    }
  }
  const labelFormat = typeof o.valueLabels === 'function' ? o.valueLabels : f.yFormat;
  series.forEach((s, si) => {
    s.values.forEach((v, g) => {
      if (!Number.isFinite(v)) return;
      const w = gw(g) / ns;
      const bx = gx0(g) + si * w;
      const top = f.y(v);
      const y0 = Math.min(top, base);
      const h = Math.abs(base - top);
      f.out.push(`<rect x="${r2(bx)}" y="${r2(y0)}" width="${r2(w)}" height="${r2(h)}" fill="${s.color}" stroke="${AXIS}" stroke-width="0.4"/>`);
      const iv = s.intervals?.[g];
      if (iv) whisker(f, bx + w / 2, iv, AXIS);
      if (o.valueLabels) {
        f.out.push(`<text x="${r2(bx + w / 2)}" y="${r2(top - 3)}" font-size="9.5" text-anchor="middle" fill="${AXIS}">${escapeXml(labelFormat(v))}</text>`);
      }
    });
  });
  referenceLines(f, o.referenceLines ?? [], legend.length === 0);
  if (drawX) referenceXLines(f, drawX, o.referenceX, legend.length === 0);
  drawLegend(f, legend);
  return close(f);
}
