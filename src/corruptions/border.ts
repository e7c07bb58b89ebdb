/**
 * Border modes for the typed-array filters (names as in scipy.ndimage; OpenCV's name in brackets), for a row a b c d:
 * - 'nearest'    a a | a b c d | d d     [BORDER_REPLICATE]   skimage.filters.gaussian's default
 * - 'reflect'    b a | a b c d | d c     [BORDER_REFLECT]     skimage gaussian(mode='reflect'), map_coordinates
 * - 'reflect101' c b | a b c d | c b     [BORDER_REFLECT_101] cv2.filter2D / GaussianBlur / warpAffine default
 * Images are Float64Array, HWC interleaved.
 */

export type BorderMode = 'nearest' | 'reflect' | 'reflect101';

/** Map an index outside [0, n) into it by a border mode. */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  switch (mode) {
    case 'nearest':
      return i < 0 ? 0 : n - 1;
    case 'reflect': {
      const period = 2 * n;
      let k = i % period;
      if (k < 0) k += period;
      return k < n ? k : period - 1 - k;
    }
    case 'reflect101': {
      const period = 2 * n - 2;
      let k = i % period;
      if (k < 0) k += period;
      return k < n ? k : period - k;
    }
  }
}

/** A copy of an HWC image padded by py rows and px columns on each side, filled by `mode`. */
export function padImage(src: Float64Array, h: number, w: number, c: number, py: number, px: number, mode: BorderMode): Float64Array {
  const pw = w + 2 * px;
  const out = new Float64Array((h + 2 * py) * pw * c);
  const cols = new Int32Array(pw);
  for (let x = 0; x < pw; x++) cols[x] = borderIndex(x - px, w, mode) * c;
  for (let y = 0; y < h + 2 * py; y++) {
    const srow = borderIndex(y - py, h, mode) * w * c;
    const drow = y * pw * c;
    for (let x = 0; x < pw; x++) {
      const s = srow + cols[x];
      const d = drow + x * c;
      for (let ch = 0; ch < c; ch++) out[d + ch] = src[s + ch];
    }
  }
  return out;
}

/**
 * out[i] = borderIndex(i − pad, n, mode)·stride for i < n + 2·pad: where padded row (stride w·c) or column (stride c)
 * i of a padImage copy comes from, as a value offset; the WebAssembly kernels pad by these tables.
 */
export function paddedOffsets(n: number, pad: number, stride: number, mode: BorderMode): Int32Array {
  const out = new Int32Array(n + 2 * pad);
  for (let i = 0; i < out.length; i++) out[i] = borderIndex(i - pad, n, mode) * stride;
  return out;
}
