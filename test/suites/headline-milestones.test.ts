import { expect } from 'chai';
import sparsity from '../../suites/sparsity/index.js';
import labelNoise from '../../suites/label-noise/index.js';

// Hand-built suite results: the headline scalars must pick the recorded values at the milestone epochs.
describe('suite headlines at milestone epochs', () => {
  it('sparsity: per-layer test fractions and the validation curve at epochs 0, 1, 5 and the last', () => {
    const epochs = [0, 1, 2, 3, 4, 5, 6];
    const validation = epochs.map((e) => [0.5 - e * 0.05, 0.4 - e * 0.05]); // layer 0, layer 1
    const model = (shift: number) => ({
      depth: 2,
      train: { meanNonzeroFraction: 0.3 + shift },
      test: { nonzeroFraction: [0.2 + shift, 0.1 + shift], meanNonzeroFraction: 0.15 + shift },
      overTraining: { epochs, validation: validation.map((r) => r.map((v) => v + shift)), meanValidation: validation.map((r) => (r[0] + r[1]) / 2 + shift) },
    });
    const hs = sparsity.headline!({ models: { vanilla: model(0), topk: model(0.01) } });
    const byKey = Object.fromEntries(hs.map((h) => [h.key, h.values]));
    expect(Object.keys(byKey).filter((k) => k.startsWith('validationNonzero@') && !k.includes('/'))).to.deep.equal(['validationNonzero@0', 'validationNonzero@1', 'validationNonzero@5', 'validationNonzero@6']);
    expect(byKey['testNonzero/layer1'].vanilla).to.be.closeTo(0.1, 1e-12);
    expect(byKey['testNonzero/layer0'].topk).to.be.closeTo(0.21, 1e-12);
    expect(byKey['validationNonzero@5/layer0'].vanilla).to.be.closeTo(0.25, 1e-12); // 0.5 − 5 × 0.05
    expect(byKey['validationNonzero@6'].vanilla).to.be.closeTo((0.2 + 0.1) / 2, 1e-12);
    expect(byKey['validationNonzero@0/layer1'].topk).to.be.closeTo(0.41, 1e-12);
  });

  it('label noise: the best validation accuracy and the fitted fraction at milestones before the last epoch', () => {
    const model = (fitted: number[]) => ({
      test: { accuracy: 0.7, nll: 1, ece: 0.1 },
      memorisation: fitted.map((f, epoch) => ({ epoch, noisyLabel: f, trueLabel: 1 - f, other: 0 })),
      curve: fitted.slice(1).map((_, i) => ({ epoch: i + 1, trainLoss: 1, trainAccuracy: 0.5, validationAccuracy: [0.6, 0.8, 0.75, 0.7, 0.65, 0.6, 0.62][i] })),
    });
    const fitted = [0.1, 0.12, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    const hs = labelNoise.headline!({ specs: [{ spec: 'uniform:0.4', models: { vanilla: model(fitted), topk: model(fitted.map((f) => f / 2)) } }] });
    const byKey = Object.fromEntries(hs.map((h) => [h.key, h.values]));
    expect(byKey['uniform:0.4/peakValidationAccuracy'].vanilla).to.equal(0.8);
    expect(byKey['uniform:0.4/memorised'].vanilla).to.equal(0.7); // epoch 7, the last
    expect(Object.keys(byKey).filter((k) => k.includes('memorised@'))).to.deep.equal(['uniform:0.4/memorised@0', 'uniform:0.4/memorised@1', 'uniform:0.4/memorised@5']);
    expect(byKey['uniform:0.4/memorised@5'].topk).to.equal(0.25);
  });
});
