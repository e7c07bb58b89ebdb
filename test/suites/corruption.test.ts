/**
 * The corruption suite: config section and presets, name resolution with plugins (did-you-mean before any work),
 * CE/mCE against hand-computed values, and one direct run of the suite on a trained tiny model whose numbers are
 * recomputed independently with corruptDataset + predict.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PRESETS } from '../../src/config/run-config.js';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { ALEXNET_ERRORS, BENCHMARK_CORRUPTIONS, corruptDataset, createCorruptionRegistry, HELD_OUT_CORRUPTIONS } from '../../src/corruptions/index.js';
import { HarnessInputError } from '../../src/errors.js';
import { predict } from '../../src/eval/predict.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { ViT } from '../../src/models/vit.js';
import { modelConfigFor, prepareData } from '../../src/run/run-experiment.js';
import type { SuiteContext, TrainedModel } from '../../src/suite/types.js';
import { createSuiteRegistry } from '../../src/suite/registry.js';
import { suiteModel, unusedContext } from '../support/suite-model.js';
import { train } from '../../src/train/trainer.js';
import { silentProgress } from '../../src/util/progress.js';
import corruptionSuite, { resolveCorruptionPlan, summarise, type CorruptionResult, type SeverityMetrics } from '../../suites/corruption/index.js';
import { useTestBackend } from '../support/backend.js';

const DEFINE_URL = pathToFileURL(path.resolve('src/corruptions/define.ts')).href;

/** A seeded plugin: blacks out a c x c square at a position drawn from the image's stream. */
function boxErasePlugin(dir: string, name = 'box_erase'): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, `
import { defineCorruption } from '${DEFINE_URL}';
export default defineCorruption({
  name: '${name}', version: 2, family: 'custom',
  severities: [2, 3, 4, 5, 6],
  description: 'a black c x c square at a random position',
  apply(image, { rng, params }) {
    const out = Uint8Array.from(image.data);
    const c = Math.min(params, image.height, image.width);
    const y0 = Math.floor(rng() * (image.height - c + 1));
    const x0 = Math.floor(rng() * (image.width - c + 1));
    for (let y = y0; y < y0 + c; y++) for (let x = x0; x < x0 + c; x++) for (let k = 0; k < image.channels; k++) out[(y * image.width + x) * image.channels + k] = 0;
    return { ...image, data: out };
  },
});
`);
  return file;
}

function configError(overrides: unknown): string {
  try {
    resolveConfig([parseOverrides(overrides)], 'smoke');
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessInputError);
    return (e as Error).message;
  }
  throw new Error('expected a config error');
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('corruption suite: config', () => {
  it('is registered and has the presets of the brief', async () => {
    expect((await createSuiteRegistry()).get('corruption')).to.equal(corruptionSuite);
    expect(PRESETS.smoke.corruption).to.deep.equal({
      corruptions: ['gaussian_noise', 'shot_noise', 'impulse_noise'], severities: [1, 3, 5], table: 'auto', limitTest: 500, plugins: [],
    });
    expect(PRESETS.smoke.suites).not.to.include('corruption');
    expect(PRESETS.quick.corruption).to.deep.equal({ corruptions: 'benchmark', severities: [1, 2, 3, 4, 5], table: 'auto', limitTest: 1000, plugins: [] });
    expect(PRESETS.quick.suites).not.to.include('corruption'); // measured: it would push quick past 10 minutes (docs/corruptions.md)
    expect(PRESETS.paper.corruption).to.deep.equal({ corruptions: 'all', severities: [1, 2, 3, 4, 5], table: 'auto', limitTest: 2000, plugins: [] });
    expect(PRESETS.paper.suites).to.include('corruption');
  });

  it('merges a partial section from a config file and keeps the defaults', () => {
    const c = resolveConfig([parseOverrides({ corruption: { severities: [5], table: 'imagenet' } })], 'smoke');
    expect(c.corruption).to.deep.equal({ ...PRESETS.smoke.corruption, severities: [5], table: 'imagenet' });
  });

  it('refuses an unknown built-in name at config time, with did-you-mean, before anything runs', () => {
    expect(configError({ corruption: { corruptions: ['gausian_noise'] } })).to.equal(
      'invalid configuration:\n' +
      `  corruption.corruptions.0: unknown corruption 'gausian_noise'. Did you mean gaussian_noise? Allowed: ${[...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS].join(', ')} ` +
      "(a plugin's corruption needs its module in corruption.plugins) (got \"gausian_noise\")",
    );
  });

  it('refuses bad severities, duplicates, empty lists and unknown keys', () => {
    expect(configError({ corruption: { severities: [0, 6] } })).to.match(/corruption\.severities\.0: Too small: expected number to be >=1[\s\S]*corruption\.severities\.1: Too big: expected number to be <=5/);
    expect(configError({ corruption: { severities: [3, 3] } })).to.contain('corruption.severities.1: severity 3 is listed twice');
    expect(configError({ corruption: { corruptions: ['fog', 'fog'] } })).to.contain("corruption.corruptions.1: corruption 'fog' is listed twice");
    expect(configError({ corruption: { corruptions: [] } })).to.contain('corruption.corruptions');
    expect(configError({ corruption: { corruptions: 'everything' } })).to.contain('corruption.corruptions');
    expect(configError({ corruption: { table: 'tiny' } })).to.contain('corruption.table');
    expect(configError({ corruption: { limitTest: 0 } })).to.contain('corruption.limitTest');
    expect(configError({ corruption: { plugins: ['./a.js', './a.js'] } })).to.contain("corruption.plugins.1: plugin './a.js' is listed twice");
    expect(configError({ corruption: { severity: [1] } })).to.contain('Unrecognized key: "severity"');
  });
});

describe('corruption suite: resolving the corruptions', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corruption-plan-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("'benchmark', 'all' and lists, in canonical or given order, with groups", async () => {
    const bench = await resolveCorruptionPlan({ corruption: { ...PRESETS.quick.corruption } });
    expect(bench.corruptions.map((c) => c.corruption.name)).to.deep.equal([...BENCHMARK_CORRUPTIONS]);
    expect(bench.severities).to.deep.equal([1, 2, 3, 4, 5]);
    const all = await resolveCorruptionPlan({ corruption: { ...PRESETS.paper.corruption } });
    expect(all.corruptions.map((c) => c.group)).to.deep.equal([...Array(15).fill('benchmark'), ...Array(4).fill('held-out')]);
    const list = await resolveCorruptionPlan({ corruption: { ...PRESETS.smoke.corruption, corruptions: ['saturate', 'fog'], severities: [5, 1] } });
    expect(list.corruptions.map((c) => [c.corruption.name, c.group, c.source])).to.deep.equal([['saturate', 'held-out', 'built-in'], ['fog', 'benchmark', 'built-in']]);
    expect(list.severities).to.deep.equal([1, 5]);
  });

  it('always adds plugin corruptions, and names a typo among them with did-you-mean', async () => {
    const file = boxErasePlugin(tmp);
    const plan = await resolveCorruptionPlan({ corruption: { ...PRESETS.smoke.corruption, plugins: [file] } });
    expect(plan.corruptions.map((c) => c.corruption.name)).to.deep.equal(['gaussian_noise', 'shot_noise', 'impulse_noise', 'box_erase']);
    expect(plan.corruptions[3]).to.include({ group: 'plugin', source: file });
    // with plugins the config check cannot know plugin names; the plan (run before training by the CLI) does
    const cfg = resolveConfig([parseOverrides({ corruption: { corruptions: ['box_erse'], plugins: [file] } })], 'smoke');
    const e = await rejects(resolveCorruptionPlan(cfg));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(
      `corruption.corruptions.0: unknown corruption 'box_erse'. Did you mean box_erase? Available: ${[...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS, 'box_erase'].join(', ')}`,
    );
  });
});

describe('corruption suite: CE and mCE (pure)', () => {
  const m = (severity: number, error: number): SeverityMetrics => ({ severity, accuracy: 1 - error, error, ece: 0.1, nll: 1, nonzeroFraction: [0.5], meanNonzeroFraction: 0.5 });
  async function result(): Promise<CorruptionResult> {
    const plan = await resolveCorruptionPlan({ corruption: { ...PRESETS.quick.corruption, corruptions: ['gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise'] } });
    const clean = (error: number) => ({ accuracy: 1 - error, error, ece: 0.05, nll: 0.5, nonzeroFraction: [0.5], meanNonzeroFraction: 0.5 });
    const rows = (errors: number[]) => errors.map((e, i) => m(i + 1, e));
    return summarise({
      plan, table: 'imagenet', reason: 'test', test: { name: 'synthetic', count: 10, height: 16, width: 16, channels: 1 } as never, fullCount: 20, seed: 0,
      clean: { vanilla: clean(0.2), topk: clean(0.25) },
      perModel: {
        vanilla: { gaussian_noise: rows([0.4, 0.5, 0.6, 0.7, 0.8]), shot_noise: rows([0.2, 0.2, 0.2, 0.2, 0.2]), impulse_noise: rows([0.5, 0.5, 0.5, 0.5, 0.5]), speckle_noise: rows([0.3, 0.3, 0.3, 0.3, 0.3]) },
        topk: { gaussian_noise: rows([0.3, 0.4, 0.5, 0.6, 0.7]), shot_noise: rows([0.25, 0.25, 0.25, 0.25, 0.25]), impulse_noise: rows([0.4, 0.4, 0.4, 0.4, 0.4]), speckle_noise: rows([0.2, 0.2, 0.2, 0.2, 0.2]) },
      },
      names: ['vanilla', 'topk'],
      baseline: 'vanilla',
    });
  }

  it("reproduces REFERENCE.md §2.6's worked example against AlexNet and computes CE against the baseline", async () => {
    const r = await result();
    const g = r.models.topk.perCorruption.gaussian_noise;
    expect(g.meanError).to.be.closeTo(0.5, 1e-12);
    expect(g.ceVsAlexNet).to.be.closeTo(0.564062, 1e-6); // 0.50 / 0.886428
    expect(g.relativeCeVsAlexNet).to.be.closeTo(0.553185, 1e-6); // (0.50 − 0.25) / (0.886428 − 0.4345)
    expect(g.ceVsBaseline).to.be.closeTo(0.5 / 0.6, 1e-12);
    expect(g.relativeCeVsBaseline).to.be.closeTo((0.5 - 0.25) / (0.6 - 0.2), 1e-12);
    expect(r.models.vanilla.perCorruption.gaussian_noise.ceVsBaseline).to.equal(1);
    // shot noise: the baseline's error equals its clean error, so relative CE is undefined
    expect(r.models.topk.perCorruption.shot_noise.relativeCeVsBaseline).to.equal(null);
    expect(r.models.topk.benchmark!.relativeMceVsBaseline).to.equal(null);
    // held-out: no AlexNet CE, never in mCE
    expect(r.models.topk.perCorruption.speckle_noise.ceVsAlexNet).to.equal(null);
    const b = r.models.topk.benchmark!;
    expect(b.corruptions).to.deep.equal(['gaussian_noise', 'shot_noise', 'impulse_noise']);
    expect(b.complete).to.equal(false);
    expect(b.mceVsAlexNet).to.be.closeTo((0.5 / ALEXNET_ERRORS.gaussian_noise + 0.25 / ALEXNET_ERRORS.shot_noise + 0.4 / ALEXNET_ERRORS.impulse_noise) / 3, 1e-12);
    expect(b.meanError).to.be.closeTo((0.5 + 0.25 + 0.4) / 3, 1e-12);
    expect(r.models.topk.heldOut!.meanAccuracy).to.be.closeTo(0.8, 1e-12);
    expect(r.models.topk.plugins).to.equal(null);
  });

  it('reports the paper-style noise average and model − baseline deltas', async () => {
    const r = await result();
    expect(r.models.vanilla.noiseAverageAccuracy).to.be.closeTo((0.4 + 0.8 + 0.5) / 3, 1e-12);
    expect(r.models.topk.noiseAverageAccuracy).to.be.closeTo((0.5 + 0.75 + 0.6) / 3, 1e-12);
    const d = r.deltas.topk;
    expect(d.noiseAverageAccuracy).to.be.closeTo(0.05, 1e-12);
    expect(d.cleanAccuracy).to.be.closeTo(-0.05, 1e-12);
    expect(d.perCorruption.gaussian_noise.accuracy.map((v) => Number(v.toFixed(12)))).to.deep.equal([0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(d.heldOutMeanAccuracy).to.be.closeTo(0.1, 1e-12);
    expect(r.deltas).not.to.have.property('vanilla');
    expect(r.notes[0]).to.equal('only 3 of the 15 benchmark corruptions were evaluated: mean error and mCE are over those 3, not comparable to a full mCE');
    expect(r.convention.alexNet).to.contain('not comparable to published ImageNet-C mCE values');
  });
});

describe('corruption suite: a direct run on a trained model', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corruption-direct-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('records accuracy that a direct recomputation reproduces, and noise lowers it', async () => {
    const config = resolveConfig([parseOverrides({
      backend: 'wasm',
      data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 1000, syntheticTestCount: 200, validationCount: 100 },
      model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 }, // the fast run of test/run/run-experiment.test.ts
      models: [{ name: 'vanilla', k: null }],
      train: { epochs: 3, batchSize: 32, learningRate: 3e-3 },
      suites: ['corruption'],
      corruption: { corruptions: ['gaussian_noise'], severities: [1, 5], table: 'imagenet', limitTest: 120 },
    })], 'smoke');
    const data = await prepareData(config);
    const vit = new ViT(modelConfigFor(config, data.train, null), config.seed);
    try {
      const state = (await train({ model: vit, train: data.train, validation: data.validation, config: config.train, seed: config.seed })).state;
      const tm: TrainedModel = { variant: config.models[0], model: vit, state };
      const ctx: SuiteContext = {
        ...unusedContext, config, data, outDir: tmp, models: [suiteModel(tm)], testPredictions: new Map(),
        progress: () => silentProgress, log: () => {}, trainExtra: () => { throw new Error('not used'); },
      };
      const n0 = tf.memory().numTensors;
      const out = await corruptionSuite.run(ctx);
      expect(tf.memory().numTensors).to.equal(n0); // no tensor leaks
      const r = out.result as CorruptionResult;
      const rec = r.models.vanilla.perCorruption.gaussian_noise.severities.find((s) => s.severity === 5)!;

      // independent recomputation: the same seeded subset, corrupted by corruptDataset, predicted by predict
      const { limit } = await import('../../src/data/split.js');
      const test = limit(data.test, 120, config.seed, 'corruption');
      const registry = await createCorruptionRegistry();
      const corrupted = await corruptDataset(test, registry.get('gaussian_noise'), 5, { seed: config.seed, table: 'imagenet' });
      const p = predict(vit, corrupted);
      expect(rec.accuracy).to.equal(accuracy({ data: p.logits, numClasses: p.numClasses }, corrupted.labels, { logits: true }));
      p.nonzeroFraction.forEach((f, i) => expect(rec.nonzeroFraction[i]).to.be.closeTo(f, 1e-9));
      const cleanP = predict(vit, test);
      expect(r.models.vanilla.clean.accuracy).to.equal(accuracy({ data: cleanP.logits, numClasses: cleanP.numClasses }, test.labels, { logits: true }));
      expect(r.convention.testImages).to.equal(120);
      expect(r.convention.table).to.equal('imagenet');
      expect(r.convention.tableReason).to.equal("corruption.table = 'imagenet'");
      expect(r.corruptions[0]).to.deep.include({ name: 'gaussian_noise', version: 2, source: 'built-in', group: 'benchmark', table: 'imagenet' });
      expect(r.corruptions[0].parameters).to.deep.equal([{ severity: 1, params: 0.08 }, { severity: 5, params: 0.38 }]);

      expect(r.models.vanilla.clean.accuracy).to.be.above(0.8); // trained
      expect(rec.accuracy).to.be.below(r.models.vanilla.clean.accuracy); // σ = 0.38 noise hurts
      expect(r.deltas).to.deep.equal({}); // one model: no deltas, no heatmap
      expect(out.files).to.deep.equal(['corruption/accuracy-vs-severity.svg', 'corruption/preview.png']);
    } finally {
      vit.dispose();
    }
  });
});
