import { expect } from 'chai';
import { sparsityCurve, sparsityTrend } from '../../src/sparsity/over-training.js';
import type { EpochRecord } from '../../src/train/trainer.js';

function record(epoch: number, validation: number[], train: number[]): EpochRecord {
  return { epoch, trainLoss: epoch ? 1 : null, trainAccuracy: epoch ? 0.5 : null, validationLoss: 1, validationAccuracy: 0.5, validationNonzeroFraction: validation, trainNonzeroFraction: train, learningRate: 0, steps: epoch * 10 };
}

describe('sparsity over training', () => {
  const history = [record(0, [0.5, 0.52], [0.49, 0.51]), record(1, [0.2, 0.3], [0.21, 0.29]), record(2, [0.1, 0.2], [0.1, 0.18])];

  it('collects per-epoch, per-layer validation and train-probe fractions and their layer means', () => {
    const c = sparsityCurve(history);
    expect(c.epochs).to.deep.equal([0, 1, 2]);
    expect(c.validation).to.deep.equal([[0.5, 0.52], [0.2, 0.3], [0.1, 0.2]]);
    expect(c.train[2]).to.deep.equal([0.1, 0.18]);
    expect(c.meanValidation[0]).to.be.closeTo(0.51, 1e-15);
    expect(c.meanTrain[1]).to.be.closeTo(0.25, 1e-15);
  });

  it('states the change from the first to the last epoch', () => {
    const t = sparsityTrend(sparsityCurve(history))!;
    expect(t.firstEpoch).to.equal(0);
    expect(t.lastEpoch).to.equal(2);
    expect(t.first).to.be.closeTo(0.51, 1e-15);
    expect(t.last).to.be.closeTo(0.15, 1e-15);
    expect(t.change).to.be.closeTo(-0.36, 1e-15);
    expect(t.dropped).to.equal(true);
    expect(t.perLayer).to.deep.equal([{ first: 0.5, last: 0.1 }, { first: 0.52, last: 0.2 }]);
    const rising = sparsityTrend(sparsityCurve([history[2], history[0]]))!;
    expect(rising.dropped).to.equal(false);
    expect(sparsityTrend(sparsityCurve([history[0]]))).to.equal(null);
  });
});
