import { expect } from 'chai';
import {
  changeProbabilities,
  exactSelectionCount,
  parseNoiseSpec,
  transitionMatrix,
} from '../../src/label-noise/index.js';

function expectMatrixClose(actual: number[][], expected: number[][], tol = 1e-12): void {
  expect(actual.length).to.equal(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v, `[${i}][${j}]`).to.be.closeTo(expected[i][j], tol)));
}

describe('expected transition matrices', () => {
  // REFERENCE.md §4.1: 4 classes, p = 0.4 — (a) diagonal 0.7, off 0.1; (b) diagonal 0.6, off 0.1333.
  it('uniform (convention a), 4 classes, p = 0.4: diagonal 0.7, off-diagonal 0.1', () => {
    const T = transitionMatrix(parseNoiseSpec('uniform:0.4'), 4);
    expectMatrixClose(T, [
      [0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1], [0.1, 0.1, 0.1, 0.7],
    ]);
  });

  it('uniform-other (convention b), 4 classes, p = 0.4: diagonal 0.6, off-diagonal 0.4/3', () => {
    const T = transitionMatrix(parseNoiseSpec('uniform-other:0.4'), 4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) expect(T[i][j]).to.be.closeTo(i === j ? 0.6 : 0.4 / 3, 1e-12);
    }
    expect(T[0][1]).to.be.closeTo(0.1333, 1e-4);
  });

  it('pair-flip sends class i to i+1 and class C-1 to 0', () => {
    const T = transitionMatrix(parseNoiseSpec('pair-flip:0.45'), 4);
    expectMatrixClose(T, [
      [0.55, 0.45, 0, 0], [0, 0.55, 0.45, 0], [0, 0, 0.55, 0.45], [0.45, 0, 0, 0.55],
    ]);
  });

  it('asymmetric MNIST: 7→1, 2→7, 5↔6, 3→8 with probability p; other classes untouched', () => {
    const T = transitionMatrix(parseNoiseSpec('asymmetric:0.4:mnist'), 10);
    const expected: number[][] = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 1 : 0)));
    for (const [from, to] of [[7, 1], [2, 7], [5, 6], [6, 5], [3, 8]]) {
      expected[from][from] = 0.6;
      expected[from][to] = 0.4;
    }
    expectMatrixClose(T, expected);
  });

  it('asymmetric CIFAR-10: truck→automobile, bird→airplane, deer→horse, cat↔dog', () => {
    const T = transitionMatrix(parseNoiseSpec('asymmetric:0.4:cifar10'), 10);
    expect([T[9][1], T[2][0], T[4][7], T[3][5], T[5][3]]).to.deep.equal([0.4, 0.4, 0.4, 0.4, 0.4]);
    for (const c of [0, 1, 6, 7, 8]) expect(T[c][c]).to.equal(1);
  });

  it('every row sums to 1 for every kind', () => {
    const specs = ['uniform:0.8', 'uniform-other:0.37', 'pair-flip:0.45', 'asymmetric:0.4:mnist', 'uniform:0.3:independent'];
    for (const s of specs) {
      for (const row of transitionMatrix(parseNoiseSpec(s), 10)) {
        expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
      }
    }
  });

  it('p = 0 gives the identity', () => {
    for (const s of ['uniform:0', 'uniform-other:0', 'pair-flip:0', 'asymmetric:0:cifar10']) {
      const T = transitionMatrix(parseNoiseSpec(s), 10);
      T.forEach((row, i) => row.forEach((v, j) => expect(v).to.equal(i === j ? 1 : 0)));
    }
  });

  it('matrix kind returns a copy of the user matrix', () => {
    const spec = parseNoiseSpec('matrix:0.8,0.2/0.3,0.7');
    const T = transitionMatrix(spec, 2);
    expect(T).to.deep.equal([[0.8, 0.2], [0.3, 0.7]]);
    T[0][0] = 0;
    expect(transitionMatrix(spec, 2)[0][0]).to.equal(0.8);
  });

  it('exact mode uses q = floor(pN)/N when N is given', () => {
    const T = transitionMatrix(parseNoiseSpec('pair-flip:0.45:exact'), 3, 10); // floor(4.5) = 4 → q = 0.4
    expectMatrixClose(T, [[0.6, 0.4, 0], [0, 0.6, 0.4], [0.4, 0, 0.6]]);
  });

  it('expected change probability: uniform p(C-1)/C, uniform-other p, asymmetric p on mapped classes only', () => {
    // REFERENCE.md §4.1 [computed]: C=10 → 0.36 at p=0.4; C=100 → 0.198/0.396/0.792; C=1000 → 0.3996.
    expect(changeProbabilities(parseNoiseSpec('uniform:0.4'), 10)[0]).to.be.closeTo(0.36, 1e-15);
    expect(changeProbabilities(parseNoiseSpec('uniform:0.2'), 100)[0]).to.be.closeTo(0.198, 1e-15);
    expect(changeProbabilities(parseNoiseSpec('uniform:0.8'), 100)[0]).to.be.closeTo(0.792, 1e-15);
    expect(changeProbabilities(parseNoiseSpec('uniform-other:0.2'), 10)).to.deep.equal(new Array(10).fill(0.2));
    expect(changeProbabilities(parseNoiseSpec('asymmetric:0.4:mnist'), 10)).to.deep.equal(
      [0, 0, 0.4, 0.4, 0, 0.4, 0.4, 0.4, 0, 0],
    );
  });

  it('exactSelectionCount is floor(pN) for the decimal p, despite binary rounding', () => {
    expect(0.29 * 100).to.be.lessThan(29); // the trap
    expect(exactSelectionCount(0.29, 100)).to.equal(29);
    expect(exactSelectionCount(0.4, 50000)).to.equal(20000);
    expect(exactSelectionCount(0.45, 10)).to.equal(4);
    expect(exactSelectionCount(1, 7)).to.equal(7);
    expect(exactSelectionCount(0, 7)).to.equal(0);
  });
});
