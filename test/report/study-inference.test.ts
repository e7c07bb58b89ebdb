import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureComparisons, overTrainingTables, PAPER_CLAIMS, readStudySeeds, studyTables } from '../../src/report/study.js';
import { holmVerdict, pairedP } from '../../src/report/study-inference.js';
import { loadRegimes, readRegimeManifest, regimeMapFigures, regimeMapTables } from '../../src/report/study-map.js';
import { asScorecard, readScorecard } from '../../src/scorecard/read.js';
import { thrown } from '../support/capture.js';

// Golden values from issue 16, recomputed there by hand from the committed per-seed scorecards of the first study
const card = (dir: string) => asScorecard(readScorecard(`${dir}/scorecard.json`));

describe('study inference on the first study (reports/study)', () => {
  const study = card('reports/study');

  it('p-values follow the intervals: p < 0.05 exactly where the raw 95% interval excludes 0', () => {
    for (const c of measureComparisons(study, PAPER_CLAIMS)) {
      expect(c.p! < 0.05, c.id).to.equal(c.d.significant);
    }
  });

  it("Holm over Table 1's 16 rows as one family keeps only the 80% / k = 16 deficit (the issue's recomputation)", () => {
    const oneFamily = PAPER_CLAIMS.map((m) => ({ ...m, family: 'all' }));
    const survivors = measureComparisons(study, oneFamily).filter((c) => c.pHolm! <= 0.05).map((c) => c.id);
    expect(survivors).to.deep.equal(['suites.label-noise.uniform:0.8:exact/accuracy|topk16']);
  });

  it("within the calibration family, the clean-ECE 'Top-k worse' (raw) does not survive Holm", () => {
    const ece = measureComparisons(study, PAPER_CLAIMS).find((c) => c.id === 'test.ece|topk16')!;
    expect(ece.d.significant).to.equal(true);
    expect(holmVerdict(ece.d, ece.pHolm, 'lower')).to.equal('not distinguishable from 0');
  });

  it('the over-training table holds the issue\'s epoch-20 differences at 80% and 40% noise', () => {
    const text = overTrainingTables(study, readStudySeeds('reports/study', study)).join('\n');
    const row20 = text.split('\n').find((l) => l.startsWith('| 20 |'))!;
    for (const q of ['+4.85 pts [+1.87, +7.83]', '+5.91 pts [+2.19, +9.63]', '+1.82 pts [+0.21, +3.44]']) expect(row20).to.contain(q);
    expect(text).to.contain('(exploratory)');
  });

  it("the power table: Gaussian noise under ImageNet-C severities has a per-seed SD of about 4.3 pts and needs about 20 seeds for +2.75", () => {
    const text = studyTables(card('reports/study-imagenet-c'));
    const row = text.split('\n').find((l) => l.startsWith('| Gaussian noise (mean of 5 severities) | topk16 (k=16) | 4.'))!;
    const cells = row.split('|').map((c) => c.trim());
    expect(Number.parseFloat(cells[3])).to.be.closeTo(4.3, 0.05);
    expect(Number(cells[7])).to.be.within(19, 23);
  });

  it('a single seed has no test', () => {
    expect(pairedP({ n: 1, mean: 0.1, std: null, low: null, high: null, values: [0.1] })).to.equal(null);
    expect(holmVerdict({ n: 1, mean: 0.1, std: null, low: null, high: null, values: [0.1] }, null, 'higher')).to.equal('one seed: no test');
  });
});

describe('study regime map', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regimes-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const manifest = (body: unknown) => {
    const f = path.join(dir, 'regimes.json');
    fs.writeFileSync(f, JSON.stringify(body));
    return f;
  };

  it('refuses a manifest without regimes, with a missing field, or a repeated id, naming it', () => {
    expect(thrown(() => readRegimeManifest(manifest({}))).message).to.match(/"regimes" must be a non-empty array/);
    expect(thrown(() => readRegimeManifest(manifest({ regimes: [{ id: 'a', label: 'A' }] }))).message).to.match(/regimes\[0\]\.dir must be a non-empty string, got undefined/);
    expect(thrown(() => readRegimeManifest(manifest({ regimes: [{ id: 'a', label: 'A', dir: 'x' }, { id: 'a', label: 'B', dir: 'y' }] }))).message).to.match(/'a' appears twice/);
    expect(thrown(() => loadRegimes(readRegimeManifest(manifest({ regimes: [{ id: 'a', label: 'A', dir: 'no/such/run' }] })))).message).to.match(/no\/such\/run has no scorecard\.json/);
  });

  it('maps each claim to one row per regime and model, the corruption claim from corruptionDir', () => {
    const regimes = loadRegimes(readRegimeManifest(manifest({ regimes: [{ id: 'memorising', label: 'memorising', dir: 'reports/study', corruptionDir: 'reports/study-imagenet-c' }] })));
    const text = regimeMapTables(regimes);
    // the ImageNet-C severities' Gaussian-noise difference, not the CIFAR-10-C one of reports/study
    expect(text).to.contain('| memorising | Gaussian noise (mean of 5 severities) | topk16 (k=16) | 8 | 54.13% | +2.05 pts [−1.52, +5.62] |');
    expect(text).to.contain('| memorising | topk16 (k=16) | 8 | 79.51% | −0.39 pts [−0.90, +0.13] |');
    expect(text).to.match(/\| memorising \| 28\.99% \[[\d.]+%, [\d.]+%\] \| 18\.94% \|/);
    const figures = regimeMapFigures(regimes);
    expect(Object.keys(figures).sort()).to.deep.equal([
      'accuracy-kept-by-epoch.svg', 'accuracy-kept-by-regime.svg', 'calibration-by-regime.svg', 'label-noise-by-epoch.svg',
      'label-noise-by-regime.svg', 'lazy-neurons-by-epoch.svg', 'noise-corruptions-by-regime.svg',
    ]);
    for (const svg of Object.values(figures)) expect(svg).to.match(/^<svg [^>]*>[\s\S]*<\/svg>$/);
  });
});
