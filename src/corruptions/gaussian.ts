/**
 * Separable Gaussian filtering: scipy.ndimage's gaussian_filter (what skimage.filters.gaussian calls) and OpenCV's
 * Gaussian kernel. Images are Float64Array, HWC interleaved.
 */
import { borderIndex, type BorderMode } from './border.js';
import { copyOut, FLOAT_NOISE } from './image.js';
import { KernelScratch, wasmKernels } from './wasm-kernels.js';

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
  // The kernel is symmetric by construction (exp of i² for i = −r..r), so scipy takes its symmetric branch.
  if (r < h && r < w) return separableSymmetricWasm(src, h, w, c, kernel, mode) ?? separableSymmetric(src, h, w, c, kernel, mode);
  // Kernel longer than an axis (elastic's sigma 170 on small images): fold the borders into a per-output plan.
  const key = `gauss:${sigma}:${truncate}`;
  const rows = filterRows(src, h, w, c, filterPlan(h, kernel, mode, key));
  return filterCols(rows, h, w, c, filterPlan(w, kernel, mode, key));
}

/**
 * scipy's gaussian_filter (axis 0, then axis 1) for a symmetric kernel of radius r < h, w, each axis summed in the
 * order of NI_Correlate1D's symmetric branch: out = p[0]·w[r] + Σ_{j = r..1} (p[−j] + p[+j])·w[r − j], so every
 * value is scipy's bit for bit. Fused per output row y: the axis-0 pass writes row y into the middle of `line`
 * ((w + 2r)·c values, HWC row), its r-pixel ends are filled by `mode`, and the axis-1 pass reads it; nothing
 * image-sized but the output is written. Four outputs per inner loop share each weight load (about 1.8x faster
 * than one; V8 does not vectorise).
 */
export function separableSymmetric(src: Float64Array, h: number, w: number, c: number, kernel: Float64Array, mode: BorderMode): Float64Array {
  const r = (kernel.length - 1) >> 1;
  const rowLen = w * c;
  const w0 = kernel[r];
  const rowAt = paddedRowOffsets(h, w, c, r, mode, new Int32Array(h + 2 * r));
  const edgeFrom = paddedColumnSources(w, c, r, mode, new Int32Array(2 * r));
  const line = new Float64Array((w + 2 * r) * c);
  const out = new Float64Array(h * rowLen);
  const lead = r * c; // line offset of column 0
  for (let y = 0; y < h; y++) {
    // axis 0: line[lead + k] = Σ over rows y − r .. y + r of src at k
    const mid = rowAt[y + r];
    let k = 0;
    for (; k + 4 <= rowLen; k += 4) {
      const m = mid + k;
      let a0 = src[m] * w0, a1 = src[m + 1] * w0, a2 = src[m + 2] * w0, a3 = src[m + 3] * w0;
      for (let j = r; j >= 1; j--) {
        const wt = kernel[r - j];
        const lo = rowAt[y + r - j] + k;
        const hi = rowAt[y + r + j] + k;
        a0 += (src[lo] + src[hi]) * wt;
        a1 += (src[lo + 1] + src[hi + 1]) * wt;
        a2 += (src[lo + 2] + src[hi + 2]) * wt;
        a3 += (src[lo + 3] + src[hi + 3]) * wt;
      }
      line[lead + k] = a0; line[lead + k + 1] = a1; line[lead + k + 2] = a2; line[lead + k + 3] = a3;
    }
    for (; k < rowLen; k++) {
      let a = src[mid + k] * w0;
      for (let j = r; j >= 1; j--) a += (src[rowAt[y + r - j] + k] + src[rowAt[y + r + j] + k]) * kernel[r - j];
      line[lead + k] = a;
    }
    for (let x = 0; x < r; x++) {
      const left = x * c;
      const right = (w + r + x) * c;
      for (let ch = 0; ch < c; ch++) {
        line[left + ch] = line[edgeFrom[x] + ch];
        line[right + ch] = line[edgeFrom[r + x] + ch];
      }
    }
    // axis 1: out[y][k] = Σ over columns ±j (step c) of line around lead + k
    const o = y * rowLen;
    k = 0;
    for (; k + 4 <= rowLen; k += 4) {
      const m = lead + k;
      let a0 = line[m] * w0, a1 = line[m + 1] * w0, a2 = line[m + 2] * w0, a3 = line[m + 3] * w0;
      for (let j = r; j >= 1; j--) {
        const wt = kernel[r - j];
        const lo = m - j * c;
        const hi = m + j * c;
        a0 += (line[lo] + line[hi]) * wt;
        a1 += (line[lo + 1] + line[hi + 1]) * wt;
        a2 += (line[lo + 2] + line[hi + 2]) * wt;
        a3 += (line[lo + 3] + line[hi + 3]) * wt;
      }
      out[o + k] = a0; out[o + k + 1] = a1; out[o + k + 2] = a2; out[o + k + 3] = a3;
    }
    for (; k < rowLen; k++) {
      const m = lead + k;
      let a = line[m] * w0;
      for (let j = r; j >= 1; j--) a += (line[m - j * c] + line[m + j * c]) * kernel[r - j];
      out[o + k] = a;
    }
  }
  return out;
}

/** rowAt[i] = the value offset in an HWC image of padded row i (image row i − r, border by mode), i < h + 2r. */
function paddedRowOffsets(h: number, w: number, c: number, r: number, mode: BorderMode, rowAt: Int32Array): Int32Array {
  for (let i = 0; i < h + 2 * r; i++) rowAt[i] = borderIndex(i - r, h, mode) * w * c;
  return rowAt;
}

/** edgeFrom[x] = for the 2r padded columns of a line (x < r left, else right), the line offset they copy. */
function paddedColumnSources(w: number, c: number, r: number, mode: BorderMode, edgeFrom: Int32Array): Int32Array {
  for (let x = 0; x < r; x++) {
    edgeFrom[x] = (r + borderIndex(x - r, w, mode)) * c;
    edgeFrom[r + x] = (r + borderIndex(w + x, w, mode)) * c;
  }
  return edgeFrom;
}

/**
 * separableSymmetric in WebAssembly SIMD (wasm/src/gaussian.ts: the same operations in the same order, so the same
 * doubles; about 4x faster at 224 px), or null where the kernels are off.
 */
export function separableSymmetricWasm(
  src: Float64Array, h: number, w: number, c: number, kernel: Float64Array, mode: BorderMode,
): Float64Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const n = h * w * c;
  const m = new KernelScratch(k);
  const pSrc = m.take(n * 8);
  const pOut = m.take(n * 8);
  const call = symmetricLayout(m, h, w, c, kernel, mode);
  const buf = m.buffer();
  call.fill(buf);
  new Float64Array(buf, pSrc, n).set(src);
  k.gaussianSymmetric(pSrc, pOut, call.line, call.rowAt, call.edgeFrom, call.kernel, call.offs, h, w, c, call.r);
  return new Float64Array(buf, pOut, n).slice();
}

/**
 * unitToByte(gaussianFilter(toUnit(image), ...)) for gaussian_blur, all in WebAssembly (wasm/src/gaussian.ts
 * gaussianBytes: the same doubles and bytes), or null where the kernels are off or the kernel is longer than an axis.
 */
export function gaussianFilterBytes(
  data: Uint8Array, h: number, w: number, c: number, sigma: number, mode: BorderMode = 'nearest', truncate = 4, into?: Uint8Array,
): Uint8Array | null {
  const k = wasmKernels();
  if (k === null || !(sigma > 1e-15)) return null;
  const kernel = gaussianKernel1d(sigma, truncate);
  const r = (kernel.length - 1) >> 1;
  if (r >= h || r >= w) return null;
  const n = h * w * c;
  const m = new KernelScratch(k);
  const pIn = m.take(n);
  const pOutBytes = m.take(n);
  const pSrc = m.take(n * 8);
  const pOut = m.take(n * 8);
  const call = symmetricLayout(m, h, w, c, kernel, mode);
  const buf = m.buffer();
  call.fill(buf);
  new Uint8Array(buf, pIn, n).set(data);
  k.gaussianBytes(pIn, pOutBytes, pSrc, pOut, call.line, call.rowAt, call.edgeFrom, call.kernel, call.offs, h, w, c, call.r, FLOAT_NOISE);
  return copyOut(new Uint8Array(buf, pOutBytes, n), into);
}

/** The kernels' side buffers of a symmetric Gaussian (line, index tables, kernel, scratch) and how to fill them. */
export function symmetricLayout(m: KernelScratch, h: number, w: number, c: number, kernel: Float64Array, mode: BorderMode) {
  const r = (kernel.length - 1) >> 1;
  const at = {
    r,
    line: m.take((w + 2 * r) * c * 8),
    rowAt: m.take((h + 2 * r) * 4),
    edgeFrom: m.take(2 * r * 4),
    kernel: m.take(kernel.length * 8),
    offs: m.take(r * 8),
  };
  return {
    ...at,
    fill(buf: ArrayBuffer): void {
      paddedRowOffsets(h, w, c, r, mode, new Int32Array(buf, at.rowAt, h + 2 * r));
      paddedColumnSources(w, c, r, mode, new Int32Array(buf, at.edgeFrom, 2 * r));
      new Float64Array(buf, at.kernel, kernel.length).set(kernel);
    },
  };
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

