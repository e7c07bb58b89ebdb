import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { topKMask } from '../../src/models/topk.js';
import { rngFor, randNormal } from '../../src/rng.js';
import { useTestBackend } from '../support/backend.js';

function randomMatrix(rows: number, cols: number, seed: string): Float32Array {
  const rng = rngFor(seed);
  return Float32Array.from({ length: rows * cols }, () => randNormal(rng));
}

describe('Top-k activation', () => {
  before(useTestBackend);

  it('keeps exactly the k largest entries of each row and zeroes the rest', () => {
    const rows = 50, d = 64, k = 5;
    const a = tf.relu(tf.tensor2d(randomMatrix(rows, d, 'topk-a'), [rows, d])) as tf.Tensor2D;
    const av = a.arraySync() as number[][];
    const yv = topKMask(a, k).arraySync() as number[][];
    for (let r = 0; r < rows; r++) {
      const sorted = [...av[r]].sort((x, y) => y - x);
      const thr = sorted[k - 1];
      let nonzero = 0;
      for (let j = 0; j < d; j++) {
        if (yv[r][j] !== 0) nonzero++;
        expect(yv[r][j]).to.equal(av[r][j] >= thr ? av[r][j] : 0);
      }
      expect(nonzero).to.be.at.most(k);
    }
  });

  it('keeps fewer than k nonzeros when fewer than k activations are positive', () => {
    const a = tf.tensor2d([[0, 0, 3, 0, 1, 0]]);
    expect(topKMask(a, 4).arraySync()).to.deep.equal([[0, 0, 3, 0, 1, 0]]);
  });

  it('keeps every entry tied with the k-th value (documented tie rule)', () => {
    const a = tf.tensor2d([[1, 2, 2, 2, 0.5]]);
    expect(topKMask(a, 2).arraySync()).to.deep.equal([[0, 2, 2, 2, 0]]);
  });

  it('is the identity when k equals the row width', () => {
    const a = tf.tensor2d([[1, 2, 3]]);
    expect(topKMask(a, 3)).to.equal(a);
  });

  it('passes gradients only through the kept entries, matching a numerical gradient', () => {
    const rows = 6, d = 12, k = 3;
    const h = tf.tensor2d(randomMatrix(rows, d, 'topk-h'), [rows, d]);
    const w = tf.tensor2d(randomMatrix(rows, d, 'topk-w'), [rows, d]);
    // f(h) = Σ w ⊙ TopK(ReLU(h))
    const f = (x: tf.Tensor) => tf.sum(tf.mul(w, topKMask(tf.relu(x) as tf.Tensor2D, k))) as tf.Scalar;
    const analytic = tf.grad(f)(h).arraySync() as number[][];
    const hv = h.arraySync() as number[][];
    const eps = 1e-2; // small against the gaps between sorted values of these draws, so the mask is locally constant
    for (let r = 0; r < rows; r++) {
      const kept = topKMask(tf.relu(tf.tensor2d([hv[r]])) as tf.Tensor2D, k).arraySync()[0] as number[];
      for (let j = 0; j < d; j++) {
        const plus = hv.map((row) => row.slice());
        const minus = hv.map((row) => row.slice());
        plus[r][j] += eps;
        minus[r][j] -= eps;
        const numeric = (f(tf.tensor2d(plus)).arraySync() - f(tf.tensor2d(minus)).arraySync()) / (2 * eps);
        expect(analytic[r][j]).to.be.closeTo(numeric, 2e-3);
        if (kept[j] === 0) expect(analytic[r][j]).to.equal(0);
      }
    }
  });
});
