/**
 * Rebuild a run folder's reports from its JSON: scorecard.md (the same text `run` writes) and report.html. This is
 * the edge that touches files; the renderers (src/report/scorecard-markdown.ts, src/report/html.ts) are pure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRunFolder, asScorecard, RunFolder } from '../scorecard/read.js';
import { scorecardMarkdown } from './scorecard-markdown.js';
import { writeFileAtomic } from '../util/atomic.js';
import { isInlinable, reportHtml } from './html.js';
import { statisticsMarkdown } from './statistics-markdown.js';

export interface RunReports {
  markdownPath: string;
  htmlPath: string;
  /** Problems that did not stop the report, e.g. a listed file that is missing (shown as such on the page). */
  warnings: string[];
}

/** The contents of every inlinable file the suites listed, by run-relative path; warnings for those missing. */
export function readAssets(run: RunFolder): { assets: Map<string, Uint8Array>; warnings: string[] } {
  const assets = new Map<string, Uint8Array>();
  const warnings: string[] = [];
  const root = path.resolve(run.dir);
  for (const { name, record } of run.suites) {
    for (const rel of record.files.filter(isInlinable)) {
      const abs = path.resolve(root, rel);
      if (path.relative(root, abs).startsWith('..') || path.isAbsolute(rel)) {
        warnings.push(`suite ${name} lists ${rel}, which is outside the run folder; not inlined`);
        continue;
      }
      if (!fs.existsSync(abs)) {
        warnings.push(`suite ${name} lists ${rel}, which is missing from ${run.dir}`);
        continue;
      }
      assets.set(rel, fs.readFileSync(abs));
    }
  }
  return { assets, warnings };
}

/** Render scorecard.md and report.html for the run folder `dir` (written atomically, next to scorecard.json). */
export function writeRunReports(dir: string, options: { renderedBy?: string } = {}): RunReports {
  const run = readRunFolder(dir);
  const { assets, warnings } = readAssets(run);
  const markdownPath = path.join(dir, 'scorecard.md');
  const htmlPath = path.join(dir, 'report.html');
  const card = run.scorecard;
  const sections = [...(card.statistics ? [statisticsMarkdown(card.statistics, card)] : []), ...run.suites.map((s) => s.record.markdown)];
  writeFileAtomic(markdownPath, scorecardMarkdown(asScorecard(card), sections));
  writeFileAtomic(htmlPath, reportHtml({ scorecard: run.scorecard, suites: run.suites, assets, renderedBy: options.renderedBy }));
  return { markdownPath, htmlPath, warnings };
}
