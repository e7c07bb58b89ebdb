/**
 * The tfjs backend 'libtorch' (issue 8): tfjs kernels run as libtorch ops in a Node-API addon (native/) built
 * against Debian's libtorch-dev. Optional: without the built addon, loadLibtorchBackend() throws a clear Error and
 * callers fall back to another backend.
 *
 *   await loadLibtorchBackend();        // sets OPENBLAS_CORETYPE, loads the addon, registers backend + kernels
 *   await tf.setBackend('libtorch');
 *   libtorchInfo();                     // torch version, threads, OpenBLAS core type, for the scorecard
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAME, LibtorchBackend } from './backend.js';
import { registerLibtorchKernels } from './kernels.js';
import { LibtorchAddon, loadAddon, openblasCoreTypeFromFlags } from './native.js';

export { BACKEND_NAME } from './backend.js';
export { libtorchKernelNames } from './kernels.js';
export { ADDON_PATH, BUILD_HINT, loadAddon, openblasCoreTypeFromFlags } from './native.js';

export interface LibtorchInfo {
  /** libtorch version, e.g. '1.13.0'. */
  torch: string;
  /** Threads of the addon's pool (parallel loops, large products split by rows), the calling thread included. */
  threads: number;
  /** OPENBLAS_CORETYPE in effect: what this module set from the CPU flags, the user's own value, or 'default'. */
  openblasCoreType: string;
  /** Where openblasCoreType came from. */
  openblasCoreTypeSource: 'cpu-flags' | 'environment' | 'default';
  /** OPENBLAS_NUM_THREADS in effect ('default' when unset). */
  openblasThreads: string;
  /** OMP_WAIT_POLICY in effect. */
  ompWaitPolicy: string;
  /** The library of the 2-D products (linear layers; native/src/mm.cc): TOPK_LIBTORCH_GEMM, default oneDNN. */
  gemm: LibtorchGemm;
}

export type LibtorchGemm = 'onednn' | 'openblas';

/** TOPK_LIBTORCH_GEMM (the addon reads it per call; checked here first so that a typo fails at load). */
export function libtorchGemm(env: NodeJS.ProcessEnv = process.env): LibtorchGemm {
  const raw = env.TOPK_LIBTORCH_GEMM;
  if (raw === undefined || raw === '' || raw === 'onednn') return 'onednn';
  if (raw === 'openblas') return 'openblas';
  throw new Error(`TOPK_LIBTORCH_GEMM must be onednn or openblas, got '${raw}'`);
}

export interface LibtorchOptions {
  /** The addon's threads; default TOPK_LIBTORCH_THREADS, else every core os.availableParallelism() reports. */
  threads?: number;
}

/**
 * The default thread count: TOPK_LIBTORCH_THREADS when set (processes sharing the cores, as the study's shards, set
 * it to their share), else every available core. Throws on a value that is not a positive integer.
 */
export function defaultLibtorchThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TOPK_LIBTORCH_THREADS;
  if (raw === undefined || raw === '') return os.availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`TOPK_LIBTORCH_THREADS must be an integer from 1 to 256, got '${raw}'`);
  return n;
}

let addon: LibtorchAddon | undefined;
let info: LibtorchInfo | undefined;

/**
 * Loads the addon and registers the 'libtorch' backend and its kernels (idempotent). OpenBLAS reads its core type
 * when the library loads, so OPENBLAS_CORETYPE is set here first: SkylakeX on CPUs with avx512f, Haswell with avx2,
 * otherwise left alone; a value the user already set is kept. Throws an Error naming the build command when the
 * addon is not built.
 */
export async function loadLibtorchBackend(opts: LibtorchOptions = {}): Promise<void> {
  const threads = opts.threads ?? defaultLibtorchThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new Error(`libtorch threads must be an integer from 1 to 256, got ${threads}`);
  const gemm = libtorchGemm();
  if (!addon) {
    let source: LibtorchInfo['openblasCoreTypeSource'] = 'default';
    if (process.env.OPENBLAS_CORETYPE) source = 'environment';
    else {
      const core = openblasCoreTypeFromFlags();
      if (core) {
        process.env.OPENBLAS_CORETYPE = core;
        source = 'cpu-flags';
      }
    }
    // The addon splits large products over its own thread pool, one single-threaded BLAS call per block; OpenBLAS's
    // own threads on top would oversubscribe the cores (and made the peer train ~35% slower).
    if (!process.env.OPENBLAS_NUM_THREADS) process.env.OPENBLAS_NUM_THREADS = '1';
    // ATen's OpenMP threads stay at 1 (setThreads sizes the addon's pool instead). Should any OpenMP team start,
    // passive waiting keeps it from spinning against Node's threads: active waiting once made 2 threads ~8x slower.
    if (!process.env.OMP_WAIT_POLICY) process.env.OMP_WAIT_POLICY = 'PASSIVE';
    const a = loadAddon();
    const codes = a.codes();
    const has = (...names: (keyof LibtorchAddon)[]) => names.every((n) => typeof a[n] === 'function');
    registerLibtorchKernels(codes, has('qkvAttention', 'qkvAttentionGrad'), has('mlp', 'mlpGrad'), has('mlp', 'mlpGrad', 'linearResidual'));
    if (!tf.findBackend(BACKEND_NAME)) {
      // Priority 0: never picked by tfjs on its own; callers choose it with tf.setBackend('libtorch').
      tf.registerBackend(BACKEND_NAME, () => new LibtorchBackend(a), 0);
    }
    addon = a;
    info = {
      torch: a.info().torch,
      threads,
      openblasCoreType: process.env.OPENBLAS_CORETYPE ?? 'default',
      openblasCoreTypeSource: source,
      openblasThreads: process.env.OPENBLAS_NUM_THREADS ?? 'default',
      ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? 'default',
      gemm,
    };
  }
  addon.setThreads(threads);
  info!.threads = addon.info().threads;
  info!.gemm = gemm;
}

/** What was loaded, for the scorecard. Throws before loadLibtorchBackend(). */
export function libtorchInfo(): LibtorchInfo {
  if (!info) throw new Error('loadLibtorchBackend() has not been called');
  return { ...info };
}

/** Live libtorch tensors held by the addon and the bytes of their storages (for leak checks). */
export function libtorchNativeStats(): { tensors: number; bytes: number } {
  if (!addon) throw new Error('loadLibtorchBackend() has not been called');
  return addon.stats();
}
