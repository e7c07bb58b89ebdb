import { expect } from 'chai';
import { reportHtml } from '../../src/report/html.js';
import { singleSeedCaveat } from '../../src/report/seed-caveat.js';
import { scorecardMarkdown } from '../../src/report/scorecard-markdown.js';
import { asScorecard, readScorecard } from '../../src/scorecard/read.js';
import { sampleScorecard } from './fixtures.js';

describe('what the deltas of a scorecard can say', () => {
  it('a single-seed scorecard says next to its deltas that one seed cannot compare methods, with the multi-seed command', () => {
    const card = asScorecard(sampleScorecard() as never);
    const acc = card.models[card.baseline].test.accuracy;
    const n = card.data.testCount;
    // the binomial 95% half-width of the baseline's accuracy, worked here from the normal approximation
    const half = (100 * 1.96 * Math.sqrt((acc * (1 - acc)) / n)).toFixed(2);
    const caveat = singleSeedCaveat(card)!;
    expect(caveat).to.contain(`±${half} pts at 95% on ${n.toLocaleString('en-US')} test images`);
    expect(caveat).to.contain(`topk-harness run --preset ${card.config.preset} --seeds 8`);
    const md = scorecardMarkdown(card);
    expect(md.indexOf('One seed:')).to.be.greaterThan(md.indexOf('Deltas are'));
    const html = reportHtml({ scorecard: card, suites: [], assets: new Map() } as never);
    expect(html).to.contain('<p class="caveat" role="note">One seed: these deltas measure test-set uncertainty only');
  });

  it('a multi-seed scorecard prints each headline delta with its paired interval, and no single-seed caveat', () => {
    const card = asScorecard(readScorecard('reports/study/scorecard.json'));
    expect(singleSeedCaveat(card)).to.equal(null);
    const md = scorecardMarkdown(card);
    // STUDY.md's clean-accuracy difference of topk16, −0.39 pts [−0.90, +0.13], in the headline row itself
    const row = md.split('\n').find((l) => l.startsWith('| test accuracy |'))!;
    expect(row).to.contain('−0.39 pts [−0.90, +0.13]');
    expect(md).to.contain('with the paired 95% interval over seeds in brackets');
    const html = reportHtml({ scorecard: card, suites: [], assets: new Map() } as never);
    expect(html).to.contain('−0.39 pts [−0.90, +0.13]');
    expect(html).to.not.contain('class="caveat"');
  });

  it('a scorecard of one model has no deltas and no caveat', () => {
    const raw = sampleScorecard();
    const card = asScorecard(raw as never);
    const only = { ...card, models: { [card.baseline]: card.models[card.baseline] } };
    expect(singleSeedCaveat(only as never)).to.equal(null);
  });
});
