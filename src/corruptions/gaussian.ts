/**
 * Separable Gaussian filtering: scipy.ndimage's gaussian_filter (what skimage.filters.gaussian calls) and OpenCV's
 * Gaussian kernel. Images are Float64Array, HWC interleaved.
 */
import { borderIndex, padImage, type BorderMode } from './border.js';

/**
 * scipy.ndimage's Gaussian kernel: radius = int(truncate·sigma + 0.5), weights exp(−x²/(2σ²)) normalised to sum 1.
 * (skimage.filters.gaussian calls scipy with truncate 4 unless told otherwise.)
 */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  const sigma2 = sigma * sigma;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 / sigma2) * (i * i)); // scipy: np.exp(-0.5 / sigma2 * x ** 2)
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * A 1-D correlation along an axis of length n with a centred odd kernel, borders folded in: output o is
 * Σ_j weight[j] · input[index[j]] over j in [start[o], start[o+1]). Folding merges taps that land on the same
 * input sample, so a kernel longer than the axis (elastic's sigma 170 on 224 px) costs at most n per output.
 */
export interface FilterPlan {
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

const planCache = new Map<string, FilterPlan>();

/** The folded plan for correlating a length-n axis with `kernel`; cached under `key` when given. */
export function filterPlan(n: number, kernel: Float64Array, mode: BorderMode, key?: string): FilterPlan {
  const cacheKey = key === undefined ? undefined : `${key}|${n}|${mode}`;
  if (cacheKey !== undefined) {
    const hit = planCache.get(cacheKey);
    if (hit !== undefined) return hit;
  }
  const radius = (kernel.length - 1) >> 1;
  const start = new Int32Array(n + 1);
  const idx: number[] = [];
  const wts: number[] = [];
  const dense = new Float64Array(n);
  const touched: number[] = [];
  for (let o = 0; o < n; o++) {
    start[o] = idx.length;
    for (let j = -radius; j <= radius; j++) {
      const w = kernel[j + radius];
      if (w === 0) continue;
      const s = borderIndex(o + j, n, mode);
      if (dense[s] === 0) touched.push(s);
      dense[s] += w;
    }
    touched.sort((a, b) => a - b);
    for (const s of touched) {
      idx.push(s);
      wts.push(dense[s]);
      dense[s] = 0;
    }
    touched.length = 0;
  }
  start[n] = idx.length;
  const plan = { start, index: Int32Array.from(idx), weight: Float64Array.from(wts) };
  if (cacheKey !== undefined) {
    if (planCache.size > 512) planCache.clear();
    planCache.set(cacheKey, plan);
  }
  return plan;
}

/** Apply a plan along axis 0 (rows, y) of an HWC image. */
export function filterRows(src: Float64Array, h: number, w: number, c: number, plan: FilterPlan): Float64Array {
  const out = new Float64Array(src.length);
  const rowLen = w * c;
  const { start, index, weight } = plan;
  for (let y = 0; y < h; y++) {
    const o = y * rowLen;
    for (let j = start[y]; j < start[y + 1]; j++) {
      const wt = weight[j];
      const s = index[j] * rowLen;
      for (let k = 0; k < rowLen; k++) out[o + k] += wt * src[s + k];
    }
  }
  return out;
}

/** Apply a plan along axis 1 (columns, x) of an HWC image. */
export function filterCols(src: Float64Array, h: number, w: number, c: number, plan: FilterPlan): Float64Array {
  const out = new Float64Array(src.length);
  const { start, index, weight } = plan;
  const rowLen = w * c;
  for (let y = 0; y < h; y++) {
    const row = y * rowLen;
    for (let x = 0; x < w; x++) {
      const o = row + x * c;
      for (let j = start[x]; j < start[x + 1]; j++) {
        const wt = weight[j];
        const s = row + index[j] * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] += wt * src[s + ch];
      }
    }
  }
  return out;
}

/**
 * skimage.filters.gaussian(image, sigma, mode, truncate) on a float image: scipy.ndimage.gaussian_filter with the
 * same sigma on both spatial axes and none across channels; axis 0 first, then axis 1. A sigma of at most 1e-15
 * leaves the image unchanged, as in scipy.
 */
export function gaussianFilter(
  src: Float64Array, h: number, w: number, c: number, sigma: number, mode: BorderMode = 'nearest', truncate = 4,
): Float64Array {
  if (!(sigma > 1e-15)) return Float64Array.from(src);
  const kernel = gaussianKernel1d(sigma, truncate);
  const r = (kernel.length - 1) >> 1;
  if (r < h && r < w) {
    // Axis 0 then axis 1, each as contiguous multiply-adds over a padded copy.
    const rows = correlateAxis(padImage(src, h, w, c, r, 0, mode), h, w * c, kernel, w * c);
    return correlateAxis(padImage(rows, h, w, c, 0, r, mode), h, w * c, kernel, c, (w + 2 * r) * c);
  }
  // Kernel longer than an axis (elastic's sigma 170 on small images): fold the borders into a per-output plan.
  const key = `gauss:${sigma}:${truncate}`;
  const rows = filterRows(src, h, w, c, filterPlan(h, kernel, mode, key));
  return filterCols(rows, h, w, c, filterPlan(w, kernel, mode, key));
}

/**
 * out[y][k] = Σ_j kernel[j] · pad[y·padRow + j·step + k] for k < rowLen: a 1-D correlation along rows
 * (step = a padded row, padRow = rowLen) or along columns (step = channels, padRow = padded row length).
 */
function correlateAxis(pad: Float64Array, h: number, rowLen: number, kernel: Float64Array, step: number, padRow = rowLen): Float64Array {
  const out = new Float64Array(h * rowLen);
  for (let j = 0; j < kernel.length; j++) {
    const wt = kernel[j];
    for (let y = 0; y < h; y++) {
      const o = y * rowLen;
      const s = y * padRow + j * step;
      for (let k = 0; k < rowLen; k++) out[o + k] += wt * pad[s + k];
    }
  }
  return out;
}

/**
 * OpenCV's Gaussian kernel for an explicit sigma (cv2.getGaussianKernel with sigma > 0): exp(−(i − (n−1)/2)²/(2σ²))
 * for i in 0..n−1, normalised to sum 1.
 */
export function cvGaussianKernel(ksize: number, sigma: number): Float64Array {
  const k = new Float64Array(ksize);
  const c = (ksize - 1) / 2;
  let sum = 0;
  for (let i = 0; i < ksize; i++) {
    k[i] = Math.exp((-(i - c) * (i - c)) / (2 * sigma * sigma));
    sum += k[i];
  }
  for (let i = 0; i < ksize; i++) k[i] /= sum;
  return k;
}

