/**
 * Inference over a whole dataset in batches: class probabilities for every example plus, from the same forward
 * pass, the per-layer fraction of nonzero MLP activations (and optionally per-neuron firing counts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Dataset } from '../data/dataset.js';
import { tokensPerImage } from '../models/config.js';
import { ViT } from '../models/vit.js';
import { imageBatch, range } from '../data/batch.js';
import { ProgressSink, silentProgress } from '../util/progress.js';

export interface Predictions {
  /** Softmax probabilities, row-major [N, C]. */
  probs: Float32Array;
  /** Logits, row-major [N, C] (for temperature scaling). */
  logits: Float32Array;
  numClasses: number;
  count: number;
  /** Per layer: mean over all tokens of the fraction of strictly positive MLP activations (0..1). */
  nonzeroFraction: number[];
  /** Per layer, when asked: tokens on which each of the d_ff neurons fired; plus the token count. */
  neuronFiring?: { counts: Float64Array[]; tokens: number };
  /** Wall time of the pass in seconds, and throughput. */
  seconds: number;
  imagesPerSecond: number;
}

export interface PredictOptions {
  batchSize?: number;
  neuronFiring?: boolean;
  progress?: ProgressSink;
}

export function predict(model: ViT, data: Dataset, opts: PredictOptions = {}): Predictions {
  const bs = opts.batchSize ?? 512;
  const progress = opts.progress ?? silentProgress;
  const c = model.config.numClasses;
  const depth = model.config.depth;
  const probs = new Float32Array(data.count * c);
  const logitsOut = new Float32Array(data.count * c);
  const nz = new Float64Array(depth);
  const firing = opts.neuronFiring ? Array.from({ length: depth }, () => new Float64Array(model.config.mlpDim)) : undefined;
  const t0 = performance.now();
  for (let start = 0; start < data.count; start += bs) {
    const end = Math.min(start + bs, data.count);
    tf.tidy(() => {
      const x = imageBatch(data, range(start, end));
      const out = model.forward(x, { nonzeroFraction: true, neuronFiring: opts.neuronFiring });
      probs.set(tf.softmax(out.logits).dataSync(), start * c);
      logitsOut.set(out.logits.dataSync(), start * c);
      out.nonzeroFraction!.forEach((s, i) => (nz[i] += s.dataSync()[0] * (end - start))); // weight by images (tokens per image are fixed)
      out.neuronFiring?.forEach((t, i) => {
        const v = t.dataSync();
        for (let j = 0; j < v.length; j++) firing![i][j] += v[j];
      });
    });
    progress.update(end, data.count, 'images');
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    probs,
    logits: logitsOut,
    numClasses: c,
    count: data.count,
    nonzeroFraction: Array.from(nz, (v) => v / data.count),
    neuronFiring: firing ? { counts: firing, tokens: data.count * tokensPerImage(model.config) } : undefined,
    seconds,
    imagesPerSecond: data.count / seconds,
  };
}
