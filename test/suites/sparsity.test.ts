import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '../../src/config/run-config.js';
import { Dataset, subset } from '../../src/data/dataset.js';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import type { SuiteContext, TrainedModel } from '../../src/suite/types.js';
import { suiteModel, unusedContext } from '../support/suite-model.js';
import type { EpochRecord, TrainState } from '../../src/train/trainer.js';
import { silentProgress } from '../../src/util/progress.js';
import { measureSparsity, sparsityFromPredictions } from '../../src/sparsity/measure.js';
import { predict } from '../../src/eval/predict.js';
import sparsitySuite, { SparsityResult, sparsityTrainSubset, TRAIN_SUBSET_SIZE, trendSentence } from '../../suites/sparsity/index.js';
import { useTestBackend } from '../support/backend.js';

/** uint8 noise images (so every token differs). */
function noise(count: number, size: number, seed: number): Dataset {
  const d = syntheticDataset({ count, height: size, width: size, channels: 1, classes: 4, seed, noise: 128 });
  let s = seed * 7919 + 1;
  for (let i = 0; i < d.images.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d.images[i] = s >>> 24;
  }
  return d;
}

const base: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, channels: 1, patchSize: 8, dim: 16, depth: 2, heads: 2, mlpDim: 64, numClasses: 4 };

describe('sparsity measurement', function () {
  this.timeout(60_000);
  before(useTestBackend);

  it('a Top-k model never has more than k nonzeros on any token (one token per image, measured image by image)', () => {
    const c: ViTConfig = { ...base, imageHeight: 8, imageWidth: 8, patchSize: 8, k: 5 }; // 1 token per image
    const topk = new ViT(c, 3);
    const vanilla = new ViT({ ...c, k: null }, 3);
    const data = noise(24, 8, 1);
    let vanillaMax = 0;
    try {
      for (let i = 0; i < data.count; i++) {
        const one = subset(data, [i]);
        const t = measureSparsity(topk, one);
        expect(t.tokens).to.equal(1);
        for (const u of t.neurons) {
          expect(u.meanNonzerosPerToken).to.be.at.most(5); // = the token's nonzero count
          expect(u.nonzeroFraction).to.be.at.most(5 / 64);
        }
        vanillaMax = Math.max(vanillaMax, ...measureSparsity(vanilla, one).neurons.map((u) => u.meanNonzerosPerToken));
      }
    } finally {
      topk.dispose();
      vanilla.dispose();
    }
    expect(vanillaMax).to.be.above(5); // the same weights without the mask exceed k, so the bound is the mask's doing
  });

  it('a Top-k model stays within k/d_ff per layer on many-token images too', () => {
    const m = new ViT({ ...base, patchSize: 4, k: 8 }, 5);
    const s = measureSparsity(m, noise(20, 16, 2));
    m.dispose();
    expect(s.tokens).to.equal(20 * 16);
    for (const f of s.nonzeroFraction) expect(f).to.be.at.most(8 / 64 + 1e-12);
  });

  it('a freshly initialised vanilla model fires about half its neurons per token', () => {
    for (const seed of [0, 1]) {
      const m = new ViT({ ...base, patchSize: 4, dim: 32, depth: 3, mlpDim: 256 }, seed);
      const s = measureSparsity(m, noise(48, 16, 10 + seed));
      m.dispose();
      for (const f of s.nonzeroFraction) expect(f).to.be.within(0.42, 0.58);
      expect(s.meanNonzeroFraction).to.be.within(0.45, 0.55);
    }
  });

  it('counts the tokens of the data it is given (images × tokens per image, class token included)', () => {
    for (const [pool, perImage] of [['mean', 4], ['cls', 5]] as const) {
      const m = new ViT({ ...base, pool }, 0);
      for (const n of [7, 13]) {
        const s = measureSparsity(m, noise(n, 16, n), { batchSize: 5 }); // batches of 5: the last one is partial
        expect(s.images).to.equal(n);
        expect(s.tokens).to.equal(n * perImage);
        for (const u of s.neurons) {
          expect(u.tokens).to.equal(n * perImage);
          expect(u.neurons).to.equal(64);
        }
      }
      m.dispose();
    }
  });

  it('the training subset is a seeded, sorted sample of the training split of at most TRAIN_SUBSET_SIZE images', () => {
    // 1x2 images whose two bytes encode the example's index
    const n = TRAIN_SUBSET_SIZE + 500;
    const images = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) [images[2 * i], images[2 * i + 1]] = [i & 255, i >> 8];
    const train: Dataset = { name: 'ids', images, labels: new Uint8Array(n), count: n, height: 1, width: 2, channels: 1, classNames: ['a'] };
    const ids = (d: Dataset) => Array.from({ length: d.count }, (_, i) => d.images[2 * i] + 256 * d.images[2 * i + 1]);
    const a = ids(sparsityTrainSubset(train, 0));
    expect(a).to.have.length(TRAIN_SUBSET_SIZE);
    expect(new Set(a).size).to.equal(TRAIN_SUBSET_SIZE);
    expect(a.every((v, i) => v < n && (i === 0 || v > a[i - 1]))).to.equal(true);
    expect(ids(sparsityTrainSubset(train, 0))).to.deep.equal(a);
    expect(ids(sparsityTrainSubset(train, 1))).to.not.deep.equal(a);
    const small = subset(train, [5, 9, 11]);
    expect(sparsityTrainSubset(small, 0)).to.equal(small); // all of a small split
  });
});

function record(epoch: number, validation: number[], train: number[]): EpochRecord {
  return { epoch, trainLoss: epoch ? 1 : null, trainAccuracy: epoch ? 0.5 : null, validationLoss: 1, validationAccuracy: 0.5, validationNonzeroFraction: validation, trainNonzeroFraction: train, learningRate: 0, steps: epoch };
}

describe('sparsity suite (run directly on untrained models)', function () {
  this.timeout(60_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-sparsity-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('measures train on the training split and test on the test split, and writes the charts', async () => {
    const train = syntheticDataset({ count: 30, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
    const test = noise(11, 16, 2); // different sizes and content
    const validation = noise(5, 16, 3);
    const vanilla = new ViT(base, 0);
    const topk = new ViT({ ...base, k: 6 }, 0);
    const state = (h: EpochRecord[]) => ({ epoch: h.length - 1, history: h }) as unknown as TrainState;
    const models: TrainedModel[] = [
      { variant: { name: 'vanilla', k: null }, model: vanilla, state: state([record(0, [0.5, 0.52], [0.51, 0.5]), record(1, [0.2, 0.1], [0.19, 0.1])]) },
      { variant: { name: 'topk', k: 6 }, model: topk, state: state([record(0, [0.09, 0.09], [0.09, 0.09]), record(1, [0.08, 0.09], [0.08, 0.09])]) },
    ];
    const ctx: SuiteContext = {
      ...unusedContext,
      config: { ...PRESETS.smoke, suites: ['sparsity'] },
      data: { train, validation, test },
      outDir: tmp,
      models: models.map(suiteModel),
      testPredictions: new Map(),
      progress: () => silentProgress,
      log: () => {},
      trainExtra: () => {
        throw new Error('the sparsity suite trains nothing');
      },
    };
    try {
      const out = await sparsitySuite.run(ctx);
      const r = out.result as SparsityResult;
      for (const { variant, model } of models) {
        const m = r.models[variant.name];
        expect(m.train.images).to.equal(30);
        expect(m.train.tokens).to.equal(30 * 4);
        expect(m.test.images).to.equal(11);
        expect(m.test.tokens).to.equal(11 * 4);
        expect(m.train).to.deep.equal(measureSparsity(model, train));
        expect(m.test).to.deep.equal(measureSparsity(model, test));
        expect(m.flops.model.dense).to.be.above(m.flops.model.effective);
        expect(m.overTraining.epochs).to.deep.equal([0, 1]);
      }
      expect(r.models.vanilla.train.nonzeroFraction).to.not.deep.equal(r.models.vanilla.test.nonzeroFraction);
      expect(r.models.topk.topkBound).to.deep.equal([6 / 64, 6 / 64]);
      expect(r.models.vanilla.topkBound).to.deep.equal([null, null]);
      expect(r.models.vanilla.trend!.dropped).to.equal(true);
      expect(r.histogramEdges).to.have.length(21);
      expect(JSON.parse(JSON.stringify(r))).to.deep.equal(r); // JSON-serialisable as is

      expect(out.files).to.deep.equal(['sparsity/nonzero-per-layer.svg', 'sparsity/over-training.svg', 'sparsity/neuron-firing-histogram.svg']);
      for (const f of out.files) expect(fs.readFileSync(path.join(tmp, f), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(out.markdown.startsWith('## Activation sparsity (MLP neurons)\n')).to.equal(true);
      expect(out.markdown).to.include('| layer | vanilla train | vanilla test | topk (k=6) train | topk test |');
      expect(out.markdown).to.include('Train: a seeded subset of 30 training images (120 tokens); test: all 11 test images (44 tokens).');
      expect(out.markdown).to.include(
        'Over training the vanilla model became sparser: its layer-mean nonzero fraction on the validation split dropped from 51.00% at epoch 0 (initialisation) to 15.00% after epoch 1 (−36.00 pts; layer 0 50.0% → 20.0%, layer 1 52.0% → 10.0%).',
      );
      expect(out.markdown).to.include('topk keeps at most k/d_ff = 9.38% per token');
      expect(out.markdown).to.include('| saving: whole model |');
    } finally {
      vanilla.dispose();
      topk.dispose();
    }
  });

  it("reuses the run's test pass when it carries the firing counts: the same numbers, no second pass over the test split", async () => {
    const train = syntheticDataset({ count: 12, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
    const test = noise(11, 16, 2);
    const topk = new ViT({ ...base, k: 6 }, 0);
    const state = { epoch: 1, history: [record(0, [0.09, 0.09], [0.09, 0.09]), record(1, [0.08, 0.09], [0.08, 0.09])] } as unknown as TrainState;
    const seen = predict(topk, test, { batchSize: 4, neuronFiring: true }); // another batch size than the suite's
    const passes: string[] = [];
    const ctx: SuiteContext = {
      ...unusedContext,
      config: { ...PRESETS.smoke, suites: ['sparsity'] },
      data: { train, validation: noise(5, 16, 3), test },
      outDir: tmp,
      models: [suiteModel({ variant: { name: 'topk', k: 6 }, model: topk, state })],
      testPredictions: new Map([['topk', seen]]),
      progress: (name) => (passes.push(name), silentProgress),
      log: () => {},
      trainExtra: () => {
        throw new Error('the sparsity suite trains nothing');
      },
    };
    try {
      const r = (await sparsitySuite.run(ctx)).result as SparsityResult;
      expect(passes).to.deep.equal(['topk sparsity train']);
      expect(r.models.topk.test).to.deep.equal(measureSparsity(topk, test));
      expect(sparsityFromPredictions(seen)).to.deep.equal(measureSparsity(topk, test));
    } finally {
      topk.dispose();
    }
  });

  it('states plainly when the vanilla model did not become sparser', () => {
    const m = { trend: { firstEpoch: 0, lastEpoch: 2, first: 0.4, last: 0.45, change: 0.05, perLayer: [{ first: 0.4, last: 0.45 }], dropped: false } };
    expect(trendSentence('vanilla', m as never)).to.equal(
      'Over training the vanilla model did not become sparser: its layer-mean nonzero fraction on the validation split rose from 40.00% at epoch 0 (initialisation) to 45.00% after epoch 2 (+5.00 pts; layer 0 40.0% → 45.0%).',
    );
  });
});
