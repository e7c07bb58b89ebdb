/** What every hand-written SVG figure of the harness shares. */

/** The font stack of every figure (no external fonts: the SVGs are self-contained). */
export const SVG_FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";
