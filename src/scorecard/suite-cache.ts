/**
 * A suite's saved output in a run folder, suites/<name>.json, written once the suite finishes and reused by a
 * resumed run instead of running the suite again. Verified when read, so that a damaged, edited or foreign file is
 * refused with one line instead of a raw SyntaxError or a scorecard that does not match its schema.
 *
 * Format: the suite record's own fields (result, markdown, files, seconds, version, source, headline) plus
 *
 *   "integrity": { "configHash": <the run's config hash, or null>, "sha256": <hex> }
 *
 * where sha256 is the SHA-256 of stableStringify({ configHash, record }), `record` being the file's object without
 * its `integrity` field (sorted keys, so the hash does not depend on key order or indentation). Files written before
 * issue 17 have no `integrity`: they are accepted once their shape checks out (there is nothing to verify them by).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { DataFileError } from '../errors.js';
import { resumeFolderOf } from '../train/checkpoint.js';
import type { SuiteHeadline } from '../suite/types.js';
import type { RunConfig } from '../config/run-config.js';
import { stableStringify, writeFileAtomic } from '../util/atomic.js';

/** A suite record as stored (run-suites.ts's SuiteRecord; the optional fields are absent before plugin suites). */
export interface StoredSuiteRecord {
  result: unknown;
  markdown: string;
  files: string[];
  seconds: number;
  version?: number;
  source?: string;
  headline?: SuiteHeadline[];
}

/** The `integrity` field of a suite cache. */
export interface SuiteCacheIntegrity {
  /** The config hash of the run that wrote it (null when the writer had none). */
  configHash: string | null;
  /** SHA-256 (hex) of stableStringify({ configHash, record }). */
  sha256: string;
}

/** A suite cache that cannot be reused: one line naming the file, what is wrong and how to recompute it (exit 2). */
export class SuiteCacheError extends DataFileError {
  constructor(file: string, problem: string) {
    super(file, `${problem}; delete ${file} and rerun with --resume ${resumeFolderOf(file, 'suites')} to recompute that suite`);
    this.name = 'SuiteCacheError';
  }
}

function checksum(configHash: string | null, record: unknown): string {
  return createHash('sha256').update(stableStringify({ configHash, record })).digest('hex');
}

/** Write a suite record with its integrity field (atomically, keys sorted). */
export function writeSuiteCache(file: string, record: StoredSuiteRecord, configHash?: string): void {
  // the hash is of what a reader will parse: JSON drops undefined fields and turns NaN into null
  const { integrity: _old, ...rest } = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  const integrity: SuiteCacheIntegrity = { configHash: configHash ?? null, sha256: checksum(configHash ?? null, rest) };
  writeFileAtomic(file, stableStringify({ ...rest, integrity }));
}

/**
 * Why a parsed suite cache cannot be trusted, or null when it can: a malformed `integrity`, a checksum mismatch, or
 * (when `configHash` is given and the file has one) another run's config hash. A file without `integrity` (written
 * before it existed) passes.
 */
export function suiteCacheIntegrityProblem(raw: Record<string, unknown>, configHash?: string): string | null {
  if (!('integrity' in raw)) return null;
  const { integrity, ...rest } = raw;
  const i = integrity as Partial<SuiteCacheIntegrity> | null;
  if (i === null || typeof i !== 'object' || typeof i.sha256 !== 'string' || !(i.configHash === null || typeof i.configHash === 'string')) {
    return 'its integrity field is malformed (the file is damaged)';
  }
  if (checksum(i.configHash, rest) !== i.sha256) return 'checksum mismatch: the file is damaged or was edited';
  if (configHash !== undefined && i.configHash !== null && i.configHash !== configHash) {
    return `it belongs to another configuration (config hash ${i.configHash.slice(0, 12)} there, ${configHash.slice(0, 12)} now)`;
  }
  return null;
}

/** What is wrong with a parsed value as a suite record, one phrase per field; empty when nothing is. */
export function suiteRecordProblems(raw: unknown): string[] {
  const what = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'number' ? String(v) : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [`it is ${what(raw)}, not an object`];
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  const check = (field: string, ok: boolean, wanted: string) => {
    if (!ok) problems.push(r[field] === undefined ? `${field} is missing` : `${field} is ${what(r[field])}, not ${wanted}`);
  };
  check('result', r.result !== undefined, 'any JSON value');
  check('markdown', typeof r.markdown === 'string', 'a string');
  if (Array.isArray(r.files) && r.files.some((f) => typeof f !== 'string')) problems.push('files holds a value that is not a string');
  else check('files', Array.isArray(r.files), 'an array of strings');
  check('seconds', typeof r.seconds === 'number' && r.seconds >= 0, 'a number >= 0');
  check('version', r.version === undefined || Number.isInteger(r.version), 'an integer');
  check('source', r.source === undefined || typeof r.source === 'string', 'a string');
  check('headline', r.headline === undefined || (Array.isArray(r.headline) && r.headline.every(isHeadline)), 'an array of {key, label, kind, values}');
  return problems;
}

function isHeadline(h: unknown): boolean {
  if (h === null || typeof h !== 'object') return false;
  const { key, label, kind, values } = h as Record<string, unknown>;
  return (
    typeof key === 'string' && typeof label === 'string' && (kind === 'fraction' || kind === 'number') &&
    values !== null && typeof values === 'object' && !Array.isArray(values) &&
    Object.values(values).every((v) => v === null || typeof v === 'number')
  );
}

/**
 * Read and verify suites/<name>.json: it parses, has a suite record's shape, its checksum matches and (when
 * `configHash` is given) it was written for this configuration. Returns the record without `integrity`; any failure
 * is a SuiteCacheError.
 */
export function readSuiteCache(file: string, configHash?: string): StoredSuiteRecord {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataFileError(file, `cannot read suite cache: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SuiteCacheError(file, 'suite cache is not valid JSON (the file is damaged)');
  }
  const problems = suiteRecordProblems(raw);
  if (problems.length > 0) throw new SuiteCacheError(file, `not a suite record (${problems.join(', ')})`);
  const obj = raw as Record<string, unknown>;
  const problem = suiteCacheIntegrityProblem(obj, configHash);
  if (problem !== null) throw new SuiteCacheError(file, problem);
  const { integrity: _i, ...record } = obj;
  return record as unknown as StoredSuiteRecord;
}

/**
 * The hash a run's suite caches carry: its config without `backend`, which `--resume --backend X` may change (as
 * configDifference ignores it), so a cache from another configuration is refused while a backend switch is not.
 */
export function configHash(config: RunConfig): string {
  const { backend: _backend, ...rest } = config;
  return createHash('sha256').update(stableStringify(rest)).digest('hex');
}
