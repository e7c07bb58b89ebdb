/**
 * Fashion-MNIST (Zalando): 28x28 grayscale clothing images in the MNIST IDX layout, 60 000 train / 10 000 test.
 * The default location is Debian's `dataset-fashion-mnist` package, /usr/share/datasets/fashion-mnist, which holds
 * the gzipped files (train-images-idx3-ubyte.gz, ...). Uncompressed files are accepted too (and preferred when
 * both exist).
 */
import * as fs from 'node:fs';
import { DataFileError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { loadIdxDirectory } from './idx.js';

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class names, in label order. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * Load Fashion-MNIST: 28x28x1, the ten FASHION_MNIST_CLASS_NAMES.
 * @param dataDir directory with the four IDX files (gzipped or not); default FASHION_MNIST_DEFAULT_DIR.
 * @throws DataFileError naming the directory (with the install hint) when it does not exist, or naming the missing
 *   or malformed file.
 */
export function loadFashionMnist(dataDir: string = FASHION_MNIST_DEFAULT_DIR): { train: Dataset; test: Dataset } {
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) {
    throw new DataFileError(
      dataDir,
      'Fashion-MNIST directory not found; install it with `apt-get install dataset-fashion-mnist` ' +
        `(files go to ${FASHION_MNIST_DEFAULT_DIR}) or pass --data-dir with a directory holding ` +
        'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz',
    );
  }
  return loadIdxDirectory(dataDir, 'fashion-mnist', [...FASHION_MNIST_CLASS_NAMES]);
}
