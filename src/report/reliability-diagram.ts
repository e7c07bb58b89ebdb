/**
 * Reliability diagrams (Guo et al. 2017 style) as self-contained SVG strings: no scripts, no external fonts,
 * images or stylesheets, so the file can be embedded in HTML or converted to PNG/PDF as is.
 *
 * Layout, top to bottom: title; reliability panel (x: confidence 0..1, y: accuracy 0..1) with one bar per
 * non-empty bin from 0 to the bin's accuracy, the gap between accuracy and the bin's mean confidence shaded
 * (hatched red; a gap above the bar means overconfidence), and the diagonal y = x; confidence histogram
 * (number of examples per bin) sharing the x axis, with the overall accuracy and mean confidence marked;
 * caption with the ECE, bin count, boundary rule and n. Empty bins are left blank in both panels.
 * Bars span each bin's own [lower, upper] edges, so equal-mass bins draw correctly too.
 */
import type { BinRule, CalibrationBin } from '../metrics/binning.js';

/** Options of `reliabilityDiagramSvg`. */
export interface ReliabilityDiagramOptions {
  /** Title above the panel, e.g. 'Top-128 ViT, clean test'. */
  title: string;
  /** ECE to print (a fraction 0..1, printed with 4 decimals). */
  ece: number;
  /** Boundary rule of the bins ('right' = (lo, hi], 'left' = [lo, hi)), or 'equal-mass' for adaptive bins. */
  rule: BinRule | 'equal-mass';
  /** Width in px. Default 400. */
  width?: number;
  /** Height in px. Default: the reliability panel is square. */
  height?: number;
}

const BAR_FILL = '#4c72b0';
const BAR_STROKE = '#233f6e';
const GAP_COLOR = '#c44e52';
const HIST_FILL = '#8da0cb';
const GRID = '#e6e6e6';
const AXIS = '#222222';

/** Approximate width in px of 10 px Helvetica/DejaVu text (0.56 em per character; enough to keep labels inside). */
function textWidth10(text: string): number {
  return text.length * 5.6;
}

import { escapeXml } from '../util/escape.js';
import { SVG_FONT } from './svg.js';

export { escapeXml } from '../util/escape.js';

/** Round to 2 decimals for compact coordinates. */
function r2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** A "nice" axis maximum and step (1, 2, 2.5, 5 x 10^k) with about 4 ticks covering `max`. */
function niceTicks(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

/** 950 → "950", 12000 → "12k", 1500000 → "1.5M". */
function formatCount(x: number): string {
  if (x >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (x >= 1e4) return `${Number((x / 1e3).toPrecision(3))}k`;
  return String(Math.round(x));
}

function ruleText(rule: ReliabilityDiagramOptions['rule']): string {
  if (rule === 'right') return '(lo, hi]';
  if (rule === 'left') return '[lo, hi)';
  return 'equal-mass';
}

/** A small deterministic hash, to give each diagram its own element ids. */
function hashId(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** A reliability diagram with a confidence histogram, as an SVG string (see the module comment). */
export function reliabilityDiagramSvg(bins: readonly CalibrationBin[], options: ReliabilityDiagramOptions): string {
  const width = options.width ?? 400;
  const ml = 62;
  const mr = 18;
  const mt = options.title ? 38 : 14;
  const panelGap = 14;
  const mb = 62;
  const pw = width - ml - mr;
  const hh = Math.round(pw * 0.27);
  const ph = options.height !== undefined ? options.height - mt - panelGap - hh - mb : pw;
  if (!(pw > 40 && ph > 40)) throw new RangeError(`reliability diagram of ${width}x${options.height} px is too small`);
  const height = mt + ph + panelGap + hh + mb;
  const id = `rd-${hashId(JSON.stringify([options.title, bins]))}`;

  const x = (c: number) => ml + c * pw; // confidence → px
  const y = (a: number) => mt + ph - a * ph; // accuracy → px
  const hy0 = mt + ph + panelGap; // histogram top
  const n = bins.reduce((s, b) => s + b.count, 0);
  const maxCount = bins.reduce((m, b) => Math.max(m, b.count), 0);
  const { top: countTop, step: countStep } = niceTicks(maxCount);
  const hy = (count: number) => hy0 + hh - (count / countTop) * hh;
  let accSum = 0;
  let confSum = 0;
  for (const b of bins) {
    if (b.count > 0) {
      accSum += (b.accuracy ?? 0) * b.count;
      confSum += (b.meanConfidence ?? 0) * b.count;
    }
  }

  const out: string[] = [];
  const t = (s: string) => out.push(s);
  t(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="${escapeXml(SVG_FONT)}" role="img" aria-label="${escapeXml(`Reliability diagram: ${options.title}`)}">`,
  );
  t(`<title>${escapeXml(`Reliability diagram: ${options.title}`)}</title>`);
  t('<defs>');
  t(
    `<pattern id="${id}-hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">` +
      `<rect width="5" height="5" fill="${GAP_COLOR}" fill-opacity="0.22"/>` +
      `<line x1="0" y1="0" x2="0" y2="5" stroke="${GAP_COLOR}" stroke-width="1.6"/></pattern>`,
  );
  t(`<clipPath id="${id}-clip"><rect x="${ml}" y="${mt}" width="${pw}" height="${ph}"/></clipPath>`);
  t('</defs>');
  t(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title) {
    t(`<text x="${r2(ml + pw / 2)}" y="${mt - 14}" font-size="15" font-weight="bold" text-anchor="middle" fill="${AXIS}">${escapeXml(options.title)}</text>`);
  }

  // Grid and ticks (shared x ticks; y ticks per panel).
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  for (const v of ticks) {
    if (v > 0 && v < 1) {
      t(`<line x1="${r2(x(v))}" y1="${mt}" x2="${r2(x(v))}" y2="${mt + ph}" stroke="${GRID}" stroke-width="1"/>`);
      t(`<line x1="${ml}" y1="${r2(y(v))}" x2="${ml + pw}" y2="${r2(y(v))}" stroke="${GRID}" stroke-width="1"/>`);
      t(`<line x1="${r2(x(v))}" y1="${hy0}" x2="${r2(x(v))}" y2="${hy0 + hh}" stroke="${GRID}" stroke-width="1"/>`);
    }
  }
  for (let c = countStep; c < countTop - 1e-9 * countTop; c += countStep) {
    t(`<line x1="${ml}" y1="${r2(hy(c))}" x2="${ml + pw}" y2="${r2(hy(c))}" stroke="${GRID}" stroke-width="1"/>`);
  }

  // Reliability bars and gaps.
  t(`<g clip-path="url(#${id}-clip)">`);
  for (const b of bins) {
    if (b.count === 0 || b.accuracy === null || b.meanConfidence === null) continue;
    const x0 = x(b.lower);
    const w = x(b.upper) - x0;
    t(
      `<rect x="${r2(x0)}" y="${r2(y(b.accuracy))}" width="${r2(w)}" height="${r2(b.accuracy * ph)}" ` +
        `fill="${BAR_FILL}" stroke="${BAR_STROKE}" stroke-width="0.8"/>`,
    );
  }
  for (const b of bins) {
    if (b.count === 0 || b.accuracy === null || b.meanConfidence === null) continue;
    const lo = Math.min(b.accuracy, b.meanConfidence);
    const hi = Math.max(b.accuracy, b.meanConfidence);
    if (hi - lo <= 0) continue;
    const x0 = x(b.lower);
    const w = x(b.upper) - x0;
    t(
      `<rect x="${r2(x0)}" y="${r2(y(hi))}" width="${r2(w)}" height="${r2((hi - lo) * ph)}" ` +
        `fill="url(#${id}-hatch)" stroke="${GAP_COLOR}" stroke-width="0.9"/>`,
    );
  }
  t('</g>');
  t(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#555555" stroke-width="1.3" stroke-dasharray="5,4"/>`);
  t(`<rect x="${ml}" y="${mt}" width="${pw}" height="${ph}" fill="none" stroke="${AXIS}" stroke-width="1"/>`);

  // Legend with the ECE inside the reliability panel: upper left (empty for overconfident models), unless bars
  // (accuracy or gap) cover more of that corner than of the lower right.
  const LW = 134;
  const LH = 80;
  const covered = (bx: number, by: number): number => bins.reduce((area, b) => {
    if (b.count === 0 || b.accuracy === null || b.meanConfidence === null) return area;
    const top = y(Math.max(b.accuracy, b.meanConfidence));
    const w = Math.max(0, Math.min(bx + LW, x(b.upper)) - Math.max(bx, x(b.lower)));
    const h = Math.max(0, Math.min(by + LH, y(0)) - Math.max(by, top));
    return area + w * h;
  }, 0);
  const corners = [[ml + 10, mt + 10], [ml + pw - 10 - LW, mt + ph - 10 - LH]] as const;
  const [lx, ly] = covered(...corners[1]) < covered(...corners[0]) ? corners[1] : corners[0];
  const eceText = `ECE = ${Number.isFinite(options.ece) ? options.ece.toFixed(4) : 'n/a'}`;
  t(`<rect x="${lx}" y="${ly}" width="${LW}" height="${LH}" fill="#ffffff" fill-opacity="0.92" stroke="#bbbbbb" stroke-width="0.8" rx="2"/>`);
  t(`<line x1="${lx + 8}" y1="${ly + 14}" x2="${lx + 30}" y2="${ly + 14}" stroke="#555555" stroke-width="1.3" stroke-dasharray="5,4"/>`);
  t(`<text x="${lx + 37}" y="${ly + 18}" font-size="11" fill="${AXIS}">Perfect calibration</text>`);
  t(`<rect x="${lx + 12}" y="${ly + 25}" width="14" height="10" fill="${BAR_FILL}" stroke="${BAR_STROKE}" stroke-width="0.8"/>`);
  t(`<text x="${lx + 37}" y="${ly + 34}" font-size="11" fill="${AXIS}">Accuracy</text>`);
  t(`<rect x="${lx + 12}" y="${ly + 41}" width="14" height="10" fill="url(#${id}-hatch)" stroke="${GAP_COLOR}" stroke-width="0.9"/>`);
  t(`<text x="${lx + 37}" y="${ly + 50}" font-size="11" fill="${AXIS}">Gap</text>`);
  t(`<text x="${lx + 8}" y="${ly + 70}" font-size="12.5" font-weight="bold" fill="${AXIS}">${eceText}</text>`);

  // Confidence histogram.
  for (const b of bins) {
    if (b.count === 0) continue;
    const x0 = x(b.lower);
    const w = x(b.upper) - x0;
    t(
      `<rect x="${r2(x0)}" y="${r2(hy(b.count))}" width="${r2(w)}" height="${r2(hy0 + hh - hy(b.count))}" ` +
        `fill="${HIST_FILL}" stroke="${BAR_STROKE}" stroke-width="0.6"/>`,
    );
  }
  if (n > 0) {
    const accX = x(accSum / n);
    const confX = x(confSum / n);
    t(`<line x1="${r2(accX)}" y1="${hy0}" x2="${r2(accX)}" y2="${hy0 + hh}" stroke="${AXIS}" stroke-width="1.4"/>`);
    t(`<line x1="${r2(confX)}" y1="${hy0}" x2="${r2(confX)}" y2="${hy0 + hh}" stroke="${GAP_COLOR}" stroke-width="1.4" stroke-dasharray="4,3"/>`);
    // Labels on the outer side of each line, flipped inwards where they would leave the panel, and on a second row
    // where the two would then overlap.
    const accLeft = accX <= confX;
    const labels = [
      { x: accX, text: 'accuracy', color: AXIS, left: accLeft },
      { x: confX, text: 'avg. confidence', color: GAP_COLOR, left: !accLeft },
    ].map((l) => {
      const w = textWidth10(l.text);
      const left = l.left ? l.x - 4 - w >= ml : !(l.x + 4 + w <= ml + pw);
      return { ...l, left, from: left ? l.x - 4 - w : l.x + 4, to: left ? l.x - 4 : l.x + 4 + w };
    });
    const overlap = labels[0].from < labels[1].to && labels[1].from < labels[0].to;
    labels.forEach((l, k) => {
      const row = overlap && k === 1 ? 1 : 0;
      t(`<text x="${r2(l.x + (l.left ? -4 : 4))}" y="${hy0 + 12 + 12 * row}" font-size="10" text-anchor="${l.left ? 'end' : 'start'}" fill="${l.color}">${l.text}</text>`);
    });
  }
  t(`<rect x="${ml}" y="${hy0}" width="${pw}" height="${hh}" fill="none" stroke="${AXIS}" stroke-width="1"/>`);

  // Axes: ticks and labels.
  for (const v of ticks) {
    const label = v === 0 ? '0' : v === 1 ? '1' : v.toFixed(1);
    t(`<line x1="${r2(x(v))}" y1="${mt + ph}" x2="${r2(x(v))}" y2="${mt + ph + 4}" stroke="${AXIS}"/>`);
    t(`<line x1="${r2(x(v))}" y1="${hy0 + hh}" x2="${r2(x(v))}" y2="${hy0 + hh + 4}" stroke="${AXIS}"/>`);
    t(`<text x="${r2(x(v))}" y="${hy0 + hh + 16}" font-size="11" text-anchor="middle" fill="${AXIS}">${label}</text>`);
    t(`<line x1="${ml - 4}" y1="${r2(y(v))}" x2="${ml}" y2="${r2(y(v))}" stroke="${AXIS}"/>`);
    t(`<text x="${ml - 7}" y="${r2(y(v) + 4)}" font-size="11" text-anchor="end" fill="${AXIS}">${label}</text>`);
  }
  for (let c = 0; c <= countTop + 1e-9 * countTop; c += countStep) {
    t(`<line x1="${ml - 4}" y1="${r2(hy(c))}" x2="${ml}" y2="${r2(hy(c))}" stroke="${AXIS}"/>`);
    t(`<text x="${ml - 7}" y="${r2(hy(c) + 4)}" font-size="10" text-anchor="end" fill="${AXIS}">${formatCount(c)}</text>`);
  }
  t(`<text x="${r2(ml + pw / 2)}" y="${hy0 + hh + 33}" font-size="13" text-anchor="middle" fill="${AXIS}">Confidence</text>`);
  t(`<text transform="translate(${ml - 42} ${r2(mt + ph / 2)}) rotate(-90)" font-size="13" text-anchor="middle" fill="${AXIS}">Accuracy</text>`);
  t(`<text transform="translate(${ml - 42} ${r2(hy0 + hh / 2)}) rotate(-90)" font-size="12" text-anchor="middle" fill="${AXIS}">Count</text>`);

  // Caption.
  const numBins = bins.length;
  const binWord = options.rule === 'equal-mass' ? 'equal-mass bins' : `equal-width bins ${ruleText(options.rule)}`;
  const caption = `ECE ${Number.isFinite(options.ece) ? options.ece.toFixed(4) : 'n/a'} · ${numBins} ${binWord} · n = ${n.toLocaleString('en-US')}`;
  t(`<text x="${r2(ml + pw / 2)}" y="${height - 9}" font-size="11" text-anchor="middle" fill="#444444">${escapeXml(caption)}</text>`);
  t('</svg>');
  return out.join('\n');
}

export { sideBySide } from './side-by-side.js';
