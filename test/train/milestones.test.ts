import { expect } from 'chai';
import { milestoneEpochs } from '../../src/train/milestones.js';

describe('milestoneEpochs', () => {
  it('gives 0, 1, 5, 10, 20, 40, ... below the last epoch, then the last', () => {
    expect(milestoneEpochs(80)).to.deep.equal([0, 1, 5, 10, 20, 40, 80]);
    expect(milestoneEpochs(100)).to.deep.equal([0, 1, 5, 10, 20, 40, 80, 100]);
    expect(milestoneEpochs(5)).to.deep.equal([0, 1, 5]);
    expect(milestoneEpochs(6)).to.deep.equal([0, 1, 5, 6]);
    expect(milestoneEpochs(3)).to.deep.equal([0, 1, 3]);
    expect(milestoneEpochs(1)).to.deep.equal([0, 1]);
    expect(milestoneEpochs(0)).to.deep.equal([0]);
  });
  it('refuses a negative or fractional epoch', () => {
    expect(() => milestoneEpochs(-1)).to.throw(/integer ≥ 0, got -1/);
    expect(() => milestoneEpochs(2.5)).to.throw(/got 2.5/);
  });
});
