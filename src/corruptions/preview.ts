/**
 * A labelled PNG grid of corrupted images for people to look at: one row per (corruption, image), columns
 * clean + the chosen severities, cells upscaled with nearest-neighbour so 28-px digits stay visible, names drawn
 * as an SVG overlay composited by sharp.
 */
import sharp from 'sharp';
import { corruptImage } from './apply.js';
import { SEVERITIES, severityTableFor, type Corruption, type Severity, type SeverityTable } from './define.js';
import { assertImage, type Image } from './image.js';
import { escapeXml } from '../util/escape.js';

export interface PreviewOptions {
  /** Parameter table; default severityTableFor of the first image. */
  table?: SeverityTable;
  /** Smallest cell side in px; images are upscaled by an integer factor to reach it (default 96). */
  minCell?: number;
}

const BG = [34, 34, 38];
const LABEL_W = 170;
const HEADER_H = 26;
const GAP = 4;

/**
 * PNG bytes of the grid. Image k of `images` is corrupted with index k of the run's streams (the same bytes a
 * dataset run would give image k). All images must share one size.
 */
export async function previewGrid(
  images: readonly Image[],
  corruptions: readonly Corruption[],
  severities: readonly Severity[] = SEVERITIES,
  seed: number | string = 0,
  options: PreviewOptions = {},
): Promise<Buffer> {
  if (images.length === 0) throw new RangeError('previewGrid: no images');
  if (corruptions.length === 0) throw new RangeError('previewGrid: no corruptions');
  images.forEach((im, k) => assertImage(im, `previewGrid image ${k}`));
  const { height: h, width: w } = images[0];
  for (const im of images) {
    if (im.height !== h || im.width !== w) throw new RangeError(`previewGrid: images differ in size (${h}x${w} vs ${im.height}x${im.width})`);
  }
  const table = options.table ?? severityTableFor(h, w);
  const scale = Math.max(1, Math.ceil((options.minCell ?? 96) / Math.max(h, w)));
  const cw = w * scale;
  const chh = h * scale;
  const cols = 1 + severities.length;
  const rows = corruptions.length * images.length;
  const W = LABEL_W + cols * (cw + GAP) + GAP;
  const H = HEADER_H + rows * (chh + GAP) + GAP;
  const canvas = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) canvas.set(BG, i * 3);

  const blit = (im: Image, row: number, col: number): void => {
    const ox = LABEL_W + col * (cw + GAP);
    const oy = HEADER_H + row * (chh + GAP);
    for (let y = 0; y < chh; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cw; x++) {
        const s = (sy * w + Math.floor(x / scale)) * im.channels;
        const d = ((oy + y) * W + ox + x) * 3;
        if (im.channels === 3) {
          canvas[d] = im.data[s];
          canvas[d + 1] = im.data[s + 1];
          canvas[d + 2] = im.data[s + 2];
        } else canvas[d] = canvas[d + 1] = canvas[d + 2] = im.data[s];
      }
    }
  };

  const labels: string[] = [];
  const text = (x: number, y: number, t: string, size: number, anchor = 'start'): void => {
    labels.push(`<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}">${escapeXml(t)}</text>`);
  };
  text(8, 18, `table: ${table}  seed: ${seed}`, 12);
  ['clean', ...severities.map((s) => `severity ${s}`)].forEach((t, col) => {
    text(LABEL_W + col * (cw + GAP) + cw / 2, 18, t, 13, 'middle');
  });

  let row = 0;
  for (const c of corruptions) {
    for (let k = 0; k < images.length; k++) {
      blit(images[k], row, 0);
      for (let j = 0; j < severities.length; j++) {
        blit(await corruptImage(images[k], c, severities[j], { seed, index: k, table }), row, j + 1);
      }
      if (k === 0) {
        const y = HEADER_H + row * (chh + GAP) + Math.min(chh / 2, 40) + 5;
        text(8, y, c.name, 14);
        text(8, y + 16, `${c.family} · v${c.version}`, 11);
      }
      row++;
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    `<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="#f0f0f0">${labels.join('')}</g></svg>`;
  return sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
