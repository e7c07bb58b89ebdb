import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import { assertValidDataset, type Dataset } from '../../src/data/dataset.js';
import { syntheticDataset, syntheticGrid } from '../../src/data/synthetic.js';

const base = { count: 300, height: 12, width: 12, channels: 3, classes: 5, seed: 42 };

/** Nearest-class-mean accuracy of `test` using means computed on `train`. */
function nearestMeanAccuracy(train: Dataset, test: Dataset): number {
  const size = train.height * train.width * train.channels;
  const k = train.classNames.length;
  const sums = new Float64Array(k * size);
  const n = new Float64Array(k);
  for (let i = 0; i < train.count; i++) {
    n[train.labels[i]]++;
    for (let j = 0; j < size; j++) sums[train.labels[i] * size + j] += train.images[i * size + j];
  }
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = -1;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      let dist = 0;
      for (let j = 0; j < size; j++) {
        const d = test.images[i * size + j] - sums[c * size + j] / n[c];
        dist += d * d;
      }
      if (dist < bestDist) [best, bestDist] = [c, dist];
    }
    if (best === test.labels[i]) correct++;
  }
  return correct / test.count;
}

describe('data/synthetic', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = syntheticDataset(base);
    const b = syntheticDataset(base);
    const c = syntheticDataset({ ...base, seed: 43 });
    expect(Buffer.compare(a.images, b.images)).to.equal(0);
    expect(Buffer.compare(a.labels, b.labels)).to.equal(0);
    expect(Buffer.compare(a.images, c.images)).to.not.equal(0);
    expect(Buffer.compare(a.labels, c.labels)).to.not.equal(0);
  });

  it('has the declared shape, balanced labels and class names', () => {
    const d = syntheticDataset({ ...base, name: 'syn' });
    assertValidDataset(d);
    expect(d.name).to.equal('syn');
    expect([d.count, d.height, d.width, d.channels]).to.deep.equal([300, 12, 12, 3]);
    expect(d.classNames).to.deep.equal(['class0', 'class1', 'class2', 'class3', 'class4']);
    const counts = new Array<number>(5).fill(0);
    for (const l of d.labels) counts[l]++;
    expect(counts).to.deep.equal([60, 60, 60, 60, 60]);
  });

  it('draws each class as a bright cell on a dark noisy background', () => {
    const d = syntheticDataset({ ...base, channels: 1, classes: 4, height: 8, width: 8 });
    expect(syntheticGrid(4)).to.deep.equal({ rows: 2, cols: 2 });
    for (let i = 0; i < d.count; i++) {
      const k = d.labels[i];
      const [r, c] = [Math.floor(k / 2), k % 2];
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const v = d.images[i * 64 + y * 8 + x];
          const inside = Math.floor(y / 4) === r && Math.floor(x / 4) === c;
          if (inside ? v < 192 : v >= 64) expect.fail(`example ${i} (class ${k}) pixel (${y}, ${x}) = ${v}`);
        }
      }
    }
  });

  it('is easily learnable: nearest class mean is perfect on held-out data', () => {
    const train = syntheticDataset({ ...base, classes: 10, height: 16, width: 16 });
    const test = syntheticDataset({ ...base, classes: 10, height: 16, width: 16, seed: 7, count: 100 });
    expect(nearestMeanAccuracy(train, test)).to.equal(1);
  });

  it('rejects out-of-range options naming the value and the range', () => {
    expect(() => syntheticDataset({ ...base, classes: 1 })).to.throw(
      HarnessInputError,
      'synthetic classes 1 is invalid; it must be an integer in [2, 256]',
    );
    expect(() => syntheticDataset({ ...base, classes: 10, height: 2 })).to.throw(
      HarnessInputError,
      'synthetic height 2 is invalid; it must be an integer in [3, 4096]',
    );
    expect(() => syntheticDataset({ ...base, count: 0 })).to.throw('synthetic count 0 is invalid');
    expect(() => syntheticDataset({ ...base, channels: 2 })).to.throw('synthetic channels 2 is invalid; allowed: 1, 3');
    expect(() => syntheticDataset({ ...base, noise: 200 })).to.throw(
      'synthetic noise 200 is invalid; it must be an integer in [0, 128]',
    );
  });
});
