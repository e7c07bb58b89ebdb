/**
 * One batched pass over a dataset for any Classifier, with the checks that a model trained elsewhere needs (row
 * count, finite logits). Loads no tfjs: plugin suites import it through `topk-harness/suites`.
 */
import type { Dataset } from '../data/dataset.js';
import { HarnessInputError } from '../errors.js';
import { ordinaryCopy } from '../util/ordinary-copy.js';
import { silentProgress, type ProgressSink } from '../util/progress.js';
import type { Classifier } from './types.js';

export interface DatasetLogits {
  /** Row-major [count, numClasses]. */
  logits: Float32Array;
  numClasses: number;
  count: number;
  seconds: number;
}

/** Logits of every image of `data`, in batches of `batchSize` (default 512). */
export async function predictDataset(
  classifier: Classifier, data: Dataset, opts: { batchSize?: number; progress?: ProgressSink; model?: string } = {},
): Promise<DatasetLogits> {
  const bs = opts.batchSize ?? 512;
  const c = classifier.numClasses;
  const size = data.height * data.width * data.channels;
  const out = new Float32Array(data.count * c);
  const progress = opts.progress ?? silentProgress;
  const who = opts.model !== undefined ? `model '${opts.model}'` : 'classifier';
  const t0 = performance.now();
  const known = classifier.knownLogits?.(data, bs);
  if (known && known.length === data.count * c) {
    progress.update(data.count, data.count, 'images');
    return { logits: known, numClasses: c, count: data.count, seconds: (performance.now() - t0) / 1000 };
  }
  // pixels in shared memory (the corruption suite's, with worker threads) go to a classifier as an ordinary copy:
  // some consumers refuse SharedArrayBuffer views (TextDecoder, some native add-ons)
  const shared = data.images.buffer instanceof SharedArrayBuffer;
  for (let start = 0; start < data.count; start += bs) {
    const n = Math.min(bs, data.count - start);
    const view = data.images.subarray(start * size, (start + n) * size);
    const rows = await classifier.logits(shared ? ordinaryCopy(view) : view, n);
    if (rows.length !== n * c) {
      throw new HarnessInputError(`${who} returned ${rows.length} logits for ${n} images of ${c} classes (expected ${n * c})`, 'model');
    }
    for (let i = 0; i < rows.length; i++) {
      if (!Number.isFinite(rows[i])) throw new HarnessInputError(`${who} returned a non-finite logit (${rows[i]}) for image ${start + Math.floor(i / c)} of ${data.name}`, 'model');
    }
    out.set(rows, start * c);
    progress.update(start + n, data.count, 'images');
  }
  return { logits: out, numClasses: c, count: data.count, seconds: (performance.now() - t0) / 1000 };
}
