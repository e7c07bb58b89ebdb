/**
 * Backend selection. Order for 'auto': tensorflow (tfjs-node, native; an optional dependency whose binary
 * download fails on machines without internet) → libtorch (src/backend-libtorch: a Node-API addon over Debian's
 * libtorch, built by `npm run build:native` after `apt-get install libtorch-dev libopenblas0-pthread`) → wasm
 * (XNNPACK + SIMD, ships in the npm package) → cpu (pure JS, 20-25x slower than wasm; usable for evaluation and
 * tests, not for real training). A backend asked for by name that cannot load is an error, never a silent fallback.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers the pure-JS 'cpu' backend: the last fallback, and where tfjs runs what another backend lacks.
import '@tensorflow/tfjs-backend-cpu';
import { HarnessInputError, unknownChoiceMessage } from './errors.js';
import type { LibtorchInfo } from './backend-libtorch/index.js';

import { BACKEND_CHOICES, type BackendChoice } from './backend-choices.js';
import { fusedAdamWBackends, fusedLayerBackends } from './fused-kernels.js';

export { BACKEND_CHOICES, type BackendChoice } from './backend-choices.js';

/** What ran, for the scorecard. */
export interface BackendInfo {
  /** tfjs backend name: 'tensorflow', 'libtorch', 'wasm' or 'cpu'. */
  name: string;
  /** What the user asked for. */
  requested: BackendChoice;
  /** Why the earlier choices of 'auto' were skipped, in order. */
  skipped: string[];
  tfjsVersion: string;
  /** wasm only: whether SIMD is in use. */
  simd?: boolean;
  /**
   * wasm only: whether the harness's fused WebAssembly training kernels run (src/backend-wasm/), or the composed tfjs
   * ops (TOPK_WASM_FUSED=0, or an engine that cannot run them), which round differently.
   */
  fusedKernels?: boolean;
  threads?: number;
  /** libtorch only: torch version, threads, OpenBLAS core type and where it came from. */
  libtorch?: LibtorchInfo;
}

async function tryTensorflow(): Promise<void> {
  // Any error counts: without its binary, tfjs-node throws MODULE_NOT_FOUND or a plain Error about tfjs_binding.node.
  const mod = '@tensorflow/tfjs-node';
  await import(mod);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
}

async function tryLibtorch(): Promise<void> {
  // Throws "the libtorch addon is not built (...): run `npm run build:native` after `apt-get install ...`" when absent.
  const { loadLibtorchBackend } = await import('./backend-libtorch/index.js');
  await loadLibtorchBackend();
  if (!(await tf.setBackend('libtorch'))) throw new Error('tf.setBackend("libtorch") returned false');
}

async function tryWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  // The fused layer and AdamW kernels over the wasm heap (src/backend-wasm/fused-kernels.ts); TOPK_WASM_FUSED=0 keeps
  // the composed tfjs ops, for comparisons.
  fusedLayerBackends.delete('wasm');
  fusedAdamWBackends.delete('wasm');
  if (process.env.TOPK_WASM_FUSED !== '0') {
    const { registerWasmFusedKernels } = await import('./backend-wasm/fused-kernels.js');
    if (registerWasmFusedKernels()) {
      fusedLayerBackends.add('wasm');
      fusedAdamWBackends.add('wasm');
    }
  }
}

async function tryCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
}

const LOADERS: Record<Exclude<BackendChoice, 'auto'>, () => Promise<void>> = {
  tensorflow: tryTensorflow,
  libtorch: tryLibtorch,
  wasm: tryWasm,
  cpu: tryCpu,
};

/** The order in which 'auto' tries the backends: the first that loads is used. */
export const AUTO_ORDER: readonly Exclude<BackendChoice, 'auto'>[] = ['tensorflow', 'libtorch', 'wasm', 'cpu'];

let current: BackendInfo | undefined;

/**
 * Load and activate a backend. Idempotent for the same request. Progress notices go to `log` (stderr by default).
 */
export async function initBackend(
  requested: BackendChoice = 'auto',
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(requested)) {
    throw new HarnessInputError(unknownChoiceMessage('backend', requested, BACKEND_CHOICES), 'backend');
  }
  if (current && current.requested === requested && tf.getBackend() === current.name) return current;
  const order: readonly Exclude<BackendChoice, 'auto'>[] = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: string[] = [];
  // tfjs-core's gradients load with the first training (train/trainer.ts, src/tfjs-gradients.ts), not here: a run
  // whose models train in child processes never trains in the parent.
  for (const name of order) {
    try {
      await LOADERS[name]();
      await tf.ready();
      const info: BackendInfo = { name, requested, skipped, tfjsVersion: tf.version_core };
      if (name === 'wasm') {
        info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        info.threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 2 : 1;
        info.fusedKernels = fusedLayerBackends.has('wasm');
      }
      if (name === 'libtorch') {
        const { libtorchInfo } = await import('./backend-libtorch/index.js');
        info.libtorch = libtorchInfo();
        info.threads = info.libtorch.threads;
      }
      if (requested === 'auto' && skipped.length > 0) log(`backend: using ${name} (${skipped.join('; ')})`);
      current = info;
      return info;
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      if (requested !== 'auto') {
        throw new HarnessInputError(
          `backend '${name}' could not be loaded: ${reason}. ` +
            (name === 'tensorflow'
              ? 'Install @tensorflow/tfjs-node on a machine that can download libtensorflow, or use --backend wasm.'
              : name === 'libtorch'
                ? 'Build it with `npm run build:native` after `apt-get install libtorch-dev libopenblas0-pthread`, or use --backend wasm.'
                : 'Use --backend auto to take the first backend that loads.'),
          'backend',
        );
      }
      // whole reasons, never cut: a hint cut short once named a package that does not exist
      skipped.push(`${name} unavailable: ${/^Cannot find (package|module) '@tensorflow\/tfjs-node'/.test(reason) ? 'not installed (an optional dependency)' : reason}`);
    }
  }
  throw new Error(`no tfjs backend could be loaded: ${skipped.join('; ')}`);
}

/** The backend in use, after initBackend. */
export function backendInfo(): BackendInfo {
  if (!current) throw new Error('initBackend() has not been called');
  return current;
}
