/**
 * elastic_transform — a small random affine warp followed by a smooth random displacement field.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `elastic_transform` (a modification of erniejunior's gist) with
 * (alpha, sigma, affine jitter), values in pixels as the tables give them (ImageNet's are 244·(…): the code's own
 * comment says 244 should have been 224; CIFAR's are 32·(…)):
 * 1. centre = (W//2, H//2), s = min(H, W)//3, pts1 = centre + (s, s), (s, −s), (−s, −s); pts2 = pts1 + U(−jitter,
 *    jitter) per coordinate; M = cv2.getAffineTransform(pts1, pts2); x = cv2.warpAffine(x, M, BORDER_REFLECT_101,
 *    bilinear): each output pixel samples M⁻¹·(x, y), with OpenCV's 1/32-pixel coordinate quantisation;
 * 2. dx, dy = skimage gaussian(U(−1, 1) per pixel, sigma, mode='reflect', truncate=3)·alpha (float32);
 * 3. out = scipy map_coordinates(x, (y + dy, x + dx), order=1, mode='reflect'), clipped, ×255, truncated.
 * Ported in typed arrays (filters.ts). A sigma of 0 gives no displacement (CIFAR severity 1: affine only).
 * Deviations: the reference builds the centre as (H//2, W//2) but hands it to OpenCV as (x, y); for non-square
 * images this module uses (W//2, H//2) (identical on square images). OpenCV's bilinear weights are computed in
 * float64 here (OpenCV tabulates them per 1/32 px in float32). Parameters are absolute pixels, not rescaled to the
 * image size (the tables are for 32-px and 224-px images).
 * imagecorruptions re-parameterised this corruption (no affine step, alpha 12.5..30, sigma 0.01·size); this module
 * follows the original.
 * Grayscale: the same warp and field on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { gaussianFilter, sampleBilinear } from '../src/corruptions/filters.js';
import { FLOAT_NOISE, imageFromUnit, toUnit, type Image } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';
import { KernelScratch, wasmKernels } from '../src/corruptions/wasm-kernels.js';

export interface ElasticParams {
  /** Displacement scale (px) of the smoothed field. */
  alpha: number;
  /** Gaussian sigma (px) that smooths the field. */
  sigma: number;
  /** Largest shift (px) of each affine control-point coordinate. */
  affine: number;
}

const e = (alpha: number, sigma: number, affine: number): ElasticParams => ({ alpha, sigma, affine });

/** The 2x3 affine matrix that maps the three `src` points onto `dst` (cv2.getAffineTransform). */
export function affineFromPoints(src: readonly number[][], dst: readonly number[][]): number[] {
  // Solve [x y 1] · [a b c]ᵀ = u and the same for v, by Cramer's rule on the 3x3 system.
  const [[x0, y0], [x1, y1], [x2, y2]] = src;
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  if (det === 0) throw new RangeError('affine control points are collinear');
  const solve = (u0: number, u1: number, u2: number): [number, number, number] => [
    (u0 * (y1 - y2) - y0 * (u1 - u2) + (u1 * y2 - u2 * y1)) / det,
    (x0 * (u1 - u2) - u0 * (x1 - x2) + (x1 * u2 - x2 * u1)) / det,
    (x0 * (y1 * u2 - y2 * u1) - y0 * (x1 * u2 - x2 * u1) + u0 * (x1 * y2 - x2 * y1)) / det,
  ];
  const [a, b, c] = solve(dst[0][0], dst[1][0], dst[2][0]);
  const [d, f, g] = solve(dst[0][1], dst[1][1], dst[2][1]);
  return [a, b, c, d, f, g];
}

/** The inverse of a 2x3 affine matrix, as cv2.warpAffine computes it: [ia, ib, ic, id, ie, if]. */
function inverseAffine(m: readonly number[]): [number, number, number, number, number, number] {
  const [a, b, cc, d, e2, f] = m;
  const det = a * e2 - b * d;
  const ia = e2 / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * cc + ib * f), id, ie, -(id * cc + ie * f)];
}

/**
 * The resampling half of apply (float32 pixels, the affine warp when there is one, the displacement remap, bytes
 * out) in WebAssembly (wasm/src/remap.ts: the same doubles as the JavaScript below), or null where the kernels are
 * off. About 3x faster at 224 px.
 */
function remapWasm(image: Image, affine: readonly number[] | null, dx: Float64Array, dy: Float64Array): Uint8Array | null {
  const k = wasmKernels();
  if (k === null) return null;
  const { height: h, width: w, channels: c } = image;
  const n = h * w * c;
  const m = new KernelScratch(k);
  const pIn = m.take(n);
  const pOutBytes = m.take(n);
  const pX = m.take(n * 8);
  const pWarped = m.take(n * 8);
  const pOut = m.take(n * 8);
  const pDx = m.take(h * w * 8);
  const pDy = m.take(h * w * 8);
  const buf = m.buffer();
  new Uint8Array(buf, pIn, n).set(image.data);
  new Float64Array(buf, pDx, h * w).set(dx);
  new Float64Array(buf, pDy, h * w).set(dy);
  const inv = affine === null ? [0, 0, 0, 0, 0, 0] : inverseAffine(affine);
  k.elasticRemap(pIn, pOutBytes, pX, pWarped, pOut, pDx, pDy, h, w, c, affine === null ? 0 : 1, ...(inv as [number, number, number, number, number, number]), FLOAT_NOISE);
  return new Uint8Array(buf, pOutBytes, n).slice();
}

/** cv2.warpAffine(src, M, (w, h), INTER_LINEAR, BORDER_REFLECT_101) on a float HWC image. */
export function warpAffineReflect101(src: Float64Array, h: number, w: number, c: number, m: readonly number[]): Float64Array {
  // OpenCV inverts M, then maps each destination pixel with fixed-point coordinates (AB_BITS 10, INTER_BITS 5).
  const [ia, ib, ic, id, ie, iff] = inverseAffine(m);
  const out = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    const x0 = Math.round((ib * y + ic) * 1024) + 16;
    const y0 = Math.round((ie * y + iff) * 1024) + 16;
    for (let x = 0; x < w; x++) {
      const xs = Math.floor((Math.round(ia * x * 1024) + x0) / 32) / 32;
      const ys = Math.floor((Math.round(id * x * 1024) + y0) / 32) / 32;
      sampleBilinear(src, h, w, c, ys, xs, 'reflect101', out, (y * w + x) * c);
    }
  }
  return out;
}

export default defineCorruption<ElasticParams>({
  name: 'elastic_transform',
  version: 1,
  family: 'digital',
  description: 'random affine jitter of ±affine px, then a displacement field of scale alpha smoothed by sigma px',
  severities: {
    cifar: [e(0, 0, 2.56), e(1.6, 6.4, 2.24), e(2.56, 1.92, 1.92), e(3.2, 1.28, 1.6), e(3.2, 0.96, 0.96)],
    imagenet: [e(488, 170.8, 24.4), e(488, 19.52, 48.8), e(12.2, 2.44, 4.88), e(17.08, 2.44, 4.88), e(29.28, 2.44, 4.88)],
  },
  apply(image, { rng, params }) {
    const { height: h, width: w, channels: c } = image;
    const s = pixelStream(rng);
    const cx = Math.floor(w / 2);
    const cy = Math.floor(h / 2);
    const sq = Math.floor(Math.min(h, w) / 3);
    const pts1 = [[cx + sq, cy + sq], [cx + sq, cy - sq], [cx - sq, cy - sq]];
    const pts2 = pts1.map((pt) => pt.map((v) => Math.fround(v + s.uniformIn(-params.affine, params.affine))));
    const affine = sq > 0 ? affineFromPoints(pts1, pts2) : null;
    const field = (): Float64Array => {
      const u = s.fillUniform(new Float64Array(h * w), -1, 1);
      const g = gaussianFilter(u, h, w, 1, params.sigma, 'reflect', 3);
      for (let i = 0; i < g.length; i++) g[i] = Math.fround(g[i] * params.alpha);
      return g;
    };
    const dx = field();
    const dy = field();
    const bytes = remapWasm(image, affine, dx, dy);
    if (bytes !== null) return { ...image, data: bytes };

    const x = toUnit(image);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i]);
    const warped = affine !== null ? warpAffineReflect101(x, h, w, c, affine) : x;
    const out = new Float64Array(x.length);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const i = y * w + xx;
        sampleBilinear(warped, h, w, c, y + dy[i], xx + dx[i], 'reflect', out, i * c);
      }
    }
    return imageFromUnit(out, image);
  },
});
