/**
 * `topk-harness check`: the regression gate for CI.
 *
 *   check --baseline BASELINE.json --scorecard RUN/scorecard.json [--tolerances FILE] [--junit out.xml] [--all]
 *
 * Compares the scorecard with the baseline metric by metric and model by model (src/gate/): each model's headline
 * metrics, then every suite headline scalar ('suites.<suite>.<key>'; a multi-seed aggregate's means over seeds),
 * prints a table of what moved and a verdict. Exit codes: 0 nothing regressed; 1 a metric regressed beyond its
 * tolerance; 2 bad input (a missing or invalid file, another schema version, a suite result this version cannot
 * read, or configs that differ where results depend on them: the message names each field). Exit 2 is a thrown HarnessInputError; 0/1 is handed to `setExitCode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { assertComparable, compareScorecards, GateResult } from '../gate/compare.js';
import { gateReport } from '../gate/format.js';
import { gateJUnitXml } from '../gate/junit.js';
import { readTolerances, ToleranceOverrides } from '../gate/tolerances.js';
import { readScorecard } from '../scorecard/read.js';
import { builtinSuites } from '../suite/registry.js';
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

/**
 * Add `check` to the program. `setExitCode` receives 0 or 1 when the comparison ran; the caller must make the
 * process exit with it (main() returns it).
 */
export function registerCheckCommand(program: Command, setExitCode: (code: 0 | 1) => void): void {
  program
    .command('check')
    .description('regression gate: compare a scorecard with a baseline, metric by metric with direction-aware tolerances (exit 0 pass, 1 regression, 2 bad input)')
    .requiredOption('--baseline <file>', 'baseline scorecard.json (e.g. reports/baselines/smoke.json)')
    .requiredOption('--scorecard <file>', 'scorecard.json to check (or its run folder)')
    .option('--tolerances <file>', 'JSON: metric key (or suites.<suite>.<key>) → absolute number, {"relative": r} or "ignore" (defaults: accuracy −0.02, ECE +0.02, NLL +0.05, nonzero fraction ±0.02, structure exact, timings ignored; suite scalars by kind, see docs/scorecards.md)')
    .option('--junit <file>', 'also write JUnit XML (one testcase per metric and model)')
    .option('--all', 'list every compared metric (model metrics and suite scalars), not only those that moved')
    .action(async (opts: CheckOptions) => {
      await builtinSuites(); // headline scalars of scorecards that do not carry them (written before suiteMeta)
      const out = runCheck(opts);
      process.stdout.write(out.output);
      setExitCode(out.exitCode);
    });
}
