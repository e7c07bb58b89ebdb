import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileError } from '../../src/errors.js';
import {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  loadIdxDirectory,
  parseIdx,
  readIdxFile,
  readIdxPair,
} from '../../src/data/idx.js';

/** IDX bytes for uint8 data with the given dims. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** Expect fn to throw a DataFileError whose message is exactly `${file}: ${problem}`. */
function expectDataFileError(fn: () => unknown, file: string, problem: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a DataFileError').to.be.instanceOf(DataFileError);
  expect((caught as DataFileError).message).to.equal(`${file}: ${problem}`);
  expect((caught as DataFileError).path).to.equal(file);
}

describe('data/idx', () => {
  let dir: string;
  const count = 3;
  const pixels = Uint8Array.from({ length: count * 2 * 4 }, (_, i) => (i * 37) % 256);
  const labelData = Uint8Array.from([7, 0, 9]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-idx-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, bytes: Uint8Array): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  }

  it('round-trips a plain image/label pair', () => {
    const imgs = write('imgs', idx([count, 2, 4], pixels));
    const labs = write('labs', idx([count], labelData));
    const pair = readIdxPair(imgs, labs);
    expect(pair.count).to.equal(3);
    expect(pair.height).to.equal(2);
    expect(pair.width).to.equal(4);
    expect(Array.from(pair.images)).to.deep.equal(Array.from(pixels));
    expect(Array.from(pair.labels)).to.deep.equal([7, 0, 9]);
    expect(pair.images.byteOffset).to.equal(0);
    expect(pair.images.buffer.byteLength).to.equal(pixels.length);
  });

  it('round-trips gzipped files transparently', () => {
    const imgs = write('imgs.gz', gzipSync(idx([count, 2, 4], pixels)));
    const labs = write('labs.gz', gzipSync(idx([count], labelData)));
    const pair = readIdxPair(imgs, labs);
    expect(Array.from(pair.images)).to.deep.equal(Array.from(pixels));
    expect(Array.from(pair.labels)).to.deep.equal([7, 0, 9]);
  });

  it('reports a wrong magic number with what was found and expected', () => {
    const labs = write('labs', idx([count], labelData));
    expectDataFileError(
      () => readIdxFile(labs, IDX_IMAGES_MAGIC),
      labs,
      'wrong magic number 0x00000801, expected 0x00000803 for an IDX image file',
    );
    const junk = write('junk', Buffer.from('PK\x03\x04 this is a zip'));
    expectDataFileError(
      () => readIdxFile(junk, IDX_LABELS_MAGIC),
      junk,
      'wrong magic number 0x504b0304, expected 0x00000801 for an IDX label file',
    );
  });

  it('reports a truncated image file with expected and present byte counts', () => {
    const imgs = write('imgs', idx([count, 2, 4], pixels).subarray(0, 16 + 24 - 5));
    expectDataFileError(
      () => readIdxFile(imgs, IDX_IMAGES_MAGIC),
      imgs,
      'truncated data: expected 40 bytes (16-byte header + 3x2x4 elements), 35 present',
    );
  });

  it('reports a truncated gzipped image file (after gunzipping)', () => {
    const imgs = write('imgs.gz', gzipSync(idx([count, 2, 4], pixels).subarray(0, 30)));
    expectDataFileError(
      () => readIdxFile(imgs, IDX_IMAGES_MAGIC),
      imgs,
      'truncated data: expected 40 bytes (16-byte header + 3x2x4 elements), 30 present',
    );
  });

  it('reports a truncated label file', () => {
    const labs = write('labs', idx([count], labelData).subarray(0, 10));
    expectDataFileError(
      () => readIdxFile(labs, IDX_LABELS_MAGIC),
      labs,
      'truncated data: expected 11 bytes (8-byte header + 3 elements), 10 present',
    );
    const stub = write('stub', Buffer.from([0, 0]));
    expectDataFileError(
      () => readIdxFile(stub, IDX_LABELS_MAGIC),
      stub,
      'only 2 bytes, too short for an IDX label file (a 4-byte magic number comes first)',
    );
  });

  it('reports trailing bytes, a zero dimension and corrupt gzip data', () => {
    const extra = write('extra', Buffer.concat([idx([count], labelData), Buffer.from([1, 2])]));
    expectDataFileError(
      () => readIdxFile(extra, IDX_LABELS_MAGIC),
      extra,
      '2 unexpected bytes after the data: expected 11 bytes (8-byte header + 3 elements), 13 present',
    );
    const zero = write('zero', idx([count, 0, 4], new Uint8Array(0)));
    expectDataFileError(
      () => readIdxFile(zero, IDX_IMAGES_MAGIC),
      zero,
      'dimension 1 has size 0; every dimension must be at least 1',
    );
    const badGz = write('bad.gz', gzipSync(idx([count], labelData)).subarray(0, 12));
    expect(() => readIdxFile(badGz, IDX_LABELS_MAGIC))
      .to.throw(DataFileError)
      .with.property('message')
      .that.matches(new RegExp(`^${badGz.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data: `));
  });

  it('reports a missing file', () => {
    const missing = path.join(dir, 'nope-idx1-ubyte');
    expectDataFileError(() => readIdxFile(missing, IDX_LABELS_MAGIC), missing, 'file not found');
  });

  it('reports an image/label count mismatch naming both files', () => {
    const imgs = write('imgs', idx([count, 2, 4], pixels));
    const labs = write('labs', idx([2], labelData.subarray(0, 2)));
    expectDataFileError(
      () => readIdxPair(imgs, labs),
      imgs,
      `holds 3 images but its label file ${labs} holds 2 labels; the counts must match`,
    );
  });

  it('parseIdx works on in-memory bytes', () => {
    const parsed = parseIdx(idx([2, 1, 1], Uint8Array.from([4, 5])), 'mem', IDX_IMAGES_MAGIC);
    expect(parsed.dims).to.deep.equal([2, 1, 1]);
    expect(Array.from(parsed.data)).to.deep.equal([4, 5]);
  });

  it('loadIdxDirectory lists missing files and rejects out-of-range labels', () => {
    const nowhere = path.join(dir, 'nowhere');
    expectDataFileError(() => loadIdxDirectory(nowhere, 'tiny', ['a']), nowhere, 'tiny data directory not found');
    write('train-images-idx3-ubyte', idx([count, 2, 4], pixels));
    write('train-labels-idx1-ubyte.gz', gzipSync(idx([count], labelData)));
    expectDataFileError(
      () => loadIdxDirectory(dir, 'tiny', ['a', 'b']),
      dir,
      'missing tiny files: t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]',
    );
    write('t10k-images-idx3-ubyte.gz', gzipSync(idx([1, 2, 4], pixels.subarray(0, 8))));
    write('t10k-labels-idx1-ubyte', idx([1], Uint8Array.from([1])));
    const labs = path.join(dir, 'train-labels-idx1-ubyte.gz');
    expectDataFileError(
      () => loadIdxDirectory(dir, 'tiny', ['a', 'b']),
      labs,
      'label 7 at index 0 is outside [0, 1]',
    );
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const { train, test } = loadIdxDirectory(dir, 'tiny', names);
    expect([train.count, train.height, train.width, train.channels]).to.deep.equal([3, 2, 4, 1]);
    expect(test.count).to.equal(1);
    expect(test.labels[0]).to.equal(1);
    expect(train.classNames).to.deep.equal(names);
  });
});
