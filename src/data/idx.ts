/**
 * The IDX file format used by MNIST and Fashion-MNIST.
 *
 * Layout (all integers big-endian):
 *   bytes 0-1  zero
 *   byte  2    element type (0x08 = unsigned byte, the only type these datasets use and the only one we read)
 *   byte  3    number of dimensions (1 for label files, 3 for image files)
 *   then one uint32 per dimension, then the elements, row-major.
 * So a label file starts with the magic 0x00000801 and an image file with 0x00000803.
 *
 * Files may be gzipped (as distributed by the dataset authors and by Debian); a file that starts with the gzip
 * magic 1f 8b is gunzipped transparently. Every problem is reported as a DataFileError naming the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from '../errors.js';
import type { Dataset } from './dataset.js';

/** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an IDX file of unsigned bytes with three dimensions (images: count x rows x cols). */
export const IDX_IMAGES_MAGIC = 0x00000803;

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimension sizes, outermost first, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The elements, row-major. Owns its buffer (byteOffset 0, no header bytes). */
  data: Uint8Array;
}

/** Images and labels read from a matching pair of IDX files. */
export interface IdxPair {
  /** uint8 pixels, count x height x width (single channel). */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Read a whole file, turning "not found" and other I/O failures into DataFileError naming it.
 * Used by every loader in this folder.
 */
export function readDataFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new DataFileError(file, 'file not found');
    if (e.code === 'EISDIR') throw new DataFileError(file, 'is a directory, expected a file');
    throw new DataFileError(file, `cannot read: ${e.message}`);
  }
}

/**
 * Parse IDX bytes (gunzipping first when they start with the gzip magic).
 * @param bytes the file content
 * @param file the file name, used only in error messages
 * @param expectedMagic IDX_LABELS_MAGIC or IDX_IMAGES_MAGIC
 * @throws DataFileError for a corrupt gzip stream, a wrong magic number, a zero dimension, truncated data or
 *   trailing bytes after the data.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic: number): IdxArray {
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new DataFileError(file, `corrupt gzip data: ${(err as Error).message}`);
    }
  }
  const kind = expectedMagic === IDX_LABELS_MAGIC ? 'an IDX label file' : 'an IDX image file';
  if (bytes.length < 4) {
    throw new DataFileError(file, `only ${bytes.length} bytes, too short for ${kind} (a 4-byte magic number comes first)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DataFileError(file, `wrong magic number ${hex32(magic)}, expected ${hex32(expectedMagic)} for ${kind}`);
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataFileError(
      file,
      `truncated header: expected ${headerBytes} bytes (magic + ${rank} dimension sizes), ${bytes.length} present`,
    );
  }
  const dims: number[] = [];
  let elements = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new DataFileError(file, `dimension ${i} has size 0; every dimension must be at least 1`);
    dims.push(d);
    elements *= d;
  }
  const expected = headerBytes + elements;
  if (bytes.length < expected) {
    throw new DataFileError(
      file,
      `truncated data: expected ${expected} bytes (${headerBytes}-byte header + ${dims.join('x')} elements), ` +
        `${bytes.length} present`,
    );
  }
  if (bytes.length > expected) {
    throw new DataFileError(
      file,
      `${bytes.length - expected} unexpected bytes after the data: expected ${expected} bytes ` +
        `(${headerBytes}-byte header + ${dims.join('x')} elements), ${bytes.length} present`,
    );
  }
  // Copy into a buffer of our own so consumers may use data.buffer without seeing the header.
  const data = new Uint8Array(elements);
  data.set(bytes.subarray(headerBytes, expected));
  return { dims, data };
}

/** Read and parse one IDX file (gzipped or not). See parseIdx for the errors. */
export function readIdxFile(file: string, expectedMagic: number): IdxArray {
  return parseIdx(readDataFile(file), file, expectedMagic);
}

/**
 * Read an image file and its label file and check that they agree.
 * @throws DataFileError (see parseIdx), and for a count mismatch between the two files (naming both).
 */
export function readIdxPair(imagesFile: string, labelsFile: string): IdxPair {
  const labels = readIdxFile(labelsFile, IDX_LABELS_MAGIC);
  const images = readIdxFile(imagesFile, IDX_IMAGES_MAGIC);
  const [count, height, width] = images.dims;
  if (count !== labels.dims[0]) {
    throw new DataFileError(
      imagesFile,
      `holds ${count} images but its label file ${labelsFile} holds ${labels.dims[0]} labels; the counts must match`,
    );
  }
  return { images: images.data, labels: labels.data, count, height, width };
}

/**
 * The path of `base` (e.g. 'train-images-idx3-ubyte') in dir, uncompressed or with '.gz'; the uncompressed
 * file wins when both exist. Undefined when neither exists.
 */
export function findIdxFile(dir: string, base: string): string | undefined {
  for (const candidate of [base, base + '.gz']) {
    const p = path.join(dir, candidate);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The standard file names of an MNIST-style dataset directory (without any '.gz'). */
export const IDX_SPLIT_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/**
 * Load an MNIST-style directory: the four IDX files of IDX_SPLIT_FILES, each uncompressed or gzipped.
 * @param name the Dataset name
 * @param classNames the class names; every label must be below their count
 * @throws DataFileError naming the directory when it does not exist or listing the missing files; any error of readIdxPair; a label out
 *   of range (naming the label file, the index and the allowed range).
 */
export function loadIdxDirectory(dir: string, name: string, classNames: string[]): { train: Dataset; test: Dataset } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new DataFileError(dir, `${name} data directory not found`);
  }
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const split of ['train', 'test'] as const) {
    for (const part of ['images', 'labels'] as const) {
      const base = IDX_SPLIT_FILES[split][part];
      const found = findIdxFile(dir, base);
      if (found === undefined) missing.push(`${base}[.gz]`);
      else resolved[base] = found;
    }
  }
  if (missing.length > 0) throw new DataFileError(dir, `missing ${name} files: ${missing.join(', ')}`);

  const load = (split: 'train' | 'test'): Dataset => {
    const labelsFile = resolved[IDX_SPLIT_FILES[split].labels];
    const pair = readIdxPair(resolved[IDX_SPLIT_FILES[split].images], labelsFile);
    const classes = classNames.length;
    for (let i = 0; i < pair.count; i++) {
      if (pair.labels[i] >= classes) {
        throw new DataFileError(labelsFile, `label ${pair.labels[i]} at index ${i} is outside [0, ${classes - 1}]`);
      }
    }
    return {
      name,
      images: pair.images,
      labels: pair.labels,
      count: pair.count,
      height: pair.height,
      width: pair.width,
      channels: 1,
      classNames: [...classNames],
    };
  };
  return { train: load('train'), test: load('test') };
}
