/**
 * wasm/train-kernels.wasm (AssemblyScript in wasm/train, built by `npm run build:wasm` and committed; a test rebuilds
 * it and compares the bytes) instantiated on the memory of a tfjs wasm backend: the module imports that memory, so
 * its kernels read and write tensors where they lie. One instance per backend instance.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { PACKAGE_ROOT } from '../package-root.js';

/** The compiled kernels, shipped in the package. */
export const TRAIN_KERNELS_FILE = path.join(PACKAGE_ROOT, 'wasm', 'train-kernels.wasm');

/** What wasm/train/index.ts exports; pointers are byte offsets into the backend's memory. */
interface TrainExports {
  reluTopK(x: number, y: number, t: number, d: number, k: number, heap: number): void;
  reluGrad(dy: number, y: number, dx: number, n: number): void;
  layerNorm(x: number, gain: number, bias: number, y: number, mean: number, rstd: number, t: number, d: number, eps: number): void;
  layerNormGrad(dy: number, x: number, gain: number, mean: number, rstd: number, dx: number, dGain: number, dBias: number, t: number, d: number): void;
  columnSums(src: number, dst: number, r: number, c: number): void;
  positiveCounts(x: number, counts: number, t: number, d: number): void;
  transpose(src: number, dst: number, r: number, c: number): void;
  attention(q: number, k: number, v: number, out: number, probs: number, b: number, n: number, h: number, dh: number, scale: number): void;
  attentionGrad(
    dout: number, q: number, k: number, v: number, probs: number, dq: number, dk: number, dv: number, b: number, n: number, h: number,
    dh: number, scale: number, row: number,
  ): void;
  adamW(
    p: number, g: number, m: number, v: number, p1: number, m1: number, v1: number, n: number,
    b1: number, nb1: number, b2: number, nb2: number, step: number, c2: number, eps: number, decayed: number, decay: number,
  ): void;
}

export interface TrainKernels extends TrainExports {
  /** A scratch region of at least `bytes` in the backend's memory (reused across calls; calls are synchronous). */
  scratch(b: BackendWasm, bytes: number): number;
}

/** The section ids of a WebAssembly binary, in order (to check that the module carries no data segment). */
export function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const DATA_SECTION = 11;

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<BackendWasm, TrainKernels | null>();

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = readFileSync(TRAIN_KERNELS_FILE);
    // A data segment would be written over the backend's memory at instantiation: refuse such a build.
    if (sectionIds(bytes).includes(DATA_SECTION)) throw new Error(`${TRAIN_KERNELS_FILE} has a data section`);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null; // no SIMD in this engine, or the file is missing: the composed ops serve
  }
  return compiled;
}

/** The kernels on this backend's memory, or null where they cannot run (the composed tfjs ops then serve). */
export function trainKernels(b: BackendWasm): TrainKernels | null {
  const known = instances.get(b);
  if (known !== undefined) return known;
  let kernels: TrainKernels | null = null;
  const mod = compile();
  const em = b.wasm as unknown as EmscriptenModule;
  const memory = em.asm?.memory ?? em.wasmMemory;
  if (mod && memory instanceof WebAssembly.Memory && memory.buffer === em.HEAPU8.buffer) {
    try {
      const abort = () => {
        throw new Error('train-kernels.wasm aborted');
      };
      const exports = new WebAssembly.Instance(mod, { env: { memory, abort } }).exports as unknown as TrainExports;
      let scratchAt = 0;
      let scratchBytes = 0;
      kernels = {
        ...exports,
        scratch(backend: BackendWasm, bytes: number): number {
          if (bytes > scratchBytes) {
            const e = backend.wasm as unknown as EmscriptenModule;
            if (scratchAt) e._free(scratchAt);
            scratchBytes = Math.max(bytes, 1024);
            scratchAt = e._malloc(scratchBytes);
          }
          return scratchAt;
        },
      };
    } catch {
      kernels = null;
    }
  }
  instances.set(b, kernels);
  return kernels;
}
