/** The harness's ViT as a suite Classifier: uint8 NHWC images in, logits out (pixels / 255, as in training). */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset.js';
import type { ViT } from '../models/vit.js';
import { imageBatch, range } from '../data/batch.js';
import type { Classifier } from './types.js';

/** A whole pass of this model over a dataset already made elsewhere (a training child's validation pass). */
export interface KnownPass {
  data: Dataset;
  batchSize: number;
  /** [count, numClasses] */
  logits: Float32Array;
}

export function vitClassifier(vit: ViT, known: readonly KnownPass[] = []): Classifier {
  const { imageHeight: height, imageWidth: width, channels, numClasses } = vit.config;
  return {
    numClasses,
    // the same dataset object in the same batches: the pass's logits are these (predictDataset asks first)
    knownLogits: (data: Dataset, batchSize: number) => known.find((k) => k.data === data && k.batchSize === batchSize)?.logits,
    logits(images: Uint8Array, count: number): Float32Array {
      const view: Dataset = { name: 'batch', images, labels: new Uint8Array(count), count, height, width, channels, classNames: [] };
      // [count, numClasses]
      return tf.tidy(() => vit.forward(imageBatch(view, range(0, count))).logits.dataSync() as Float32Array);
    },
  };
}
