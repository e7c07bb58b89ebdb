/**
 * Label-noise suite, fast tests: the pure helpers, config validation, and the suite's run() on synthetic data with a
 * stub trainExtra (untrained models, no optimisation) that records what the suite asks to train on. The end-to-end
 * run through runExperiment is in label-noise-run.test.ts.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PRESETS, type ModelVariant, type RunConfig } from '../../src/config/run-config.js';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { main } from '../../src/cli/main.js';
import type { DataSplits } from '../../src/data/dataset.js';
import { HarnessInputError } from '../../src/errors.js';
import { predict, type Predictions } from '../../src/eval/predict.js';
import { ViT } from '../../src/models/vit.js';
import { applyLabelNoise, parseNoiseSpec } from '../../src/label-noise/index.js';
import { modelConfigFor, prepareData } from '../../src/run/run-experiment.js';
import type { ExtraTrainingOptions, SuiteContext, SuiteOutput, TrainedModel } from '../../src/suite/types.js';
import { suiteModel, unusedContext } from '../support/suite-model.js';
import type { EpochRecord, TrainState } from '../../src/train/trainer.js';
import labelNoise, {
  argmaxRows,
  memorisationPoint,
  memorisationProbe,
  noiseKey,
  resolveSpecs,
  type LabelNoiseSuiteResult,
} from '../../suites/label-noise/index.js';
import { useTestBackend } from '../support/backend.js';

const EPOCHS = 3;

/** A tiny synthetic config (nothing is trained in this file). */
function tinyConfig(labelNoiseOverride: Record<string, unknown> = { specs: ['uniform:0.5'], memorisationProbe: 50 }): RunConfig {
  return resolveConfig(
    [
      parseOverrides({
        backend: 'wasm',
        data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 60 },
        model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
        models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
        train: { epochs: EPOCHS, batchSize: 32 },
        suites: ['label-noise'],
        labelNoise: labelNoiseOverride,
      }),
    ],
    'smoke',
  );
}

function fakeRecord(epoch: number): EpochRecord {
  return {
    epoch, trainLoss: epoch === 0 ? null : 2, trainAccuracy: epoch === 0 ? null : 0.1, validationLoss: 2, validationAccuracy: 0.1,
    validationNonzeroFraction: [0.5], trainNonzeroFraction: [0.5], learningRate: 1e-3, steps: epoch * 10,
  };
}

function fakeState(epochs: number): TrainState {
  return {
    epoch: epochs, stepInEpoch: 0, globalStep: epochs * 10, trainSeconds: 1, imagesTrained: 0, epochLossSum: 0, epochCorrect: 0, epochSeen: 0,
    lastLearningRate: 1e-3, history: Array.from({ length: epochs + 1 }, (_, e) => fakeRecord(e)),
  };
}

interface ExtraCall {
  key: string;
  variant: string;
  trainLabels: Uint8Array;
  validationLabels?: Uint8Array;
}

/**
 * A SuiteContext over real (untrained) models whose trainExtra records its arguments and calls onEpoch for epochs
 * 0..E with an untrained model, unless `replay` is false (a resumed, already finished training calls none).
 */
function stubContext(config: RunConfig, data: DataSplits, outDir: string, calls: ExtraCall[], replay = true): { ctx: SuiteContext; dispose(): void } {
  const models: TrainedModel[] = config.models.map((variant) => ({ variant, model: new ViT(modelConfigFor(config, data.train, variant.k), config.seed), state: fakeState(EPOCHS) }));
  const testPredictions = new Map<string, Predictions>(models.map((m) => [m.variant.name, predict(m.model, data.test)]));
  const ctx: SuiteContext = {
    ...unusedContext,
    config,
    data,
    outDir,
    models: models.map(suiteModel),
    testPredictions,
    progress: () => ({ update() {}, line() {} }),
    log: () => {},
    trainExtra: async (key: string, variant: ModelVariant, opts: ExtraTrainingOptions = {}) => {
      calls.push({ key, variant: variant.name, trainLabels: opts.trainLabels!, validationLabels: opts.validationLabels });
      const model = new ViT(modelConfigFor(config, data.train, variant.k), config.seed + 1);
      if (replay) for (let e = 0; e <= EPOCHS; e++) opts.onEpoch?.(fakeRecord(e), model);
      return { variant, model, state: fakeState(EPOCHS) };
    },
  };
  return { ctx, dispose: () => models.forEach((m) => m.model.dispose()) };
}

describe('label-noise suite: helpers', () => {
  it('memorisationPoint splits predictions into noisy label, true label and neither, summing to 1', () => {
    const p = memorisationPoint(2, [1, 0, 2, 1, 3], [1, 1, 2, 0, 0], [0, 0, 1, 1, 1]);
    expect(p).to.deep.equal({ epoch: 2, noisyLabel: 2 / 5, trueLabel: 2 / 5, other: 1 / 5 });
    expect(() => memorisationPoint(0, [1], [1], [1])).to.throw(RangeError, 'probe example 0 has an unchanged label');
    expect(() => memorisationPoint(0, [], [], [])).to.throw(RangeError, 'empty probe');
  });

  it('argmaxRows takes the first maximum of each row', () => {
    expect(Array.from(argmaxRows(new Float32Array([0, 2, 1, 5, 5, 0]), 3))).to.deep.equal([1, 0]);
  });

  it('memorisationProbe draws a fixed seeded subset of the changed examples only', () => {
    const changed = new Uint8Array(1000);
    for (let i = 0; i < 1000; i += 3) changed[i] = 1; // 334 changed
    const a = memorisationProbe(changed, 100, 0, 'uniform:0.4:exact');
    expect(a.length).to.equal(100);
    expect(Array.from(a).every((i) => changed[i] === 1)).to.equal(true);
    expect(new Set(a).size).to.equal(100);
    expect(Array.from(a)).to.deep.equal([...a].sort((x, y) => x - y));
    expect(Array.from(memorisationProbe(changed, 100, 0, 'uniform:0.4:exact'))).to.deep.equal(Array.from(a));
    expect(Array.from(memorisationProbe(changed, 100, 1, 'uniform:0.4:exact'))).to.not.deep.equal(Array.from(a));
    expect(memorisationProbe(changed, 5000, 0, 'x').length).to.equal(334); // capped at the changed count
    expect(memorisationProbe(new Uint8Array(10), 5, 0, 'x').length).to.equal(0);
  });

  it('noiseKey gives file-name-safe, short, distinct keys', () => {
    expect(noiseKey('uniform:0.4:exact', 'topk')).to.equal('noise-uniform_0.4_exact-topk');
    const m = 'matrix:' + Array.from({ length: 10 }, () => '0.1,'.repeat(9) + '0.1').join('/') + ':independent';
    const k = noiseKey(m, 'vanilla');
    expect(k).to.match(/^noise-[A-Za-z0-9._=-]+-vanilla$/);
    expect(k.length).to.be.below(100);
    expect(noiseKey(m.replace('0.1,0.1', '0.2,0.0'), 'vanilla')).to.not.equal(k);
  });

  it('resolveSpecs checks every spec against the data before training, naming the field', () => {
    expect(resolveSpecs(['uniform:0.4', 'pair-flip:0.2'], 'synthetic', 10).map((s) => s.canonical)).to.deep.equal(['uniform:0.4:exact', 'pair-flip:0.2:independent']);
    expect(() => resolveSpecs(['uniform:0.4', 'matrix:0.9,0.1/0.2,0.8'], 'folder', 3)).to.throw(HarnessInputError, /^labelNoise\.specs\.1: noise spec 'matrix:0\.9,0\.1\/0\.2,0\.8:independent': .*\(the data has 3 classes\)$/);
    expect(() => resolveSpecs(['uniform:0.4', 'uniform:0.40:exact'], 'folder', 3)).to.throw(HarnessInputError, "labelNoise.specs.1: 'uniform:0.40:exact' is the same noise as labelNoise.specs.0 (uniform:0.4:exact)");
  });
});

describe('label-noise suite: configuration', () => {
  it('has the presets: paper has the two paper rates, quick and smoke one; none runs the suite by default (it retrains)', () => {
    expect(PRESETS.paper.labelNoise).to.deep.equal({ specs: ['uniform:0.4', 'uniform:0.8'], memorisationProbe: 2000, noisyValidation: false });
    expect(PRESETS.paper.suites).to.not.include('label-noise'); // opt in: it doubles paper's hour of training per rate
    for (const p of [PRESETS.quick, PRESETS.smoke]) {
      expect(p.labelNoise.specs).to.deep.equal(['uniform:0.4']);
      expect(p.suites).to.not.include('label-noise');
    }
    expect(resolveConfig([parseOverrides({ labelNoise: { memorisationProbe: 10 } })]).labelNoise).to.deep.equal({ specs: ['uniform:0.4'], memorisationProbe: 10, noisyValidation: false });
  });

  it('rejects bad specs with the field, the problem and the value', () => {
    const bad = (specs: string[], dataset = 'mnist') => () => resolveConfig([parseOverrides({ data: { dataset }, labelNoise: { specs } })]);
    expect(bad(['uniform:0.4', 'uniform:1.5'])).to.throw(
      HarnessInputError,
      "invalid configuration:\n  labelNoise.specs.1: noise spec 'uniform:1.5': rate 1.5 is outside [0, 1]; give a fraction, e.g. 0.4 for 40% (got \"uniform:1.5\")",
    );
    expect(bad(['symmetric:0.4'])).to.throw(/labelNoise\.specs\.0: noise spec 'symmetric:0\.4': noise kind 'symmetric' is ambiguous/);
    expect(bad(['unifrom:0.4'])).to.throw(/labelNoise\.specs\.0: noise spec 'unifrom:0\.4': unknown noise kind 'unifrom'\. Did you mean uniform\?/);
    expect(bad(['uniform:40%'])).to.throw(/labelNoise\.specs\.0: .*rate '40%' is not a number/);
    expect(bad(['matrix:0.9,0.1/0.2,0.8'])).to.throw(/labelNoise\.specs\.0: noise spec 'matrix:.*'.*10/); // 2x2 on 10-class MNIST
    expect(bad(['matrix:0.9,0.2/0.2,0.8'], 'folder')).to.throw(/labelNoise\.specs\.0: .*row 0 sums to 1\.1/);
    expect(bad(['asymmetric:0.4'], 'synthetic')).to.throw(/labelNoise\.specs\.0: .*no mapping given and none is built in for dataset 'synthetic'/);
    expect(bad(['uniform:0.4', 'uniform:0.4:exact'])).to.throw(/labelNoise\.specs\.1: the same noise as labelNoise\.specs\.0 \(uniform:0\.4:exact\)/);
    expect(() => parseOverrides({ labelNoise: { memorisationProbe: 0 } })).to.throw(/labelNoise\.memorisationProbe: /);
    expect(() => parseOverrides({ labelNoise: { spec: ['uniform:0.4'] } })).to.throw(/labelNoise: Unrecognized key.*"spec"/);
    expect(resolveConfig([parseOverrides({ data: { dataset: 'mnist' }, labelNoise: { specs: ['asymmetric:0.4'] } })]).labelNoise.specs).to.deep.equal(['asymmetric:0.4']);
  });

  it('CLI: a bad spec in a config file exits 2 naming the field, before any training', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ln-cfg-'));
    const orig = process.stderr.write.bind(process.stderr);
    let err = '';
    process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
    try {
      const file = path.join(tmp, 'cfg.json');
      fs.writeFileSync(file, JSON.stringify({ suites: ['label-noise'], labelNoise: { specs: ['pair-flip:1.2'] } }));
      const out = path.join(tmp, 'run');
      expect(await main(['node', 'topk-harness', 'run', '--preset', 'smoke', '--config', file, '--out', out, '--quiet'])).to.equal(2);
      expect(err).to.contain("labelNoise.specs.0: noise spec 'pair-flip:1.2': rate 1.2 is outside [0, 1]");
      expect(fs.existsSync(out)).to.equal(false); // nothing was trained or written
    } finally {
      process.stderr.write = orig;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('label-noise suite: run() with a stub trainer', function () {
  this.timeout(60_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-ln-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('noises the training labels only, passes the same noisy labels to every model, and reports the realised noise', async () => {
    const config = tinyConfig({ specs: ['uniform:0.5', 'pair-flip:0.3'], memorisationProbe: 50 });
    const data = await prepareData(config);
    const before = { train: data.train.labels.slice(), validation: data.validation.labels.slice(), test: data.test.labels.slice() };
    const calls: ExtraCall[] = [];
    const { ctx, dispose } = stubContext(config, data, tmp, calls);
    // measure what a ViT leaves behind after dispose() (nothing, since the constructor frees its initialisers) to
    // check that the suite leaks nothing else and disposes every model trainExtra gives it
    const n0 = tf.memory().numTensors;
    new ViT(modelConfigFor(config, data.train, null), 0).dispose();
    const constructorLeak = tf.memory().numTensors - n0;
    const tensors = tf.memory().numTensors;
    let out: SuiteOutput;
    try {
      out = await labelNoise.run(ctx);
      expect(tf.memory().numTensors - tensors).to.equal(calls.length * constructorLeak);
    } finally {
      dispose();
    }
    // the splits are untouched: validation and test stay clean, the noisy labels are a separate array
    expect(Array.from(data.train.labels)).to.deep.equal(Array.from(before.train));
    expect(Array.from(data.validation.labels)).to.deep.equal(Array.from(before.validation));
    expect(Array.from(data.test.labels)).to.deep.equal(Array.from(before.test));

    expect(calls.map((c) => c.key)).to.deep.equal([
      'noise-uniform_0.5_exact-vanilla', 'noise-uniform_0.5_exact-topk', 'noise-pair-flip_0.3_independent-vanilla', 'noise-pair-flip_0.3_independent-topk',
    ]);
    const r = out.result as LabelNoiseSuiteResult;
    expect(r.trainExamples).to.equal(data.train.count);
    expect(r.specs.map((s) => s.requested)).to.deep.equal(['uniform:0.5', 'pair-flip:0.3']);
    r.specs.forEach((s, j) => {
      const [a, b] = calls.slice(2 * j, 2 * j + 2);
      expect(a.trainLabels).to.not.equal(data.train.labels);
      expect(Array.from(a.trainLabels)).to.deep.equal(Array.from(b.trainLabels)); // same noisy labels for every model
      const expected = applyLabelNoise(before.train, 10, parseNoiseSpec(s.requested), config.seed);
      expect(Array.from(a.trainLabels)).to.deep.equal(Array.from(expected.labels));
      expect(s.noise).to.deep.equal(expected.report);
      let changed = 0;
      for (let i = 0; i < a.trainLabels.length; i++) if (a.trainLabels[i] !== before.train[i]) changed++;
      expect(s.noise.realisedChangedFraction).to.equal(changed / data.train.count);
      expect(s.noise.counts.examples).to.equal(data.train.count);
      expect(s.probe).to.deep.equal({ size: Math.min(50, changed), changedExamples: changed });
      for (const m of ['vanilla', 'topk']) {
        const mem = s.models[m].memorisation;
        expect(mem.map((p) => p.epoch)).to.deep.equal([0, 1, 2, 3]);
        for (const p of mem) expect(p.noisyLabel + p.trueLabel + p.other).to.be.closeTo(1, 1e-12);
        expect(s.models[m].dropFromClean.accuracy).to.be.closeTo(r.clean[m].accuracy - s.models[m].test.accuracy, 1e-12);
      }
      expect(s.deltas.topk.test.accuracy).to.be.closeTo(s.models.topk.test.accuracy - s.models.vanilla.test.accuracy, 1e-12);
    });
    expect(out.files).to.deep.equal(['label-noise/accuracy-vs-noise.svg', 'label-noise/memorisation.svg']);
    for (const f of out.files) expect(fs.readFileSync(path.join(tmp, f), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>$/);
    expect(out.markdown).to.match(/^## Label noise \(noisy training labels, clean test split\)\n/);
    expect(out.markdown).to.contain('| training labels | changed | vanilla | topk (k=4) | Δ topk − vanilla |');
    expect(out.markdown).to.contain(`### uniform:0.5:exact: ${(100 * r.specs[0].noise.realisedChangedFraction).toFixed(2)}% of training labels changed`);
    expect(out.markdown).to.match(/\| probe predicted as the noisy label \(epoch 3\) \| [\d.]+% \| [\d.]+% \| [+−±][\d.]+ pts \|/);
  });

  it('noises the validation labels too only when labelNoise.noisyValidation is set, from a stream of its own', async () => {
    for (const noisyValidation of [false, true]) {
      const config = tinyConfig({ specs: ['uniform:0.5'], memorisationProbe: 20, noisyValidation });
      const data = await prepareData(config);
      const clean = data.validation.labels.slice();
      const calls: ExtraCall[] = [];
      const { ctx, dispose } = stubContext(config, data, tmp, calls);
      let out: SuiteOutput;
      try {
        out = await labelNoise.run(ctx);
      } finally {
        dispose();
      }
      const s = (out.result as LabelNoiseSuiteResult).specs[0];
      expect(Array.from(data.validation.labels)).to.deep.equal(Array.from(clean)); // the split itself is never modified
      if (!noisyValidation) {
        expect(calls.every((c) => c.validationLabels === undefined)).to.equal(true);
        expect(s.validationNoise).to.equal(null);
        continue;
      }
      const v = calls[0].validationLabels!;
      expect(Array.from(calls[1].validationLabels!)).to.deep.equal(Array.from(v)); // same noisy validation for every model
      let changed = 0;
      for (let i = 0; i < v.length; i++) if (v[i] !== clean[i]) changed++;
      expect(s.validationNoise!.realisedChangedFraction).to.equal(changed / clean.length);
      expect(s.validationNoise!.counts.examples).to.equal(data.validation.count);
      // its own stream: not the training stream applied to the validation labels
      const asTrain = applyLabelNoise(clean, 10, parseNoiseSpec('uniform:0.5'), config.seed).labels;
      expect(Array.from(v)).to.not.deep.equal(Array.from(asTrain));
    }
  });

  it('takes the memorisation of finished epochs from the run folder when training resumes, and says when it is missing', async () => {
    const config = tinyConfig();
    const data = await prepareData(config);
    const run = async (replay: boolean) => {
      const { ctx, dispose } = stubContext(config, data, tmp, [], replay);
      try {
        return await labelNoise.run(ctx);
      } finally {
        dispose();
      }
    };
    const first = await run(true);
    const resumed = await run(false); // a finished checkpoint: the trainer calls onEpoch for no epoch
    expect(resumed.result).to.deep.equal(first.result);
    fs.rmSync(path.join(tmp, 'label-noise', 'progress'), { recursive: true });
    try {
      await run(false);
      expect.fail('expected an error');
    } catch (e) {
      expect(e).to.be.instanceOf(HarnessInputError);
      expect((e as Error).message).to.contain('memorisation of noise-uniform_0.5_exact-vanilla at epoch 0 is missing');
      expect((e as Error).message).to.contain('delete checkpoints/noise-uniform_0.5_exact-vanilla.ckpt to retrain that model');
    }
  });

  it('reports no memorisation (and no memorisation chart) when no label changed', async () => {
    const config = tinyConfig({ specs: ['uniform:0'], memorisationProbe: 50 });
    const data = await prepareData(config);
    const { ctx, dispose } = stubContext(config, data, tmp, []);
    try {
      const out = await labelNoise.run(ctx);
      const s = (out.result as LabelNoiseSuiteResult).specs[0];
      expect(s.noise.realisedChangedFraction).to.equal(0);
      expect(s.models.vanilla.memorisation).to.deep.equal([]);
      expect(s.deltas.topk.memorisation).to.equal(null);
      expect(out.files).to.deep.equal(['label-noise/accuracy-vs-noise.svg']);
    } finally {
      dispose();
    }
  });
});
