/** CE, mCE and relative mCE against REFERENCE.md §2.6 (AlexNet table and worked example). */
import { expect } from 'chai';
import {
  accuracyOverSeverities, ALEXNET_CLEAN_ERROR, ALEXNET_ERRORS, corruptionError, meanAccuracyOverCorruptions,
  meanCorruptionError, relativeCorruptionError, relativeMeanCorruptionError,
} from '../../src/corruptions/corruption-error.js';
import { BENCHMARK_CORRUPTIONS } from '../../src/corruptions/names.js';

describe('CE / mCE (REFERENCE.md §2.6)', () => {
  it('AlexNet table: the 15 values as printed, mean 0.788993, clean error 0.4345', () => {
    expect(ALEXNET_ERRORS).to.deep.equal({
      gaussian_noise: 0.886428, shot_noise: 0.894468, impulse_noise: 0.922640, defocus_blur: 0.819880,
      glass_blur: 0.826268, motion_blur: 0.785948, zoom_blur: 0.798360, snow: 0.866816, frost: 0.826572,
      fog: 0.819324, brightness: 0.564592, contrast: 0.853204, elastic_transform: 0.646056, pixelate: 0.717840,
      jpeg_compression: 0.606500,
    });
    expect(Object.keys(ALEXNET_ERRORS)).to.deep.equal([...BENCHMARK_CORRUPTIONS]);
    const mean = Object.values(ALEXNET_ERRORS).reduce((a, b) => a + b, 0) / 15;
    expect(mean).to.be.closeTo(0.788993, 5e-7);
    expect(ALEXNET_CLEAN_ERROR).to.equal(0.4345);
  });

  it('worked example: errors 0.30..0.70 on gaussian_noise → CE 0.564062', () => {
    expect(corruptionError([0.3, 0.4, 0.5, 0.6, 0.7], ALEXNET_ERRORS.gaussian_noise)).to.be.closeTo(0.564062, 5e-7);
  });

  it('worked example: with clean error 0.25 → relative CE 0.553185', () => {
    expect(relativeCorruptionError([0.3, 0.4, 0.5, 0.6, 0.7], 0.25, ALEXNET_ERRORS.gaussian_noise, ALEXNET_CLEAN_ERROR))
      .to.be.closeTo(0.553185, 5e-7);
  });

  it('CE with per-severity baseline errors is Σ model / Σ baseline', () => {
    expect(corruptionError([0.1, 0.2, 0.3, 0.4, 0.5], [0.2, 0.4, 0.6, 0.8, 1.0])).to.be.closeTo(0.5, 1e-15);
  });

  it('AlexNet against itself: mCE = 1 and relative mCE = 1', () => {
    const r = meanCorruptionError(ALEXNET_ERRORS);
    expect(r.mean).to.be.closeTo(1, 1e-15);
    expect(Object.keys(r.perCorruption)).to.deep.equal([...BENCHMARK_CORRUPTIONS]);
    expect(relativeMeanCorruptionError(ALEXNET_ERRORS, ALEXNET_CLEAN_ERROR).mean).to.be.closeTo(1, 1e-15);
  });

  it('mCE is the mean of the 15 CEs; held-out corruptions in the input are ignored', () => {
    const model: Record<string, number[]> = { speckle_noise: [1, 1, 1, 1, 1] };
    for (const c of BENCHMARK_CORRUPTIONS) model[c] = [0.3, 0.4, 0.5, 0.6, 0.7];
    const r = meanCorruptionError(model);
    let expected = 0;
    for (const c of BENCHMARK_CORRUPTIONS) expected += 0.5 / ALEXNET_ERRORS[c] / 15;
    expect(r.mean).to.be.closeTo(expected, 1e-12);
    expect(r.perCorruption.gaussian_noise).to.be.closeTo(0.564062, 5e-7);
    expect(r.perCorruption).to.not.have.property('speckle_noise');
  });

  it('a vanilla model as the baseline (CIFAR: no AlexNet numbers)', () => {
    const topk = { gaussian_noise: [0.2, 0.3, 0.4, 0.5, 0.6] };
    const vanilla = { gaussian_noise: [0.2, 0.4, 0.6, 0.8, 0.8] };
    expect(meanCorruptionError(topk, vanilla, ['gaussian_noise']).mean).to.be.closeTo(2 / 2.8, 1e-12);
  });

  it('missing corruptions and values outside [0, 1] are refused', () => {
    expect(() => meanCorruptionError({ gaussian_noise: [0.5] })).to.throw(RangeError, "model errors has no entry for corruption 'shot_noise'");
    expect(() => corruptionError([0.5, 1.2], 0.8)).to.throw(RangeError, 'model error at severity 2 must be a fraction in [0, 1], got 1.2');
    expect(() => corruptionError([0.5], 0)).to.throw(RangeError, 'baseline error is 0');
  });
});

describe('accuracy averaged over severities (Lazy Neuron Table 1)', () => {
  it('is the plain mean of the 5 accuracies', () => {
    expect(accuracyOverSeverities([0.6, 0.5, 0.4, 0.3, 0.2])).to.be.closeTo(0.4, 1e-15);
  });
  it('over corruptions: mean of the per-corruption means (e.g. the three noises)', () => {
    const acc = {
      gaussian_noise: [0.5, 0.5, 0.5, 0.5, 0.5],
      impulse_noise: [0.4, 0.4, 0.4, 0.4, 0.4],
      shot_noise: [0.6, 0.5, 0.4, 0.3, 0.2],
    };
    expect(meanAccuracyOverCorruptions(acc)).to.be.closeTo(0.4333333333333333, 1e-12);
  });
});
