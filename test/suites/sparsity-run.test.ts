import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import type { Scorecard } from '../../src/scorecard/scorecard.js';
import type { SparsityResult } from '../../suites/sparsity/index.js';
import { useTestBackend } from '../support/backend.js';

/** The fast synthetic run of test/run/run-experiment.test.ts, with only the sparsity suite. */
const config = resolveConfig(
  [
    parseOverrides({
      backend: 'wasm',
      data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 1000, syntheticTestCount: 200, validationCount: 100 },
      model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 }, // 4 tokens per image
      models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
      train: { epochs: 2, batchSize: 32, learningRate: 3e-3, checkpointEverySteps: 50 },
      suites: ['sparsity'],
    }),
  ],
  'smoke',
);

describe('sparsity suite through runExperiment (synthetic data)', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-sparsity-run-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports per-layer sparsity on the splits it names, over training, FLOPs, charts and Markdown', async () => {
    const dir = path.join(tmp, 'run');
    const out = await runExperiment({ config, outDir: dir, progress: false });
    const card = JSON.parse(fs.readFileSync(out.scorecardPath, 'utf8')) as Scorecard;
    const r = card.suites.sparsity as SparsityResult;
    expect(Object.keys(r.models)).to.have.members(['vanilla', 'topk']);
    for (const name of ['vanilla', 'topk']) {
      const m = r.models[name];
      // train: all 900 training images (fewer than the subset size); test: all 200 test images; 4 tokens each
      expect(m.train.images).to.equal(card.data.trainCount).and.to.equal(900);
      expect(m.train.tokens).to.equal(900 * 4);
      expect(m.test.images).to.equal(200);
      expect(m.test.tokens).to.equal(200 * 4);
      // the test figures agree with the scorecard's own test pass (a separate forward pass over the same images)
      m.test.nonzeroFraction.forEach((f, i) => expect(f).to.be.closeTo(card.models[name].test.nonzeroFractionPerLayer[i], 1e-6));
      // over training: epoch 0 (initialisation) to the last epoch, the trainer's own records
      expect(m.overTraining.epochs).to.deep.equal([0, 1, 2]);
      expect(m.overTraining.validation).to.deep.equal(card.models[name].training!.history.map((h) => h.validationNonzeroFraction));
      expect(m.flops.model.dense).to.equal(card.models[name].forwardFlopsPerImage);
      for (const split of [m.train, m.test]) {
        for (const u of split.neurons) {
          expect(u.histogram.counts.reduce((a, b) => a + b, 0)).to.equal(64);
          for (const v of [u.nonzeroFraction, u.rareShare, u.frequentShare, u.deadShare]) expect(v).to.be.within(0, 1);
        }
      }
    }
    for (const f of [...r.models.topk.train.nonzeroFraction, ...r.models.topk.test.nonzeroFraction]) expect(f).to.be.at.most(8 / 64 + 1e-12);
    expect(r.models.vanilla.overTraining.meanValidation[0]).to.be.within(0.4, 0.6); // about half at initialisation

    expect(card.timing.suites.sparsity).to.be.above(0);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'suites', 'sparsity.json'), 'utf8')) as { files: string[] };
    expect(saved.files).to.have.length(3);
    for (const f of saved.files) expect(fs.readFileSync(path.join(dir, f), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    const md = fs.readFileSync(path.join(dir, 'scorecard.md'), 'utf8');
    expect(md).to.contain('## Activation sparsity (MLP neurons)');
    expect(md).to.contain('| layer | vanilla train | vanilla test | topk (k=8) train | topk test |');
    expect(md).to.match(/Over training the vanilla model (became|did not become) sparser: .* from \d+\.\d\d% at epoch 0 \(initialisation\) to \d+\.\d\d% after epoch 2/);
    expect(md).to.contain('### FLOPs per image (test-split sparsity)');
  });
});
