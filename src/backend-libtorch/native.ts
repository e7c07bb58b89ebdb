/**
 * The libtorch addon (native/, Node-API over Debian's libtorch): its JS interface and how it is found and loaded.
 * Handles are numbers naming libtorch tensors inside the addon; every op writes its outputs into the return register
 * (a Float64Array handed over by init): reg[0] = number of outputs, then per output handle, dtype code, rank, dims.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** The functions the addon exports (native/src/*.cc). */
export interface LibtorchAddon {
  init(register: Float64Array): void;
  fromArray(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: number): void;
  read(h: number): Float32Array | Int32Array | Uint8Array;
  dispose(h: number): void;
  identity(h: number): void;
  stats(): { tensors: number; bytes: number };
  info(): { torch: string; threads: number; parallel: string; config: string };
  setThreads(n: number): void;
  codes(): { unary: Record<string, number>; binary: Record<string, number> };
  unary(code: number, x: number, alpha: number): void;
  binary(code: number, a: number, b: number): void;
  select(c: number, t: number, e: number): void;
  cast(x: number, dtype: number): void;
  clip(x: number, lo: number, hi: number): void;
  addN(hs: number[]): void;
  fill(shape: number[], value: number, dtype: number): void;
  fullLike(x: number, value: number): void;
  reduce(code: number, x: number, axes: number[], keepDims: boolean): void;
  argReduce(isMin: boolean, x: number, axis: number): void;
  softmax(x: number, dim: number, log: boolean): void;
  topk(x: number, k: number, sorted: boolean): void;
  cumulative(isProd: boolean, x: number, axis: number, exclusive: boolean, reverse: boolean): void;
  segmentSum(x: number, ids: number, numSegments: number): void;
  reshape(x: number, shape: number[]): void;
  transpose(x: number, perm: number[]): void;
  slice(x: number, begin: number[], size: number[]): void;
  concat(hs: number[], axis: number): void;
  split(x: number, sizes: number[], axis: number): void;
  pad(x: number, paddings: number[], value: number): void;
  tile(x: number, reps: number[]): void;
  broadcastTo(x: number, shape: number[]): void;
  oneHot(indices: number, depth: number, onValue: number, offValue: number, dtype: number): void;
  gather(x: number, indices: number, axis: number): void;
  matmul(a: number, b: number, transposeA: boolean, transposeB: boolean): void;
  adamw(p: number, g: number, m: number, v: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, stepScale: number, c2: number, epsilon: number, decayed: boolean, decayScale: number): void;
  layerNorm(x: number, gain: number, bias: number, epsilon: number): void;
  /** addend (a handle, −1 for none; addons with linearResidual only, older ones ignore it): added to dx. */
  layerNormGrad(dy: number, x: number, gain: number, mean: number, rstd: number, addend?: number): void;
  softmaxScaled(x: number, scale: number): void;
  softmaxGrad(dy: number, y: number, scale: number): void;
  reluTopK(x: number, k: number): void;
  reluGrad(dy: number, y: number): void;
  linear(x: number, w: number, bias: number): void;
  linearGrad(dy: number, x: number, w: number): void;
  attention(q: number, k: number, v: number, batch: number, heads: number, scale: number): void;
  positiveCounts(x: number): void;
  attentionGrad(dout: number, q: number, k: number, v: number, probs: number, batch: number, heads: number, scale: number): void;
  /** Absent from addons built before it (the model then runs the projections and attention as separate kernels). */
  qkvAttention?(x: number, wq: number, wk: number, wv: number, bq: number, bk: number, bv: number, batch: number, heads: number, scale: number): void;
  qkvAttentionGrad?(dout: number, x: number, qkv: number, probs: number, wq: number, wk: number, wv: number, batch: number, heads: number, scale: number): void;
  /**
   * Absent from addons built before it (the model then runs the MLP as separate kernels). residual (a handle, −1 for
   * none; addons with linearResidual only): added to y.
   */
  mlp?(x: number, w1: number, b1: number, w2: number, b2: number, k: number, counts: number, residual?: number): void;
  linearResidual?(x: number, w: number, bias: number, r: number): void;
  mlpGrad?(dy: number, x: number, a: number, w1: number, w2: number): void;
  depthwise(x: number, f: number, sh: number, sw: number, dh: number, dw: number, pt: number, pb: number, pl: number, pr: number): void;
}

/** Where `npm run build:native` puts the addon. */
export const ADDON_PATH = path.join(PACKAGE_ROOT, 'native', 'build', 'Release', 'topk_libtorch.node');

export const BUILD_HINT = 'apt-get install libtorch-dev libopenblas0-pthread, then `npm ci` builds it (or `npm run build:native`)';

/** OpenBLAS core type for this CPU (Debian's OpenBLAS 0.3.21 misdetects recent CPUs and falls back to SSE3). */
export function openblasCoreTypeFromFlags(cpuinfo?: string): string | null {
  let flags = cpuinfo;
  if (flags === undefined) {
    try {
      flags = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return null; // not Linux
    }
  }
  if (/\bavx512f\b/.test(flags)) return 'SkylakeX';
  if (/\bavx2\b/.test(flags)) return 'Haswell';
  return null;
}

let addon: LibtorchAddon | undefined;

/**
 * Loads the addon once (from `file`, default ADDON_PATH). Throws an Error with the build hint when it is not built
 * or cannot load (e.g. libtorch's shared libraries are missing).
 */
export function loadAddon(file = ADDON_PATH): LibtorchAddon {
  if (addon && file === ADDON_PATH) return addon;
  if (!fs.existsSync(file)) throw new Error(`the libtorch addon is not built (${file} is missing): ${BUILD_HINT}`);
  let loaded: LibtorchAddon;
  try {
    loaded = createRequire(import.meta.url)(file) as LibtorchAddon;
  } catch (err) {
    throw new Error(`the libtorch addon failed to load: ${(err as Error).message.split('\n')[0]}; ${BUILD_HINT}`);
  }
  if (file === ADDON_PATH) addon = loaded;
  return loaded;
}
