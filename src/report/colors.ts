/** Colour helpers of the SVG figures: a diverging scale for signed differences, lighter shades of a palette colour. */

/** Colour for v in [−max, max] (clamped): red (negative, worse) – white (0) – blue (positive, better). */
export function divergingColor(v: number, max: number): string {
  const t = Math.max(-1, Math.min(1, v / max));
  const [r0, g0, b0] = t >= 0 ? [49, 104, 176] : [196, 58, 58];
  const a = Math.abs(t);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r0)},${mix(g0)},${mix(b0)})`;
}

/** Mix a #rrggbb colour with white (amount 0..1 of white). */
export function lighten(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => Math.round(v + (255 - v) * amount));
  return `#${ch.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
