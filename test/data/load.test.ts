import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { HarnessInputError, unknownChoiceMessage } from '../../src/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { DATASET_NAMES, datasetFingerprint, loadDataset, toChannels, type DatasetSpec } from '../../src/data/load.js';

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  return expect.fail('expected a rejection');
}

describe('data/load', () => {
  it('exports the dataset names', () => {
    expect([...DATASET_NAMES]).to.deep.equal(['mnist', 'fashion-mnist', 'cifar10', 'folder', 'synthetic']);
  });

  it('rejects an unknown name with a did-you-mean hint', async () => {
    const err = await rejects(loadDataset({ name: 'mnsit' } as unknown as DatasetSpec, { seed: 1 }));
    expect(err).to.be.instanceOf(HarnessInputError);
    expect(err.message).to.equal(unknownChoiceMessage('dataset', 'mnsit', DATASET_NAMES));
    expect(err.message).to.equal(
      "unknown dataset 'mnsit'. Did you mean mnist? Allowed: mnist, fashion-mnist, cifar10, folder, synthetic",
    );
  });

  it('rejects bad imageSize / channels and a missing required dataDir', async () => {
    expect((await rejects(loadDataset({ name: 'mnist', imageSize: 32 }, { seed: 1 }))).message).to.equal(
      "dataset imageSize 32 is not supported for 'mnist', whose images are 28x28; omit imageSize or set it to 28 " +
        "(use the 'folder' dataset for other sizes)",
    );
    expect((await rejects(loadDataset({ name: 'synthetic', imageSize: 0 }, { seed: 1 }))).message).to.equal(
      'dataset imageSize 0 is invalid; it must be an integer in [1, 4096]',
    );
    const bad = { name: 'synthetic', channels: 2 } as unknown as DatasetSpec;
    expect((await rejects(loadDataset(bad, { seed: 1 }))).message).to.equal('dataset channels 2 is invalid; allowed: 1, 3');
    expect((await rejects(loadDataset({ name: 'cifar10' }, { seed: 1 }))).message).to.include(
      "dataset 'cifar10' needs a data directory (--data-dir)",
    );
    expect((await rejects(loadDataset({ name: 'folder' }, { seed: 1 }))).message).to.include(
      "dataset 'folder' needs a data directory (--data-dir)",
    );
  });

  it('loads synthetic data deterministically with the requested shape', async () => {
    const spec: DatasetSpec = { name: 'synthetic', imageSize: 8, channels: 3 };
    const opts = { seed: 5, synthetic: { trainCount: 40, testCount: 20, classes: 4 } };
    const a = await loadDataset(spec, opts);
    const b = await loadDataset(spec, opts);
    expect([a.train.count, a.test.count]).to.deep.equal([40, 20]);
    expect([a.train.height, a.train.width, a.train.channels]).to.deep.equal([8, 8, 3]);
    expect(a.train.classNames).to.have.length(4);
    expect(datasetFingerprint(a.train)).to.equal(datasetFingerprint(b.train));
    expect(datasetFingerprint(a.train)).to.not.equal(datasetFingerprint(a.test));
    const other = await loadDataset(spec, { ...opts, seed: 6 });
    expect(datasetFingerprint(other.train)).to.not.equal(datasetFingerprint(a.train));
  });

  it('splits a flat image folder into train and test by seed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-load-'));
    try {
      for (const [cls, v] of [['x', 30], ['y', 220]] as const) {
        fs.mkdirSync(path.join(dir, cls));
        for (let i = 0; i < 5; i++) {
          const raw = Buffer.alloc(4 * 4 * 3, v + i);
          await sharp(raw, { raw: { height: 4, width: 4, channels: 3 } }).png().toFile(path.join(dir, cls, `${i}.png`));
        }
      }
      const { train, test } = await loadDataset({ name: 'folder', dataDir: dir, channels: 1 }, { seed: 3, testFraction: 0.3 });
      expect([train.count, test.count]).to.deep.equal([7, 3]);
      expect(train.channels).to.equal(1);
      expect(train.classNames).to.deep.equal(['x', 'y']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('converts channels: gray to RGB replicates, RGB to gray is Rec. 601 luma', () => {
    const rgb: Dataset = {
      name: 't', images: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]), labels: Uint8Array.from([0]),
      count: 1, height: 2, width: 2, channels: 3, classNames: ['a'],
    };
    const gray = toChannels(rgb, 1);
    expect(Array.from(gray.images)).to.deep.equal([76, 150, 29, 18]);
    expect(gray.channels).to.equal(1);
    expect(Array.from(toChannels(gray, 3).images.subarray(0, 6))).to.deep.equal([76, 76, 76, 150, 150, 150]);
    expect(toChannels(rgb, 3)).to.equal(rgb);
  });

  it('fingerprints shape, labels and pixels (16 hex chars), not the name', () => {
    const d: Dataset = {
      name: 'a', images: new Uint8Array(8).fill(1), labels: Uint8Array.from([0, 1]),
      count: 2, height: 2, width: 2, channels: 1, classNames: ['p', 'q'],
    };
    const f = datasetFingerprint(d);
    expect(f).to.match(/^[0-9a-f]{16}$/);
    expect(datasetFingerprint({ ...d, name: 'b' })).to.equal(f);
    const pix = d.images.slice();
    pix[7] = 2;
    expect(datasetFingerprint({ ...d, images: pix })).to.not.equal(f);
    expect(datasetFingerprint({ ...d, labels: Uint8Array.from([1, 0]) })).to.not.equal(f);
    expect(datasetFingerprint({ ...d, height: 1, width: 4 })).to.not.equal(f);
  });
});
