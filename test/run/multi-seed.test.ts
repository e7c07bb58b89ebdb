import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOverrides, resolveConfig } from '../../src/config/schema.js';
import { runSeeds } from '../../src/run/multi-seed.js';
import { Scorecard } from '../../src/scorecard/scorecard.js';
import { useTestBackend } from '../support/backend.js';

describe('multi-seed runs', function () {
  this.timeout(180_000);
  before(useTestBackend);

  it('runs once per seed, then reports means, intervals and paired differences that match the per-seed scorecards', async () => {
    const config = resolveConfig([
      parseOverrides({
        backend: 'wasm',
        seeds: [3, 4, 5],
        data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 50 },
        model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
        models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
        train: { epochs: 1, batchSize: 50 },
        suites: ['calibration'],
      }),
    ], 'smoke');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-seeds-'));
    try {
      const out = await runSeeds({ config, outDir: dir, progress: false });
      const per = [3, 4, 5].map((s) => JSON.parse(fs.readFileSync(path.join(dir, `seed-${s}`, 'scorecard.json'), 'utf8')) as Scorecard);
      expect(per.map((c) => c.seed)).to.deep.equal([3, 4, 5]);
      const acc = per.map((c) => c.models.topk.test.accuracy);
      const stats = out.scorecard.statistics!;
      expect(stats.metrics.topk['test.accuracy'].values).to.deep.equal(acc);
      expect(stats.metrics.topk['test.accuracy'].mean).to.be.closeTo((acc[0] + acc[1] + acc[2]) / 3, 1e-12);
      const diffs = per.map((c) => c.models.topk.test.ece - c.models.vanilla.test.ece);
      expect(stats.paired.topk['test.ece'].values).to.deep.equal(diffs);
      expect(out.scorecard.models.topk.test.accuracy).to.equal(stats.metrics.topk['test.accuracy'].mean);
      const md = fs.readFileSync(path.join(dir, 'scorecard.md'), 'utf8');
      expect(md).to.contain('## Statistics over 3 seeds (3, 4, 5)');
      // suite headline scalars are summarised over seeds too, paired against the baseline
      const key = 'suites.calibration.eceAfterTemperature';
      type Cal = { models: Record<string, { afterTemperature: { ece: number } }> };
      const after = per.map((c) => (c.suites.calibration as Cal).models.topk.afterTemperature.ece);
      expect(stats.metrics.topk[key].values).to.deep.equal(after);
      expect(stats.paired.topk[key].values).to.deep.equal(per.map((c, i) => after[i] - (c.suites.calibration as Cal).models.vanilla.afterTemperature.ece));
      expect(stats.labels?.[key]).to.deep.equal({ label: 'calibration: ECE after temperature scaling', kind: 'fraction' });
      expect(md).to.contain('| calibration: ECE after temperature scaling |');
      // resuming a finished multi-seed run reuses every seed's scorecard
      const again = await runSeeds({ config, outDir: dir, progress: false, resume: true });
      expect(again.scorecard.statistics).to.deep.equal(stats);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
