/**
 * Edge cases with hand-calculated expectations (each worked out in the comment beside it).
 */
import { expect } from 'chai';
import {
  brierScore,
  calibrationReport,
  classwiseCalibrationError,
  DEFAULT_BIN_RULE,
  DEFAULT_NUM_BINS,
  expectedCalibrationError,
  expectedCalibrationErrorFromConfidences,
  maximumCalibrationErrorFromConfidences,
  negativeLogLikelihood,
  NLL_EPSILON,
  rmsCalibrationErrorFromConfidences,
  softmaxRows,
  toPredictions,
} from '../../src/metrics/index.js';

describe('calibration edge cases', () => {
  it("defaults: 15 bins, rule 'right'", () => {
    expect(DEFAULT_NUM_BINS).to.equal(15);
    expect(DEFAULT_BIN_RULE).to.equal('right');
    const r = calibrationReport([[0.7, 0.3]], [0]);
    expect(r.bins).to.have.length(15);
    expect(r.rule).to.equal('right');
  });

  describe('confidence exactly 0 and exactly 1', () => {
    for (const rule of ['right', 'left'] as const) {
      it(`rule '${rule}': 0 falls in the first bin, 1 in the last; none is dropped`, () => {
        // conf [0, 1], outcomes [0, 1]: each bin matches its outcome exactly → ECE 0.
        const e = expectedCalibrationErrorFromConfidences([0, 1], [0, 1], { bins: 15, rule });
        expect(e.bins[0].count).to.equal(1);
        expect(e.bins[14].count).to.equal(1);
        expect(e.bins.reduce((s, b) => s + b.count, 0)).to.equal(2);
        expect(e.ece).to.equal(0);
        // outcomes flipped: both gaps are 1 → ECE 1, MCE 1, RMS 1.
        expect(expectedCalibrationErrorFromConfidences([0, 1], [1, 0], { bins: 15, rule }).ece).to.equal(1);
        expect(maximumCalibrationErrorFromConfidences([0, 1], [1, 0], { bins: 15, rule }).mce).to.equal(1);
        expect(rmsCalibrationErrorFromConfidences([0, 1], [1, 0], { bins: 15, rule }).rmsce).to.equal(1);
      });
    }

    it('one-hot predictions: confidence 1 in the last bin; NLL clamps p = 0 at 1e-12', () => {
      // conf 1 and 1 (last bin), correct [1, 0] → acc 0.5, ECE |0.5 − 1| = 0.5.
      // Brier: row 0 is exact (0), row 1 puts 1 on class 1 but label 2: 1² + (0 − 1)² = 2 → mean 1.
      // NLL: row 0 −ln 1 = 0, row 1 −ln(1e-12) = 12 ln 10 = 27.631021115928547 → mean 13.815510557964274.
      const probs = [[1, 0, 0], [0, 1, 0]];
      const labels = [0, 2];
      const r = calibrationReport(probs, labels);
      expect(r.bins[14].count).to.equal(2);
      expect(r.ece).to.be.closeTo(0.5, 1e-12);
      expect(r.mce).to.be.closeTo(0.5, 1e-12);
      expect(r.brier).to.be.closeTo(1, 1e-12);
      expect(NLL_EPSILON).to.equal(1e-12);
      expect(r.nll).to.be.closeTo(13.815510557964274, 1e-9);
    });
  });

  describe('empty bins', () => {
    const probs = [[0.25, 0.2, 0.55], [0.55, 0.05, 0.4], [0.1, 0.3, 0.6], [0.9, 0.05, 0.05]];
    const labels = [0, 1, 2, 0];
    it('are kept with their edges, count 0 and null means, and weigh nothing (M = 15)', () => {
      // conf [.55, .55, .6, .9], correct [0, 0, 1, 1]. Right rule: .55·15 = 8.25 → bin 8, .6·15 = 9 → bin 8,
      // .9·15 = 13.5 → bin 13. Bin 8: conf 1.7/3, acc 1/3 → 3/4 · 0.233333 = 0.175; bin 13: 1/4 · 0.1 = 0.025.
      const e = expectedCalibrationError(probs, labels, { bins: 15, rule: 'right' });
      expect(e.bins).to.have.length(15);
      expect(e.bins.map((b) => b.count)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1, 0]);
      e.bins.forEach((b, j) => {
        expect(b.lower).to.be.closeTo(j / 15, 1e-15);
        expect(b.upper).to.be.closeTo((j + 1) / 15, 1e-15);
        if (b.count === 0) {
          expect(b.meanConfidence).to.equal(null);
          expect(b.accuracy).to.equal(null);
        }
      });
      expect(e.bins[8].meanConfidence).to.be.closeTo(1.7 / 3, 1e-12);
      expect(e.bins[8].accuracy).to.be.closeTo(1 / 3, 1e-12);
      expect(e.ece).to.be.closeTo(0.2, 1e-12);
    });
    it("the left rule moves 0.6 (= 9/15) up a bin: ECE 0.4", () => {
      // Left: bin 8 {.55 wrong, .55 wrong}: 2/4 · 0.55 = 0.275; bin 9 {.6 right}: 1/4 · 0.4 = 0.1; bin 13: 0.025.
      const e = expectedCalibrationError(probs, labels, { bins: 15, rule: 'left' });
      expect(e.bins[8].count).to.equal(2);
      expect(e.bins[9].count).to.equal(1);
      expect(e.ece).to.be.closeTo(0.4, 1e-12);
    });
  });

  it('a single example', () => {
    // [0.7, 0.2, 0.1], label 0: correct, conf 0.7 → ECE = MCE = RMS = adaptive = 0.3; debiased 0 (|B| < 2);
    // classwise (0.3 + 0.2 + 0.1) / 3 = 0.2; Brier 0.09 + 0.04 + 0.01 = 0.14; NLL −ln 0.7 = 0.35667494393873245.
    const r = calibrationReport([[0.7, 0.2, 0.1]], [0]);
    expect(r.n).to.equal(1);
    expect(r.accuracy).to.equal(1);
    expect(r.ece).to.be.closeTo(0.3, 1e-12);
    expect(r.mce).to.be.closeTo(0.3, 1e-12);
    expect(r.rmsce).to.be.closeTo(0.3, 1e-12);
    expect(r.adaptiveEce).to.be.closeTo(0.3, 1e-12);
    expect(r.debiasedL2).to.equal(0);
    expect(r.classwiseEce).to.be.closeTo(0.2, 1e-12);
    expect(r.brier).to.be.closeTo(0.14, 1e-12);
    expect(r.nll).to.be.closeTo(0.35667494393873245, 1e-12);
  });

  it('all correct', () => {
    // conf 0.9 (bin 8 of 10) and 0.8 (bin 7), both right: ECE (0.1 + 0.2) / 2 = 0.15, MCE 0.2;
    // Brier (0.01 + 0.01 + 0.04 + 0.04) / 2 = 0.05; NLL (−ln 0.9 − ln 0.8) / 2 = 0.16425203348601799.
    const r = calibrationReport([[0.9, 0.1], [0.8, 0.2]], [0, 0], { bins: 10 });
    expect(r.accuracy).to.equal(1);
    expect(r.ece).to.be.closeTo(0.15, 1e-12);
    expect(r.mce).to.be.closeTo(0.2, 1e-12);
    expect(r.brier).to.be.closeTo(0.05, 1e-12);
    expect(r.nll).to.be.closeTo(0.16425203348601799, 1e-12);
  });

  it('all wrong', () => {
    // Same confidences, both wrong: ECE (0.9 + 0.8) / 2 = 0.85, MCE 0.9;
    // Brier (0.81 + 0.81 + 0.64 + 0.64) / 2 = 1.45; NLL (−ln 0.1 − ln 0.2) / 2 = 1.9560115027140731.
    const r = calibrationReport([[0.9, 0.1], [0.8, 0.2]], [1, 1], { bins: 10 });
    expect(r.accuracy).to.equal(0);
    expect(r.ece).to.be.closeTo(0.85, 1e-12);
    expect(r.mce).to.be.closeTo(0.9, 1e-12);
    expect(r.brier).to.be.closeTo(1.45, 1e-12);
    expect(r.nll).to.be.closeTo(1.9560115027140731, 1e-12);
  });

  it('flat Float32Array / Float64Array input equals number[][] input', () => {
    // No value sits on a 7-bin edge, so float32 rounding cannot move a bin.
    const rows = [[0.62, 0.23, 0.15], [0.11, 0.57, 0.32], [0.27, 0.26, 0.47]];
    const labels = [0, 2, 2];
    const a = calibrationReport(rows, labels, { bins: 7 });
    const b = calibrationReport(new Float64Array(rows.flat()), labels, { bins: 7, numClasses: 3 });
    const c = calibrationReport({ data: new Float64Array(rows.flat()), numClasses: 3 }, new Int32Array(labels), { bins: 7 });
    expect(b).to.deep.equal(a);
    expect(c).to.deep.equal(a);
    const d = calibrationReport({ data: new Float32Array(rows.flat()), numClasses: 3 }, labels, { bins: 7 });
    for (const k of ['accuracy', 'ece', 'mce', 'rmsce', 'adaptiveEce', 'classwiseEce', 'debiasedL2', 'brier', 'nll'] as const) {
      expect(d[k], k).to.be.closeTo(a[k], 1e-6);
    }
  });

  it('binning uses the stored value: float32 0.4 (= 0.4000000059604645) is above the edge 6/15', () => {
    // float64 0.4: 0.4·15 = 6 → right rule bin 5. float32 0.4·15 = 6.00000009 → ceil 7 − 1 = bin 6.
    const p64 = calibrationReport({ data: new Float64Array([0.4, 0.3, 0.3]), numClasses: 3 }, [0]);
    const p32 = calibrationReport({ data: new Float32Array([0.4, 0.3, 0.3]), numClasses: 3 }, [0]);
    expect(p64.bins[5].count).to.equal(1);
    expect(p32.bins[6].count).to.equal(1);
  });

  describe('logits', () => {
    const z = [[2, 1, 0], [0, 3, -1], [1, 1, 1], [-2, 0.5, 4]];
    const labels = [0, 1, 2, 0];
    // softmax written out by hand (no shared code with the implementation).
    const probs = z.map((row) => {
      const e = row.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });

    it('logits: true gives the same report as the softmaxed probabilities', () => {
      const a = calibrationReport(z, labels, { logits: true, bins: 5 });
      const b = calibrationReport(probs, labels, { bins: 5 });
      for (const k of ['accuracy', 'ece', 'mce', 'rmsce', 'adaptiveEce', 'classwiseEce', 'debiasedL2', 'brier', 'nll'] as const) {
        expect(a[k], k).to.be.closeTo(b[k], 1e-12);
      }
      expect(a.bins.map((x) => x.count)).to.deep.equal(b.bins.map((x) => x.count));
    });

    it('the softmax is stable for huge logits, and NLL from logits is exact (no clamp)', () => {
      const p = softmaxRows([1000, 0, -1000], 3);
      expect(Array.from(p)).to.deep.equal([1, 0, 0]);
      // −ln softmax(z)_1 = logsumexp(1000, 0, −1000) − 0 = 1000 (to double precision).
      expect(negativeLogLikelihood([[1000, 0, -1000]], [1], { logits: true })).to.be.closeTo(1000, 1e-9);
      // From probabilities the same prediction is clamped at 1e-12: 27.631021115928547.
      expect(negativeLogLikelihood([[1, 0, 0]], [1])).to.be.closeTo(27.631021115928547, 1e-9);
      expect(brierScore([[1000, 0, -1000]], [0], { logits: true })).to.equal(0);
    });

    it('a Predictions value is reused without re-validation and refuses a second softmax', () => {
      const p = toPredictions(z, { logits: true });
      expect(calibrationReport(p, labels).ece).to.be.closeTo(calibrationReport(probs, labels).ece, 1e-12);
      expect(() => calibrationReport(p, labels, { logits: true })).to.throw(
        'logits: true was given, but the input is already validated probabilities',
      );
    });
  });

  it('classwise ECE returns per-class bins', () => {
    const r = classwiseCalibrationError([[0.7, 0.2, 0.1]], [0], { bins: 10 });
    expect(r.perClass).to.have.length(3);
    // p = 0.2 with 10 bins under (lo, hi]: 0.2·10 = 2 → bin 1.
    expect(r.perClass[1].bins[1].count).to.equal(1);
    expect(r.perClass[1].ece).to.be.closeTo(0.2, 1e-12);
  });
});
