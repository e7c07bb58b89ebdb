/**
 * Reading scorecards and run folders back: every reader (the report, the regression gate) goes through here, so a
 * file is validated once, against the schema of src/scorecard/schema.ts, with one clear message when it is not a
 * version-1 scorecard. Errors are HarnessInputError (the CLI prints the message and exits 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { HarnessInputError } from '../errors.js';
import { SuiteCacheError, suiteCacheIntegrityProblem } from './suite-cache.js';
import { formatIssues, SCHEMA_VERSION, ScorecardData, scorecardIssues } from './schema.js';
import type { Scorecard } from './scorecard.js';

/**
 * A validated scorecard as read from disk. Config sections that belong to one suite (e.g. labelNoise) are absent
 * from files written before that suite existed, so the config type only promises the core sections.
 */
export type ScorecardFile = ScorecardData;

/**
 * View a read scorecard as the writer's `Scorecard` type, for the helpers of scorecard.ts and markdown.ts
 * (metricValue, scorecardMarkdown), which read only the core fields that every version-1 file has.
 */
export function asScorecard(card: ScorecardFile): Scorecard {
  return card as unknown as Scorecard;
}

/** suites/<name>.json in a run folder: the suite's output plus its wall time (src/run/run-experiment.ts). */
export interface SuiteRecord {
  /** The suite's section of the scorecard (scorecard.suites.<name>). */
  result: unknown;
  /** Its Markdown section(s) for scorecard.md, starting with a '## ' heading. */
  markdown: string;
  /** Files it wrote, relative to the run folder (SVG, PNG, ...). */
  files: string[];
  /** Wall time in seconds. */
  seconds: number;
}

const suiteRecordSchema = z.object({
  result: z.unknown(),
  markdown: z.string(),
  files: z.array(z.string()),
  seconds: z.number().nonnegative(),
});

/** A run folder read back: its scorecard and each suite's record, in config order. */
export interface RunFolder {
  dir: string;
  scorecard: ScorecardFile;
  suites: { name: string; record: SuiteRecord }[];
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new HarnessInputError(`${what} ${file} does not exist`, file);
    if (err.code === 'EISDIR') {
      const inside = path.join(file, 'scorecard.json');
      const hint = what === 'scorecard' && fs.existsSync(inside) ? `; did you mean ${inside}?` : '';
      throw new HarnessInputError(`${what} ${file} is a directory, not a JSON file${hint}`, file);
    }
    throw new HarnessInputError(`cannot read ${what} ${file}: ${err.message}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HarnessInputError(`${what} ${file} is not valid JSON: ${(e as Error).message}`, file);
  }
}

/**
 * Validate parsed JSON as a version-1 scorecard. `source` names it in messages (a file name). Keys this version does
 * not know are accepted (a newer version-1 writer may add fields); anything else that does not match is an error
 * listing each field's path.
 */
export function parseScorecard(raw: unknown, source: string): ScorecardFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HarnessInputError(`scorecard ${source} is not a JSON object`, source);
  }
  if (!('schemaVersion' in raw)) {
    throw new HarnessInputError(`scorecard ${source} has no schemaVersion; this harness reads version ${SCHEMA_VERSION} (is it a topk-harness scorecard.json?)`, source);
  }
  const version = (raw as { schemaVersion: unknown }).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    const upgrade = typeof version === 'number' && version > SCHEMA_VERSION ? '; it was written by a newer topk-harness: upgrade this one to read it' : '';
    throw new HarnessInputError(`scorecard ${source} has schemaVersion ${JSON.stringify(version)}; this harness reads version ${SCHEMA_VERSION}${upgrade}`, source);
  }
  const issues = scorecardIssues(raw, { allowUnknownKeys: true });
  if (issues.length > 0) {
    throw new HarnessInputError(`scorecard ${source} does not match scorecard schema version ${SCHEMA_VERSION}:\n${formatIssues(issues)}`, `${source}: ${issues[0].path}`);
  }
  return raw as ScorecardFile;
}

/** Read and validate a scorecard.json (see parseScorecard). */
export function readScorecard(file: string): ScorecardFile {
  return parseScorecard(readJson(file, 'scorecard'), file);
}

/** Read and validate a run folder's suites/<name>.json, and its checksum where it has one (src/scorecard/suite-cache.ts). */
export function readSuiteRecord(file: string): SuiteRecord {
  const raw = readJson(file, 'suite record');
  const res = suiteRecordSchema.safeParse(raw);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new HarnessInputError(`suite record ${file} is not a suite's output ({result, markdown, files, seconds}):\n${lines.join('\n')}`, file);
  }
  const problem = suiteCacheIntegrityProblem(raw as Record<string, unknown>); // any config: a report reads any run
  if (problem !== null) throw new SuiteCacheError(file, problem);
  return res.data as SuiteRecord;
}

/**
 * Read a run folder written by `topk-harness run`: scorecard.json and suites/<name>.json of every suite in the
 * scorecard (config order). A suite listed in the scorecard without its record is an error.
 */
export function readRunFolder(dir: string): RunFolder {
  if (!fs.existsSync(dir)) throw new HarnessInputError(`run folder ${dir} does not exist`, dir);
  if (!fs.statSync(dir).isDirectory()) throw new HarnessInputError(`run folder ${dir} is not a directory`, dir);
  const scorecardPath = path.join(dir, 'scorecard.json');
  if (!fs.existsSync(scorecardPath)) {
    const hint = fs.existsSync(path.join(dir, 'config.json')) ? ' (the run has not finished: evaluate it with `topk-harness eval ' + dir + '`)' : '';
    throw new HarnessInputError(`run folder ${dir} has no scorecard.json${hint}`, scorecardPath);
  }
  const scorecard = readScorecard(scorecardPath);
  const names = [...scorecard.config.suites.filter((n) => n in scorecard.suites), ...Object.keys(scorecard.suites).filter((n) => !scorecard.config.suites.includes(n))];
  const suites = names.map((name) => {
    const file = path.join(dir, 'suites', `${name}.json`);
    if (!fs.existsSync(file)) throw new HarnessInputError(`run folder ${dir}: scorecard.json has suite '${name}' but ${file} is missing`, file);
    return { name, record: readSuiteRecord(file) };
  });
  return { dir, scorecard, suites };
}
