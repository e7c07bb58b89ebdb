import * as tf from '@tensorflow/tfjs-core';

/** Mean softmax cross-entropy: logits [B, C], integer labels [B] → scalar (natural log). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits); // [B, C], stable
  const onehot = tf.oneHot(labels, logits.shape[1]); // [B, C]
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
}
