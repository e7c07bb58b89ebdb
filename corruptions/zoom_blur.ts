/**
 * zoom_blur — radial blur: the mean of the image and centred zooms of it by factors 1, 1 + step, … < stop.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `zoom_blur`: factors = np.arange(1, stop, step); x in float32;
 * out = Σ clipped_zoom(x, z) (crop ceil(n/z) around the centre, scipy.ndimage.zoom order 1, trim back to n);
 * result (x + out) / (len(factors) + 1), clipped, ×255, truncated. The number of factors follows numpy's arange
 * rule len = ceil((stop − start) / step) in float64, e.g. ImageNet 12, 16, 11, 13, 11 and CIFAR 7, 12, 16, 21, 26
 * (the last factor can equal stop up to rounding, as numpy's does: arange(1, 1.11, 0.01) ends at 1.11).
 * Ported in typed arrays with float32 rounding where the reference is float32 (filters.ts clippedZoom).
 * Deviations: clipped_zoom is applied per axis with that axis's length (the reference uses the height for both
 * axes, which is the same on square images). Deterministic.
 * Grayscale: the same on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { clippedZoom } from '../src/corruptions/filters.js';

export interface ZoomBlurParams {
  /** Exclusive end of np.arange(1, stop, step). */
  stop: number;
  step: number;
}

/**
 * The zoom factors of np.arange(1, stop, step), bit for bit: length ceil((stop − 1) / step); numpy stores 1 and
 * 1 + step, then fills element i as 1 + i·((1 + step) − 1).
 */
export function zoomFactors(p: ZoomBlurParams): number[] {
  const n = Math.max(0, Math.ceil((p.stop - 1) / p.step));
  const delta = 1 + p.step - 1;
  return Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? 1 + p.step : 1 + i * delta));
}

export default defineCorruption<ZoomBlurParams>({
  name: 'zoom_blur',
  version: 1,
  family: 'blur',
  description: 'mean of the image and its centre zooms by np.arange(1, stop, step)',
  severities: {
    cifar: [
      { stop: 1.06, step: 0.01 },
      { stop: 1.11, step: 0.01 },
      { stop: 1.16, step: 0.01 },
      { stop: 1.21, step: 0.01 },
      { stop: 1.26, step: 0.01 },
    ],
    imagenet: [
      { stop: 1.11, step: 0.01 },
      { stop: 1.16, step: 0.01 },
      { stop: 1.21, step: 0.02 },
      { stop: 1.26, step: 0.02 },
      { stop: 1.31, step: 0.03 },
    ],
  },
  apply(image, { params }) {
    const { height: h, width: w, channels: c } = image;
    const x = new Float64Array(image.data.length);
    for (let i = 0; i < x.length; i++) x[i] = Math.fround(image.data[i] / 255);
    const acc = new Float64Array(x.length);
    const factors = zoomFactors(params);
    for (const z of factors) {
      const zoomed = clippedZoom(x, h, w, c, z, true);
      for (let i = 0; i < acc.length; i++) acc[i] = Math.fround(acc[i] + zoomed[i]);
    }
    const out = new Uint8Array(x.length);
    const n1 = factors.length + 1;
    for (let i = 0; i < out.length; i++) {
      const v = Math.fround(Math.fround(x[i] + acc[i]) / n1);
      out[i] = v >= 1 ? 255 : v > 0 ? Math.fround(v * 255) | 0 : 0;
    }
    return { ...image, data: out };
  },
});
