/** predictDataset and a classifier's knownLogits: a pass already made (a training child's) is returned, not repeated. */
import { expect } from 'chai';
import type { Dataset } from '../../src/data/dataset.js';
import { predictDataset } from '../../src/suite/classifier.js';
import type { Classifier } from '../../src/suite/types.js';
import { vitClassifier } from '../../src/suite/vit-classifier.js';
import { ViT } from '../../src/models/vit.js';
import { VIT_DEFAULTS } from '../../src/models/config.js';
import { useTestBackend } from '../support/backend.js';

const data = (count: number): Dataset => ({
  name: 'd', images: Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37) % 256), labels: new Uint8Array(count), count,
  height: 4, width: 4, channels: 1, classNames: ['a', 'b'],
});

describe('predictDataset with known logits', function () {
  this.timeout(30_000);
  before(useTestBackend);

  it('returns the known pass for that dataset and batch size without calling logits(); otherwise runs the pass', async () => {
    const d = data(5);
    const known = Float32Array.from({ length: 10 }, (_, i) => i);
    let calls = 0;
    const c: Classifier = {
      numClasses: 2,
      logits: (_images, n) => (calls++, new Float32Array(n * 2).fill(7)),
      knownLogits: (x, bs) => (x === d && bs === 4 ? known : undefined),
    };
    expect(Array.from((await predictDataset(c, d, { batchSize: 4 })).logits)).to.deep.equal(Array.from(known));
    expect(calls).to.equal(0);
    expect(Array.from((await predictDataset(c, d, { batchSize: 2 })).logits)).to.deep.equal(new Array(10).fill(7));
    expect(calls).to.equal(3);
    expect(Array.from((await predictDataset(c, data(5), { batchSize: 4 })).logits)).to.deep.equal(new Array(10).fill(7));
  });

  it('hands a classifier ordinary memory when the pixels are in shared memory (the same bytes)', async () => {
    const d = data(5);
    const shared = new Uint8Array(new SharedArrayBuffer(d.images.length));
    shared.set(d.images);
    const seen: Uint8Array[] = [];
    const c: Classifier = { numClasses: 2, logits: (images, n) => (seen.push(images), new Float32Array(n * 2)) };
    await predictDataset(c, { ...d, images: shared }, { batchSize: 2 });
    expect(seen.map((x) => x.buffer instanceof SharedArrayBuffer)).to.deep.equal([false, false, false]);
    expect(Array.from(seen.flatMap((x) => Array.from(x)))).to.deep.equal(Array.from(d.images));
  });

  it("a ViT classifier's known pass is what its own pass gives (so reusing a child's pass changes no number)", async () => {
    const vit = new ViT({ ...VIT_DEFAULTS, imageHeight: 4, imageWidth: 4, channels: 1, patchSize: 2, dim: 8, depth: 1, heads: 2, mlpDim: 16, numClasses: 2, k: 4 }, 1);
    try {
      const d = data(7);
      const own = await predictDataset(vitClassifier(vit), d, { batchSize: 3 });
      const reused = await predictDataset(vitClassifier(vit, [{ data: d, batchSize: 3, logits: own.logits }]), d, { batchSize: 3 });
      expect(reused.logits).to.equal(own.logits);
      const { predict } = await import('../../src/eval/predict.js');
      expect(Array.from(predict(vit, d, { batchSize: 3 }).logits)).to.deep.equal(Array.from(own.logits)); // what the child saves
    } finally {
      vit.dispose();
    }
  });
});
