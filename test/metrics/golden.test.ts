/**
 * Golden vectors T1-T6 from ../shared/REFERENCE.md §3.3, each under the rule it states, to 1e-6.
 * Every expected number here is copied from REFERENCE.md (or, where marked, worked by hand), never produced by
 * running this code.
 */
import { expect } from 'chai';
import {
  accuracy,
  adaptiveCalibrationError,
  adaptiveCalibrationErrorFromConfidences,
  brierScore,
  calibrationReport,
  classwiseCalibrationError,
  debiasedL2CalibrationError,
  debiasedL2CalibrationErrorFromConfidences,
  expectedCalibrationError,
  expectedCalibrationErrorFromConfidences,
  maximumCalibrationError,
  maximumCalibrationErrorFromConfidences,
  negativeLogLikelihood,
  rmsCalibrationError,
  rmsCalibrationErrorFromConfidences,
  topLabel,
  type BinRule,
} from '../../src/metrics/index.js';

const TOL = 1e-6;
const RULES: BinRule[] = ['right', 'left'];

describe('REFERENCE T1: torchmetrics docstring, multiclass, M = 3', () => {
  const probs = [
    [0.25, 0.2, 0.55],
    [0.55, 0.05, 0.4],
    [0.1, 0.3, 0.6],
    [0.9, 0.05, 0.05],
  ];
  const labels = [0, 1, 2, 0];

  it('confidence and correctness: conf [0.55, 0.55, 0.60, 0.90], correct [0, 0, 1, 1]', () => {
    const t = topLabel(probs, labels);
    expect(Array.from(t.confidence)).to.deep.equal([0.55, 0.55, 0.6, 0.9]);
    expect(Array.from(t.correct)).to.deep.equal([0, 0, 1, 1]);
  });

  for (const rule of RULES) {
    it(`ECE 0.200000, RMS 0.208167, MCE 0.233333 under rule '${rule}'`, () => {
      expect(expectedCalibrationError(probs, labels, { bins: 3, rule }).ece).to.be.closeTo(0.2, TOL);
      expect(rmsCalibrationError(probs, labels, { bins: 3, rule }).rmsce).to.be.closeTo(0.208167, TOL);
      expect(maximumCalibrationError(probs, labels, { bins: 3, rule }).mce).to.be.closeTo(0.233333, TOL);
    });
  }

  it('Brier 0.636250, NLL 1.249553, accuracy 0.5 (hand)', () => {
    expect(brierScore(probs, labels)).to.be.closeTo(0.63625, TOL);
    expect(negativeLogLikelihood(probs, labels)).to.be.closeTo(1.249553, TOL);
    expect(accuracy(probs, labels)).to.equal(0.5);
  });

  it('calibrationReport agrees with the same goldens', () => {
    const r = calibrationReport(probs, labels, { bins: 3, rule: 'right' });
    expect(r.ece).to.be.closeTo(0.2, TOL);
    expect(r.rmsce).to.be.closeTo(0.208167, TOL);
    expect(r.mce).to.be.closeTo(0.233333, TOL);
    expect(r.brier).to.be.closeTo(0.63625, TOL);
    expect(r.nll).to.be.closeTo(1.249553, TOL);
    expect(r.accuracy).to.equal(0.5);
    expect(r.n).to.equal(4);
    expect(r.rule).to.equal('right');
    expect(r.bins).to.have.length(3);
  });
});

describe('REFERENCE T2: binary, positive-class vs top-label, M = 2', () => {
  const p1 = [0.2, 0.4, 0.6, 0.9];
  const y = [0, 1, 1, 1];

  it('positive-class ECE (scores against 0/1 labels) = 0.225000', () => {
    for (const rule of RULES) {
      expect(expectedCalibrationErrorFromConfidences(p1, y, { bins: 2, rule }).ece).to.be.closeTo(0.225, TOL);
    }
  });

  it('top-label ECE of [1-p, p] = 0.025000', () => {
    const probs = p1.map((p) => [1 - p, p]);
    const t = topLabel(probs, y);
    expect(Array.from(t.correct)).to.deep.equal([1, 0, 1, 1]);
    for (const rule of RULES) {
      expect(expectedCalibrationError(probs, y, { bins: 2, rule }).ece).to.be.closeTo(0.025, TOL);
    }
  });

  it('classwise ECE of [1-p, p] = 0.225 (hand: both classes have ECE 0.225)', () => {
    const probs = p1.map((p) => [1 - p, p]);
    const r = classwiseCalibrationError(probs, y, { bins: 2 });
    expect(r.perClass[1].ece).to.be.closeTo(0.225, TOL);
    expect(r.perClass[0].ece).to.be.closeTo(0.225, TOL);
    expect(r.classwiseEce).to.be.closeTo(0.225, TOL);
  });

  it("torchmetrics binary docstring: l1 0.2900, l2 0.2918, max 0.3167 (4 digits as printed)", () => {
    const s = [0.25, 0.25, 0.55, 0.75, 0.75];
    const t = [0, 0, 1, 1, 1];
    expect(expectedCalibrationErrorFromConfidences(s, t, { bins: 2 }).ece).to.be.closeTo(0.29, 5e-5);
    expect(rmsCalibrationErrorFromConfidences(s, t, { bins: 2 }).rmsce).to.be.closeTo(0.2918, 5e-5);
    expect(maximumCalibrationErrorFromConfidences(s, t, { bins: 2 }).mce).to.be.closeTo(0.3167, 5e-5);
  });
});

describe('REFERENCE T3: boundary rule, M = 4, confidences given directly', () => {
  const conf = [0.25, 0.5, 0.5, 0.75, 1.0, 1.0];
  const correct = [0, 1, 0, 0, 1, 1];

  it("(lo, hi] ('right'): bins [0,1,1,2,3,3] → ECE 0.166667, MCE 0.750000, RMS 0.322749", () => {
    const e = expectedCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'right' });
    expect(e.bins.map((b) => b.count)).to.deep.equal([1, 2, 1, 2]);
    expect(e.rule).to.equal('right');
    expect(e.ece).to.be.closeTo(0.166667, TOL);
    expect(maximumCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'right' }).mce).to.be.closeTo(0.75, TOL);
    expect(rmsCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'right' }).rmsce).to.be.closeTo(0.322749, TOL);
  });

  it("[lo, hi) last closed ('left'): bins [1,2,2,3,3,3] → ECE 0.166667, MCE 0.250000, RMS 0.204124", () => {
    const e = expectedCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'left' });
    expect(e.bins.map((b) => b.count)).to.deep.equal([0, 1, 2, 3]);
    expect(e.ece).to.be.closeTo(0.166667, TOL);
    expect(maximumCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'left' }).mce).to.be.closeTo(0.25, TOL);
    expect(rmsCalibrationErrorFromConfidences(conf, correct, { bins: 4, rule: 'left' }).rmsce).to.be.closeTo(0.204124, TOL);
  });
});

describe('REFERENCE T4: 10 examples, 3 classes (0.4, 0.6, 0.8 on 15-bin edges)', () => {
  const probs = [
    [0.7, 0.2, 0.1],
    [0.6, 0.3, 0.1],
    [0.4, 0.35, 0.25],
    [0.9, 0.05, 0.05],
    [0.2, 0.7, 0.1],
    [0.1, 0.8, 0.1],
    [0.3, 0.3, 0.4],
    [0.05, 0.15, 0.8],
    [0.34, 0.33, 0.33],
    [0.5, 0.1, 0.4],
  ];
  const labels = [0, 1, 0, 0, 1, 2, 2, 2, 1, 2];

  it('conf [.7,.6,.4,.9,.7,.8,.4,.8,.34,.5], correct [1,0,1,1,1,0,1,1,0,0], accuracy 0.6', () => {
    const t = topLabel(probs, labels);
    expect(Array.from(t.confidence)).to.deep.equal([0.7, 0.6, 0.4, 0.9, 0.7, 0.8, 0.4, 0.8, 0.34, 0.5]);
    expect(Array.from(t.correct)).to.deep.equal([1, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
    expect(accuracy(probs, labels)).to.be.closeTo(0.6, 1e-12);
  });

  it('M = 15: ECE right 0.326000, left 0.394000; MCE right 0.600000; RMS right 0.350219', () => {
    expect(expectedCalibrationError(probs, labels, { bins: 15, rule: 'right' }).ece).to.be.closeTo(0.326, TOL);
    expect(expectedCalibrationError(probs, labels, { bins: 15, rule: 'left' }).ece).to.be.closeTo(0.394, TOL);
    expect(maximumCalibrationError(probs, labels, { bins: 15, rule: 'right' }).mce).to.be.closeTo(0.6, TOL);
    expect(rmsCalibrationError(probs, labels, { bins: 15, rule: 'right' }).rmsce).to.be.closeTo(0.350219, TOL);
  });

  it('M = 5: ECE right 0.206000, left 0.154000; MCE right 0.550000; RMS right 0.293519; debiased l2 right 0.163768', () => {
    expect(expectedCalibrationError(probs, labels, { bins: 5, rule: 'right' }).ece).to.be.closeTo(0.206, TOL);
    expect(expectedCalibrationError(probs, labels, { bins: 5, rule: 'left' }).ece).to.be.closeTo(0.154, TOL);
    expect(maximumCalibrationError(probs, labels, { bins: 5, rule: 'right' }).mce).to.be.closeTo(0.55, TOL);
    expect(rmsCalibrationError(probs, labels, { bins: 5, rule: 'right' }).rmsce).to.be.closeTo(0.293519, TOL);
    expect(debiasedL2CalibrationError(probs, labels, { bins: 5, rule: 'right' }).debiasedL2).to.be.closeTo(0.163768, TOL);
  });

  it('equal-mass (Kumar midpoints): M = 2 edges [0.65, 1] → 0.034000; M = 5 edges [.4,.55,.7,.8,1] → 0.206000', () => {
    const a2 = adaptiveCalibrationError(probs, labels, { bins: 2 });
    expect(a2.bins.map((b) => b.upper)).to.have.length(2);
    expect(a2.bins[0].upper).to.be.closeTo(0.65, 1e-12);
    expect(a2.bins[1].upper).to.equal(1);
    expect(a2.adaptiveEce).to.be.closeTo(0.034, TOL);
    const a5 = adaptiveCalibrationError(probs, labels, { bins: 5 });
    const edges = a5.bins.map((b) => b.upper);
    [0.4, 0.55, 0.7, 0.8, 1].forEach((e, j) => expect(edges[j], `edge ${j}`).to.be.closeTo(e, 1e-12));
    expect(a5.adaptiveEce).to.be.closeTo(0.206, TOL);
  });

  it('classwise ECE: M = 15 right 0.268667, left 0.291333; M = 10 right 0.220000, left 0.268000', () => {
    expect(classwiseCalibrationError(probs, labels, { bins: 15, rule: 'right' }).classwiseEce).to.be.closeTo(0.268667, TOL);
    expect(classwiseCalibrationError(probs, labels, { bins: 15, rule: 'left' }).classwiseEce).to.be.closeTo(0.291333, TOL);
    expect(classwiseCalibrationError(probs, labels, { bins: 10, rule: 'right' }).classwiseEce).to.be.closeTo(0.22, TOL);
    expect(classwiseCalibrationError(probs, labels, { bins: 10, rule: 'left' }).classwiseEce).to.be.closeTo(0.268, TOL);
  });

  it('Brier 0.505840, NLL 0.840595', () => {
    expect(brierScore(probs, labels)).to.be.closeTo(0.50584, TOL);
    expect(negativeLogLikelihood(probs, labels)).to.be.closeTo(0.840595, TOL);
  });

  it('calibrationReport at M = 15 right and M = 5 right', () => {
    const r15 = calibrationReport(probs, labels, { bins: 15, rule: 'right' });
    expect(r15.ece).to.be.closeTo(0.326, TOL);
    expect(r15.mce).to.be.closeTo(0.6, TOL);
    expect(r15.rmsce).to.be.closeTo(0.350219, TOL);
    expect(r15.classwiseEce).to.be.closeTo(0.268667, TOL);
    expect(r15.brier).to.be.closeTo(0.50584, TOL);
    expect(r15.nll).to.be.closeTo(0.840595, TOL);
    expect(r15.accuracy).to.be.closeTo(0.6, 1e-12);
    const r5 = calibrationReport(probs, labels, { bins: 5, rule: 'right' });
    expect(r5.ece).to.be.closeTo(0.206, TOL);
    expect(r5.debiasedL2).to.be.closeTo(0.163768, TOL);
    expect(r5.adaptiveEce).to.be.closeTo(0.206, TOL);
    expect(calibrationReport(probs, labels, { bins: 15, rule: 'left' }).ece).to.be.closeTo(0.394, TOL);
  });
});

describe('REFERENCE T5: no value on an edge (identical under both rules)', () => {
  const conf = [0.91, 0.83, 0.77, 0.62, 0.58, 0.45, 0.97, 0.71];
  const correct = [1, 1, 0, 1, 0, 0, 1, 1];
  const cases: [number, number, number, number][] = [
    [15, 0.345, 0.77, 0.418061],
    [10, 0.2725, 0.58, 0.322994],
    [5, 0.1775, 0.515, 0.265004],
  ];
  for (const rule of RULES) {
    for (const [bins, ece, mce, rms] of cases) {
      it(`M = ${bins}, rule '${rule}': ECE ${ece}, MCE ${mce}, RMS ${rms}`, () => {
        expect(expectedCalibrationErrorFromConfidences(conf, correct, { bins, rule }).ece).to.be.closeTo(ece, TOL);
        expect(maximumCalibrationErrorFromConfidences(conf, correct, { bins, rule }).mce).to.be.closeTo(mce, TOL);
        expect(rmsCalibrationErrorFromConfidences(conf, correct, { bins, rule }).rmsce).to.be.closeTo(rms, TOL);
      });
    }
  }

  it('equal-mass M = 2: Kumar edges [0.74, 1] → 0.105000; M = 4: edges [0.60, 0.74, 0.87, 1] → 0.302500', () => {
    const a2 = adaptiveCalibrationErrorFromConfidences(conf, correct, { bins: 2 });
    expect(a2.bins[0].upper).to.be.closeTo(0.74, 1e-12);
    expect(a2.adaptiveEce).to.be.closeTo(0.105, TOL);
    const a4 = adaptiveCalibrationErrorFromConfidences(conf, correct, { bins: 4 });
    [0.6, 0.74, 0.87, 1].forEach((e, j) => expect(a4.bins[j].upper, `edge ${j}`).to.be.closeTo(e, 1e-12));
    expect(a4.adaptiveEce).to.be.closeTo(0.3025, TOL);
  });
});

describe('REFERENCE T6: debiasing sanity (10 examples, all conf 0.9)', () => {
  const conf = new Array(10).fill(0.9);
  it('9 correct: ECE 0, debiased 0', () => {
    const correct = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    expect(expectedCalibrationErrorFromConfidences(conf, correct).ece).to.be.closeTo(0, TOL);
    expect(debiasedL2CalibrationErrorFromConfidences(conf, correct).debiasedL2).to.equal(0);
  });
  it('8 correct: ECE 0.100000, plug-in l2 0.100000, debiased l2 0 (clipped)', () => {
    const correct = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    expect(expectedCalibrationErrorFromConfidences(conf, correct).ece).to.be.closeTo(0.1, TOL);
    expect(rmsCalibrationErrorFromConfidences(conf, correct).rmsce).to.be.closeTo(0.1, TOL);
    expect(debiasedL2CalibrationErrorFromConfidences(conf, correct).debiasedL2).to.equal(0);
  });
});
