import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFileError } from '../../src/errors.js';
import { assertValidDataset } from '../../src/data/dataset.js';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_RECORD_BYTES,
  loadCifar10,
  parseCifarBatch,
} from '../../src/data/cifar10.js';

/** Planar value of channel c at pixel p of a record made by record(label, seed). */
function planar(seed: number, c: number, p: number): number {
  return (seed * 31 + c * 101 + p * 7 + (p >> 5) * 13) % 256;
}

/** One hand-made CIFAR record: label byte, then R, G, B planes of 1024 bytes each. */
function record(label: number, seed: number): Uint8Array {
  const r = new Uint8Array(CIFAR10_RECORD_BYTES);
  r[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[1 + c * 1024 + p] = planar(seed, c, p);
  return r;
}

function batch(records: Uint8Array[]): Buffer {
  return Buffer.concat(records);
}

describe('data/cifar10', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-cifar-'));
    // 5 training batches of 2 records (labels 2b-2, 2b-1 mod 10) and a test batch of 1 record.
    for (let b = 1; b <= 5; b++) {
      fs.writeFileSync(
        path.join(dir, `data_batch_${b}.bin`),
        batch([record((2 * b - 2) % 10, 2 * b - 2), record((2 * b - 1) % 10, 2 * b - 1)]),
      );
    }
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), batch([record(9, 100)]));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('converts planar R,G,B records to NHWC, pixel by pixel', () => {
    const { images, labels, count } = parseCifarBatch(batch([record(3, 1), record(7, 2)]), 'mem');
    expect(count).to.equal(2);
    expect(Array.from(labels)).to.deep.equal([3, 7]);
    for (let i = 0; i < 2; i++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          for (let c = 0; c < 3; c++) {
            const got = images[((i * 32 + y) * 32 + x) * 3 + c];
            if (got !== planar(i + 1, c, y * 32 + x)) {
              expect.fail(`record ${i} pixel (${y}, ${x}) channel ${c}: got ${got}, want ${planar(i + 1, c, y * 32 + x)}`);
            }
          }
        }
      }
    }
    // Spot check by hand: pixel (0, 1) of record 0 is R = 31+7, G = 31+101+7, B = 31+202+7.
    expect(Array.from(images.subarray(3, 6))).to.deep.equal([38, 139, 240]);
  });

  it('loads all batches in order with the standard class names', () => {
    const { train, test } = loadCifar10(dir);
    expect(train.name).to.equal('cifar10');
    expect([train.count, train.height, train.width, train.channels]).to.deep.equal([10, 32, 32, 3]);
    expect(Array.from(train.labels)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(train.classNames).to.deep.equal([...CIFAR10_CLASS_NAMES]);
    expect(test.count).to.equal(1);
    expect(test.labels[0]).to.equal(9);
    // Example 7 came from batch 4 record 1 (seed 7): its pixel (1, 0) green value.
    expect(train.images[(7 * 1024 + 32) * 3 + 1]).to.equal(planar(7, 1, 32));
    assertValidDataset(train);
    assertValidDataset(test);
  });

  it('reads class names from batches.meta.txt and finds a nested cifar-10-batches-bin', () => {
    const nested = path.join(dir, 'cifar-10-batches-bin');
    fs.mkdirSync(nested);
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.bin')) fs.renameSync(path.join(dir, f), path.join(nested, f));
    const names = Array.from({ length: 10 }, (_, i) => `name${i}`);
    fs.writeFileSync(path.join(nested, 'batches.meta.txt'), names.join('\n') + '\n\n');
    const { train } = loadCifar10(dir);
    expect(train.classNames).to.deep.equal(names);
    fs.writeFileSync(path.join(nested, 'batches.meta.txt'), 'a\nb\n');
    expect(() => loadCifar10(dir)).to.throw(
      DataFileError,
      `${path.join(nested, 'batches.meta.txt')}: expected 10 class names (one per line), found 2`,
    );
  });

  it('rejects a file whose size is not a multiple of 3073', () => {
    const file = path.join(dir, 'data_batch_2.bin');
    fs.writeFileSync(file, Buffer.concat([record(1, 1), record(2, 2), Buffer.alloc(5)]));
    expect(() => loadCifar10(dir)).to.throw(
      DataFileError,
      `${file}: size 6151 bytes is not a multiple of the CIFAR-10 record size 3073 (1 label byte + 3072 pixel bytes); ` +
        '2 whole records and 5 bytes left over',
    );
    fs.writeFileSync(file, Buffer.alloc(0));
    expect(() => loadCifar10(dir)).to.throw(DataFileError, `${file}: is empty; expected records of 3073 bytes`);
  });

  it('rejects a label byte above 9', () => {
    const file = path.join(dir, 'test_batch.bin');
    fs.writeFileSync(file, batch([record(0, 0), record(10, 1)]));
    expect(() => loadCifar10(dir)).to.throw(
      DataFileError,
      `${file}: record 1 (byte offset 3073) has label byte 10; CIFAR-10 labels are 0..9`,
    );
  });

  it('lists every missing batch file', () => {
    fs.rmSync(path.join(dir, 'data_batch_3.bin'));
    fs.rmSync(path.join(dir, 'test_batch.bin'));
    expect(() => loadCifar10(dir)).to.throw(
      DataFileError,
      `${dir}: missing CIFAR-10 batch files: data_batch_3.bin, test_batch.bin ` +
        '(expected data_batch_1.bin .. data_batch_5.bin and test_batch.bin)',
    );
  });

  it('names a missing directory', () => {
    const missing = path.join(dir, 'nope');
    expect(() => loadCifar10(missing)).to.throw(`${missing}: CIFAR-10 directory not found; pass --data-dir`);
  });
});
