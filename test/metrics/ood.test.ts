/**
 * OOD detection metrics (src/metrics/ood.ts): golden values computed by hand on small vectors with ties, AUROC, AP
 * and FPR@TPR against brute-force versions of their definitions on seeded random vectors, the scores from tiny
 * logits, and the exact error messages.
 */
import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import {
  auprIn, auprOut, auroc, averagePrecision, energyScore, fprAtTpr, maxLogit, maxSoftmaxProbability, oodDetectionMetrics, rocCurve,
} from '../../src/metrics/ood.js';
import { rngFor } from '../../src/rng.js';
import * as api from 'topk-harness/metrics';

function expectInputError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HarnessInputError').to.be.instanceOf(HarnessInputError);
  expect((caught as Error).message).to.equal(message);
}

// The running example: in-distribution scores with a tie inside the set (0.8, 0.8) and one across the sets (0.8).
const IN = [0.9, 0.8, 0.8, 0.3];
const OUT = [0.8, 0.5, 0.1];

describe('OOD scores from logits', () => {
  it('MSP, max logit and energy on rows computed by hand', () => {
    const z = new Float32Array([
      0, 0, //          softmax (1/2, 1/2)
      Math.log(3), 0, // softmax (3/4, 1/4)
      -2, 5, //         max logit in the second column
    ]);
    const msp = maxSoftmaxProbability(z, 2);
    expect(msp[0]).to.be.closeTo(0.5, 1e-12); // 1 / (e^0 + e^0)
    expect(msp[1]).to.be.closeTo(0.75, 1e-7); // 3 / (3 + 1); ln 3 rounded to float32
    expect(msp[2]).to.be.closeTo(1 / (1 + Math.exp(-7)), 1e-12); // e^5 / (e^-2 + e^5) = 1 / (1 + e^-7)
    expect(Array.from(maxLogit(z, 2))).to.deep.equal([0, Math.fround(Math.log(3)), 5]);
    const e = energyScore(z, 2);
    expect(e[0]).to.be.closeTo(Math.LN2, 1e-12); // log(e^0 + e^0) = ln 2
    expect(e[1]).to.be.closeTo(Math.log(4), 1e-7); // log(3 + 1)
    expect(e[2]).to.be.closeTo(5 + Math.log(1 + Math.exp(-7)), 1e-12); // log(e^-2 + e^5) = 5 + log(1 + e^-7)
  });

  it('three classes, number[] input, and the temperature', () => {
    const z = [1, 1, 1];
    expect(maxSoftmaxProbability(z, 3)[0]).to.be.closeTo(1 / 3, 1e-12);
    expect(energyScore(z, 3)[0]).to.be.closeTo(1 + Math.log(3), 1e-12); // log(3 e^1)
    // T = 2, z = (2 ln 3, 0): z/T = (ln 3, 0), logsumexp = ln 4, times T = 2 ln 4
    expect(energyScore([2 * Math.log(3), 0], 2, 2)[0]).to.be.closeTo(2 * Math.log(4), 1e-12);
  });

  it('is stable for huge logits and one class', () => {
    const z = [1000, 1000, -1000, -1000];
    expect(Array.from(maxSoftmaxProbability(z, 2))).to.deep.equal([0.5, 0.5]);
    const e = energyScore(z, 2);
    expect(e[0]).to.be.closeTo(1000 + Math.LN2, 1e-9); // naive exp(1000) = Infinity
    expect(e[1]).to.be.closeTo(-1000 + Math.LN2, 1e-9); // naive exp(-1000) = 0, log 0 = -Infinity
    expect(Array.from(maxSoftmaxProbability([3, -4], 1))).to.deep.equal([1, 1]);
    expect(Array.from(energyScore([3, -4], 1))).to.deep.equal([3, -4]);
  });
});

describe('OOD detection metrics: hand-computed golden values', () => {
  it('AUROC counts tied pairs as 1/2', () => {
    // pairs (in, out) with in > out, tie = 1/2:
    //   0.9 vs 0.8, 0.5, 0.1 → 3
    //   0.8 vs 0.8 (tie), 0.5, 0.1 → 2.5, twice → 5
    //   0.3 vs 0.1 → 1
    // (3 + 5 + 1) / (4 · 3) = 9/12
    expect(auroc(IN, OUT)).to.equal(0.75);
    expect(auroc(OUT, IN)).to.equal(0.25); // swapping the sets gives 1 − AUROC
  });

  it('AUPR-in is step-wise average precision, ties one threshold', () => {
    // distinct scores, decreasing: 0.9 (1 in), 0.8 (2 in, 1 out), 0.5 (1 out), 0.3 (1 in), 0.1 (1 out)
    //   t = 0.9: TP 1, FP 0 → P 1,   R 1/4, ΔR 1/4 → 1/4
    //   t = 0.8: TP 3, FP 1 → P 3/4, R 3/4, ΔR 1/2 → 3/8
    //   t = 0.5: ΔR 0
    //   t = 0.3: TP 4, FP 2 → P 2/3, R 1,   ΔR 1/4 → 1/6
    // AP = 1/4 + 3/8 + 1/6 = 19/24
    expect(auprIn(IN, OUT)).to.be.closeTo(19 / 24, 1e-15);
    expect(averagePrecision(IN, OUT)).to.be.closeTo(19 / 24, 1e-15);
  });

  it('AUPR-out makes OOD positive and negates the scores', () => {
    // negated, decreasing: −0.1 (1 out), −0.3 (1 in), −0.5 (1 out), −0.8 (1 out, 2 in), −0.9 (1 in)
    //   t = −0.1: TP 1, FP 0 → P 1,   ΔR 1/3 → 1/3
    //   t = −0.3: ΔR 0
    //   t = −0.5: TP 2, FP 1 → P 2/3, ΔR 1/3 → 2/9
    //   t = −0.8: TP 3, FP 3 → P 1/2, ΔR 1/3 → 1/6
    // AP = 1/3 + 2/9 + 1/6 = 13/18
    expect(auprOut(IN, OUT)).to.be.closeTo(13 / 18, 1e-15);
    expect(averagePrecision(OUT.map((s) => -s), IN.map((s) => -s))).to.be.closeTo(13 / 18, 1e-15);
  });

  it('FPR@TPR: the largest threshold reaching the TPR, ties at it accepted together', () => {
    // tpr 0.95: #(in >= t) / 4 >= 0.95 needs all 4, so t = 0.3; out >= 0.3: 0.8, 0.5 → 2/3
    expect(fprAtTpr(IN, OUT)).to.be.closeTo(2 / 3, 1e-15);
    // tpr 0.5: t = 0.9 accepts 1/4 only; t = 0.8 accepts 0.9, 0.8, 0.8 = 3/4 >= 1/2 (both tied 0.8s, so the achieved
    // TPR exceeds 0.5); out >= 0.8: the tied 0.8 → 1/3
    expect(fprAtTpr(IN, OUT, 0.5)).to.be.closeTo(1 / 3, 1e-15);
    // tpr 0.75: the same t = 0.8 → 1/3; tpr 1: t = 0.3 → 2/3
    expect(fprAtTpr(IN, OUT, 0.75)).to.be.closeTo(1 / 3, 1e-15);
    expect(fprAtTpr(IN, OUT, 1)).to.be.closeTo(2 / 3, 1e-15);
    // tpr 0.25: t = 0.9, no out >= 0.9 → 0
    expect(fprAtTpr(IN, OUT, 0.25)).to.equal(0);
  });

  it('oodDetectionMetrics returns all four from one sort', () => {
    const m = oodDetectionMetrics(Float32Array.from(IN), Float32Array.from(OUT)); // typed arrays (both float32, so 0.8 still ties)
    expect(m.auroc).to.equal(0.75);
    expect(m.auprIn).to.be.closeTo(19 / 24, 1e-15);
    expect(m.auprOut).to.be.closeTo(13 / 18, 1e-15);
    expect(m.fprAtTpr).to.be.closeTo(2 / 3, 1e-15);
    expect(m.tpr).to.equal(0.95);
  });

  it('perfect, reversed and all-tied detectors', () => {
    // perfect: every in above every out
    expect(oodDetectionMetrics([3, 2], [1, 0])).to.deep.equal({ auroc: 1, auprIn: 1, auprOut: 1, fprAtTpr: 0, tpr: 0.95 });
    // reversed: AUROC 0; AUPR-in: t = 3: P 0; t = 2: P 0; t = 1: TP 1 of 3 → ΔR 1/2 · 1/3; t = 0: TP 2 of 4 → 1/2 · 1/2
    //   = 1/6 + 1/4 = 5/12; FPR: t must go down to 0 → 1
    const r = oodDetectionMetrics([1, 0], [3, 2]);
    expect(r.auroc).to.equal(0);
    expect(r.auprIn).to.be.closeTo(5 / 12, 1e-15);
    expect(r.fprAtTpr).to.equal(1);
    // all tied: one threshold accepts everyone → AUROC 1/2, AP = precision of that threshold = n_in / n = 2/5
    expect(oodDetectionMetrics([7, 7], [7, 7, 7])).to.deep.equal({ auroc: 0.5, auprIn: 0.4, auprOut: 0.6, fprAtTpr: 1, tpr: 0.95 });
  });

  it('infinite scores still order; -0 and 0 tie', () => {
    expect(auroc([Infinity, 0], [-Infinity, 0])).to.equal(0.875); // (1 + 1 + 1 + 1/2) / 4
    expect(auroc([-0], [0])).to.equal(0.5);
  });

  it('the ROC curve runs (0,0) → (1,1) and its trapezoidal area is the AUROC', () => {
    const { fpr, tpr, threshold } = rocCurve(IN, OUT);
    // thresholds 0.9, 0.8, 0.5, 0.3, 0.1 → (0, 1/4), (1/3, 3/4), (2/3, 3/4), (2/3, 1), (1, 1)
    expect(Array.from(fpr)).to.deep.equal([0, 0, 1 / 3, 2 / 3, 2 / 3, 1]);
    expect(Array.from(tpr)).to.deep.equal([0, 0.25, 0.75, 0.75, 1, 1]);
    expect(Array.from(threshold)).to.deep.equal([Infinity, 0.9, 0.8, 0.5, 0.3, 0.1]);
    expect(trapezoid(fpr, tpr)).to.be.closeTo(0.75, 1e-15);
  });

  it('is exported from topk-harness/metrics', () => {
    expect(api.auroc).to.equal(auroc);
    expect(api.oodDetectionMetrics).to.equal(oodDetectionMetrics);
  });
});

describe('OOD detection metrics against brute force on seeded random vectors', () => {
  // Scores rounded to 1/20 so that ties within and across the sets are common.
  function draw(stream: string, n: number, shift: number): number[] {
    const rng = rngFor(0, 'test/ood', stream);
    return Array.from({ length: n }, () => Math.round((rng() + shift) * 20) / 20);
  }

  for (const [nIn, nOut, shift] of [[1, 1, 0], [7, 3, 0.2], [50, 80, 0.1], [300, 200, 0.3], [1000, 400, 0]] as const) {
    it(`n_in = ${nIn}, n_out = ${nOut}`, () => {
      const a = draw(`in/${nIn}`, nIn, shift);
      const b = draw(`out/${nOut}`, nOut, 0);
      const m = oodDetectionMetrics(a, b);
      expect(m.auroc).to.be.closeTo(bruteAuroc(a, b), 1e-12);
      expect(m.auprIn).to.be.closeTo(bruteAp(a, b), 1e-12);
      expect(m.auprOut).to.be.closeTo(bruteAp(b.map((s) => -s), a.map((s) => -s)), 1e-12);
      for (const tpr of [0.95, 0.5, 1, 0.01]) expect(fprAtTpr(a, b, tpr)).to.equal(bruteFprAtTpr(a, b, tpr));
      const roc = rocCurve(a, b);
      expect(trapezoid(roc.fpr, roc.tpr)).to.be.closeTo(m.auroc, 1e-12);
    });
  }
});

describe('OOD metric input errors', () => {
  it('empty score arrays', () => {
    expectInputError(() => auroc([], [1]), 'inScores are empty: need at least one in-distribution score');
    expectInputError(() => oodDetectionMetrics([1], new Float32Array(0)), 'outScores are empty: need at least one out-of-distribution score');
  });

  it('NaN and non-numbers in scores', () => {
    expectInputError(() => auroc([0.5, NaN], [1]), 'inScores contain NaN at index 1');
    expectInputError(() => fprAtTpr([0.5], new Float32Array([0, NaN])), 'outScores contain NaN at index 1');
    expectInputError(() => auprIn(['a' as unknown as number], [1]), 'inScores entry 0 is not a number (got "a")');
    expectInputError(() => auroc(null as unknown as number[], [1]), 'inScores must be an array of numbers');
  });

  it('tpr outside (0, 1]', () => {
    expectInputError(() => fprAtTpr([1], [0], 95), 'tpr must be a fraction in (0, 1] (e.g. 0.95); got 95');
    expectInputError(() => oodDetectionMetrics([1], [0], 0), 'tpr must be a fraction in (0, 1] (e.g. 0.95); got 0');
  });

  it('logits: empty, length not a multiple of numClasses, NaN, infinite, bad numClasses or temperature', () => {
    expectInputError(() => maxLogit([], 3), 'logits are empty: need at least one example');
    expectInputError(() => maxSoftmaxProbability([1, 2, 3, 4], 3), 'logits have 4 values, which is not a multiple of numClasses 3');
    expectInputError(() => energyScore([1, 2, 3, NaN], 2), 'logits contain NaN at row 1, class 1');
    expectInputError(() => maxLogit(new Float32Array([Infinity, 0]), 2), 'logit at row 0, class 0 is Infinity; logits must be finite numbers');
    expectInputError(() => maxLogit([1, 2], 1.5), 'numClasses must be a positive integer; got 1.5');
    expectInputError(() => energyScore([1, 2], 2, 0), 'temperature must be a finite number > 0; got 0');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Brute-force versions of the definitions (O(n · m) and O(n²)), independent of the sorted-table implementation.

function bruteAuroc(a: number[], b: number[]): number {
  let s = 0;
  for (const x of a) for (const y of b) s += x > y ? 1 : x === y ? 0.5 : 0;
  return s / (a.length * b.length);
}

function bruteAp(pos: number[], neg: number[]): number {
  const thresholds = [...new Set([...pos, ...neg])].sort((x, y) => y - x);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const tp = pos.filter((s) => s >= t).length;
    const fp = neg.filter((s) => s >= t).length;
    const recall = tp / pos.length;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

function bruteFprAtTpr(a: number[], b: number[], tpr: number): number {
  const candidates = [...new Set(a)].sort((x, y) => y - x);
  const t = candidates.find((c) => a.filter((s) => s >= c).length / a.length >= tpr)!;
  return b.filter((s) => s >= t).length / b.length;
}

function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return s;
}
