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
import type { Command } from 'commander';
import type { CheckOptions } from '../gate/run-check.js';

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
      const [{ builtinSuites }, { runCheck }] = await Promise.all([import('../suite/registry.js'), import('../gate/run-check.js')]);
      await builtinSuites(); // headline scalars of scorecards that do not carry them (written before suiteMeta)
      const out = runCheck(opts);
      process.stdout.write(out.output);
      setExitCode(out.exitCode);
    });
}
