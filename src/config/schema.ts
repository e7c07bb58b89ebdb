/**
 * Validation of run configs (zod). The config file may give any subset of the fields; unknown keys are errors
 * (a typo must not be silently ignored). Issues are data (path + message), rendered once into a HarnessInputError.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { BACKEND_CHOICES } from '../backend-choices.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { SUITE_NAME } from '../suite/name.js';
import { DATASET_NAMES } from '../data/names.js';
import { formatNoiseSpec, parseNoiseSpec, validateNoiseSpec } from '../label-noise/spec.js';
import { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from '../corruptions/names.js';
import { PRESET_NAMES, PRESETS, PresetName, RunConfig } from './run-config.js';
import { jsonExcerpt, valueAt } from '../util/describe-value.js';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const kValue = z.union([z.null(), posInt, z.array(posInt).min(1)]);

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const dataSchema = z.strictObject({
  dataset: z.enum(DATASET_NAMES),
  dataDir: z.string().min(1).nullable(),
  imageSize: posInt.nullable(),
  channels: z.union([z.literal(1), z.literal(3)]),
  limitTrain: posInt.nullable(),
  limitTest: posInt.nullable(),
  validationCount: nonNegInt,
  syntheticTrainCount: posInt,
  syntheticTestCount: posInt,
});

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const modelSchema = z.strictObject({
  patchSize: posInt,
  dim: posInt,
  depth: posInt,
  heads: posInt,
  mlpDim: posInt,
  pool: z.enum(['mean', 'cls']),
});

const variantSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _'),
  k: kValue,
});

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const trainSchema = z.strictObject({
  epochs: posInt,
  batchSize: posInt,
  learningRate: z.number().positive(),
  minLearningRateFraction: fraction,
  warmupFraction: fraction,
  weightDecay: z.number().nonnegative(),
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().positive(),
  gradClipNorm: z.number().nonnegative(),
  evalBatchSize: posInt,
  checkpointEverySteps: nonNegInt,
});

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const evalSchema = z.strictObject({ eceBins: posInt, eceRule: z.enum(['right', 'left']) });

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const labelNoiseSchema = z.strictObject({ specs: z.array(z.string()), memorisationProbe: posInt, noisyValidation: z.boolean() });

/** Exported for the scorecard schema (src/scorecard/schema.ts), which embeds the resolved config. */
export const corruptionSchema = z.strictObject({
  corruptions: z.union([z.literal('benchmark'), z.literal('all'), z.array(z.string().min(1)).min(1)]),
  severities: z.array(z.number().int().min(1).max(5)).min(1),
  table: z.enum(['auto', 'cifar', 'imagenet']),
  limitTest: posInt.nullable(),
  plugins: z.array(z.string().trim().min(1)),
  /** Per-call time limit of a corruption on the worker pool, seconds (absent: 120); does not change results. */
  timeoutSeconds: z.number().positive().max(86_400).optional(),
});

/** Classes of the built-in datasets whose count is fixed (folder: known only once loaded; the suite checks then). */
const KNOWN_CLASS_COUNTS: Partial<Record<(typeof DATASET_NAMES)[number], number>> = { mnist: 10, 'fashion-mnist': 10, cifar10: 10, synthetic: 10 };

const fullSchema = z
  .strictObject({
    preset: z.enum(PRESET_NAMES),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).nullable(),
    backend: z.enum(BACKEND_CHOICES),
    data: dataSchema,
    model: modelSchema,
    models: z.array(variantSchema).min(1),
    train: trainSchema,
    eval: evalSchema,
    suites: z.array(z.string()),
    suitePlugins: z.array(z.string().trim().min(1)).optional(),
    suiteOptions: z.record(z.string(), z.unknown()).optional(),
    labelNoise: labelNoiseSchema,
    corruption: corruptionSchema,
  })
  .superRefine((c, ctx) => {
    if (c.seeds && new Set(c.seeds).size !== c.seeds.length) ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds must be distinct' });
    c.suites.forEach((s, i) => {
      // names are checked against the loaded suites (built-ins and plugins) when the run starts, with a did-you-mean
      if (!SUITE_NAME.test(s)) ctx.addIssue({ code: 'custom', path: ['suites', i], message: `'${s}' is not a suite name: lowercase words joined by '-' or '_' (e.g. calibration, label-noise)` });
      if (c.suites.indexOf(s) !== i) ctx.addIssue({ code: 'custom', path: ['suites', i], message: `suite '${s}' is listed twice` });
    });
    const noises = new Map<string, number>();
    c.labelNoise.specs.forEach((s, i) => {
      try {
        const spec = parseNoiseSpec(s, { dataset: c.data.dataset });
        validateNoiseSpec(spec, KNOWN_CLASS_COUNTS[c.data.dataset]);
        const canonical = formatNoiseSpec(spec);
        if (noises.has(canonical)) ctx.addIssue({ code: 'custom', path: ['labelNoise', 'specs', i], message: `the same noise as labelNoise.specs.${noises.get(canonical)} (${canonical})` });
        noises.set(canonical, i);
      } catch (e) {
        if (!(e instanceof HarnessInputError)) throw e;
        ctx.addIssue({ code: 'custom', path: ['labelNoise', 'specs', i], message: e.message });
      }
    });
    c.suitePlugins?.forEach((p, i) => {
      if (c.suitePlugins!.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['suitePlugins', i], message: `suite plugin '${p}' is listed twice` });
    });
    checkCorruptionSection(c.corruption, ctx);
    const names = new Set<string>();
    c.models.forEach((m, i) => {
      if (names.has(m.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name '${m.name}'` });
      names.add(m.name);
      const ks = m.k === null ? [] : typeof m.k === 'number' ? [m.k] : m.k;
      if (Array.isArray(m.k) && m.k.length !== c.model.depth) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'k'], message: `has ${m.k.length} entries but model.depth is ${c.model.depth}` });
      }
      for (const k of ks) {
        if (k > c.model.mlpDim) ctx.addIssue({ code: 'custom', path: ['models', i, 'k'], message: `k=${k} exceeds model.mlpDim=${c.model.mlpDim}` });
      }
    });
    if (c.model.dim % c.model.heads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['model', 'heads'], message: `model.dim (${c.model.dim}) must be divisible by model.heads (${c.model.heads})` });
    }
  });

/**
 * Corruption names are checked against the built-ins here (a cheap, pure list) when no plugins are configured;
 * with plugins, names that are not built-ins are checked once the plugins load (resolveCorruptionPlan in
 * suites/corruption/), before any corruption work.
 */
function checkCorruptionSection(c: z.infer<typeof corruptionSchema>, ctx: z.RefinementCtx): void {
  const builtins: readonly string[] = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS];
  if (Array.isArray(c.corruptions)) {
    c.corruptions.forEach((n, i) => {
      if (c.corruptions.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['corruption', 'corruptions', i], message: `corruption '${n}' is listed twice` });
      else if (c.plugins.length === 0 && !builtins.includes(n)) {
        ctx.addIssue({ code: 'custom', path: ['corruption', 'corruptions', i], message: `${unknownChoiceMessage('corruption', n, builtins)} (a plugin's corruption needs its module in corruption.plugins)` });
      }
    });
  }
  c.severities.forEach((s, i) => {
    if (c.severities.indexOf(s) !== i) ctx.addIssue({ code: 'custom', path: ['corruption', 'severities', i], message: `severity ${s} is listed twice` });
  });
  c.plugins.forEach((p, i) => {
    if (c.plugins.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['corruption', 'plugins', i], message: `plugin '${p}' is listed twice` });
  });
}

/** The file form: every field optional (deeply), same strictness. */
const fileSchema = z.strictObject({
  /** A note for readers of the file; not part of the resolved config. */
  description: z.string().optional(),
  preset: z.enum(PRESET_NAMES).optional(),
  seed: fullSchema.shape.seed.optional(),
  seeds: fullSchema.shape.seeds.optional(),
  backend: fullSchema.shape.backend.optional(),
  data: dataSchema.partial().optional(),
  model: modelSchema.partial().optional(),
  models: fullSchema.shape.models.optional(),
  train: trainSchema.partial().optional(),
  eval: evalSchema.partial().optional(),
  suites: z
    .union([z.array(z.string()), z.strictObject({ run: z.array(z.string()).optional(), plugins: z.array(z.string().trim().min(1)).optional() })])
    .optional()
    .describe('the suites to run, or { run: [...names], plugins: [...suite modules] }'),
  suitePlugins: z.array(z.string().trim().min(1)).optional(),
  suiteOptions: z.record(z.string(), z.unknown()).optional(),
  labelNoise: labelNoiseSchema.partial().optional(),
  corruption: corruptionSchema.partial().optional(),
});

export type ConfigOverrides = z.infer<typeof fileSchema>;

/** Render zod issues as one error: each line "path: message (got value)". */
function fail(source: string, input: unknown, issues: z.core.$ZodIssue[]): never {
  const lines = issues.map((i) => {
    const path = i.path.map(String).join('.') || '(root)';
    const got = i.code === 'unrecognized_keys' ? '' : ` (got ${jsonExcerpt(valueAt(input, i.path))})`;
    return `  ${path}: ${i.message}${got}`;
  });
  throw new HarnessInputError(`invalid ${source}:\n${lines.join('\n')}`, issues[0]?.path.map(String).join('.'));
}

/** Parse and validate a JSON config file (every field optional). */
export function readConfigFile(file: string): ConfigOverrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HarnessInputError(`cannot read config file ${file}: ${(e as Error).message}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HarnessInputError(`config file ${file} is not valid JSON: ${(e as Error).message}`, file);
  }
  return parseOverrides(raw, `config file ${file}`);
}

export function parseOverrides(raw: unknown, source = 'config'): ConfigOverrides {
  const r = fileSchema.safeParse(raw);
  if (!r.success) fail(source, raw, r.error.issues);
  return r.data;
}

/** preset ← file ← flags, each layer validated; returns a complete, valid RunConfig. */
export function resolveConfig(layers: ConfigOverrides[], presetName?: PresetName): RunConfig {
  const preset = presetName ?? [...layers].reverse().find((l) => l.preset)?.preset ?? 'quick';
  const base = structuredClone(PRESETS[preset]);
  let merged: RunConfig = base;
  for (const l of layers) {
    merged = {
      ...merged,
      ...(l.seed !== undefined ? { seed: l.seed } : {}),
      ...(l.seeds !== undefined ? { seeds: l.seeds } : {}),
      ...(l.backend !== undefined ? { backend: l.backend } : {}),
      ...(l.models !== undefined ? { models: l.models } : {}),
      ...suiteLayer(merged, l),
      data: { ...merged.data, ...stripUndefined(l.data) },
      model: { ...merged.model, ...stripUndefined(l.model) },
      train: { ...merged.train, ...stripUndefined(l.train) },
      eval: { ...merged.eval, ...stripUndefined(l.eval) },
      labelNoise: { ...merged.labelNoise, ...stripUndefined(l.labelNoise) },
      corruption: { ...merged.corruption, ...stripUndefined(l.corruption) },
    };
  }
  merged.preset = preset;
  const r = fullSchema.safeParse(merged);
  if (!r.success) fail('configuration', merged, r.error.issues);
  return r.data as RunConfig;
}

/** A layer's suite fields: the list (or { run, plugins }), plugins added to earlier layers' plugins, options by suite. */
function suiteLayer(merged: RunConfig, l: ConfigOverrides): Partial<RunConfig> {
  const out: Partial<RunConfig> = {};
  const s = l.suites;
  const run = Array.isArray(s) ? s : s?.run;
  if (run !== undefined) out.suites = run;
  const plugins = [...(Array.isArray(s) ? [] : s?.plugins ?? []), ...(l.suitePlugins ?? [])];
  if (plugins.length > 0) out.suitePlugins = [...(merged.suitePlugins ?? []), ...plugins.filter((p) => !(merged.suitePlugins ?? []).includes(p))];
  if (l.suiteOptions !== undefined) out.suiteOptions = { ...(merged.suiteOptions ?? {}), ...l.suiteOptions };
  return out;
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
