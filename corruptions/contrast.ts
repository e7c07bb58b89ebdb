/**
 * contrast — pull every value toward its channel's mean: (x − mean)·c + mean on the 0..1 scale.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `contrast` (means over height and width, one per channel;
 * clipped, ×255, truncated). Deterministic. Example: a half-black, half-white image at c = 0.4 has mean 0.5 and
 * becomes 0.3 / 0.7 → 76 / 178.
 * Deviations: none beyond float rounding (a uniform image stays exactly as it is; see image.ts on truncation).
 * Cost: the means are sequential sums (their order fixes their rounding), so they run as three chains side by side;
 * an output byte depends only on its channel and input byte, so the formula runs 256 times per channel into a lookup
 * table and the image is one pass of lookups. Both loops run in WebAssembly (wasm/src/contrast.ts, the same doubles
 * and bytes: V8's code for them paid bounds checks and reloads), the JavaScript below where the kernels are off.
 * Grayscale: the same on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { FLOAT_NOISE, UNIT, unitToByte } from '../src/corruptions/image.js';
import { KernelScratch, wasmKernels } from '../src/corruptions/wasm-kernels.js';

export default defineCorruption<number>({
  name: 'contrast',
  version: 1,
  family: 'digital',
  description: 'scale deviations from the per-channel mean by c',
  severities: {
    cifar: [0.75, 0.5, 0.4, 0.3, 0.15],
    imagenet: [0.4, 0.3, 0.2, 0.1, 0.05],
  },
  apply(image, { params: k }) {
    const { height: h, width: w, channels: c, data } = image;
    const n = data.length;
    const kernels = wasmKernels();
    if (kernels !== null) {
      const m = new KernelScratch(kernels);
      const pIn = m.take(n), pOut = m.take(n), pUnit = m.take(256 * 8), pValues = m.take(256 * 8), pLut = m.take(256 * c);
      const buf = m.buffer();
      new Uint8Array(buf, pIn, n).set(data);
      new Float64Array(buf, pUnit, 256).set(UNIT);
      kernels.contrastBytes(pIn, pOut, n, c, h * w, k, pUnit, pValues, pLut, FLOAT_NOISE);
      return { ...image, data: new Uint8Array(buf, pOut, n).slice() };
    }
    // each mean sums x / 255 (UNIT[x], the same double) in pixel order; for RGB the three channels' sums run in one
    // pass, side by side (three independent chains of adds: about 3x faster than a pass per channel, same sums)
    const sums = new Float64Array(c);
    if (c === 3) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let i = 0; i < n; i += 3) { s0 += UNIT[data[i]]; s1 += UNIT[data[i + 1]]; s2 += UNIT[data[i + 2]]; }
      sums[0] = s0; sums[1] = s1; sums[2] = s2;
    } else {
      let s = 0;
      for (let i = 0; i < n; i++) s += UNIT[data[i]];
      sums[0] = s;
    }
    // an output byte depends only on its input byte and channel: the formula once per (channel, byte), then a lookup
    const lut = new Uint8Array(256 * c);
    for (let ch = 0; ch < c; ch++) {
      const mean = sums[ch] / (h * w);
      for (let v = 0; v < 256; v++) lut[ch * 256 + v] = unitToByte((UNIT[v] - mean) * k + mean);
    }
    const out = new Uint8Array(n);
    if (c === 3) {
      for (let i = 0; i < n; i += 3) { out[i] = lut[data[i]]; out[i + 1] = lut[256 + data[i + 1]]; out[i + 2] = lut[512 + data[i + 2]]; }
    } else {
      for (let i = 0; i < n; i++) out[i] = lut[data[i]];
    }
    return { ...image, data: out };
  },
});
