/** The harness's ViT as a suite Classifier: uint8 NHWC images in, logits out (pixels / 255, as in training). */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset.js';
import type { ViT } from '../models/vit.js';
import { imageBatch, range } from '../data/batch.js';
import type { Classifier } from './types.js';

export function vitClassifier(vit: ViT): Classifier {
  const { imageHeight: height, imageWidth: width, channels, numClasses } = vit.config;
  return {
    numClasses,
    logits(images: Uint8Array, count: number): Float32Array {
      const view: Dataset = { name: 'batch', images, labels: new Uint8Array(count), count, height, width, channels, classNames: [] };
      // [count, numClasses]
      return tf.tidy(() => vit.forward(imageBatch(view, range(0, count))).logits.dataSync() as Float32Array);
    },
  };
}
