import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../../api/index.js';
import { loadDataset } from '../../src/data/load.js';

describe('evaluate(): any (images) => logits function, programmatically', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-evaluate-fn-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('scores a constant classifier exactly as computed by hand, beside a second model', async () => {
    // always class 0 with logits [2, 0, ..., 0]: confidence c = e^2 / (e^2 + 9) for every image, so accuracy = the
    // share of label 0, ECE = |accuracy − c| (one bin holds everything), NLL = mean of −log p(label)
    const c = Math.exp(2) / (Math.exp(2) + 9);
    const constant = (images: Uint8Array, count: number) => {
      const out = new Float32Array(count * 10);
      for (let i = 0; i < count; i++) out[i * 10] = 2;
      return out;
    };
    const seen: number[] = [];
    const spy = (images: Uint8Array, count: number) => {
      seen.push(images.length / count);
      return constant(images, count);
    };
    const overrides = { seed: 3, data: { dataset: 'synthetic', validationCount: 200, syntheticTestCount: 300 }, suites: ['calibration'] };
    const out = await evaluate({ models: [{ name: 'constant', logits: constant }, { name: 'spy', logits: spy }], overrides, outDir: path.join(dir, 'run'), progress: false });
    const { test } = await loadDataset({ name: 'synthetic', imageSize: 28 }, { seed: 3, synthetic: { trainCount: 2000, testCount: 300 } });
    const zeros = test.labels.filter((l) => l === 0).length / test.count;
    const nll = (zeros * -Math.log(c)) + (1 - zeros) * -Math.log((1 - c) / 9);
    for (const m of ['constant', 'spy']) {
      const t = out.scorecard.models[m].test;
      expect(t.accuracy).to.equal(zeros);
      expect(t.ece).to.be.closeTo(Math.abs(zeros - c), 1e-6);
      expect(t.nll).to.be.closeTo(nll, 1e-6);
    }
    expect(seen.every((n) => n === 28 * 28 * 1)).to.equal(true); // uint8 NHWC images of the run's shape
    expect(out.scorecard.provenance.modelFiles).to.deep.equal({ constant: { format: 'function', outputs: 'logits' }, spy: { format: 'function', outputs: 'logits' } });
    expect(out.scorecard.deltas.spy['test.accuracy']).to.equal(0);
  });
});
