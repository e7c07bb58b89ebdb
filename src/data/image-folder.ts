/**
 * An image-classification folder: one subfolder per class, each holding image files.
 *
 *   dir/cat/001.png, dir/dog/002.jpg, ...                          flat layout (the caller splits off a test set)
 *   dir/train/cat/..., dir/train/dog/..., dir/test/cat/..., ...     split layout
 *
 * The split layout is used when dir has a `train/` subfolder; `test/` is then optional (absent means the caller
 * splits). Class names are the class subfolder names of the training part, sorted by code point, and label i is
 * class i; the test part's class folders must be among them (a test folder may lack some classes).
 *
 * Names starting with '.' are ignored everywhere, as are plain files next to the class folders and subfolders inside a
 * class folder (no recursion). Inside a class folder, files with an extension sharp can decode (IMAGE_EXTENSIONS,
 * case-insensitive) are read and other files are skipped, except for common image formats sharp cannot decode
 * (e.g. .bmp), which are an error so that images are never silently dropped.
 *
 * Decoding uses sharp: EXIF orientation applied, first frame of animated images, alpha dropped (`removeAlpha`, no
 * compositing), converted to 8-bit sRGB (3 channels) or to 8-bit grayscale (1 channel, when asked), and resized to
 * the target size with fit 'fill': each image is stretched to exactly height x width, ignoring its aspect ratio,
 * so nothing is cropped or padded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { DataFileError, HarnessInputError } from '../errors.js';
import type { Dataset } from './dataset.js';

/** Extensions (lower case, with dot) of the formats the installed sharp can decode from files. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** Image formats people keep in folders that sharp cannot decode; finding one is an error rather than a silent skip. */
const UNDECODABLE_EXTENSIONS: readonly string[] = ['.bmp', '.ppm', '.pgm', '.pbm', '.heic', '.jp2', '.jxl', '.ico'];

/** How many images are decoded concurrently (sharp runs each on its own libuv thread). */
const CONCURRENCY = 8;

/** Options for loadImageFolder. */
export interface ImageFolderOptions {
  /**
   * Target size: a number means a square side; default: the first image's size (first file, by name, of the first
   * class of the training part), after EXIF orientation.
   */
  imageSize?: number | { height: number; width: number };
  /** 1 (grayscale) or 3 (RGB, the default). */
  channels?: 1 | 3;
  /** Dataset name; default `folder:<absolute dir>`. */
  name?: string;
}

/** What loadImageFolder returns: test is null for the flat layout or a split layout without test/. */
export interface ImageFolderResult {
  train: Dataset;
  test: Dataset | null;
}

/** One image file and its class index. */
interface Entry {
  file: string;
  label: number;
}

function visible(names: string[]): string[] {
  return names.filter((n) => !n.startsWith('.'));
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new DataFileError(dir, 'directory not found');
    if (e.code === 'ENOTDIR') throw new DataFileError(dir, 'is a file, expected a directory of class folders');
    throw new DataFileError(dir, `cannot list directory: ${e.message}`);
  }
}

/** True for a directory, following symlinks. */
function isDirectory(dir: string, entry: fs.Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(path.join(dir, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Sorted class folder names directly under root. */
function classFolders(root: string): string[] {
  const dirs = listDir(root).filter((e) => isDirectory(root, e)).map((e) => e.name);
  return visible(dirs).sort();
}

/** Sorted image files of one class folder. */
function classImages(classDir: string): string[] {
  const files: string[] = [];
  for (const e of listDir(classDir)) {
    if (e.name.startsWith('.') || isDirectory(classDir, e)) continue;
    const ext = path.extname(e.name).toLowerCase();
    if (IMAGE_EXTENSIONS.includes(ext)) files.push(e.name);
    else if (UNDECODABLE_EXTENSIONS.includes(ext)) {
      throw new DataFileError(
        path.join(classDir, e.name),
        `${ext} images cannot be decoded by sharp; convert them to one of ${IMAGE_EXTENSIONS.join(', ')}`,
      );
    }
  }
  return files.sort().map((f) => path.join(classDir, f));
}

/**
 * The image files under root (one folder per class), labelled by position of the class name in classNames.
 * @throws DataFileError for no class folders, an empty class folder or a class not in classNames.
 */
function scan(root: string, classNames: string[] | null): { classNames: string[]; entries: Entry[] } {
  const found = classFolders(root);
  if (found.length === 0) {
    throw new DataFileError(
      root,
      `no class folders found; expected one subfolder per class holding images (e.g. ${path.join(root, 'cat', '001.png')})`,
    );
  }
  const names = classNames ?? found;
  if (names.length > 256) {
    throw new DataFileError(root, `${names.length} class folders; at most 256 classes are supported (labels are uint8)`);
  }
  const entries: Entry[] = [];
  for (const cls of found) {
    const label = names.indexOf(cls);
    if (label < 0) {
      throw new DataFileError(
        path.join(root, cls),
        `class '${cls}' does not exist in the training folder; training classes: ${names.join(', ')}`,
      );
    }
    const files = classImages(path.join(root, cls));
    if (files.length === 0) {
      throw new DataFileError(
        path.join(root, cls),
        `class folder '${cls}' holds no images (supported extensions: ${IMAGE_EXTENSIONS.join(', ')})`,
      );
    }
    for (const file of files) entries.push({ file, label });
  }
  return { classNames: names, entries };
}

/** The upright size of an image file. */
async function imageDims(file: string): Promise<{ height: number; width: number }> {
  try {
    const m = await sharp(file).metadata();
    return { height: m.autoOrient.height, width: m.autoOrient.width };
  } catch (err) {
    throw new DataFileError(file, `cannot decode image: ${(err as Error).message}`);
  }
}

/**
 * Decode one image file to exactly height x width x channels uint8 bytes (see the module comment for the steps).
 * @throws DataFileError naming the file and sharp's reason when it cannot be decoded.
 */
export async function decodeImage(file: string, height: number, width: number, channels: 1 | 3): Promise<Uint8Array> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    let img = sharp(file, { autoOrient: true }).resize(width, height, { fit: 'fill' }).removeAlpha();
    img = channels === 1 ? img.grayscale() : img.toColourspace('srgb');
    out = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new DataFileError(file, `cannot decode image: ${(err as Error).message}`);
  }
  const { info, data } = out;
  if (info.width !== width || info.height !== height || info.channels !== channels || data.length !== height * width * channels) {
    throw new DataFileError(
      file,
      `decoded to ${info.height}x${info.width}x${info.channels} (${data.length} bytes), expected ${height}x${width}x${channels}`,
    );
  }
  return data;
}

/** Decode all entries into one Dataset, CONCURRENCY images at a time. */
async function decodeAll(
  entries: Entry[],
  name: string,
  classNames: string[],
  height: number,
  width: number,
  channels: 1 | 3,
): Promise<Dataset> {
  const size = height * width * channels;
  const images = new Uint8Array(entries.length * size);
  const labels = new Uint8Array(entries.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < entries.length && !failed) {
      const i = next++;
      try {
        images.set(await decodeImage(entries[i].file, height, width, channels), i * size);
      } catch (err) {
        failed = true; // stop the other workers early; Promise.all reports the first error
        throw err;
      }
      labels[i] = entries[i].label;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
  return { name, images, labels, count: entries.length, height, width, channels, classNames: [...classNames] };
}

function checkSide(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw new HarnessInputError(`image folder ${what} ${value} is invalid; it must be an integer in [1, 4096]`, what);
  }
}

/**
 * Load an image folder (see the module comment for the layout and decoding rules).
 * Examples are ordered by class, then by file name.
 * @throws HarnessInputError for a bad imageSize or channels; DataFileError for a missing directory, no class
 *   folders, an empty class folder, a test class absent from training, a file sharp cannot decode (naming the file
 *   and sharp's reason), or an undecodable image format.
 */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageFolderResult> {
  const channels = opts.channels ?? 3;
  if (channels !== 1 && channels !== 3) {
    throw new HarnessInputError(`image folder channels ${String(channels)} is invalid; allowed: 1, 3`, 'channels');
  }
  const root = path.resolve(dir);
  const name = opts.name ?? `folder:${root}`;
  const top = listDir(root);
  const hasTrain = top.some((e) => e.name === 'train' && isDirectory(root, e));
  const hasTest = top.some((e) => e.name === 'test' && isDirectory(root, e));
  if (hasTest && !hasTrain) {
    throw new DataFileError(root, "has a 'test' folder but no 'train' folder; add train/ or use the flat layout");
  }

  const trainScan = scan(hasTrain ? path.join(root, 'train') : root, null);
  const testScan = hasTest ? scan(path.join(root, 'test'), trainScan.classNames) : null;

  let height: number;
  let width: number;
  if (opts.imageSize === undefined) {
    ({ height, width } = await imageDims(trainScan.entries[0].file));
  } else if (typeof opts.imageSize === 'number') {
    height = width = opts.imageSize;
  } else {
    ({ height, width } = opts.imageSize);
  }
  checkSide(height, 'height');
  checkSide(width, 'width');

  const train = await decodeAll(trainScan.entries, name, trainScan.classNames, height, width, channels);
  const test = testScan ? await decodeAll(testScan.entries, name, trainScan.classNames, height, width, channels) : null;
  return { train, test };
}
