/** The ood suite's ROC figure (hand-written SVG: self-contained, no scripts or external fonts). */
import { escapeXml, formatValue } from 'topk-harness/suites';
import { FIGURE_SCORE, SCORE_LABEL, TPR } from './scores.js';

const pct = (v: number) => formatValue(v, 'fraction');

export interface RocSeries {
  model: string;
  auroc: number;
  fpr: Float64Array;
  tpr: Float64Array;
}

const PALETTE = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860'];
const DASHES = ['', '7,4', '2,3', '10,3,2,3'];
const FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/** One ROC panel: one curve per model, chance diagonal, 95% TPR line, legend with each model's AUROC. */
export function rocSvg(series: RocSeries[], o: { inName: string; inCount: number; outName: string; outCount: number }): string {
  const [ml, mt, side, legendW, mb] = [64, 44, 280, 190, 62];
  const width = ml + side + 16 + legendW;
  const height = mt + side + mb;
  const x = (v: number) => r2(ml + v * side);
  const y = (v: number) => r2(mt + (1 - v) * side);
  const title = `ROC, ${SCORE_LABEL[FIGURE_SCORE]} score: ${o.inName} vs ${o.outName}`;
  const s: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${x(0.5)}" y="${mt - 18}" font-size="14" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(title)}</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    s.push(`<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" stroke="#e6e6e6"/>`, `<line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" stroke="#e6e6e6"/>`);
    s.push(`<text x="${x(t)}" y="${r2(mt + side + 16)}" font-size="11" text-anchor="middle" fill="#222222">${100 * t}%</text>`);
    s.push(`<text x="${ml - 6}" y="${r2(mt + (1 - t) * side + 4)}" font-size="11" text-anchor="end" fill="#222222">${100 * t}%</text>`);
  }
  s.push(`<rect x="${ml}" y="${mt}" width="${side}" height="${side}" fill="none" stroke="#222222"/>`);
  s.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999999" stroke-dasharray="4,4"/>`); // chance
  s.push(`<line x1="${x(0)}" y1="${y(TPR)}" x2="${x(1)}" y2="${y(TPR)}" stroke="#999999" stroke-dasharray="1,3"/>`);
  // above the line at the left: the region above a ROC curve is empty there
  s.push(`<text x="${ml + 4}" y="${r2(mt + (1 - TPR) * side - 3)}" font-size="10" fill="#666666">${100 * TPR}% TPR</text>`);
  series.forEach((c, i) => {
    const pts = thin(c.fpr, c.tpr).map(([f, t]) => `${x(f)},${y(t)}`).join(' ');
    const dash = DASHES[i % DASHES.length];
    s.push(`<polyline points="${pts}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    const ly = mt + 10 + 20 * i;
    const lx = ml + side + 16;
    s.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    s.push(`<text x="${lx + 30}" y="${ly + 4}" font-size="11" fill="#222222">${escapeXml(`${c.model} (AUROC ${pct(c.auroc)})`)}</text>`);
  });
  s.push(`<text x="${x(0.5)}" y="${r2(mt + side + 34)}" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(`false positive rate: ${o.outName} images accepted`)}</text>`);
  s.push(`<text transform="translate(${ml - 42} ${r2(mt + side / 2)}) rotate(-90)" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(`true positive rate: ${o.inName} accepted`)}</text>`);
  s.push(`<text x="8" y="${height - 8}" font-size="10" fill="#444444">${escapeXml(`in: ${o.inCount} ${o.inName} test images · out: ${o.outCount} ${o.outName} images · accepted = score >= threshold`)}</text>`);
  s.push('</svg>');
  return s.join('\n') + '\n';
}

/** Drop ROC points closer than 1/500 (in both axes) to the last kept one: under half a pixel, and ~1k points at most. */
function thin(fpr: Float64Array, tpr: Float64Array): [number, number][] {
  const out: [number, number][] = [[fpr[0], tpr[0]]];
  for (let i = 1; i < fpr.length; i++) {
    const [f, t] = out[out.length - 1];
    if (i === fpr.length - 1 || Math.abs(fpr[i] - f) >= 0.002 || Math.abs(tpr[i] - t) >= 0.002) out.push([fpr[i], tpr[i]]);
  }
  return out;
}

function r2(v: number): string {
  return String(Math.round(v * 100) / 100);
}
