/** A diverging colour scale for signed differences (heatmaps of model − baseline). */

/** Colour for v in [−max, max] (clamped): red (negative, worse) – white (0) – blue (positive, better). */
export function divergingColor(v: number, max: number): string {
  const t = Math.max(-1, Math.min(1, v / max));
  const [r0, g0, b0] = t >= 0 ? [49, 104, 176] : [196, 58, 58];
  const a = Math.abs(t);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r0)},${mix(g0)},${mix(b0)})`;
}
