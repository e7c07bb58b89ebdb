import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFileError } from '../../src/errors.js';
import { assertValidDataset } from '../../src/data/dataset.js';
import {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_DEFAULT_DIR,
  loadFashionMnist,
} from '../../src/data/fashion-mnist.js';

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

describe('data/fashion-mnist', () => {
  it('loads the Debian dataset-fashion-mnist files when installed', function () {
    if (!fs.existsSync(FASHION_MNIST_DEFAULT_DIR)) this.skip();
    const { train, test } = loadFashionMnist();
    expect(train.name).to.equal('fashion-mnist');
    expect([train.count, test.count]).to.deep.equal([60000, 10000]);
    expect([train.height, train.width, train.channels]).to.deep.equal([28, 28, 1]);
    expect(train.classNames).to.deep.equal([...FASHION_MNIST_CLASS_NAMES]);
    expect(train.classNames[9]).to.equal('Ankle boot');
    assertValidDataset(train);
    assertValidDataset(test);
    // Known first labels: both splits start with an ankle boot.
    expect(Array.from(train.labels.subarray(0, 5))).to.deep.equal([9, 0, 0, 3, 0]);
    expect(Array.from(test.labels.subarray(0, 5))).to.deep.equal([9, 2, 1, 1, 6]);
  });

  it('errors clearly on a missing directory', () => {
    const missing = path.join(os.tmpdir(), 'topk-no-such-fashion-mnist-dir');
    expect(() => loadFashionMnist(missing))
      .to.throw(DataFileError)
      .with.property('message')
      .that.satisfies((m: string) =>
        m.startsWith(`${missing}: Fashion-MNIST directory not found`) &&
        m.includes('apt-get install dataset-fashion-mnist') &&
        m.includes('--data-dir'),
      );
  });

  it('accepts uncompressed files in a dataDir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-fmnist-'));
    try {
      const img = (n: number) => idx([n, 28, 28], new Uint8Array(n * 784).fill(3));
      fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), img(2));
      fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idx([2], Uint8Array.from([8, 9])));
      fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), img(1));
      fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx([1], Uint8Array.from([0])));
      const { train, test } = loadFashionMnist(dir);
      expect(train.count).to.equal(2);
      expect(Array.from(train.labels)).to.deep.equal([8, 9]);
      expect(test.count).to.equal(1);
      expect(train.images[100]).to.equal(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
