import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { main } from '../../src/cli/main.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { Scorecard } from '../../src/scorecard/scorecard.js';
import { useTestBackend } from '../support/backend.js';
import { captureStderr } from '../support/capture.js';

/** A synthetic-data run that trains in a few seconds. */
const config = resolveConfig(
  [
    parseOverrides({
      backend: 'wasm',
      data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 1000, syntheticTestCount: 200, validationCount: 100 },
      model: { patchSize: 8, dim: 32, depth: 2, heads: 2, mlpDim: 64 }, // 4 tokens: the class cells are learnable in 3 epochs
      models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
      train: { epochs: 3, batchSize: 32, learningRate: 3e-3, checkpointEverySteps: 5 },
    }),
  ],
  'smoke',
);

/** The reproducible part of a scorecard: everything but wall-clock timing, provenance and the folder name. */
function deterministicPart(card: Scorecard): unknown {
  const { timing: _t, provenance: _p, runId: _r, ...rest } = card;
  return rest;
}

describe('run pipeline (end to end on synthetic data)', function () {
  this.timeout(180_000);
  before(useTestBackend);
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-run-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes scorecard.json and scorecard.md with one column per model and the delta', async () => {
    const out = await runExperiment({ config, outDir: path.join(tmp, 'a'), progress: false });
    const card = JSON.parse(fs.readFileSync(out.scorecardPath, 'utf8')) as Scorecard;
    expect(Object.keys(card.models)).to.have.members(['vanilla', 'topk']);
    expect(card.baseline).to.equal('vanilla');
    expect(card.models.vanilla.test.accuracy).to.be.above(0.8);
    expect(card.models.topk.test.nonzeroFractionPerLayer.every((f) => f <= 8 / 64 + 1e-9)).to.equal(true);
    expect(card.deltas.topk['test.accuracy']).to.be.closeTo(card.models.topk.test.accuracy - card.models.vanilla.test.accuracy, 1e-12);
    expect(card.data.trainCount + card.data.validationCount).to.equal(1000);
    expect(card.data.testCount).to.equal(200);
    expect(card.backend.name).to.equal('wasm');
    expect(card.timing.models.topk.trainImagesPerSecond).to.be.above(0);
    const cal = card.suites.calibration as { models: Record<string, { test: { ece: number }; temperature: number; intervals: { ece: { low: number; high: number } } }> };
    expect(cal.models.topk.test.ece).to.equal(card.models.topk.test.ece); // the suite and the headline agree
    expect(cal.models.vanilla.intervals.ece.low).to.be.at.most(card.models.vanilla.test.ece);
    expect(cal.models.vanilla.intervals.ece.high).to.be.at.least(card.models.vanilla.test.ece);
    expect(cal.models.vanilla.temperature).to.be.above(0);
    expect(fs.readFileSync(path.join(tmp, 'a', 'calibration', 'reliability.svg'), 'utf8')).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(fs.existsSync(path.join(tmp, 'a', 'suites', 'calibration.json'))).to.equal(true);
    const md = fs.readFileSync(path.join(tmp, 'a', 'scorecard.md'), 'utf8');
    expect(md).to.contain('## Calibration (clean test split)');
    expect(md).to.contain('| metric | vanilla | topk (k=8) | Δ topk − vanilla |');
    expect(md).to.match(/\| test ECE \| .* \| .* \| [+−±][\d.]+ pts \|/);
  });

  it('gives identical scorecards (all but timing and provenance) for the same seed, and resumes to the same result', async () => {
    const a = await runExperiment({ config, outDir: path.join(tmp, 'a'), progress: false });
    const b = await runExperiment({ config, outDir: path.join(tmp, 'b'), progress: false });
    expect(deterministicPart(b.scorecard)).to.deep.equal(deterministicPart(a.scorecard));

    const dir = path.join(tmp, 'c');
    const cut = await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 40 });
    expect(cut.interrupted).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'scorecard.json'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'checkpoints', 'vanilla.ckpt'))).to.equal(true);
    await expectReject(runExperiment({ config, outDir: dir, progress: false }), /already holds a run; use --resume/);
    const resumed = await runExperiment({ config, outDir: dir, progress: false, resume: true });
    expect(deterministicPart(resumed.scorecard)).to.deep.equal(deterministicPart(a.scorecard));
  });

  it('refuses to resume a run folder whose config differs', async () => {
    const dir = path.join(tmp, 'd');
    await runExperiment({ config, outDir: dir, progress: false, stopAfterSteps: 2 });
    await expectReject(runExperiment({ config: { ...config, seed: 9 }, outDir: dir, progress: false, resume: true }), /cannot resume .*: seed is 0 in .*config\.json but 9 in this run's configuration/);
  });

  it('CLI: run, then eval of the trained folder, exit 0; bad input exits 2 with the reason', async () => {
    const cfgFile = path.join(tmp, 'cfg.json');
    const { preset: _p, ...fileCfg } = config;
    fs.writeFileSync(cfgFile, JSON.stringify(fileCfg));
    const dir = path.join(tmp, 'cli');
    const stderr = captureStderr();
    try {
      expect(await main(['node', 'topk-harness', 'run', '--preset', 'smoke', '--config', cfgFile, '--out', dir, '--quiet'])).to.equal(0);
      const first = JSON.parse(fs.readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as Scorecard;
      fs.rmSync(path.join(dir, 'scorecard.json'));
      expect(await main(['node', 'topk-harness', 'eval', dir, '--quiet'])).to.equal(0);
      const again = JSON.parse(fs.readFileSync(path.join(dir, 'scorecard.json'), 'utf8')) as Scorecard;
      expect(deterministicPart(again)).to.deep.equal(deterministicPart(first));

      expect(await main(['node', 'topk-harness', 'run', '--limit-train', 'many'])).to.equal(2);
      expect(stderr.text()).to.contain("error: --limit-train must be an integer in [1, ∞], got 'many'");
      expect(await main(['node', 'topk-harness', 'eval', path.join(tmp, 'nowhere')])).to.equal(2);
      expect(stderr.text()).to.contain(`cannot resume ${path.join(tmp, 'nowhere')}: no config.json there`);
      expect(await main(['node', 'topk-harness', 'run', '--resume', dir, '--seed', '3'])).to.equal(2);
      expect(stderr.text()).to.contain("--resume takes the run's saved config; drop --seed");
    } finally {
      stderr.restore();
    }
  });
});

async function expectReject(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`expected a rejection matching ${re}`);
}

