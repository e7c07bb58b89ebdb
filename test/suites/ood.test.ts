/**
 * The ood suite (suites/ood/) without training: option checks with exact messages, and whole runs on fake
 * classifiers over 1×1 grayscale images whose logits are a function of the pixel value, so that every score orders
 * the images by pixel value (or its reverse) and the expected metrics can be computed by hand.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS, type RunConfig } from '../../src/config/run-config.js';
import type { Dataset, DataSplits } from '../../src/data/dataset.js';
import type { Predictions } from '../../src/eval/predict.js';
import { HarnessInputError } from '../../src/errors.js';
import { isSuite, type Classifier, type ExtraDatasetName, type SuiteContext } from 'topk-harness/suites';
import oodSuite, { defaultOodDatasets, parseOodOptions, rocSvg, type OodResult } from '../../suites/ood/index.js';

function expectInputError(fn: () => unknown, message: string, field?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HarnessInputError').to.be.instanceOf(HarnessInputError);
  expect((caught as Error).message).to.equal(message);
  if (field !== undefined) expect((caught as HarnessInputError).path).to.equal(field);
}

/** A dataset of 1×1×1 images with the given pixel values. */
function pixels(name: string, values: number[]): Dataset {
  return { name, images: Uint8Array.from(values), labels: new Uint8Array(values.length), count: values.length, height: 1, width: 1, channels: 1, classNames: ['a', 'b'] };
}

/** Splits whose test images have the given shape (check only reads the shape). */
function splitsOfShape(height: number, width: number, channels: number): DataSplits {
  const d: Dataset = { name: 'x', images: new Uint8Array(height * width * channels), labels: new Uint8Array(1), count: 1, height, width, channels, classNames: ['a'] };
  return { train: d, validation: d, test: d };
}

function configFor(dataset: RunConfig['data']['dataset'], evalBatchSize = 512): RunConfig {
  const c = PRESETS.smoke;
  return { ...c, data: { ...c.data, dataset }, train: { ...c.train, evalBatchSize } };
}

/** Logits (sign · v / 10, 0) of pixel v, counting the images it is shown. */
function pixelClassifier(sign: 1 | -1, seen: { images: number }): Classifier {
  return {
    numClasses: 2,
    logits(images, count) {
      seen.images += count;
      const out = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) out[2 * i] = (sign * images[i]) / 10;
      return out;
    },
  };
}

// In-distribution pixels with a tie (8, 8); fashion-mnist shares the 8 with them; synthetic lies entirely below.
const IN = [9, 8, 8, 3];
const FASHION = [8, 5, 1];
const SYNTHETIC = [2, 1, 0, 0];

function fakeContext(options: unknown, extra: Partial<SuiteContext> = {}) {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ood-suite-'));
  const seen = { vanilla: { images: 0 }, topk: { images: 0 } };
  const log: string[] = [];
  const loaded: string[] = [];
  const test = pixels('mnist', IN);
  const ctx: SuiteContext = {
    config: configFor('mnist', 2), // batches of 2: the last batch of each set is partial
    data: { train: test, validation: test, test },
    outDir,
    // vanilla: logits (v/10, 0) → MSP, max logit and energy all increase with v
    // topk: logits (−v/10, 0) → MSP = σ(v/10) increases with v; max logit = 0 for every image; energy = log(1 + e^(−v/10)) decreases with v
    models: [
      { name: 'vanilla', variant: { name: 'vanilla', k: null }, classifier: pixelClassifier(1, seen.vanilla) },
      { name: 'topk', variant: { name: 'topk', k: 8 }, classifier: pixelClassifier(-1, seen.topk) },
    ],
    testPredictions: new Map(),
    options,
    progress: () => ({ update() {}, line() {} }),
    log: (line) => log.push(line),
    async loadTestSet(name: ExtraDatasetName) {
      loaded.push(name);
      if (name === 'fashion-mnist') return pixels(name, FASHION);
      if (name === 'synthetic') return pixels(name, SYNTHETIC);
      throw new Error(`the suite should not ask for ${name}`);
    },
    ...extra,
  };
  return { ctx, outDir, seen, log, loaded };
}

describe('ood suite: options and check', () => {
  const check = (dataset: RunConfig['data']['dataset'], options: unknown, shape: [number, number, number] = [28, 28, 1]) => () =>
    oodSuite.check!(configFor(dataset), splitsOfShape(...shape), options);

  it('is a suite made by defineSuite', () => {
    expect(isSuite(oodSuite)).to.equal(true);
    expect(oodSuite.name).to.equal('ood');
    expect(oodSuite.version).to.equal(1);
  });

  it('defaults: the other of MNIST ↔ Fashion-MNIST plus synthetic, never the run\'s own', () => {
    expect(defaultOodDatasets('mnist')).to.deep.equal(['fashion-mnist', 'synthetic']);
    expect(defaultOodDatasets('fashion-mnist')).to.deep.equal(['mnist', 'synthetic']);
    expect(defaultOodDatasets('cifar10')).to.deep.equal(['synthetic']);
    expect(defaultOodDatasets('synthetic')).to.deep.equal([]);
    expect(parseOodOptions(undefined, 'mnist')).to.deep.equal({ datasets: ['fashion-mnist', 'synthetic'], limit: null });
    expect(parseOodOptions({ datasets: ['synthetic'], limit: 100 }, 'mnist')).to.deep.equal({ datasets: ['synthetic'], limit: 100 });
    expect(check('mnist', undefined)).to.not.throw();
    expect(check('cifar10', {}, [32, 32, 3])).to.not.throw(); // synthetic only, drawn at the run's size
  });

  it('refuses options that are not an object, and unknown fields', () => {
    expectInputError(check('mnist', 'fashion-mnist'), "suiteOptions.ood must be an object { datasets?: string[], limit?: number }, got 'fashion-mnist'", 'suiteOptions.ood');
    expectInputError(check('mnist', { dataset: ['synthetic'] }), 'suiteOptions.ood.dataset is not an option of the ood suite. Allowed: datasets, limit', 'suiteOptions.ood.dataset');
  });

  it('refuses bad dataset lists, naming the field and the allowed values', () => {
    const field = 'suiteOptions.ood.datasets';
    expectInputError(check('mnist', { datasets: [] }), `${field} must be a non-empty list of dataset names (fashion-mnist, synthetic), got []`, field);
    expectInputError(check('mnist', { datasets: 'synthetic' }), `${field} must be a non-empty list of dataset names (fashion-mnist, synthetic), got 'synthetic'`, field);
    expectInputError(check('mnist', { datasets: ['fashion_mnist'] }), `${field}: unknown dataset 'fashion_mnist'. Allowed: fashion-mnist, synthetic`, field);
    expectInputError(check('mnist', { datasets: [3] }), `${field}: unknown dataset 3. Allowed: fashion-mnist, synthetic`, field);
    expectInputError(check('mnist', { datasets: ['mnist'] }), `${field}: 'mnist' is the run's own dataset (data.dataset), so it is not out-of-distribution. Allowed: fashion-mnist, synthetic`, field);
    expectInputError(check('mnist', { datasets: ['synthetic', 'synthetic'] }), `${field} lists 'synthetic' twice`, field);
  });

  it('refuses a run with no default OOD set', () => {
    expectInputError(check('synthetic', undefined, [16, 16, 1]),
      "suite 'ood' has no default out-of-distribution set for data.dataset 'synthetic': set suiteOptions.ood.datasets to one or more of mnist, fashion-mnist",
      'suiteOptions.ood.datasets');
  });

  it('refuses MNIST-sized sets for a run with other images (before any training)', () => {
    expectInputError(check('cifar10', { datasets: ['synthetic', 'fashion-mnist'] }, [32, 32, 3]),
      "suiteOptions.ood.datasets: 'fashion-mnist' has 28×28×1 images but the run's are 32×32×3, so the models cannot read them. Use 'synthetic' instead (drawn at the run's size).",
      'suiteOptions.ood.datasets');
    expectInputError(check('synthetic', { datasets: ['mnist'] }, [16, 16, 1]),
      "suiteOptions.ood.datasets: 'mnist' has 28×28×1 images but the run's are 16×16×1, so the models cannot read them.",
      'suiteOptions.ood.datasets');
    expect(check('synthetic', { datasets: ['mnist'] }, [28, 28, 1])).to.not.throw(); // a 28×28 grayscale synthetic run may use MNIST
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const [limit, shown] of [[0, '0'], [1.5, '1.5'], ['10', "'10'"], [-3, '-3']] as const) {
      expectInputError(check('mnist', { limit }), `suiteOptions.ood.limit must be a positive integer (images per OOD set) or null for whole sets, got ${shown}`, 'suiteOptions.ood.limit');
    }
    expect(check('mnist', { limit: null })).to.not.throw();
  });
});

describe('ood suite: a run on fake classifiers', () => {
  it('computes every metric as counted by hand, writes one ROC figure per set and lists it', async () => {
    const { ctx, outDir, seen, loaded } = fakeContext(undefined);
    const out = await oodSuite.run(ctx);
    const r = out.result as OodResult;
    expect(loaded).to.deep.equal(['fashion-mnist', 'synthetic']); // the defaults for an MNIST run
    expect(r.inDistribution).to.deep.equal({ dataset: 'mnist', count: 4 });
    expect(r.sets).to.deep.equal([{ dataset: 'fashion-mnist', count: 3, total: 3 }, { dataset: 'synthetic', count: 4, total: 4 }]);
    expect(r.limit).to.equal(null);
    expect(r.figureScore).to.equal('msp');
    expect(Object.keys(r.models)).to.deep.equal(['vanilla', 'topk']);
    expect(Object.keys(r.models.vanilla)).to.deep.equal(['fashion-mnist', 'synthetic']);
    expect(Object.keys(r.models.vanilla['fashion-mnist'])).to.deep.equal(['msp', 'maxLogit', 'energy']);
    expect(Object.keys(r.models.vanilla['fashion-mnist'].msp)).to.deep.equal(['auroc', 'auprIn', 'auprOut', 'fpr95']);
    // no testPredictions given: each model saw the in-distribution set once and each OOD set once
    expect(seen.vanilla.images).to.equal(4 + 3 + 4);
    expect(seen.topk.images).to.equal(4 + 3 + 4);

    // Scores increasing with the pixel, in = (9, 8, 8, 3) vs fashion-mnist = (8, 5, 1):
    //   AUROC: pairs in > out, tie 1/2: 9 → 3; 8 → 2.5, twice; 3 → 1: 9/12
    //   AUPR-in: thresholds 9 (1 in) → P 1 · ΔR 1/4; 8 (2 in, 1 out) → P 3/4 · ΔR 1/2; 3 → P 4/6 · ΔR 1/4: 19/24
    //   AUPR-out (out positive, order reversed): 1 → P 1 · 1/3; 5 → P 2/3 · 1/3; 8 → P 3/6 · 1/3: 13/18
    //   FPR@95: all four in needed, t = 3: out >= 3 are 8, 5: 2/3
    const rising = { auroc: 0.75, auprIn: 19 / 24, auprOut: 13 / 18, fpr95: 2 / 3 };
    for (const s of ['msp', 'maxLogit', 'energy'] as const) expectMetrics(r.models.vanilla['fashion-mnist'][s], rising);
    expectMetrics(r.models.topk['fashion-mnist'].msp, rising); // σ(v/10) orders as v
    // topk's max logit is 0 for every image: one tied threshold → AUROC 1/2, AUPR-in 4/7, AUPR-out 3/7, FPR 1
    expectMetrics(r.models.topk['fashion-mnist'].maxLogit, { auroc: 0.5, auprIn: 4 / 7, auprOut: 3 / 7, fpr95: 1 });
    // topk's energy decreases with v, so the order is reversed: AUROC = 1 − 9/12 = 3/12
    //   AUPR-in, thresholds by increasing v: 1 (out); 3 (in) → P 1/2 · 1/4; 5 (out); 8 (2 in, 1 out) → P 3/6 · 1/2;
    //   9 (in) → P 4/7 · 1/4: 1/8 + 1/4 + 1/7 = 29/56
    //   AUPR-out, by decreasing v: 9 (in); 8 → P 1/4 · 1/3; 5 → P 2/5 · 1/3; 3 (in); 1 → P 3/7 · 1/3: 151/420
    //   FPR@95: all four in needed, t = energy of v = 9, the lowest: every out accepted → 1
    expectMetrics(r.models.topk['fashion-mnist'].energy, { auroc: 0.25, auprIn: 29 / 56, auprOut: 151 / 420, fpr95: 1 });

    // synthetic = (2, 1, 0, 0) lies below every in pixel: perfect for rising scores
    for (const s of ['msp', 'maxLogit', 'energy'] as const) expectMetrics(r.models.vanilla.synthetic[s], { auroc: 1, auprIn: 1, auprOut: 1, fpr95: 0 });
    // topk: max logit ties everything (pixel 0 gives −0, which ties with 0) → 1/2; energy reversed → AUROC 0, FPR 1
    expect(r.models.topk.synthetic.maxLogit.auroc).to.equal(0.5);
    expect(r.models.topk.synthetic.energy.auroc).to.equal(0);
    expect(r.models.topk.synthetic.energy.fpr95).to.equal(1);

    // files: one ROC per OOD set, listed and written whole (no temporary file left beside them)
    expect(out.files).to.deep.equal(['ood/roc-fashion-mnist.svg', 'ood/roc-synthetic.svg']);
    for (const f of out.files) {
      const svg = fs.readFileSync(path.join(outDir, f), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
      expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
      expect(svg).to.include('vanilla (AUROC ').and.include('topk (AUROC ').and.include('false positive rate');
      expect(svg.match(/<polyline /g)).to.have.length(2);
    }
    expect(fs.readFileSync(path.join(outDir, out.files[0]), 'utf8')).to.include('vanilla (AUROC 75.00%)');
    expect(fs.readdirSync(path.join(outDir, 'ood')).sort()).to.deep.equal(['roc-fashion-mnist.svg', 'roc-synthetic.svg']);

    // Markdown: heading, side-by-side rows with the Δ column, conventions, one image link per figure
    const md = out.markdown;
    expect(md.startsWith('## Out-of-distribution detection\n')).to.equal(true);
    expect(md).to.include('| OOD set | score | metric | vanilla | topk | Δ topk − vanilla |');
    expect(md).to.include('| fashion-mnist | MSP | AUROC ↑ | 75.00% | 75.00% | ±0.00 pts |'); // an exact zero difference prints ± (src/report/format.ts)
    expect(md).to.include('| fashion-mnist | energy (T = 1) | AUROC ↑ | 75.00% | 25.00% | −50.00 pts |');
    expect(md).to.include('| fashion-mnist | max logit | FPR@95%TPR ↓ | 66.67% | 100.00% | +33.33 pts |');
    expect(md).to.include('| synthetic | MSP | AUPR-in ↑ | 100.00% | 100.00% | ±0.00 pts |');
    expect(md.match(/^\| (fashion-mnist|synthetic) \|/gm)).to.have.length(2 * 3 * 3); // sets × scores × metrics
    expect(md).to.include('the positive class is in-distribution');
    expect(md).to.include('![ROC curves, MSP score, OOD set fashion-mnist](ood/roc-fashion-mnist.svg)');
    expect(md).to.include('![ROC curves, MSP score, OOD set synthetic](ood/roc-synthetic.svg)');

    // headline: MSP AUROC and FPR@95 per set and model
    const h = oodSuite.headline!(r);
    expect(h.map((x) => x.key)).to.deep.equal(['fashion-mnist/msp/auroc', 'fashion-mnist/msp/fpr95', 'synthetic/msp/auroc', 'synthetic/msp/fpr95']);
    expect(h.every((x) => x.kind === 'fraction')).to.equal(true);
    expect(h[0].values).to.deep.equal({ vanilla: 0.75, topk: 0.75 });
    expect(h[3].values).to.deep.equal({ vanilla: 0, topk: 0 });

    // the result is plain JSON
    expect(JSON.parse(JSON.stringify(r))).to.deep.equal(r);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('limit keeps the first N images of each OOD set; datasets picks the sets', async () => {
    const { ctx, outDir, loaded } = fakeContext({ datasets: ['fashion-mnist'], limit: 2 });
    const out = await oodSuite.run(ctx);
    const r = out.result as OodResult;
    expect(loaded).to.deep.equal(['fashion-mnist']);
    expect(r.sets).to.deep.equal([{ dataset: 'fashion-mnist', count: 2, total: 3 }]);
    expect(r.limit).to.equal(2);
    // in (9, 8, 8, 3) vs the first two, (8, 5): 9 → 2; 8 → 1.5, twice; 3 → 0: 5/8
    expect(r.models.vanilla['fashion-mnist'].msp.auroc).to.equal(0.625);
    expect(out.markdown).to.include('fashion-mnist (the first 2 of 3 test images)');
    expect(out.files).to.deep.equal(['ood/roc-fashion-mnist.svg']);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it("reuses the scorecard's test-set logits instead of a second pass", async () => {
    // vanilla's stored test logits are all (0, 0): MSP 1/2 for every in image, below σ(v/10) > 1/2 of every OOD image
    const logits = new Float32Array(IN.length * 2);
    const stored = { probs: logits.map(() => 0.5), logits, numClasses: 2, count: IN.length, nonzeroFraction: [], seconds: 0, imagesPerSecond: 0 } as Predictions;
    const { ctx, outDir, seen } = fakeContext({ datasets: ['fashion-mnist'] }, { testPredictions: new Map([['vanilla', stored]]) });
    const r = (await oodSuite.run(ctx)).result as OodResult;
    expect(seen.vanilla.images).to.equal(3); // the OOD set only
    expect(seen.topk.images).to.equal(4 + 3);
    expect(r.models.vanilla['fashion-mnist'].msp.auroc).to.equal(0);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('escapes text in the SVG', () => {
    const svg = rocSvg([{ model: 'a<b&"c"', auroc: 0.5, fpr: Float64Array.of(0, 1), tpr: Float64Array.of(0, 1) }], { inName: "x'y", inCount: 1, outName: 'z>w', outCount: 1 });
    expect(svg).to.include('a&lt;b&amp;&quot;c&quot; (AUROC 50.00%)');
    expect(svg).to.include('x&apos;y').and.include('z&gt;w');
    expect(svg).to.not.match(/a<b/);
  });
});

function expectMetrics(actual: object, expected: Record<string, number>): void {
  expect(Object.keys(actual)).to.deep.equal(Object.keys(expected));
  for (const k of Object.keys(expected)) expect((actual as Record<string, number>)[k], k).to.be.closeTo(expected[k], 1e-12);
}
