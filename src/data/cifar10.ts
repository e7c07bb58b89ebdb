/**
 * CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, which extracts to
 * cifar-10-batches-bin/). Files: data_batch_1.bin .. data_batch_5.bin (training, 10 000 records each) and
 * test_batch.bin. Each record is 1 label byte (0..9) followed by 3072 pixel bytes: the 32x32 red plane, then
 * green, then blue, each row-major. We convert to the harness's NHWC layout (R,G,B interleaved per pixel).
 * Class names come from batches.meta.txt (one per line) when present, else CIFAR10_CLASS_NAMES.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFileError, HarnessInputError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { readDataFile } from './idx.js';

/** The standard CIFAR-10 class names, in label order. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** Side of a CIFAR image. */
export const CIFAR10_SIDE = 32;
/** Pixels per channel plane (32 * 32). */
const PLANE = CIFAR10_SIDE * CIFAR10_SIDE;
/** Bytes per record: 1 label byte + 3 planes of 1024 bytes. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;

/** The training batch files, in load order. */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
/** The test batch file. */
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** The optional class-name file. */
export const CIFAR10_META_FILE = 'batches.meta.txt';

/**
 * Check the byte size of a batch file, returning its record count.
 * @throws DataFileError for an empty file or a size that is not a multiple of CIFAR10_RECORD_BYTES.
 */
function recordCount(size: number, file: string): number {
  if (size === 0) throw new DataFileError(file, `is empty; expected records of ${CIFAR10_RECORD_BYTES} bytes`);
  if (size % CIFAR10_RECORD_BYTES !== 0) {
    throw new DataFileError(
      file,
      `size ${size} bytes is not a multiple of the CIFAR-10 record size ${CIFAR10_RECORD_BYTES} ` +
        `(1 label byte + 3072 pixel bytes); ${Math.floor(size / CIFAR10_RECORD_BYTES)} whole records ` +
        `and ${size % CIFAR10_RECORD_BYTES} bytes left over`,
    );
  }
  return size / CIFAR10_RECORD_BYTES;
}

/**
 * Decode batch-file records into preallocated NHWC images and labels, starting at example `offset`.
 * @returns the number of records decoded.
 * @throws DataFileError for a bad size (see recordCount) or a label byte above 9 (naming the record).
 */
function decodeInto(bytes: Uint8Array, file: string, images: Uint8Array, labels: Uint8Array, offset: number): number {
  const n = recordCount(bytes.length, file);
  const imageBytes = 3 * PLANE;
  for (let r = 0; r < n; r++) {
    const src = r * CIFAR10_RECORD_BYTES;
    const label = bytes[src];
    if (label > 9) {
      throw new DataFileError(
        file,
        `record ${r} (byte offset ${src}) has label byte ${label}; CIFAR-10 labels are 0..9`,
      );
    }
    labels[offset + r] = label;
    const dst = (offset + r) * imageBytes;
    const red = src + 1;
    const green = red + PLANE;
    const blue = green + PLANE;
    for (let p = 0, o = dst; p < PLANE; p++, o += 3) {
      images[o] = bytes[red + p];
      images[o + 1] = bytes[green + p];
      images[o + 2] = bytes[blue + p];
    }
  }
  return n;
}

/**
 * Parse the content of one CIFAR-10 binary batch file into NHWC images (count x 32 x 32 x 3) and labels.
 * @param file used only in error messages
 */
export function parseCifarBatch(bytes: Uint8Array, file: string): { images: Uint8Array; labels: Uint8Array; count: number } {
  const count = recordCount(bytes.length, file);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  decodeInto(bytes, file, images, labels, 0);
  return { images, labels, count };
}

/**
 * Read several batch files into one Dataset (records in file order). Sizes are checked up front from the file
 * system, so every file is validated before the big allocation and only one file's bytes are held at a time.
 */
function readBatches(files: string[], name: string, classNames: string[]): Dataset {
  const total = files.reduce((s, f) => s + recordCount(fs.statSync(f).size, f), 0);
  const images = new Uint8Array(total * 3 * PLANE);
  const labels = new Uint8Array(total);
  let offset = 0;
  for (const f of files) offset += decodeInto(readDataFile(f), f, images, labels, offset);
  return { name, images, labels, count: total, height: CIFAR10_SIDE, width: CIFAR10_SIDE, channels: 3, classNames };
}

/**
 * Class names from batches.meta.txt: the non-empty lines (trimmed), which must be exactly 10.
 * @throws DataFileError when the file does not hold 10 names.
 */
export function parseCifarMeta(text: string, file: string): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== 10) {
    throw new DataFileError(file, `expected 10 class names (one per line), found ${names.length}`);
  }
  return names;
}

/**
 * Load CIFAR-10 from a directory of binary batches. When dataDir itself lacks the batches but has a
 * cifar-10-batches-bin/ subfolder (the tarball's layout), that subfolder is used.
 * @returns train (50 000 examples for the full set) and test (10 000), 32x32x3 NHWC.
 * @throws HarnessInputError when dataDir is not a directory; DataFileError listing every missing batch file, for a
 *   size that is not a multiple of 3073 bytes, or for a label byte above 9.
 */
export function loadCifar10(dataDir: string): { train: Dataset; test: Dataset } {
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) {
    throw new HarnessInputError(
      `${dataDir}: CIFAR-10 directory not found; pass --data-dir with the extracted cifar-10-batches-bin folder ` +
        '(from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)',
      dataDir,
    );
  }
  let dir = dataDir;
  const nested = path.join(dataDir, 'cifar-10-batches-bin');
  if (!fs.existsSync(path.join(dir, CIFAR10_TEST_FILE)) && fs.existsSync(nested)) dir = nested;

  const needed = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const missing = needed.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw new DataFileError(
      dir,
      `missing CIFAR-10 batch files: ${missing.join(', ')} (expected data_batch_1.bin .. data_batch_5.bin and ` +
        `${CIFAR10_TEST_FILE})`,
    );
  }

  const metaFile = path.join(dir, CIFAR10_META_FILE);
  const classNames = fs.existsSync(metaFile)
    ? parseCifarMeta(readDataFile(metaFile).toString('utf8'), metaFile)
    : [...CIFAR10_CLASS_NAMES];

  const train = readBatches(CIFAR10_TRAIN_FILES.map((f) => path.join(dir, f)), 'cifar10', classNames);
  const test = readBatches([path.join(dir, CIFAR10_TEST_FILE)], 'cifar10', [...classNames]);
  return { train, test };
}
