/**
 * HSV conversion with scikit-image's conventions (skimage.color.rgb2hsv / hsv2rgb), which brightness and
 * saturate use in the reference. Values are 0..1.
 *
 * rgb2hsv: V = max, delta = max − min, S = delta / V (0 when delta is 0). H uses the channel that is the
 * maximum; on ties skimage's later assignments win, so blue beats green beats red. H = ((formula) / 6) mod 1,
 * and 0 when delta is 0.
 * hsv2rgb: i = floor(6H) mod 6, f = 6H − floor(6H), p = V(1−S), q = V(1−fS), t = V(1−(1−f)S), and the sector
 * picks (V,t,p), (q,V,p), (p,V,t), (p,q,V), (t,p,V) or (V,p,q).
 */

/** Output buffer for one converted triple. */
export type Triple = [number, number, number];

/** skimage rgb2hsv for one pixel; writes [h, s, v] into `out`. */
export function rgbToHsv(r: number, g: number, b: number, out: Triple): Triple {
  const v = Math.max(r, g, b);
  const delta = v - Math.min(r, g, b);
  if (delta === 0) {
    out[0] = 0;
    out[1] = 0;
    out[2] = v;
    return out;
  }
  let h: number;
  if (b === v) h = 4 + (r - g) / delta;
  else if (g === v) h = 2 + (b - r) / delta;
  else h = (g - b) / delta;
  h /= 6;
  h = h - Math.floor(h); // Python's % 1.0 on a float: result in [0, 1)
  out[0] = h;
  out[1] = delta / v;
  out[2] = v;
  return out;
}

/** skimage hsv2rgb for one pixel; writes [r, g, b] into `out`. */
export function hsvToRgb(h: number, s: number, v: number, out: Triple): Triple {
  const h6 = h * 6;
  const fl = Math.floor(h6);
  const f = h6 - fl;
  const i = ((fl % 6) + 6) % 6;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (i) {
    case 0: out[0] = v; out[1] = t; out[2] = p; break;
    case 1: out[0] = q; out[1] = v; out[2] = p; break;
    case 2: out[0] = p; out[1] = v; out[2] = t; break;
    case 3: out[0] = p; out[1] = q; out[2] = v; break;
    case 4: out[0] = t; out[1] = p; out[2] = v; break;
    default: out[0] = v; out[1] = p; out[2] = q; break;
  }
  return out;
}
