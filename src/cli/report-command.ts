/**
 * `topk-harness report RUN_DIR`: rebuild scorecard.md and report.html of a run folder from its scorecard.json and
 * suites/*.json (e.g. after upgrading the harness, or for a run folder copied from CI). Bad input (no such folder,
 * no scorecard, another schema version) throws HarnessInputError: the CLI prints it and exits 2.
 */
import type { Command } from 'commander';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('rebuild scorecard.md and report.html (one self-contained page with inline SVG charts) from a run folder\'s JSON')
    .argument('<run-dir>', 'a run folder with scorecard.json and suites/*.json')
    .action(async (dir: string) => {
      const [{ harnessVersion }, { writeRunReports }] = await Promise.all([import('../run/provenance.js'), import('../report/run-reports.js')]);
      const out = writeRunReports(dir, { renderedBy: harnessVersion() });
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${out.markdownPath}\n${out.htmlPath}\n`);
    });
}
