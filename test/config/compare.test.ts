import { expect } from 'chai';
import { configDifference } from '../../src/config/compare.js';
import { PRESETS } from '../../src/config/run-config.js';
import { stableStringify } from '../../src/util/atomic.js';
import { firstDifference } from '../../src/util/diff.js';

describe('comparing a saved run configuration with the current one', () => {
  const saved = PRESETS.smoke;

  it('agrees with itself, and ignores the backend (a resumed run may run elsewhere)', () => {
    expect(configDifference(stableStringify(saved), 'config.json', saved, 'now')).to.equal(null);
    expect(configDifference(stableStringify(saved), 'config.json', { ...saved, backend: 'cpu' }, 'now')).to.equal(null);
  });

  it('reads a config.json saved before a field existed by filling today\'s default', () => {
    const old = JSON.parse(stableStringify(saved));
    delete old.labelNoise.noisyValidation;
    delete old.corruption;
    expect(configDifference(JSON.stringify(old), 'config.json', saved, 'now')).to.equal(null);
  });

  it('names the first field that differs, with both values', () => {
    expect(configDifference(stableStringify(saved), 'a/config.json', { ...saved, train: { ...saved.train, epochs: 9 } }, 'this run')).to.equal(
      'train.epochs is 3 in a/config.json but 9 in this run',
    );
    expect(firstDifference({ a: [1, 2] }, { a: [1, 3] })).to.deep.equal({ path: 'a[1]', a: 2, b: 3 });
    expect(firstDifference({ a: 1 }, { a: 1, b: 2 })).to.deep.equal({ path: 'b', a: undefined, b: 2 });
  });
});
