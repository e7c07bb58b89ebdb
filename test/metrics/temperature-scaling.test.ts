import { expect } from 'chai';
import { randNormal, rngFor } from '../../src/rng.js';
import {
  applyTemperature,
  calibrationReport,
  fitTemperature,
  temperatureScaledNll,
} from '../../src/metrics/index.js';

/**
 * Synthetic logits z ~ N(0, 2.5²) per class and labels drawn from softmax(z / T0) with a seeded rng: the model
 * that outputs z is miscalibrated by exactly T0, so the NLL-optimal temperature is T0 in the limit.
 */
function synthetic(t0: number, n: number, c: number, seed: string): { z: Float64Array; y: Int32Array } {
  const rng = rngFor(2024, 'test', 'temperature', seed);
  const z = new Float64Array(n * c);
  const y = new Int32Array(n);
  const w = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      z[i * c + k] = 2.5 * randNormal(rng);
    }
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, z[i * c + k] / t0);
    for (let k = 0; k < c; k++) {
      w[k] = Math.exp(z[i * c + k] / t0 - m);
      s += w[k];
    }
    let u = rng() * s;
    let k = 0;
    while (k < c - 1 && u >= w[k]) {
      u -= w[k];
      k++;
    }
    y[i] = k;
  }
  return { z, y };
}

describe('temperature scaling', () => {
  for (const t0 of [2, 0.5]) {
    it(`recovers a known temperature T0 = ${t0} (20,000 examples, 10 classes)`, () => {
      const { z, y } = synthetic(t0, 20000, 10, `t0=${t0}`);
      const t = fitTemperature({ data: z, numClasses: 10 }, y);
      expect(t).to.be.closeTo(t0, 0.05 * t0);
      // A minimum: nearby temperatures are no better.
      const at = (tt: number) => temperatureScaledNll({ data: z, numClasses: 10 }, y, tt);
      expect(at(t)).to.be.at.most(at(t * 1.01));
      expect(at(t)).to.be.at.most(at(t / 1.01));
    });
  }

  it('lowers NLL and ECE on a deliberately overconfident set', () => {
    const { z, y } = synthetic(3, 5000, 10, 'overconfident');
    const logits = { data: z, numClasses: 10 };
    const t = fitTemperature(logits, y);
    expect(t).to.be.greaterThan(1);
    expect(temperatureScaledNll(logits, y, t)).to.be.lessThan(temperatureScaledNll(logits, y, 1));
    const before = calibrationReport(logits, y, { logits: true });
    const after = calibrationReport(applyTemperature(logits, t), y);
    expect(after.nll).to.be.lessThan(before.nll);
    expect(after.ece).to.be.lessThan(before.ece);
    expect(after.accuracy).to.equal(before.accuracy); // T > 0 never changes the argmax
  });

  it('returns the lower bound when NLL keeps falling as T → 0 (every label the strict argmax)', () => {
    const z = [[3, 0, 0], [0, 2, 1], [0, 0, 1]];
    expect(fitTemperature(z, [0, 1, 2])).to.be.closeTo(0.05, 1e-9);
    expect(fitTemperature(z, [0, 1, 2], { minTemperature: 0.2 })).to.be.closeTo(0.2, 1e-9);
  });

  it('applyTemperature equals softmax(z / T) written out by hand', () => {
    const z = [1, 2, 4];
    const t = 2;
    const e = z.map((v) => Math.exp(v / t));
    const s = e[0] + e[1] + e[2];
    const p = applyTemperature([z], t).probs;
    e.forEach((v, k) => expect(p[k]).to.be.closeTo(v / s, 1e-15));
  });
});
