import { expect } from 'chai';
import { suiteGateValues } from '../../src/gate/metrics.js';
import { seedStatistics } from '../../src/run/multi-seed.js';
import type { ScorecardFile } from '../../src/scorecard/read.js';
import type { Scorecard } from '../../src/scorecard/scorecard.js';
import { sampleScorecard } from '../report/fixtures.js';

/** A smoke scorecard with the result and stored headline of a plugin suite the process has never loaded. */
function withPluginSuite(vanilla: number, topk: number): Record<string, any> {
  const card = sampleScorecard();
  card.suites.confidence = { models: { vanilla: { meanConfidence: vanilla }, topk: { meanConfidence: topk } } };
  card.suiteMeta = {
    confidence: {
      version: 1,
      source: './confidence-suite.ts',
      headline: [{ key: 'meanConfidence', label: 'mean top-class probability', kind: 'fraction', values: { vanilla, topk } }],
    },
  };
  return card;
}

describe('plugin suites in the gate and the multi-seed statistics (from scorecard.suiteMeta, without the code)', () => {
  it('the gate reads a plugin suite scalar stored with the scorecard', () => {
    const rows = suiteGateValues(withPluginSuite(0.8, 0.7) as ScorecardFile).filter((r) => r.metric.suite === 'confidence');
    expect(rows).to.have.length(1);
    expect(rows[0].metric.key).to.equal('suites.confidence.meanConfidence');
    expect(rows[0].metric.label).to.equal('confidence: mean top-class probability');
    expect(rows[0].values).to.deep.equal({ vanilla: 0.8, topk: 0.7 });
  });

  it('multi-seed statistics summarise it over seeds with the paired difference', () => {
    // per seed (vanilla, topk): (0.8, 0.7), (0.6, 0.7) -> means 0.7 and 0.7; paired differences −0.1, +0.1 -> mean 0
    const cards = [withPluginSuite(0.8, 0.7), withPluginSuite(0.6, 0.7)] as unknown as Scorecard[];
    const stats = seedStatistics(cards, [0, 1]);
    const key = 'suites.confidence.meanConfidence';
    expect(stats.labels![key]).to.deep.equal({ label: 'confidence: mean top-class probability', kind: 'fraction' });
    expect(stats.metrics.vanilla[key].mean).to.be.closeTo(0.7, 1e-12);
    expect(stats.metrics.topk[key].mean).to.be.closeTo(0.7, 1e-12);
    expect(stats.paired.topk[key].mean).to.be.closeTo(0, 1e-12);
  });
});
