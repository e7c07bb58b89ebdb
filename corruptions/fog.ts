/**
 * fog — a plasma-fractal haze added to the image, then the image rescaled to keep its maximum.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `fog` with (scale, wibble decay): max_val = x.max();
 * x += scale · plasma_fractal(mapsize, decay)[:H, :W]; out = clip(x · max_val / (max_val + scale), 0, 1)·255,
 * truncated. The fractal is the reference's diamond-square (textures.ts plasmaFractal), generated per image from
 * the seeded stream, with mapsize = next power of two >= max(H, W): 256 for 224-px ImageNet and 32 for 32-px
 * CIFAR, as in the reference, and imagecorruptions' rule for other sizes.
 * Deviations: only the random draws. (A black image stays black, as in the reference: max_val = 0.)
 * Grayscale: the same fog on the one channel.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { copyOut, FLOAT_NOISE, UNIT, unitToByte } from '../src/corruptions/image.js';
import { pixelStream } from '../src/corruptions/random.js';
import { nextPowerOfTwo, plasmaFractal } from '../src/corruptions/textures.js';
import { KernelScratch, wasmKernels } from '../src/corruptions/wasm-kernels.js';

export interface FogParams {
  /** Weight of the fractal added to the 0..1 image. */
  scale: number;
  /** Wibble decay per fractal level (smaller = more fine detail). */
  decay: number;
}

export default defineCorruption<FogParams>({
  name: 'fog',
  version: 1,
  family: 'weather',
  description: 'plasma-fractal haze of the given weight; decay controls its roughness',
  severities: {
    cifar: [
      { scale: 0.2, decay: 3 },
      { scale: 0.5, decay: 3 },
      { scale: 0.75, decay: 2.5 },
      { scale: 1, decay: 2 },
      { scale: 1.5, decay: 1.75 },
    ],
    imagenet: [
      { scale: 1.5, decay: 2 },
      { scale: 2, decay: 2 },
      { scale: 2.5, decay: 1.7 },
      { scale: 2.5, decay: 1.5 },
      { scale: 3, decay: 1.4 },
    ],
  },
  apply(image, { rng, params, output }) {
    const { height: h, width: w, channels: c } = image;
    const src = image.data;
    const size = Math.max(2, nextPowerOfTwo(Math.max(h, w)));
    const stream = pixelStream(rng);
    const kernels = wasmKernels();
    if (kernels !== null) {
      // WebAssembly: the draws from the stream's state, the fractal, the largest byte and a branch-free blend
      // (wasm/src/fog.ts fogBytes, the same doubles and bytes), about 3x faster
      const m = new KernelScratch(kernels);
      const pFractal = m.take(size * size * 8);
      const pDraws = m.take(kernels.plasmaDrawCount(size) * 8);
      const pIn = m.take(src.length + 8); // the blend reads 8 bytes for its last 6
      const pOut = m.take(src.length);
      new Uint8Array(m.buffer(), pIn, src.length).set(src);
      stream.lendState(m, (state) => kernels.fogBytes(pIn, pOut, pFractal, state, pDraws, size, h, w, c, params.scale, params.decay, FLOAT_NOISE));
      return { ...image, data: copyOut(new Uint8Array(m.buffer(), pOut, src.length), output) };
    }
    // bytes in, bytes out: UNIT[v] is v / 255 and unitToByte the reference's clip·255 truncation, so no
    // image-sized float array is made (maxVal = max byte / 255, the same double)
    let maxByte = 0;
    for (let i = 0; i < src.length; i++) if (src[i] > maxByte) maxByte = src[i];
    const maxVal = UNIT[maxByte];
    const k = maxVal / (maxVal + params.scale);
    const fractal = plasmaFractal(stream, size, params.decay);
    const out = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const f = params.scale * fractal[y * size + xx];
        const o = (y * w + xx) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = unitToByte((UNIT[src[o + ch]] + f) * k, o + ch);
      }
    }
    return { ...image, data: out };
  },
});
