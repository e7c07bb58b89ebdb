/**
 * The corruption kernels compiled to WebAssembly SIMD: wasm/kernels.wasm, built from the AssemblyScript in wasm/src
 * by `npm run build:wasm` and committed (a test rebuilds it and compares the bytes, so the binary is the source's).
 * V8 does not vectorise JavaScript; the same loops on 128-bit lanes run 2-4x faster, and each lane does the scalar
 * code's IEEE operations in the scalar code's order (WebAssembly has no fused multiply-add), so the results are the
 * JavaScript implementation's bit for bit (tested). The JavaScript stays as the fallback: on an engine without
 * WebAssembly SIMD, or with TOPK_HARNESS_WASM_KERNELS=0 (for comparing the two).
 *
 * One instance per thread (the corruption pool's workers each load their own); calls are synchronous, so one
 * scratch layout from scratchBase() (past the kernels' static data) per call is safe.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** The compiled kernels, shipped in the package. */
export const KERNELS_FILE = path.join(PACKAGE_ROOT, 'wasm', 'kernels.wasm');

/** What wasm/src/index.ts exports (pointers are byte offsets into `memory`). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  /** The first byte past the kernels' static data (their constant tables), 16-byte aligned. */
  scratchBase(): number;
  gaussianSymmetric(
    src: number, out: number, line: number, rowAt: number, edgeFrom: number, kernel: number, offs: number,
    h: number, w: number, c: number, r: number,
  ): void;
  gaussianBytes(
    inBytes: number, outBytes: number, src: number, out: number, line: number, rowAt: number, edgeFrom: number,
    kernel: number, offs: number, h: number, w: number, c: number, r: number, floatNoise: number,
  ): void;
  elasticRemap(
    inBytes: number, outBytes: number, x: number, warped: number, out: number, dx: number, dy: number,
    h: number, w: number, c: number, warp: number, ia: number, ib: number, ic: number, id: number, ie: number, iff: number,
    floatNoise: number,
  ): void;
  fillNormals(state: number, out: number, n: number, k: number, w: number, f: number): void;
  noiseBytes(inBytes: number, outBytes: number, noise: number, n: number, c: number, speckle: number, floatNoise: number): void;
  spatterWater(
    normals: number, inBytes: number, outBytes: number, h: number, w: number, c: number, loc: number, scale: number,
    threshold: number, intensity: number, line: number, rowAt: number, edgeFrom: number, kernel: number, offs: number,
    r: number, work: number, floatNoise: number,
  ): number;
  spatterWorkBytes(h: number, w: number): number;
  fogBytes(
    inBytes: number, outBytes: number, fractal: number, state: number, noise: number, size: number, h: number, w: number,
    c: number, scale: number, decay: number, floatNoise: number,
  ): void;
  plasmaDrawCount(size: number): number;
  correlateBytes(
    inBytes: number, outBytes: number, levels: number, pad: number, row: number, doubles: number, rowAt: number,
    colAt: number, shifts: number, weights: number, nt: number, h: number, w: number, c: number, py: number, px: number,
    rounding: number, floatNoise: number,
  ): void;
  diskBytes(
    inBytes: number, outBytes: number, levels: number, pad: number, sums: number, t: number, u: number, row: number,
    doubles: number, rowAt: number, colAt: number, halfWidth: number, weight: number, g: number, gDown: number,
    gAcross: number, resShifts: number, resWeights: number, nres: number, offs: number, h: number, w: number, c: number,
    p: number, rd: number, rg: number, floatNoise: number,
  ): void;
  snowBytes(
    inBytes: number, outBytes: number, levels: number, noise: number, layer: number, pad: number, row: number,
    doubles: number, zy0: number, zy1: number, zfy: number, zx0: number, zx1: number, zfx: number, threshold: number,
    rowAt: number, colAt: number, shifts: number, weights: number, nt: number, py: number, px: number, h: number,
    w: number, c: number, blend: number, floatNoise: number,
  ): void;
  boxHorizontal(src: number, dst: number, h: number, w: number, c: number, outW: number, taps: number): void;
  boxVertical(src: number, dst: number, rowLen: number, outH: number, taps: number): void;
  boxNearest(src: number, dst: number, inRow: number, outRow: number, outH: number, yFrom: number, chunks: number): void;
  contrastBytes(
    inBytes: number, outBytes: number, n: number, c: number, pixels: number, k: number, unit: number, values: number,
    lut: number, floatNoise: number,
  ): void;
  jpegRoundTrip(
    inBytes: number, outBytes: number, h: number, w: number, c: number, quant: number, yPlane: number, chromaPlane: number,
    ws: number,
  ): void;
}

let instance: KernelExports | null | undefined;

/** The kernels, or null where they are off (TOPK_HARNESS_WASM_KERNELS=0) or this engine cannot run them. */
export function wasmKernels(): KernelExports | null {
  if (process.env.TOPK_HARNESS_WASM_KERNELS === '0') return null;
  if (instance === undefined) instance = loadKernels();
  return instance;
}

function loadKernels(): KernelExports | null {
  const bytes = readFileSync(KERNELS_FILE);
  if (!WebAssembly.validate(bytes)) return null; // an engine without SIMD: the JavaScript does the work
  const abort = (): never => {
    throw new Error(`internal error: a WebAssembly corruption kernel (${KERNELS_FILE}) aborted`);
  };
  // exp and log: the normal draws' rare slow path must use the engine's own (random.ts), not a second libm
  const env = { abort, exp: Math.exp, log: Math.log };
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env }).exports as unknown as KernelExports;
}

/**
 * A call's buffers in the kernels' memory: `take` hands out 16-byte-aligned byte offsets from the kernels'
 * scratchBase() (below it lie their constant tables), `buffer` grows the memory to fit them (growing detaches old
 * views, so views are made after every take).
 */
export class KernelScratch {
  private end: number;

  constructor(readonly k: KernelExports) {
    this.end = k.scratchBase();
  }

  /** A region of `bytes` bytes: its byte offset. */
  take(bytes: number): number {
    const at = this.end;
    this.end += (bytes + 15) & ~15;
    return at;
  }

  /** The memory, grown to hold everything taken. */
  buffer(): ArrayBuffer {
    const have = this.k.memory.buffer.byteLength;
    if (this.end > have) this.k.memory.grow(Math.ceil((this.end - have) / 65536));
    return this.k.memory.buffer;
  }
}
