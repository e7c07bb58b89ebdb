/**
 * The corruption plugin API. A corruption is a module whose default export is `defineCorruption({...})`:
 *
 * ```ts
 * import { defineCorruption } from 'topk-harness/corruptions';   // or a relative path inside this repo
 * export default defineCorruption({
 *   name: 'my_blur', version: 1, family: 'custom',
 *   severities: [1, 2, 3, 4, 5],                  // or { cifar: [...5], imagenet: [...5] }
 *   description: 'box blur of radius c',
 *   apply(image, { severity, rng, table, params }) { ...; return { ...image, data: out }; },
 * });
 * ```
 *
 * `defineCorruption` validates the definition when the module is imported and throws a
 * CorruptionDefinitionError naming each bad field; the loader (registry.ts) adds the file name.
 */
import { HarnessInputError, nearestChoice } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Image } from './image.js';
import { describeValue } from '../util/describe-value.js';

export type { Image } from './image.js';

/** Severity level, 1 (mildest) .. 5 (strongest). */
export type Severity = 1 | 2 | 3 | 4 | 5;

/** The five severities in order. */
export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

/** Which parameter table a corruption uses: CIFAR-10-C (built for 32 px) or ImageNet-C (built for 224 px). */
export type SeverityTable = 'cifar' | 'imagenet';

export const SEVERITY_TABLES: readonly SeverityTable[] = ['cifar', 'imagenet'];

/** Group of a corruption: the paper's four, or 'custom' for user plugins that fit none. */
export type CorruptionFamily = 'noise' | 'blur' | 'weather' | 'digital' | 'custom';

export const CORRUPTION_FAMILIES: readonly CorruptionFamily[] = ['noise', 'blur', 'weather', 'digital', 'custom'];

/** Parameters for severities 1..5, in order. */
export type SeverityParams<P> = readonly [P, P, P, P, P];

/** What `apply` receives besides the image. */
export interface CorruptionContext<P> {
  /** 1..5. */
  severity: Severity;
  /** The image's own random stream: rngFor(seed, 'corruption', name, version, severity, imageIndex). */
  rng: Rng;
  /** The table `params` came from. */
  table: SeverityTable;
  /** severities[table][severity - 1]. */
  params: P;
  /**
   * Where the result may go: a buffer of the image's size (its slot in the output dataset), never aliasing the input.
   * apply may write its pixels there and return it as `data`, sparing a fresh array and a copy per image (at 224 px
   * a fresh 150 KB array cost about as much in page faults as pixelate's resizes), or ignore it. Absent in
   * corruptImage and the preflight.
   */
  output?: Uint8Array;
}

/** The apply function of a corruption: must not modify `image`; returns a new image of the same shape. */
export type ApplyFunction<P> = (image: Image, ctx: CorruptionContext<P>) => Image | Promise<Image>;

/** What a module passes to defineCorruption. */
export interface CorruptionDefinition<P> {
  /** snake_case; the scorecard key and the name on the command line. */
  name: string;
  /** Integer >= 1; bump it whenever the output pixels for a given seed change (it is part of the random stream). */
  version: number;
  family: CorruptionFamily;
  /** Parameters per severity: one list of 5 used for both tables, or one list per table. */
  severities: SeverityParams<P> | { cifar: SeverityParams<P>; imagenet: SeverityParams<P> };
  /** One line: what the corruption does and what the parameter means. */
  description: string;
  apply: ApplyFunction<P>;
}

/** A validated corruption, as the registry and the suite use it. */
export interface Corruption<P = unknown> {
  readonly name: string;
  readonly version: number;
  readonly family: CorruptionFamily;
  readonly description: string;
  /** Both tables, 5 entries each (identical when the definition gave one list). */
  readonly severities: Readonly<Record<SeverityTable, SeverityParams<P>>>;
  /**
   * The definition's apply. (Method syntax on purpose: it makes Corruption<number> usable where a
   * Corruption<unknown> is expected, e.g. in a registry holding corruptions with different parameter types.)
   */
  apply(image: Image, ctx: CorruptionContext<P>): Image | Promise<Image>;
  /** severities[table][severity - 1]. */
  params(severity: Severity, table: SeverityTable): P;
}

/** One problem in a corruption definition: the field's dotted path and what is wrong with it. */
export interface DefinitionIssue {
  field: string;
  message: string;
}

/** A corruption definition that failed validation. `path` is the file when known, else the first bad field. */
export class CorruptionDefinitionError extends HarnessInputError {
  /** "corruption 'my_blur'" or "corruption definition" when the name itself is unusable. */
  readonly subject: string;
  readonly issues: readonly DefinitionIssue[];
  readonly file?: string;
  constructor(subject: string, issues: readonly DefinitionIssue[], file?: string) {
    const text = issues.map((i) => `field '${i.field}' ${i.message}`).join('; ');
    super(`${file !== undefined ? `${file}: ` : ''}${subject}: ${text}`, file ?? issues[0]?.field);
    this.name = 'CorruptionDefinitionError';
    this.subject = subject;
    this.issues = issues;
    this.file = file;
  }
}

const BRAND: unique symbol = Symbol.for('topk-harness.corruption') as never;

const DEFINITION_FIELDS = ['name', 'version', 'family', 'severities', 'description', 'apply'] as const;

/** Lowercase words joined by single underscores, starting with a letter: gaussian_noise, blur2, my_jpeg_q. */
export const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Validate a definition and return the corruption. Throws CorruptionDefinitionError listing every bad field. */
export function defineCorruption<P>(definition: CorruptionDefinition<P>): Corruption<P> {
  return validateCorruption(definition) as Corruption<P>;
}

/** True for objects made by defineCorruption. */
export function isCorruption(value: unknown): value is Corruption {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Validate anything claiming to be a corruption (a defineCorruption result or a plain definition object, e.g.
 * from a JavaScript plugin that did not import defineCorruption). `file`, when given, prefixes the message.
 */
export function validateCorruption(value: unknown, file?: string): Corruption {
  if (typeof value !== 'object' || value === null) {
    throw new CorruptionDefinitionError('corruption definition', [
      { field: '(default export)', message: `must be an object made by defineCorruption({...}), got ${describeValue(value)}` },
    ], file);
  }
  const def = value as Record<string, unknown>;
  const issues: DefinitionIssue[] = [];
  const name = def.name;
  if (typeof name !== 'string' || !SNAKE_CASE.test(name)) {
    issues.push({
      field: 'name',
      message: `must be a snake_case string (lowercase letters and digits in words joined by '_', starting with a letter), got ${describeValue(name)}`,
    });
  }
  const version = def.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    issues.push({ field: 'version', message: `must be an integer >= 1, got ${describeValue(version)}` });
  }
  const family = def.family;
  if (typeof family !== 'string' || !(CORRUPTION_FAMILIES as readonly string[]).includes(family)) {
    issues.push({ field: 'family', message: `must be one of ${CORRUPTION_FAMILIES.join(', ')}, got ${describeValue(family)}` });
  }
  const severities = normaliseSeverities(def.severities, issues);
  const description = def.description;
  if (typeof description !== 'string' || description.trim() === '') {
    issues.push({ field: 'description', message: `must be a non-empty string, got ${describeValue(description)}` });
  }
  const apply = def.apply;
  if (typeof apply !== 'function') {
    issues.push({
      field: 'apply',
      message: `must be a function (image, { severity, rng, table, params }) => Image, got ${describeValue(apply)}`,
    });
  }
  if (!isCorruption(value)) {
    for (const key of Object.keys(def)) {
      if ((DEFINITION_FIELDS as readonly string[]).includes(key)) continue;
      const near = nearestChoice(key, [...DEFINITION_FIELDS]);
      const hint = near !== undefined ? ` Did you mean ${near}?` : '';
      issues.push({ field: key, message: `is not a corruption field.${hint} Allowed: ${DEFINITION_FIELDS.join(', ')}` });
    }
  }
  if (issues.length > 0) {
    const subject = typeof name === 'string' && name !== '' ? `corruption '${name}'` : 'corruption definition';
    throw new CorruptionDefinitionError(subject, issues, file);
  }
  const tables = severities!;
  const corruption: Corruption = {
    name: name as string,
    version: version as number,
    family: family as CorruptionFamily,
    description: description as string,
    severities: tables,
    apply: apply as ApplyFunction<unknown>,
    params(severity: Severity, table: SeverityTable) {
      assertSeverity(severity);
      assertTable(table);
      return tables[table][severity - 1];
    },
  };
  Object.defineProperty(corruption, BRAND, { value: true, enumerable: false });
  return Object.freeze(corruption);
}

function normaliseSeverities(
  value: unknown,
  issues: DefinitionIssue[],
): Readonly<Record<SeverityTable, SeverityParams<unknown>>> | undefined {
  const shapeHelp = 'must be an array of 5 parameter values (severities 1..5) or { cifar: [5 values], imagenet: [5 values]}';
  if (Array.isArray(value)) {
    const list = checkList(value, 'severities', issues);
    return list && Object.freeze({ cifar: list, imagenet: list });
  }
  if (typeof value !== 'object' || value === null) {
    issues.push({ field: 'severities', message: `${shapeHelp}, got ${describeValue(value)}` });
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => k !== 'cifar' && k !== 'imagenet');
  if (extra.length > 0) {
    issues.push({ field: 'severities', message: `has unknown table(s) ${extra.map((k) => `'${k}'`).join(', ')}; the tables are cifar and imagenet` });
  }
  let ok = extra.length === 0;
  const out: Partial<Record<SeverityTable, SeverityParams<unknown>>> = {};
  for (const t of SEVERITY_TABLES) {
    if (!(t in v)) {
      issues.push({ field: `severities.${t}`, message: `is missing; ${shapeHelp}` });
      ok = false;
      continue;
    }
    const list = checkList(v[t], `severities.${t}`, issues);
    if (list === undefined) ok = false;
    else out[t] = list;
  }
  return ok ? Object.freeze(out as Record<SeverityTable, SeverityParams<unknown>>) : undefined;
}

function checkList(value: unknown, field: string, issues: DefinitionIssue[]): SeverityParams<unknown> | undefined {
  if (!Array.isArray(value)) {
    issues.push({ field, message: `must be an array of 5 parameter values (severities 1..5), got ${describeValue(value)}` });
    return undefined;
  }
  if (value.length !== 5) {
    issues.push({ field, message: `must have 5 entries (severities 1..5), got ${value.length}` });
    return undefined;
  }
  let ok = true;
  value.forEach((p, i) => {
    if (p === undefined || p === null || (typeof p === 'number' && !Number.isFinite(p))) {
      issues.push({ field: `${field}[${i}]`, message: `(severity ${i + 1}) must be a parameter value, got ${describeValue(p)}` });
      ok = false;
    }
  });
  return ok ? (Object.freeze([...value]) as unknown as SeverityParams<unknown>) : undefined;
}

/** Throws HarnessInputError unless `s` is an integer 1..5. */
export function assertSeverity(s: unknown): asserts s is Severity {
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > 5) {
    throw new HarnessInputError(`severity must be an integer 1..5, got ${describeValue(s)}`, 'severity');
  }
}

/** Throws HarnessInputError unless `t` is 'cifar' or 'imagenet'. */
export function assertTable(t: unknown): asserts t is SeverityTable {
  if (t !== 'cifar' && t !== 'imagenet') {
    throw new HarnessInputError(`severity table must be cifar or imagenet, got ${describeValue(t)}`, 'severityTable');
  }
}

/**
 * The table the harness uses for an image size: CIFAR-10-C's (built for 32 px) when both sides are at most
 * 64 px, ImageNet-C's (built for 224 px) above. MNIST (28 px) and CIFAR (32 px) get 'cifar'.
 */
export function severityTableFor(height: number, width: number): SeverityTable {
  return Math.max(height, width) <= 64 ? 'cifar' : 'imagenet';
}
