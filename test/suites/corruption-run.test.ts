/**
 * The corruption suite end to end through runExperiment on the fast synthetic config: a built-in and a plugin
 * corruption (written to a temp folder) at 2 severities, the figures and Markdown, and the same seed giving the
 * same result.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import type { Scorecard } from '../../src/scorecard/scorecard.js';
import type { CorruptionResult } from '../../suites/corruption/index.js';
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

describe('corruption suite through runExperiment (synthetic data)', function () {
  this.timeout(300_000);
  before(useTestBackend);
  let tmp: string;
  let plugin: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corruption-run-'));
    plugin = boxErasePlugin(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The fast synthetic run of test/run/run-experiment.test.ts with only the corruption suite. */
  const config = () => resolveConfig([parseOverrides({
    backend: 'wasm',
    data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 1000, syntheticTestCount: 200, validationCount: 100 },
    model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 }, // 4 tokens per image
    models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
    train: { epochs: 2, batchSize: 32, learningRate: 3e-3, checkpointEverySteps: 50 },
    suites: ['corruption'],
    corruption: { corruptions: ['gaussian_noise'], severities: [1, 5], limitTest: 150, plugins: [plugin] },
  })], 'smoke');

  it('evaluates every model on each (corruption, severity), records provenance, writes figures, and is deterministic', async () => {
    const a = await runExperiment({ config: config(), outDir: path.join(tmp, 'a'), progress: false });
    const card = JSON.parse(fs.readFileSync(a.scorecardPath, 'utf8')) as Scorecard;
    const r = card.suites.corruption as CorruptionResult;

    expect(r.baseline).to.equal('vanilla');
    expect(r.convention).to.deep.include({ table: 'cifar', severities: [1, 5], testImages: 150, testSplitImages: 200 });
    expect(r.convention.tableReason).to.equal('auto: 16x16 px images (<= 64 px) get the CIFAR-10-C table');
    expect(r.corruptions).to.deep.equal([
      {
        name: 'gaussian_noise', version: 2, family: 'noise', group: 'benchmark', source: 'built-in', table: 'cifar',
        description: r.corruptions[0].description, parameters: [{ severity: 1, params: 0.04 }, { severity: 5, params: 0.1 }],
      },
      {
        name: 'box_erase', version: 2, family: 'custom', group: 'plugin', source: plugin, table: 'cifar',
        description: 'a black c x c square at a random position', parameters: [{ severity: 1, params: 2 }, { severity: 5, params: 6 }],
      },
    ]);
    for (const m of ['vanilla', 'topk']) {
      const s = r.models[m];
      expect(Object.keys(s.perCorruption)).to.have.members(['gaussian_noise', 'box_erase']);
      for (const c of Object.values(s.perCorruption)) {
        expect(c.severities.map((x) => x.severity)).to.deep.equal([1, 5]);
        for (const x of c.severities) {
          expect(x.accuracy + x.error).to.be.closeTo(1, 1e-12);
          expect(x.nonzeroFraction).to.have.length(2); // depth 2
          for (const v of [x.accuracy, x.ece, ...x.nonzeroFraction]) expect(v).to.be.within(0, 1);
          // accuracies are multiples of 1/150
          expect(Math.abs(x.accuracy * 150 - Math.round(x.accuracy * 150))).to.be.below(1e-9);
        }
        expect(c.meanAccuracy).to.be.closeTo((c.severities[0].accuracy + c.severities[1].accuracy) / 2, 1e-12);
      }
      expect(s.benchmark!.corruptions).to.deep.equal(['gaussian_noise']);
      expect(s.plugins!.corruptions).to.deep.equal(['box_erase']);
      expect(s.heldOut).to.equal(null);
      expect(s.noiseAverageAccuracy).to.equal(null); // shot and impulse noise were not run
    }
    // Top-k keeps at most k of d_ff entries per token, on corrupted inputs too
    for (const c of Object.values(r.models.topk.perCorruption)) for (const x of c.severities) for (const f of x.nonzeroFraction) expect(f).to.be.at.most(8 / 64 + 1e-9);
    const d = r.deltas.topk;
    expect(d.perCorruption.box_erase.meanAccuracy).to.be.closeTo(r.models.topk.perCorruption.box_erase.meanAccuracy - r.models.vanilla.perCorruption.box_erase.meanAccuracy, 1e-12);
    expect(r.models.vanilla.perCorruption.gaussian_noise.ceVsBaseline === null || r.models.vanilla.perCorruption.gaussian_noise.ceVsBaseline === 1).to.equal(true);

    const dir = path.join(tmp, 'a');
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'suites', 'corruption.json'), 'utf8')) as { files: string[] };
    expect(saved.files).to.deep.equal(['corruption/accuracy-vs-severity.svg', 'corruption/delta-heatmap.svg', 'corruption/preview.png']);
    for (const f of saved.files.slice(0, 2)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    const png = await sharp(path.join(dir, saved.files[2])).metadata();
    expect(png.format).to.equal('png');
    const md = fs.readFileSync(path.join(dir, 'scorecard.md'), 'utf8');
    expect(md).to.contain('## Robustness to input corruptions (CIFAR-10-C table, 150 test images)');
    expect(md).to.contain('| metric | vanilla | topk (k=8) | Δ topk − vanilla |');
    expect(md).to.contain('| corruption (mean accuracy over severities) | vanilla | topk (k=8) | Δ topk − vanilla |');
    expect(md).to.contain(`| box_erase (${plugin}) |`);
    expect(md).to.contain('**Plugin corruptions (reported apart, never in mCE)**');
    expect(md).to.contain('Note on mCE: vsAlexNet values divide by AlexNet\'s ImageNet-C errors');
    expect(card.timing.suites.corruption).to.be.above(0);

    // the same seed: the same corrupted pixels, the same numbers
    const b = await runExperiment({ config: config(), outDir: path.join(tmp, 'b'), progress: false });
    expect(b.scorecard.suites.corruption).to.deep.equal(a.scorecard.suites.corruption);
  });
});
