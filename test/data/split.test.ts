import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { limit, splitTrainTest, splitTrainValidation } from '../../src/data/split.js';

/** A dataset whose 1x2 image i stores i (little-endian), so every example can be traced back to its index. */
function indexed(count: number): Dataset {
  const images = new Uint8Array(count * 2);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images[2 * i] = i & 0xff;
    images[2 * i + 1] = i >> 8;
    labels[i] = i % 3;
  }
  return { name: 'indexed', images, labels, count, height: 1, width: 2, channels: 1, classNames: ['a', 'b', 'c'] };
}

function ids(d: Dataset): number[] {
  return Array.from({ length: d.count }, (_, i) => d.images[2 * i] | (d.images[2 * i + 1] << 8));
}

describe('data/split', () => {
  const all = indexed(500);

  it('splitTrainValidation is deterministic, disjoint, complete and sorted', () => {
    const a = splitTrainValidation(all, 100, 1);
    const b = splitTrainValidation(all, 100, 1);
    const c = splitTrainValidation(all, 100, 2);
    expect(a.validation.count).to.equal(100);
    expect(a.train.count).to.equal(400);
    expect(ids(a.validation)).to.deep.equal(ids(b.validation));
    expect(ids(a.validation)).to.not.deep.equal(ids(c.validation));
    const v = ids(a.validation);
    const t = ids(a.train);
    expect(new Set([...v, ...t]).size).to.equal(500);
    expect(v).to.deep.equal([...v].sort((x, y) => x - y));
    expect(v.some((i, k) => i !== k), 'not simply the first 100').to.equal(true);
    // labels travel with their images
    for (let k = 0; k < a.train.count; k++) expect(a.train.labels[k]).to.equal(t[k] % 3);
    expect(splitTrainValidation(all, 0, 1).validation.count).to.equal(0);
  });

  it('splitTrainValidation rejects counts outside [0, count - 1]', () => {
    for (const bad of [500, -1, 2.5]) {
      expect(() => splitTrainValidation(all, bad, 1)).to.throw(
        HarnessInputError,
        `validation count ${bad} is invalid; it must be an integer in [0, 499] for the 500-example dataset 'indexed'`,
      );
    }
  });

  it('limit is deterministic, a subset without repeats, and validates n', () => {
    const a = limit(all, 50, 3);
    expect(a.count).to.equal(50);
    expect(ids(a)).to.deep.equal(ids(limit(all, 50, 3)));
    expect(ids(a)).to.not.deep.equal(ids(limit(all, 50, 4)));
    expect(ids(a)).to.not.deep.equal(ids(limit(all, 50, 3, 'test')));
    expect(new Set(ids(a)).size).to.equal(50);
    // A larger limit under the same seed and stream contains the smaller one (prefixes of one permutation).
    const bigger = new Set(ids(limit(all, 200, 3)));
    expect(ids(a).every((i) => bigger.has(i))).to.equal(true);
    expect(limit(all, 500, 3)).to.equal(all);
    for (const bad of [0, 501, 1.5]) {
      expect(() => limit(all, bad, 3)).to.throw(
        HarnessInputError,
        `limit ${bad} is invalid; it must be an integer in [1, 500] for the 500-example dataset 'indexed'`,
      );
    }
  });

  it('splitTrainTest holds out round(count * fraction) examples', () => {
    const { train, test } = splitTrainTest(all, 0.2, 9);
    expect([train.count, test.count]).to.deep.equal([400, 100]);
    const t = new Set(ids(test));
    expect(ids(train).some((i) => t.has(i))).to.equal(false);
    expect(() => splitTrainTest(all, 1, 9)).to.throw('test fraction 1 is invalid; it must be in (0, 1)');
    expect(() => splitTrainTest(indexed(2), 0.1, 9)).to.throw(
      "test fraction 0.1 of the 2-example dataset 'indexed' gives 0 test examples; it must give between 1 and 1",
    );
  });
});
