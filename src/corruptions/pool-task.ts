/**
 * The corruption pool's task (run in a piscina worker thread through pool-worker.ts; src/corruptions/pool.ts): corrupts
 * images of a shared dataset into a shared output buffer, claiming them one at a time from a shared counter until the
 * job's images are gone (one task per thread: no task messages between images, and the load evens out). It imports
 * the corruption from the same module the main thread registered (a built-in's file or a plugin's specifier), so it
 * runs the very same code, and draws image i's random stream exactly as corruptDataset does: the bytes do not depend
 * on the pool size or on which thread takes which image.
 *
 * Every call gets its own copy of its input image, so a corruption that writes into its input cannot change what
 * the next corruption (or severity) sees; built-ins, which only read their input (registry.ts isBuiltinCorruption),
 * get a view of the shared pixels instead (`shareInput`). Before each image the worker records the image's index in the task's
 * slot of a shared Int32Array; the main thread's watchdog reads it to name the image of a call that overran its
 * time limit and to stop the thread.
 */
import { imageContext, isSlot, outputProblem } from './apply.js';
import type { Corruption, Severity, SeverityTable } from './define.js';
import type { Image } from './image.js';
import { loadCorruptionModule } from './registry.js';

export interface PoolTask {
  module: string;
  name: string;
  cwd: string;
  seed: number | string;
  severity: Severity;
  table: SeverityTable;
  height: number;
  width: number;
  channels: 1 | 3;
  /** The dataset's pixels (read only here), image 0 at byte inputOffset. */
  input: SharedArrayBuffer;
  inputOffset: number;
  /** Hand each call a view of `input` instead of a copy: the main thread sets it for built-ins only. */
  shareInput: boolean;
  /** Where image i's corrupted pixels go, at outputOffset + i * size. */
  output: SharedArrayBuffer;
  outputOffset: number;
  /** The job's images are [start, end); the tasks claim them in order through status[nextSlot]. */
  start: number;
  end: number;
  /**
   * [slot] = index of the image this task is corrupting + 1 (0: none); [nextSlot] the next unclaimed image (starts
   * at `start`); [doneSlot] counts finished images of all tasks; [cancelSlot] see below.
   */
  status: SharedArrayBuffer;
  slot: number;
  nextSlot: number;
  doneSlot: number;
  /** Set to 1 by the main thread when the job failed elsewhere: stop before the next image. */
  cancelSlot: number;
}

/** What a task returns: nothing on success, or the first failure with the image it happened on. */
export type PoolResult = { ok: true } | { ok: false; index: number; message: string; stack?: string };

const loaded = new Map<string, Promise<Corruption>>();

function corruptionFor(task: PoolTask): Promise<Corruption> {
  const key = `${task.cwd}\u0000${task.module}`;
  let c = loaded.get(key);
  if (!c) {
    c = loadCorruptionModule(task.module, { cwd: task.cwd });
    loaded.set(key, c);
  }
  return c;
}

export async function corruptRange(task: PoolTask): Promise<PoolResult> {
  const corruption = await corruptionFor(task);
  if (corruption.name !== task.name) {
    return { ok: false, index: task.start, message: `module ${task.module} exports corruption '${corruption.name}', not '${task.name}'` };
  }
  const size = task.height * task.width * task.channels;
  const input = new Uint8Array(task.input, task.inputOffset);
  const output = new Uint8Array(task.output, task.outputOffset);
  const status = new Int32Array(task.status);
  const params = corruption.params(task.severity, task.table);
  for (;;) {
    if (Atomics.load(status, task.cancelSlot) === 1) break;
    const i = Atomics.add(status, task.nextSlot, 1);
    if (i >= task.end) break;
    Atomics.store(status, task.slot, i + 1);
    try {
      // a private copy (the call may keep or overwrite it), or a built-in's view
      const data = task.shareInput ? input.subarray(i * size, (i + 1) * size) : input.slice(i * size, (i + 1) * size);
      const image: Image = { data, height: task.height, width: task.width, channels: task.channels };
      const ctx = imageContext(task.seed, corruption, task.severity, i, task.table, params, output.subarray(i * size, (i + 1) * size));
      const out = await corruption.apply(image, ctx);
      const p = outputProblem(out, image);
      if (p !== null) return { ok: false, index: i, message: p };
      if (!isSlot((out as Image).data, output, i * size)) output.set((out as Image).data, i * size); // else written in place
    } catch (e) {
      return { ok: false, index: i, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
    }
    Atomics.add(status, task.doneSlot, 1);
  }
  Atomics.store(status, task.slot, 0);
  return { ok: true };
}
