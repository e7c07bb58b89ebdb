/**
 * defineSuite: the suite plugin API's one constructor. A suite module's default export is
 *
 * ```ts
 * import { defineSuite } from 'topk-harness/suites';
 * export default defineSuite({
 *   name: 'my-suite', version: 1, description: 'what it measures',
 *   async run(ctx) { ...; return { result, markdown: '## My suite\n...', files: [] }; },
 * });
 * ```
 *
 * It validates the definition when the module is imported and throws a SuiteDefinitionError naming every bad field
 * (with a did-you-mean for misspelt ones); the loader (registry.ts) adds the file name. The built-in suites are made
 * the same way and loaded through the same loader.
 */
import { HarnessInputError, nearestChoice } from '../errors.js';
import { describeValue } from '../util/describe-value.js';
import type { Suite, SuiteDefinition, SuiteModel, SuiteNeed, TrainedModel } from './types.js';
import { SUITE_NAME } from './name.js';

export { SUITE_NAME };

/** One problem in a definition: the field and what is wrong with it. */
export interface SuiteDefinitionIssue {
  field: string;
  message: string;
}

export class SuiteDefinitionError extends HarnessInputError {
  readonly subject: string;
  readonly issues: readonly SuiteDefinitionIssue[];
  readonly file?: string;
  constructor(subject: string, issues: readonly SuiteDefinitionIssue[], file?: string) {
    const text = issues.map((i) => `field '${i.field}' ${i.message}`).join('; ');
    super(`${file !== undefined ? `${file}: ` : ''}${subject}: ${text}`, file ?? issues[0]?.field);
    this.name = 'SuiteDefinitionError';
    this.subject = subject;
    this.issues = issues;
    this.file = file;
  }
}

const BRAND: unique symbol = Symbol.for('topk-harness.suite') as never;

const REQUIRED = ['name', 'version', 'description', 'run'] as const;
const OPTIONAL = ['check', 'headline', 'workItems', 'runWorkItem'] as const;
const FIELDS: readonly string[] = [...REQUIRED, 'needs', ...OPTIONAL];
const NEEDS: readonly SuiteNeed[] = ['activations', 'training'];


/** Validate a definition and return the suite. Throws SuiteDefinitionError listing every bad field. */
export function defineSuite<R>(definition: SuiteDefinition<R>): Suite<R> {
  return validateSuite(definition) as Suite<R>;
}

/** True for objects made by defineSuite. */
export function isSuite(value: unknown): value is Suite {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Validate anything claiming to be a suite (a defineSuite result, or a plain object from a JavaScript plugin that did
 * not import defineSuite). `file`, when given, prefixes the message.
 */
export function validateSuite(value: unknown, file?: string): Suite {
  if (typeof value !== 'object' || value === null) {
    throw new SuiteDefinitionError('suite definition', [
      { field: '(default export)', message: `must be an object made by defineSuite({...}), got ${describeValue(value)}` },
    ], file);
  }
  if (isSuite(value)) return value;
  const def = value as Record<string, unknown>;
  const issues: SuiteDefinitionIssue[] = [];
  const { name, version, description } = def;
  if (typeof name !== 'string' || !SUITE_NAME.test(name)) {
    issues.push({ field: 'name', message: `must be lowercase words joined by '-' or '_' (e.g. 'ood', 'label-noise'), got ${describeValue(name)}` });
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    issues.push({ field: 'version', message: `must be an integer >= 1, got ${describeValue(version)}` });
  }
  if (typeof description !== 'string' || description.trim() === '') {
    issues.push({ field: 'description', message: `must be a non-empty string, got ${describeValue(description)}` });
  }
  if (typeof def.run !== 'function') {
    issues.push({ field: 'run', message: `must be a function (ctx) => Promise<{ result, markdown, files }>, got ${describeValue(def.run)}` });
  }
  const needs = def.needs ?? [];
  if (!Array.isArray(needs) || needs.some((n) => !NEEDS.includes(n as SuiteNeed))) {
    issues.push({ field: 'needs', message: `must be an array of ${NEEDS.map((n) => `'${n}'`).join(', ')} when given, got ${describeValue(def.needs)}` });
  }
  for (const k of OPTIONAL) {
    if (def[k] !== undefined && typeof def[k] !== 'function') issues.push({ field: k, message: `must be a function when given, got ${describeValue(def[k])}` });
  }
  if ((def.workItems === undefined) !== (def.runWorkItem === undefined)) {
    const [given, missing] = def.workItems === undefined ? ['runWorkItem', 'workItems'] : ['workItems', 'runWorkItem'];
    issues.push({ field: missing, message: `must be given with ${given} (the harness runs the items that one names with the other)` });
  }
  for (const key of Object.keys(def)) {
    if (FIELDS.includes(key)) continue;
    const near = nearestChoice(key, FIELDS);
    issues.push({ field: key, message: `is not a suite field.${near ? ` Did you mean ${near}?` : ''} Allowed: ${FIELDS.join(', ')}` });
  }
  if (issues.length > 0) {
    const subject = typeof name === 'string' && name !== '' ? `suite '${name}'` : 'suite definition';
    throw new SuiteDefinitionError(subject, issues, file);
  }
  const suite: Suite = {
    name: name as string,
    version: version as number,
    description: description as string,
    needs: Object.freeze([...(needs as SuiteNeed[])]),
    run: def.run as Suite['run'],
    ...(def.check !== undefined ? { check: def.check as Suite['check'] } : {}),
    ...(def.headline !== undefined ? { headline: def.headline as Suite['headline'] } : {}),
    ...(def.workItems !== undefined ? { workItems: def.workItems as Suite['workItems'], runWorkItem: def.runWorkItem as Suite['runWorkItem'] } : {}),
  };
  Object.defineProperty(suite, BRAND, { value: true, enumerable: false });
  return Object.freeze(suite);
}

/**
 * The harness ViT behind a suite model, for suites that need activations or training records. Throws a
 * HarnessInputError that names the suite, the model and what it lacks when the model was not trained here.
 */
export function requireVit(model: SuiteModel, suite: string, needs = 'activation probes'): TrainedModel {
  if (model.vit === undefined) {
    throw new HarnessInputError(`suite '${suite}' does not apply to model '${model.name}': it needs ${needs}, which only the harness's own ViTs expose`, 'suites');
  }
  return model.vit;
}
