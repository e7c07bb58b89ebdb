/**
 * gaussian_noise's and speckle_noise's work on bytes: x + c·n (additive) or x + x·c·n (speckle) with x = byte / 255
 * and n standard normals from the image's stream, clipped and truncated as the reference's np.uint8 (unitToByte).
 * In the WebAssembly kernels (the draws and the arithmetic; wasm/src/normals.ts, the same values), else in
 * JavaScript, the twin the tests compare with.
 */
import { copyOut, FLOAT_NOISE, placeInto, UNIT } from './image.js';
import type { PixelStream } from './random.js';
import { KernelScratch, wasmKernels } from './wasm-kernels.js';

export type NormalNoiseKind = 'additive' | 'speckle';

/** Values per chunk of draws on the JavaScript path; `scratch` is reused by every call (the work is synchronous). */
const NOISE_CHUNK = 4096;
const scratch = new Float64Array(NOISE_CHUNK);

/** The noisy bytes of `src` with strength c, drawing src.length normals from `stream`; into `into` when given (ctx.output). */
export function normalNoiseBytes(src: Uint8Array, stream: PixelStream, c: number, kind: NormalNoiseKind, into?: Uint8Array): Uint8Array {
  const k = wasmKernels();
  const n = src.length;
  if (k !== null) {
    const m = new KernelScratch(k);
    const pIn = m.take(n);
    const pOut = m.take(n);
    const pNoise = m.take(n * 8);
    stream.fillStandardNormalInKernels(m, pNoise, n);
    const buf = m.buffer();
    new Uint8Array(buf, pIn, n).set(src);
    k.noiseBytes(pIn, pOut, pNoise, n, c, kind === 'speckle' ? 1 : 0, FLOAT_NOISE);
    return copyOut(new Uint8Array(buf, pOut, n), into);
  }
  // the draws in chunks into a reused buffer (the same values as one fillStandardNormal over the whole image): a
  // fresh Float64Array per image cost more than the draws at 32 px
  const out = new Uint8Array(n);
  for (let start = 0; start < n; start += NOISE_CHUNK) {
    const len = Math.min(NOISE_CHUNK, n - start);
    const z = stream.fillStandardNormal(len === NOISE_CHUNK ? scratch : scratch.subarray(0, len));
    for (let j = 0, i = start; j < len; j++, i++) {
      const x = UNIT[src[i]];
      const v = kind === 'speckle' ? x + x * c * z[j] : x + c * z[j];
      out[i] = v > 0 ? (v >= 1 ? 255 : (v * 255 + FLOAT_NOISE) | 0) : 0; // unitToByte; v is finite, never NaN
    }
  }
  return placeInto(out, into);
}
