import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { groupedMatMul, matMul2d } from '../../src/models/ops.js';
import { rngFor, randNormal } from '../../src/rng.js';
import { useTestBackend } from '../support/backend.js';

function rand(shape: number[], seed: string): tf.Tensor {
  const rng = rngFor(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => randNormal(rng)), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).arraySync() as number;
}

describe('fast matrix products', () => {
  before(useTestBackend);

  it('matMul2d and its gradients equal tf.matMul', () => {
    const a = rand([7, 5], 'a'), b = rand([5, 3], 'b'), w = rand([7, 3], 'w');
    expect(maxAbsDiff(matMul2d(a as tf.Tensor2D, b as tf.Tensor2D), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D))).to.be.below(1e-5);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, matMul2d(x as tf.Tensor2D, y as tf.Tensor2D))))([a, b]);
    const [ra, rb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))))([a, b]);
    expect(maxAbsDiff(ga, ra)).to.be.below(1e-5);
    expect(maxAbsDiff(gb, rb)).to.be.below(1e-5);
  });

  it('groupedMatMul equals per-group products, forward and backward', () => {
    const [m, k, g, n] = [6, 4, 5, 3];
    const x = rand([m, k, g], 'x'), f = rand([k, g, n], 'f'), w = rand([m, g, n], 'w');
    // reference: batched matMul over groups, [G, M, K] x [G, K, N] → [G, M, N] → [M, G, N]
    const ref = (xx: tf.Tensor, ff: tf.Tensor) =>
      tf.transpose(tf.matMul(tf.transpose(xx, [2, 0, 1]) as tf.Tensor3D, tf.transpose(ff, [1, 0, 2]) as tf.Tensor3D), [1, 0, 2]);
    expect(maxAbsDiff(groupedMatMul(x as tf.Tensor3D, f as tf.Tensor3D), ref(x, f))).to.be.below(1e-5);
    const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(w, groupedMatMul(a as tf.Tensor3D, b as tf.Tensor3D))))([x, f]);
    const [rx, rf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(w, ref(a, b))))([x, f]);
    expect(maxAbsDiff(gx, rx)).to.be.below(1e-5);
    expect(maxAbsDiff(gf, rf)).to.be.below(1e-5);
  });
});
