/**
 * The regression gate as one call: read the baseline and the scorecard (or its run folder), check they are
 * comparable, compare with the tolerances and render the report (and JUnit XML). `topk-harness check` runs it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertComparable, compareScorecards, GateResult } from './compare.js';
import { gateReport } from './format.js';
import { gateJUnitXml } from './junit.js';
import { readTolerances, ToleranceOverrides } from './tolerances.js';
import { readScorecard } from '../scorecard/read.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface CheckOptions {
  /** The committed baseline scorecard (e.g. reports/baselines/smoke.json). */
  baseline: string;
  /** The scorecard to check, or its run folder. */
  scorecard: string;
  /** JSON file of per-metric-key tolerance overrides, suite keys 'suites.<suite>.<key>' included (src/gate/tolerances.ts). */
  tolerances?: string;
  /** Also write JUnit XML here. */
  junit?: string;
  /** Print every compared metric, not only those that moved. */
  all?: boolean;
}

export interface CheckOutcome {
  exitCode: 0 | 1;
  /** What the command prints on stdout. */
  output: string;
  result: GateResult;
}

/** Run the gate (reads the files, writes --junit); throws HarnessInputError on bad input. */
export function runCheck(opts: CheckOptions): CheckOutcome {
  const scorecardPath = fs.existsSync(opts.scorecard) && fs.statSync(opts.scorecard).isDirectory() ? path.join(opts.scorecard, 'scorecard.json') : opts.scorecard;
  const baseline = readScorecard(opts.baseline);
  const current = readScorecard(scorecardPath);
  const overrides: ToleranceOverrides = opts.tolerances ? readTolerances(opts.tolerances) : {};
  assertComparable(baseline, current, { baseline: `baseline ${opts.baseline}`, current: `scorecard ${scorecardPath}` });
  const result = compareScorecards(baseline, current, overrides);
  if (opts.junit) writeFileAtomic(opts.junit, gateJUnitXml(result, { baseline: opts.baseline, scorecard: scorecardPath }));
  return { exitCode: result.exitCode, output: gateReport(result, { all: opts.all, baseline: opts.baseline, scorecard: scorecardPath }), result };
}

