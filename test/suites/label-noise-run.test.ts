/**
 * Label-noise suite end to end through runExperiment on tiny synthetic data (a few seconds per run): the scorecard
 * section, the split it noised, determinism for a seed, and resume of an interrupted retraining.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { datasetFingerprint } from '../../src/data/load.js';
import { applyLabelNoise, parseNoiseSpec } from '../../src/label-noise/index.js';
import { prepareData, runExperiment } from '../../src/run/run-experiment.js';
import type { LabelNoiseSuiteResult } from '../../suites/label-noise/index.js';
import { useTestBackend } from '../support/backend.js';

const config = resolveConfig(
  [
    parseOverrides({
      backend: 'wasm',
      data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 600, syntheticTestCount: 200, validationCount: 100 },
      model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
      models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
      train: { epochs: 3, batchSize: 32, learningRate: 3e-3, checkpointEverySteps: 5 },
      suites: ['label-noise'],
      labelNoise: { specs: ['uniform:0.5'], memorisationProbe: 100 },
    }),
  ],
  'smoke',
);

describe('label-noise suite (end to end on synthetic data)', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ln-run-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  let first: LabelNoiseSuiteResult;

  it('runs through runExperiment and reports the noise it applied to the training split only', async () => {
    const out = await runExperiment({ config, outDir: path.join(tmp, 'a'), progress: false });
    const card = out.scorecard;
    first = card.suites['label-noise'] as LabelNoiseSuiteResult;
    expect(Object.keys(card.suites)).to.deep.equal(['label-noise']);

    // the noise covers exactly the training split (after the validation split), drawn from the run seed
    const data = await prepareData(config);
    const fingerprints = { train: datasetFingerprint(data.train), validation: datasetFingerprint(data.validation), test: datasetFingerprint(data.test) };
    expect(card.data.fingerprints).to.deep.equal(fingerprints);
    const [s] = first.specs;
    const expected = applyLabelNoise(data.train.labels, 10, parseNoiseSpec('uniform:0.5'), config.seed);
    expect(s.noise).to.deep.equal(expected.report);
    expect(s.noise.counts.examples).to.equal(card.data.trainCount);
    expect(s.noise.counts.perClass).to.deep.equal(Array.from({ length: 10 }, (_, c) => data.train.labels.filter((y) => y === c).length));
    expect(s.noise.seed).to.equal(config.seed);
    expect(s.noise.requestedRate).to.equal(0.5);
    expect(s.noise.realisedChangedFraction).to.equal(s.noise.counts.changed / card.data.trainCount);
    expect(s.noise.realisedChangedFraction).to.be.closeTo(0.45, 0.06); // p(C-1)/C
    expect(s.probe).to.deep.equal({ size: 100, changedExamples: s.noise.counts.changed });

    // the clean-label reference is the run's own models
    for (const m of ['vanilla', 'topk']) {
      expect(first.clean[m].accuracy).to.equal(card.models[m].test.accuracy);
      expect(first.clean[m].nll).to.equal(card.models[m].test.nll);
      expect(first.clean[m].ece).to.equal(card.models[m].test.ece);
      const r = s.models[m];
      expect(r.key).to.equal(`noise-uniform_0.5_exact-${m}`);
      expect(fs.existsSync(path.join(tmp, 'a', 'checkpoints', `${r.key}.ckpt`))).to.equal(true);
      for (const v of [r.test.accuracy, r.test.ece]) expect(v).to.be.within(0, 1);
      expect(r.dropFromClean.accuracy).to.be.closeTo(card.models[m].test.accuracy - r.test.accuracy, 1e-12);
      expect(r.dropFromClean.nll).to.be.closeTo(r.test.nll - card.models[m].test.nll, 1e-12);
      expect(r.memorisation.map((p) => p.epoch)).to.deep.equal([0, 1, 2, 3]);
      for (const p of r.memorisation) {
        expect(p.noisyLabel + p.trueLabel + p.other).to.be.closeTo(1, 1e-12);
        for (const v of [p.noisyLabel, p.trueLabel, p.other]) expect(v * 100).to.be.closeTo(Math.round(v * 100), 1e-9); // k/100
      }
      expect(r.curve.map((c) => c.epoch)).to.deep.equal([0, 1, 2, 3]);
    }
    // the noisy-label models train from the same initialisation as the clean ones: identical at epoch 0
    expect(s.models.vanilla.curve[0].validationAccuracy).to.equal(card.models.vanilla.training!.history[0].validationAccuracy);
    expect(s.deltas.topk.test.accuracy).to.be.closeTo(s.models.topk.test.accuracy - s.models.vanilla.test.accuracy, 1e-12);

    const md = fs.readFileSync(path.join(tmp, 'a', 'scorecard.md'), 'utf8');
    expect(md).to.contain('## Label noise (noisy training labels, clean test split)');
    expect(md).to.contain('| metric | vanilla | topk (k=8) | Δ topk − vanilla |');
    expect(md).to.contain(`(${s.noise.counts.changed} of ${card.data.trainCount} labels); seed 0.`);
    for (const f of ['accuracy-vs-noise.svg', 'memorisation.svg']) {
      expect(fs.readFileSync(path.join(tmp, 'a', 'label-noise', f), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>$/);
    }
  });

  it('gives the same result for the same seed, and after an interrupted retraining is resumed', async () => {
    const again = await runExperiment({ config, outDir: path.join(tmp, 'b'), progress: false });
    expect(again.scorecard.suites['label-noise']).to.deep.equal(first);

    // interrupt the noisy-label retraining mid-epoch, twice: the clean models are finished (copied from run a)
    const dir = path.join(tmp, 'c');
    expect((await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 3 })).interrupted).to.equal(true);
    for (const m of ['vanilla', 'topk']) fs.copyFileSync(path.join(tmp, 'a', 'checkpoints', `${m}.ckpt`), path.join(dir, 'checkpoints', `${m}.ckpt`));
    for (const stop of [10, 30]) {
      expect((await runExperiment({ config, outDir: dir, progress: false, resume: true, stopAfterSteps: stop })).interrupted).to.equal(true);
      expect(fs.existsSync(path.join(dir, 'checkpoints', 'noise-uniform_0.5_exact-vanilla.ckpt'))).to.equal(true);
    }
    const resumed = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    expect(resumed.interrupted).to.equal(false);
    expect(resumed.scorecard.suites['label-noise']).to.deep.equal(first);
  });
});
