/**
 * Pillow's BOX resize on 8-bit images, ported bit for bit from Resample.c (what pixelate uses).
 */

/** Pillow's fixed-point precision for 8-bit resampling. */
const PRECISION_BITS = 32 - 8 - 2;

interface BoxCoeffs {
  bounds: Int32Array; // [xmin, count] per output
  ksize: number;
  kk: Int32Array; // outSize * ksize fixed-point weights
}

const boxCache = new Map<string, BoxCoeffs>();

/** Pillow's precompute_coeffs for the BOX filter (support 0.5), then normalize_coeffs_8bpc. Cached. */
function pilBoxCoeffs(inSize: number, outSize: number): BoxCoeffs {
  const key = `${inSize}|${outSize}`;
  let hit = boxCache.get(key);
  if (hit === undefined) {
    hit = computeBoxCoeffs(inSize, outSize);
    if (boxCache.size > 256) boxCache.clear();
    boxCache.set(key, hit);
  }
  return hit;
}

function computeBoxCoeffs(inSize: number, outSize: number): BoxCoeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 0.5 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const v = t > -0.5 && t <= 0.5 ? 1 : 0;
      k[x] = v;
      ww += v;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax && ww !== 0 ? k[x] / ww : 0;
      kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, ksize, kk };
}

function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Pillow's Image.resize(size, Image.BOX) on an 8-bit image: horizontal pass then vertical pass, each with
 * fixed-point weights and an 8-bit intermediate, exactly as Pillow's Resample.c. A BOX weight is 1 for every
 * input pixel whose centre lies in (centre − scale/2, centre + scale/2] of the output pixel (no partial pixels).
 */
export function pilBoxResize(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  let cur = src;
  let curW = w;
  if (outW !== w) {
    const { bounds, ksize, kk } = pilBoxCoeffs(w, outW);
    const tmp = new Uint8Array(h * outW * c);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2];
        const xmax = bounds[xx * 2 + 1];
        for (let ch = 0; ch < c; ch++) {
          let ss = 1 << (PRECISION_BITS - 1);
          for (let x = 0; x < xmax; x++) ss += cur[(y * w + x + xmin) * c + ch] * kk[xx * ksize + x];
          tmp[(y * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    cur = tmp;
    curW = outW;
  }
  if (outH !== h) {
    const { bounds, ksize, kk } = pilBoxCoeffs(h, outH);
    const tmp = new Uint8Array(outH * curW * c);
    for (let yy = 0; yy < outH; yy++) {
      const ymin = bounds[yy * 2];
      const ymax = bounds[yy * 2 + 1];
      for (let x = 0; x < curW; x++) {
        for (let ch = 0; ch < c; ch++) {
          let ss = 1 << (PRECISION_BITS - 1);
          for (let y = 0; y < ymax; y++) ss += cur[((y + ymin) * curW + x) * c + ch] * kk[yy * ksize + y];
          tmp[(yy * curW + x) * c + ch] = clip8(ss);
        }
      }
    }
    cur = tmp;
  }
  return cur === src ? Uint8Array.from(src) : cur;
}
