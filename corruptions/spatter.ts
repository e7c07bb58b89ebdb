/**
 * spatter — water drops (bright, pale-turquoise rims) or mud splashes (opaque brown blobs). (Held-out extra.)
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `spatter` with (loc, scale, sigma, threshold, intensity, mode):
 * liquid = skimage gaussian(N(loc, scale²) per pixel, sigma); liquid[liquid < threshold] = 0; then
 * - mode 0 (water): L = uint8(liquid·255); dist = 255 − Canny(L, 50, 150); dist = distanceTransform(dist, L2, 5);
 *   dist = min(dist, 20); dist = uint8(blur3x3(dist)); dist = equalizeHist(dist); dist = filter2D(dist, CV_8U,
 *   [[−2,−1,0],[−1,1,1],[0,1,2]]) (an emboss); dist = blur3x3(dist); m = L·dist / max(L·dist)·intensity;
 *   out = clip(x + m·(175, 238, 238)/255) (pale turquoise, RGB order);
 * - mode 1 (mud): m = gaussian(liquid > threshold, sigma=intensity); m[m < 0.8] = 0;
 *   out = x·(1 − m) + m·(63, 42, 20)/255.
 * Clipped, ×255, truncated. The liquid layer is procedural in the reference too (no texture file); the OpenCV
 * steps are ported in typed arrays below: Canny with 3x3 Sobel, L1 magnitude, OpenCV's tan(22.5°) sector test and
 * 8-connected hysteresis; the 5x5 chamfer distance (a = 1, b = 1.4, c = 2.1969) with the outside treated as far;
 * box blurs and the emboss with reflect-101 borders; OpenCV's equalizeHist.
 * Deviations: liquid·255 above 255 is clipped (numpy's uint8 cast would wrap around); when no liquid survives
 * the threshold (possible on small images) the water mode adds nothing, where the reference divides 0 by 0 and
 * produces NaN; random draws from the harness's stream.
 * Grayscale: the added colour is seen through its luma (imagecorruptions' rgb2gray weights 0.2989, 0.587,
 * 0.114): water adds luma(clip(m·colour)), mud blends towards luma(mud colour).
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { gaussianFilter, gaussianKernel1d, padImage, symmetricLayout } from '../src/corruptions/filters.js';
import { copyOut, FLOAT_NOISE, imageFromUnit, placeInto, roundHalfEven, toUnit, type Image } from '../src/corruptions/image.js';
import { pixelStream, type PixelStream } from '../src/corruptions/random.js';
import { KernelScratch, wasmKernels } from '../src/corruptions/wasm-kernels.js';

export interface SpatterParams {
  /** Mean of the per-pixel normal noise. */
  loc: number;
  /** Its standard deviation. */
  scale: number;
  /** Gaussian sigma (px) that smooths the noise into blobs. */
  sigma: number;
  /** Liquid below this is removed. */
  threshold: number;
  /** Water: strength of the rims; mud: sigma (px) of the blob edges. */
  intensity: number;
  /** 0 = water, 1 = mud. */
  mode: 0 | 1;
}

const sp = (loc: number, scale: number, sigma: number, threshold: number, intensity: number, mode: 0 | 1): SpatterParams =>
  ({ loc, scale, sigma, threshold, intensity, mode });

const GRAY = [0.2989, 0.587, 0.114];
const WATER = [175 / 255, 238 / 255, 238 / 255];
const MUD = [63 / 255, 42 / 255, 20 / 255];

/** OpenCV Canny(src, low, high) with aperture 3 and L1 gradient; 255 on edges, 0 elsewhere. */
export function canny(src: Uint8Array, h: number, w: number, low: number, high: number): Uint8Array {
  // Sobel on a copy padded by one replicated pixel (OpenCV's Canny uses BORDER_REPLICATE).
  const pw = w + 2;
  const pad = new Int32Array((h + 2) * pw);
  for (let y = -1; y <= h; y++) {
    const sy = y < 0 ? 0 : y >= h ? h - 1 : y;
    for (let x = -1; x <= w; x++) pad[(y + 1) * pw + x + 1] = src[sy * w + (x < 0 ? 0 : x >= w ? w - 1 : x)];
  }
  const mag = new Int32Array((h + 2) * pw); // zero border, as OpenCV's magnitude buffer
  const gx = new Int32Array(h * w);
  const gy = new Int32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * pw + x + 1;
      const dx = pad[j - pw + 1] - pad[j - pw - 1] + 2 * (pad[j + 1] - pad[j - 1]) + pad[j + pw + 1] - pad[j + pw - 1];
      const dy = pad[j + pw - 1] - pad[j - pw - 1] + 2 * (pad[j + pw] - pad[j - pw]) + pad[j + pw + 1] - pad[j - pw + 1];
      gx[y * w + x] = dx;
      gy[y * w + x] = dy;
      mag[j] = Math.abs(dx) + Math.abs(dy);
    }
  }
  const SHIFT = 15;
  const TG22 = Math.round(0.4142135623730950488 * (1 << SHIFT));
  // 0 = weak candidate, 1 = not an edge, 2 = strong edge.
  const map = new Uint8Array(h * w).fill(1);
  const stack: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * pw + x + 1;
      const m = mag[j];
      if (m <= low) continue;
      const xs = gx[y * w + x];
      const ys = gy[y * w + x];
      const ax = Math.abs(xs);
      const ay = Math.abs(ys) * (1 << SHIFT);
      const tg22x = ax * TG22;
      let keep: boolean;
      if (ay < tg22x) keep = m > mag[j - 1] && m >= mag[j + 1];
      else {
        const tg67x = tg22x + ax * (1 << (SHIFT + 1));
        if (ay > tg67x) keep = m > mag[j - pw] && m >= mag[j + pw];
        else {
          const s = (xs ^ ys) < 0 ? -1 : 1;
          keep = m > mag[j - pw - s] && m > mag[j + pw + s];
        }
      }
      if (!keep) continue;
      if (m > high) {
        map[y * w + x] = 2;
        stack.push(y * w + x);
      } else map[y * w + x] = 0;
    }
  }
  while (stack.length > 0) {
    const i = stack.pop()!;
    const y = (i / w) | 0;
    const x = i - y * w;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
      for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
        const k = yy * w + xx;
        if (map[k] === 0) {
          map[k] = 2;
          stack.push(k);
        }
      }
    }
  }
  const out = new Uint8Array(h * w);
  for (let i = 0; i < out.length; i++) out[i] = map[i] === 2 ? 255 : 0;
  return out;
}

/**
 * OpenCV distanceTransform(src, DIST_L2, 5): 5x5 chamfer distance (a = 1, b = 1.4, c = 2.1969) of each non-zero
 * pixel to the nearest zero pixel; pixels outside the image count as far away.
 */
export function chamferDistance5(src: Uint8Array, h: number, w: number): Float64Array {
  const A = 1;
  const B = 1.4;
  const C = 2.1969;
  const FAR = 1e9;
  const pw = w + 4;
  const d = new Float64Array((h + 4) * pw).fill(FAR);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (src[y * w + x] === 0) d[(y + 2) * pw + x + 2] = 0;
  // Forward mask (rows above and the pixel to the left) and its mirror for the backward pass.
  const offs = [-2 * pw - 1, -2 * pw + 1, -pw - 2, -pw - 1, -pw, -pw + 1, -pw + 2, -1];
  const cost = [C, C, C, B, A, B, C, A];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 2) * pw + x + 2;
      let v = d[j];
      if (v === 0) continue;
      for (let k = 0; k < 8; k++) {
        const t = d[j + offs[k]] + cost[k];
        if (t < v) v = t;
      }
      d[j] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const j = (y + 2) * pw + x + 2;
      let v = d[j];
      if (v === 0) continue;
      for (let k = 0; k < 8; k++) {
        const t = d[j - offs[k]] + cost[k];
        if (t < v) v = t;
      }
      d[j] = v;
    }
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = d[(y + 2) * pw + x + 2];
  return out;
}

/**
 * 3x3 correlation with reflect-101 borders on a one-channel float image, s = Σ k[dy][dx]·src[y+dy][x+dx] summed
 * row by row, left to right (the order of the original per-tap loop, so the sums are the same bit for bit), from a
 * copy padded by one pixel so no border lookup sits in the inner loop. Output s/9 (cv2.blur) when `toByte` is
 * false, else s rounded half to even and clipped to 0..255 (filter2D to CV_8U). A flag, not a callback: a callback
 * per pixel would not be inlined.
 */
function correlate3x3(src: Float64Array, h: number, w: number, k: readonly number[], toByte: boolean): Float64Array {
  const pad = padImage(src, h, w, 1, 1, 1, 'reflect101'); // (h + 2) x (w + 2)
  const pw = w + 2;
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = k;
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    const r0 = y * pw;
    const r1 = r0 + pw;
    const r2 = r1 + pw;
    for (let x = 0; x < w; x++) {
      let s = 0;
      s += k0 * pad[r0 + x]; s += k1 * pad[r0 + x + 1]; s += k2 * pad[r0 + x + 2];
      s += k3 * pad[r1 + x]; s += k4 * pad[r1 + x + 1]; s += k5 * pad[r1 + x + 2];
      s += k6 * pad[r2 + x]; s += k7 * pad[r2 + x + 1]; s += k8 * pad[r2 + x + 2];
      out[y * w + x] = toByte ? Math.min(255, Math.max(0, roundHalfEven(s))) : s / 9;
    }
  }
  return out;
}

const BOX = [1, 1, 1, 1, 1, 1, 1, 1, 1];
const EMBOSS = [-2, -1, 0, -1, 1, 1, 0, 1, 2];

/** cv2.blur(src, (3, 3)) with reflect-101 borders on a one-channel float image. */
function box3(src: Float64Array, h: number, w: number): Float64Array {
  return correlate3x3(src, h, w, BOX, false);
}

/** OpenCV equalizeHist on 8-bit values. */
export function equalizeHist(src: Uint8Array): Uint8Array {
  const hist = new Int32Array(256);
  for (const v of src) hist[v]++;
  let i = 0;
  while (hist[i] === 0) i++;
  const total = src.length;
  if (hist[i] === total) return new Uint8Array(total).fill(i);
  const scale = Math.fround(255 / (total - hist[i]));
  const lut = new Uint8Array(256);
  let sum = 0;
  lut[i++] = 0;
  for (; i < 256; i++) {
    sum += hist[i];
    lut[i] = Math.min(255, roundHalfEven(Math.fround(sum * scale)));
  }
  const out = new Uint8Array(total);
  for (let k = 0; k < total; k++) out[k] = lut[src[k]];
  return out;
}

/** The water mask m (0..intensity) of the reference's mode 0, or null when no liquid is left. */
function waterMask(liquid: Float64Array, h: number, w: number, intensity: number): Float64Array | null {
  const l8 = new Uint8Array(h * w);
  for (let i = 0; i < l8.length; i++) l8[i] = Math.min(255, Math.max(0, liquid[i] * 255)) | 0;
  const edges = canny(l8, h, w, 50, 150);
  for (let i = 0; i < edges.length; i++) edges[i] = 255 - edges[i];
  const dist = chamferDistance5(edges, h, w);
  for (let i = 0; i < dist.length; i++) dist[i] = Math.min(dist[i], 20);
  const blurred = box3(dist, h, w);
  const d8 = new Uint8Array(h * w);
  for (let i = 0; i < d8.length; i++) d8[i] = blurred[i] | 0;
  const eq = equalizeHist(d8);
  const emb = correlate3x3(Float64Array.from(eq), h, w, EMBOSS, true);
  const emb2 = box3(emb, h, w);
  const m = new Float64Array(h * w);
  let max = 0;
  for (let i = 0; i < m.length; i++) {
    m[i] = l8[i] * Math.round(emb2[i]); // cv2.blur on uint8 rounds back to uint8
    if (m[i] > max) max = m[i];
  }
  if (!(max > 0)) return null;
  for (let i = 0; i < m.length; i++) m[i] = (m[i] / max) * intensity;
  return m;
}

/**
 * The water mode from the pixel stream to the output bytes in WebAssembly (wasm/src/spatter.ts: the normal draws
 * where the kernel reads them, the noise's mean and scale, the liquid's Gaussian, the threshold, waterMask and the
 * blend; the same doubles and bytes as the JavaScript below, about 4x faster at 224 px), or null, with nothing drawn
 * from the stream, where the kernels are off or the Gaussian is longer than an axis. No liquid left: the input's
 * bytes, as below.
 */
function waterWasm(image: Image, s: PixelStream, q: SpatterParams, into?: Uint8Array): Uint8Array | null {
  const k = wasmKernels();
  if (k === null || !(q.sigma > 1e-15)) return null;
  const { height: h, width: w, channels: c } = image;
  const kernel = gaussianKernel1d(q.sigma);
  if ((kernel.length - 1) / 2 >= Math.min(h, w)) return null;
  const n = image.data.length;
  const m = new KernelScratch(k);
  const pNormals = m.take(h * w * 8);
  const pIn = m.take(n + 8); // the blend reads 8 bytes for its last 6
  const pOut = m.take(n);
  const gauss = symmetricLayout(m, h, w, 1, kernel, 'nearest');
  const pWork = m.take(k.spatterWorkBytes(h, w));
  s.fillStandardNormalInKernels(m, pNormals, h * w);
  const buf = m.buffer();
  gauss.fill(buf);
  new Uint8Array(buf, pIn, n).set(image.data);
  const left = k.spatterWater(
    pNormals, pIn, pOut, h, w, c, q.loc, q.scale, q.threshold, q.intensity,
    gauss.line, gauss.rowAt, gauss.edgeFrom, gauss.kernel, gauss.offs, gauss.r, pWork, FLOAT_NOISE,
  );
  return copyOut(left === 0 ? image.data : new Uint8Array(buf, pOut, n), into);
}

/** The noise layer's buffer, reused from image to image (apply is synchronous and keeps nothing of it). */
let noiseScratch = new Float64Array(0);

export default defineCorruption<SpatterParams>({
  name: 'spatter',
  version: 2,
  family: 'weather',
  description: 'water drops (mode 0: turquoise embossed rims) or mud splashes (mode 1: brown blobs)',
  severities: {
    cifar: [
      sp(0.62, 0.1, 0.7, 0.7, 0.5, 0),
      sp(0.65, 0.1, 0.8, 0.7, 0.5, 0),
      sp(0.65, 0.3, 1, 0.69, 0.5, 0),
      sp(0.65, 0.1, 0.7, 0.69, 0.6, 1),
      sp(0.65, 0.1, 0.5, 0.68, 0.6, 1),
    ],
    imagenet: [
      sp(0.65, 0.3, 4, 0.69, 0.6, 0),
      sp(0.65, 0.3, 3, 0.68, 0.6, 0),
      sp(0.65, 0.3, 2, 0.68, 0.5, 0),
      sp(0.65, 0.3, 1, 0.65, 1.5, 1),
      sp(0.67, 0.4, 1, 0.65, 1.5, 1),
    ],
  },
  apply(image, { rng, params: q, output }) {
    const { height: h, width: w, channels: c } = image;
    const s = pixelStream(rng);
    if (q.mode === 0) {
      const bytes = waterWasm(image, s, q, output);
      if (bytes !== null) return { ...image, data: bytes };
    }
    if (noiseScratch.length !== h * w) noiseScratch = new Float64Array(h * w); // a fresh 224 px layer: ~400 KB of page faults
    const noise = s.fillNormal(noiseScratch, q.loc, q.scale);
    const liquid = gaussianFilter(noise, h, w, 1, q.sigma, 'nearest');
    for (let i = 0; i < liquid.length; i++) if (liquid[i] < q.threshold) liquid[i] = 0;
    const x = toUnit(image);
    if (q.mode === 0) {
      const m = waterMask(liquid, h, w, q.intensity);
      if (m === null) return { ...image, data: copyOut(image.data, output) };
      for (let i = 0; i < m.length; i++) {
        if (c === 3) {
          for (let ch = 0; ch < 3; ch++) x[i * 3 + ch] += m[i] * WATER[ch];
        } else {
          let g = 0;
          for (let ch = 0; ch < 3; ch++) g += GRAY[ch] * Math.min(1, m[i] * WATER[ch]);
          x[i] += g;
        }
      }
      return { ...image, data: placeInto(imageFromUnit(x, image).data, output) }; // the JavaScript twin, like the kernel
    }
    const blob = new Float64Array(h * w);
    for (let i = 0; i < blob.length; i++) blob[i] = liquid[i] > q.threshold ? 1 : 0;
    const m = gaussianFilter(blob, h, w, 1, q.intensity, 'nearest');
    const mudGray = GRAY[0] * MUD[0] + GRAY[1] * MUD[1] + GRAY[2] * MUD[2];
    for (let i = 0; i < m.length; i++) {
      const k = m[i] < 0.8 ? 0 : m[i];
      for (let ch = 0; ch < c; ch++) {
        const col = c === 3 ? MUD[ch] : mudGray;
        x[i * c + ch] = x[i * c + ch] * (1 - k) + col * k;
      }
    }
    return imageFromUnit(x, image);
  },
});
