import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { DataFileError } from '../../src/errors.js';
import { assertValidDataset } from '../../src/data/dataset.js';
import { IMAGE_EXTENSIONS, loadImageFolder } from '../../src/data/image-folder.js';

/** Write a solid-colour PNG (RGB, or RGBA when alpha is given) of height x width. */
async function png(file: string, height: number, width: number, rgb: [number, number, number], alpha?: number) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const channels = alpha === undefined ? 3 : 4;
  const raw = Buffer.alloc(height * width * channels);
  for (let p = 0; p < height * width; p++) {
    raw.set(alpha === undefined ? rgb : [...rgb, alpha], p * channels);
  }
  await sharp(raw, { raw: { height, width, channels } }).png().toFile(file);
}

/** Assert a promise rejects with a DataFileError for `file` whose problem starts with `problem`. */
async function rejectsWith(p: Promise<unknown>, file: string, problem: string): Promise<DataFileError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(DataFileError);
    expect((err as DataFileError).message.startsWith(`${file}: ${problem}`), (err as Error).message).to.equal(true);
    expect((err as DataFileError).path).to.equal(file);
    return err as DataFileError;
  }
  return expect.fail('expected a DataFileError');
}

describe('data/image-folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-folder-'));
    await png(path.join(dir, 'cat', 'a.png'), 4, 6, [255, 0, 0]);
    await png(path.join(dir, 'cat', 'b.png'), 8, 8, [200, 10, 10]);
    await png(path.join(dir, 'dog', 'c.png'), 5, 5, [0, 0, 255], 255);
    await png(path.join(dir, 'dog', 'd.png'), 4, 6, [0, 0, 250]);
    fs.writeFileSync(path.join(dir, 'dog', 'README.txt'), 'not an image, skipped');
    fs.writeFileSync(path.join(dir, 'dog', '.DS_Store'), 'hidden, skipped');
    fs.writeFileSync(path.join(dir, 'LICENSE'), 'a plain file next to the class folders, skipped');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('only lists extensions sharp can decode from files', () => {
    const decodable = new Set(
      Object.values(sharp.format).flatMap((f) => (f.input.file ? (f.input as { fileSuffix?: string[] }).fileSuffix ?? [] : [])),
    );
    for (const ext of IMAGE_EXTENSIONS) expect(decodable.has(ext), ext).to.equal(true);
    expect(decodable.has('.bmp')).to.equal(false);
  });

  it('loads a flat folder: sorted classes, default size from the first image, RGB, stretched', async () => {
    const { train, test } = await loadImageFolder(dir);
    expect(test).to.equal(null);
    expect(train.name).to.equal(`folder:${path.resolve(dir)}`);
    expect(train.classNames).to.deep.equal(['cat', 'dog']);
    expect([train.count, train.height, train.width, train.channels]).to.deep.equal([4, 4, 6, 3]);
    expect(Array.from(train.labels)).to.deep.equal([0, 0, 1, 1]);
    assertValidDataset(train);
    const size = 4 * 6 * 3;
    const pixel = (i: number, p: number) => Array.from(train.images.subarray(i * size + p * 3, i * size + p * 3 + 3));
    expect(pixel(0, 0)).to.deep.equal([255, 0, 0]);
    expect(pixel(1, 23)).to.deep.equal([200, 10, 10]); // 8x8 stretched to 4x6, solid colour survives
    expect(pixel(2, 10)).to.deep.equal([0, 0, 255]); // RGBA: alpha removed
    expect(pixel(3, 5)).to.deep.equal([0, 0, 250]);
  });

  it('resizes to a given size and decodes to one channel when asked', async () => {
    const { train } = await loadImageFolder(dir, { imageSize: 8, channels: 1 });
    expect([train.count, train.height, train.width, train.channels]).to.deep.equal([4, 8, 8, 1]);
    for (let i = 0; i < 4; i++) {
      const img = train.images.subarray(i * 64, (i + 1) * 64);
      expect(new Set(img).size, `image ${i} is one solid grey`).to.equal(1);
    }
    // Red is brighter than blue in luminance.
    expect(train.images[0]).to.be.greaterThan(train.images[2 * 64]);
    const rect = await loadImageFolder(dir, { imageSize: { height: 3, width: 7 } });
    expect([rect.train.height, rect.train.width]).to.deep.equal([3, 7]);
  });

  it('uses train/ and test/ subfolders when present', async () => {
    const split = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-folder-split-'));
    try {
      await png(path.join(split, 'train', 'b', '1.png'), 4, 4, [10, 20, 30]);
      await png(path.join(split, 'train', 'a', '1.png'), 4, 4, [40, 50, 60]);
      await png(path.join(split, 'train', 'a', '2.png'), 4, 4, [40, 50, 60]);
      await png(path.join(split, 'test', 'b', '9.png'), 2, 2, [10, 20, 30]);
      const { train, test } = await loadImageFolder(split, { name: 'tiny' });
      expect(train.name).to.equal('tiny');
      expect(train.classNames).to.deep.equal(['a', 'b']);
      expect(Array.from(train.labels)).to.deep.equal([0, 0, 1]);
      expect(test).to.not.equal(null);
      expect(test!.count).to.equal(1);
      expect(test!.labels[0]).to.equal(1); // 'b' keeps its training index
      expect([test!.height, test!.width]).to.deep.equal([4, 4]);
      expect(test!.classNames).to.deep.equal(['a', 'b']);

      await png(path.join(split, 'test', 'zebra', '1.png'), 2, 2, [1, 2, 3]);
      await rejectsWith(
        loadImageFolder(split),
        path.join(split, 'test', 'zebra'),
        "class 'zebra' does not exist in the training folder; training classes: a, b",
      );
    } finally {
      fs.rmSync(split, { recursive: true, force: true });
    }
  });

  it('names a corrupt image file and gives sharp\'s reason', async () => {
    const bad = path.join(dir, 'dog', 'e.png');
    fs.writeFileSync(bad, Buffer.from('this is not a png at all'));
    const err = await rejectsWith(loadImageFolder(dir, { imageSize: 4 }), bad, 'cannot decode image: ');
    expect(err.message).to.include('unsupported image format');
  });

  it('names a truncated image file', async () => {
    const file = path.join(dir, 'cat', 'a.png');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 20));
    await rejectsWith(loadImageFolder(dir, { imageSize: 4 }), file, 'cannot decode image: ');
  });

  it('rejects an empty class folder, a folder without classes and undecodable formats', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'empty', 'notes.txt'), 'no images here');
    await rejectsWith(
      loadImageFolder(dir),
      path.join(dir, 'empty'),
      "class folder 'empty' holds no images (supported extensions: .png, .jpg, .jpeg, .webp, .gif, .tif, .tiff, .avif)",
    );
    fs.rmSync(path.join(dir, 'empty'), { recursive: true });

    const bmp = path.join(dir, 'cat', 'x.BMP');
    fs.writeFileSync(bmp, Buffer.from('BM'));
    await rejectsWith(loadImageFolder(dir), bmp, '.bmp images cannot be decoded by sharp; convert them to one of .png');
    fs.rmSync(bmp);

    const none = path.join(dir, 'none');
    fs.mkdirSync(none);
    await rejectsWith(loadImageFolder(none), none, 'no class folders found; expected one subfolder per class');
    const missing = path.join(dir, 'missing');
    await rejectsWith(loadImageFolder(missing), missing, 'directory not found');
  });
});
