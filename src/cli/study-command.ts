/**
 * `topk-harness study-report RUN_DIR`: the tables and figures of STUDY.md from a finished multi-seed run folder
 * (its aggregate scorecard.json and seed-<s>/ folders): <out>/study-tables.md and <out>/figures/*.svg (out defaults to
 * RUN_DIR). The tables are what STUDY.md quotes between its `study-tables` markers; a test regenerates them from
 * the committed scorecard and compares.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { HarnessInputError } from '../errors.js';

export function registerStudyCommand(program: Command): void {
  program
    .command('study-report')
    .description('write the claim-by-claim tables (markdown) and seed-averaged figures (SVG) of a multi-seed run, as STUDY.md uses them')
    .argument('<run-dir>', 'a finished multi-seed run folder (scorecard.json with statistics, seed-<s>/ folders)')
    .option('-o, --out <dir>', 'where to write study-tables.md and figures/ (default: the run folder)')
    .action(async (dir: string, opts: { out?: string }) => {
      const [{ readStudySeeds, studyFigures, studyTables }, { asScorecard, readScorecard }, { writeFileAtomic }] = await Promise.all([
        import('../report/study.js'), import('../scorecard/read.js'), import('../util/atomic.js'),
      ]);
      const file = path.join(dir, 'scorecard.json');
      if (!fs.existsSync(file)) throw new HarnessInputError(`${dir} is not a finished run folder: ${file} is missing`, file);
      const card = asScorecard(readScorecard(file));
      const out = opts.out ?? dir;
      fs.mkdirSync(path.join(out, 'figures'), { recursive: true });
      const tablesPath = path.join(out, 'study-tables.md');
      const seeds = readStudySeeds(dir, card);
      writeFileAtomic(tablesPath, `${studyTables(card, seeds)}\n`);
      process.stdout.write(`${tablesPath}\n`);
      for (const [name, svg] of Object.entries(studyFigures(card, seeds))) {
        const p = path.join(out, 'figures', name);
        writeFileAtomic(p, svg);
        process.stdout.write(`${p}\n`);
      }
    });

  program
    .command('study-map')
    .description("write STUDY.md's regime map: per claim, one row per regime with Δ [95% CI], the verdict after Holm's correction, the paper's Δ and the MDE, and figures of Δ against regime and against epoch")
    .argument('<manifest>', 'a regime manifest: {"regimes": [{"id", "label", "dir", "corruptionDir"?}]} (run folders relative to the current directory)')
    .option('-o, --out <dir>', 'where to write study-map.md and figures/', 'reports/study-map')
    .action(async (manifest: string, opts: { out: string }) => {
      const [{ loadRegimes, readRegimeManifest, regimeMapFigures, regimeMapTables }, { writeFileAtomic }] = await Promise.all([
        import('../report/study-map.js'), import('../util/atomic.js'),
      ]);
      const regimes = loadRegimes(readRegimeManifest(manifest));
      fs.mkdirSync(path.join(opts.out, 'figures'), { recursive: true });
      const tablesPath = path.join(opts.out, 'study-map.md');
      writeFileAtomic(tablesPath, `${regimeMapTables(regimes)}\n`);
      process.stdout.write(`${tablesPath}\n`);
      for (const [name, svg] of Object.entries(regimeMapFigures(regimes))) {
        const p = path.join(opts.out, 'figures', name);
        writeFileAtomic(p, svg);
        process.stdout.write(`${p}\n`);
      }
    });
}
