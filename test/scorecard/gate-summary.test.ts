import { expect } from 'chai';
import { compareMetric, type GateResult } from '../../src/gate/compare.js';
import { gateSummary } from '../../src/gate/format.js';
import { suiteGateMetric } from '../../src/gate/metrics.js';

describe('gate verdict line', () => {
  it('groups the values missing from the current scorecard under one reason, naming each metric once with its models', () => {
    const rows = [];
    for (let i = 0; i < 10; i++) {
      const metric = suiteGateMetric('label-noise', `uniform:0.4/m${i}`, `metric ${i}`, 'fraction');
      for (const model of ['vanilla', 'topk']) rows.push(compareMetric(metric, model, 0.5, null, { absolute: 0.02 }));
    }
    const drop = compareMetric(suiteGateMetric('calibration', 'mce', 'MCE', 'fraction'), 'topk', 0.1, 0.2, { absolute: 0.02 });
    rows.push(drop);
    const result: GateResult = { rows, regressions: rows, unmatchedOverrides: [], exitCode: 1 };
    const line = gateSummary(result);
    expect(line).to.equal(
      'check FAILED: 21 comparisons, 21 regressed, 0 improved, 0 not gated. 20 values missing or not finite in the current scorecard: ' +
        [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `suites.label-noise.uniform:0.4/m${i} (vanilla, topk)`).join(', ') +
        ` and 2 more metrics (see the table); suites.calibration.mce (MCE) of topk ${drop.reason}.`,
    );
    expect(line.length).to.be.below(900); // it was one 5,710-character line for 38 missing values
  });
});
