/**
 * The scorecard.json schema (zod): the source of truth for what a run writes and what every reader (report, check)
 * accepts. `reports/schema/scorecard.schema.json` is generated from it (`npx tsx scripts/gen-schema.ts`) and a test
 * fails when the two drift. The `Scorecard` TypeScript type is inferred from this schema (src/scorecard/scorecard.ts).
 *
 * Versioning: `schemaVersion` is bumped only when a field is removed, renamed or changes meaning. Adding a field
 * keeps the version (add it as optional so that older version-1 files still validate); readers therefore accept
 * keys they do not know (`allowUnknownKeys`), while the writer does not (a key missing here is a bug).
 *
 * Conventions: fractions are 0..1 numbers; every number is finite (zod 4's `z.number()` rejects NaN and ±Infinity,
 * which JSON cannot hold anyway); `null` only where the type says so (e.g. the training loss before the first step).
 * `suites.<name>` is each suite's own section and is validated by that suite, not here.
 */
import { z } from 'zod';
import { BACKEND_CHOICES } from '../backend.js';
import { PRESET_NAMES } from '../config/run-config.js';
import { corruptionSchema, dataSchema, evalSchema, labelNoiseSchema, modelSchema, trainSchema } from '../config/schema.js';
import { jsonExcerpt, valueAt } from '../util/describe-value.js';

/** The scorecard.json format version this harness writes and reads. */
export const SCHEMA_VERSION = 1 as const;

const fraction = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const posInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();
const kValue = z.union([z.null(), posInt, z.array(posInt).min(1)]).describe('null = vanilla; a number or one number per layer = Top-k');

/**
 * The resolved run configuration (src/config/run-config.ts). The core sections that results depend on are checked
 * here; sections that belong to one suite (e.g. labelNoise) pass through: src/config/schema.ts validates them when
 * the config is read, and a scorecard written before the suite existed does not have them.
 */
const seedValue = z.number().int().min(0).max(2 ** 31 - 1);
const runConfigSchema = z.looseObject({
  preset: z.enum(PRESET_NAMES),
  seed: seedValue,
  seeds: z.array(seedValue).min(1).nullable().optional().describe('multi-seed runs: every seed; null or absent = the single seed'),
  backend: z.enum(BACKEND_CHOICES),
  data: dataSchema,
  model: modelSchema,
  models: z.array(z.strictObject({ name: z.string().min(1), k: kValue })).min(1),
  train: trainSchema,
  eval: evalSchema,
  suites: z.array(z.string()),
  suitePlugins: z.array(z.string()).optional().describe('suite plugin modules of the run; absent when none'),
  suiteOptions: z.record(z.string(), z.unknown()).optional().describe("each suite's own options by suite name; absent when none"),
  // noisyValidation came after schemaVersion 1 shipped: optional here, so older scorecards still read
  labelNoise: labelNoiseSchema
    .extend({ noisyValidation: z.boolean().optional() })
    .optional()
    .describe('the label-noise suite\'s settings (src/config/schema.ts validates them); absent in scorecards from before the suite'),
  corruption: corruptionSchema
    .optional()
    .describe('the corruption suite\'s settings (src/config/schema.ts validates them); absent in scorecards from before the suite'),
});

/** One point of a training curve (src/train/trainer.ts EpochRecord). */
const epochRecordSchema = z.strictObject({
  epoch: count.describe('0 = the model at initialisation'),
  trainLoss: nonNegative.nullable().describe('mean training loss over the epoch; null at epoch 0'),
  trainAccuracy: fraction.nullable().describe('accuracy on the batches as trained; null at epoch 0'),
  validationLoss: nonNegative,
  validationAccuracy: fraction,
  validationNonzeroFraction: z.array(fraction).describe('per layer, fraction of nonzero MLP activations on validation'),
  trainNonzeroFraction: z.array(fraction).describe('per layer, the same on a fixed training probe'),
  learningRate: nonNegative,
  steps: count,
});

/** One scorecard column. */
const modelResultSchema = z.strictObject({
  name: z.string().min(1),
  k: kValue,
  parameterCount: count.nullable().describe('null for a model the harness did not train'),
  forwardFlopsPerImage: nonNegative.nullable().describe('dense forward FLOPs per image, multiply-add = 2; null for an external model'),
  test: z.strictObject({
    accuracy: fraction,
    nll: nonNegative.describe('mean negative log-likelihood, natural log'),
    ece: fraction.describe('top-label ECE under the run\'s bins and rule'),
    meanNonzeroFraction: fraction.nullable().describe('null for an external model (no activation probes)'),
    nonzeroFractionPerLayer: z.array(fraction),
  }),
  training: z
    .strictObject({
    epochs: count,
    steps: count,
    imagesSeen: count,
    finalTrainLoss: nonNegative.nullable(),
    finalValidationAccuracy: fraction,
    history: z.array(epochRecordSchema).describe('training curve; epoch 0 is the model at initialisation'),
  })
    .optional()
    .describe('absent for a model the harness did not train (evaluate)'),
});

const modelTimingSchema = z.strictObject({
  trainSeconds: nonNegative.nullable().describe('null for a model the harness did not train'),
  trainImagesPerSecond: nonNegative.nullable(),
  inferImagesPerSecond: nonNegative,
});

const backendSchema = z.strictObject({
  name: z.string().min(1).describe("tfjs backend that ran: 'tensorflow', 'libtorch', 'wasm' or 'cpu'"),
  requested: z.enum(BACKEND_CHOICES),
  skipped: z.array(z.string()).describe("why 'auto' skipped earlier choices"),
  tfjsVersion: z.string(),
  simd: z.boolean().optional(),
  threads: posInt.optional(),
  fusedKernels: z
    .boolean()
    .optional()
    .describe('wasm only: whether the fused WebAssembly training kernels ran (false: the composed tfjs ops, which round differently)'),
  libtorch: z
    .strictObject({
      torch: z.string(),
      threads: posInt,
      openblasCoreType: z.string(),
      openblasCoreTypeSource: z.enum(['cpu-flags', 'environment', 'default']),
      openblasThreads: z.string(),
      ompWaitPolicy: z.string(),
      gemm: z
        .enum(['onednn', 'openblas'])
        .optional()
        .describe("the library of the 2-D products (linear layers): oneDNN's sgemm (default) or OpenBLAS (TOPK_LIBTORCH_GEMM=openblas); they round differently. Absent before it was recorded (OpenBLAS)"),
    })
    .optional()
    .describe("libtorch backend only: torch version, threads, product library, OpenBLAS core type and where it came from"),
});

const provenanceSchema = z.strictObject({
  harnessVersion: z.string(),
  gitCommit: z.string().nullable().describe('HEAD sha, with -dirty when tracked files were modified; null outside git'),
  node: z.string(),
  platform: z.string(),
  cpu: z.string(),
  cpuCount: posInt,
  sharp: z.string().nullable(),
  libvips: z.string().nullable(),
  createdAt: z.iso.datetime(),
  modelFiles: z
    .record(z.string(), z.strictObject({
      format: z.enum(['onnx', 'function']),
      file: z.string().optional(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      layout: z.enum(['nchw', 'nhwc']).optional(),
      mean: z.array(z.number()).optional(),
      std: z.array(z.number()).optional(),
      outputs: z.enum(['logits', 'probs']),
    }))
    .optional()
    .describe("evaluate only: each external model's file, SHA-256 and input convention"),
});

/** Mean, sample std and 95% t interval of one metric over seeds (src/scorecard/statistics.ts Summary). */
const summaryShape = {
  n: posInt,
  mean: z.number(),
  std: z.number().nonnegative().nullable().describe('sample standard deviation; null for one seed'),
  low: z.number().nullable(),
  high: z.number().nullable(),
  values: z.array(z.number()).describe('one value per seed, in seed order'),
};

/** Multi-seed runs (src/run/multi-seed.ts SeedStatistics). */
const statisticsSchema = z.strictObject({
  seeds: z.array(seedValue).min(1),
  metrics: z.record(z.string(), z.record(z.string(), z.strictObject(summaryShape))).describe('model → metric key → summary over seeds'),
  paired: z
    .record(z.string(), z.record(z.string(), z.strictObject({ ...summaryShape, significant: z.boolean().describe('the 95% interval of the paired differences excludes 0') })))
    .describe('non-baseline model → metric key → paired differences (model − baseline, seed by seed)'),
  labels: z
    .record(z.string(), z.strictObject({ label: z.string(), kind: z.enum(['fraction', 'number']) }))
    .optional()
    .describe("label and kind of each suite metric key ('suites.<suite>.<key>'); absent before suites were summarised"),
});

/** scorecard.json, version 1. Key order here is documentation order; the file itself has sorted keys. */
export const scorecardSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION).describe('bumped only when a field is removed, renamed or changes meaning'),
    runId: z.string().min(1),
    config: runConfigSchema,
    seed: z.number().int().nonnegative(),
    data: z.strictObject({
      dataset: z.string().min(1),
      height: posInt,
      width: posInt,
      channels: posInt,
      classes: posInt,
      trainCount: count,
      validationCount: count,
      testCount: count,
      fingerprints: z.strictObject({ train: z.string(), validation: z.string(), test: z.string() }).describe('sha256-based fingerprints of the exact splits'),
    }),
    calibration: z.strictObject({ bins: posInt, rule: z.enum(['right', 'left']), convention: z.string() }),
    baseline: z.string().min(1).describe('the baseline model (first in config.models); deltas are other − baseline'),
    models: z.record(z.string(), modelResultSchema),
    suites: z.record(z.string(), z.unknown()).describe("each suite's section; suites/<name>.ts documents and validates its fields"),
    suiteMeta: z
      .record(z.string(), z.strictObject({
        version: posInt,
        source: z.string().min(1).describe("'built-in' or the plugin module as given"),
        headline: z.array(z.strictObject({ key: z.string().min(1), label: z.string(), kind: z.enum(['fraction', 'number']), values: z.record(z.string(), z.number().nullable()) })),
      }))
      .optional()
      .describe("each suite's version, source and headline scalars (read by the gate and multi-seed statistics without the suite's code)"),
    statistics: statisticsSchema.optional().describe('multi-seed runs only: then models hold the means over seeds'),
    deltas: z.record(z.string(), z.record(z.string(), z.number())).describe('for each non-baseline model: metric key → model − baseline'),
    backend: backendSchema,
    timing: z.strictObject({
      models: z.record(z.string(), modelTimingSchema),
      suites: z.record(z.string(), nonNegative),
      totalSeconds: nonNegative,
    }),
    provenance: provenanceSchema,
  })
  .superRefine((card, ctx) => {
    const names = Object.keys(card.models);
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!names.includes(card.baseline)) issue(['baseline'], `'${card.baseline}' is not one of models (${names.join(', ')})`);
    for (const n of names) if (card.models[n].name !== n) issue(['models', n, 'name'], `is '${card.models[n].name}' but the key is '${n}'`);
    const configured = card.config.models.map((m) => m.name);
    if ([...configured].sort().join('\0') !== [...names].sort().join('\0')) {
      issue(['models'], `has ${names.join(', ')} but config.models lists ${configured.join(', ')}`);
    }
    for (const n of Object.keys(card.deltas)) if (n === card.baseline || !names.includes(n)) issue(['deltas', n], 'is not a non-baseline model');
    for (const n of names) if (!(n in card.timing.models)) issue(['timing', 'models', n], 'is missing');
    if (card.seed !== card.config.seed && !(card.config.seeds ?? []).includes(card.seed)) {
      issue(['seed'], `is ${card.seed} but config.seed is ${card.config.seed}${card.config.seeds ? ` and config.seeds is ${card.config.seeds.join(', ')}` : ''}`);
    }
    if (card.data.dataset !== card.config.data.dataset) issue(['data', 'dataset'], `is ${card.data.dataset} but config.data.dataset is ${card.config.data.dataset}`);
  });

/** What the schema accepts; src/scorecard/scorecard.ts infers the Scorecard type from it. */
export type ScorecardData = z.infer<typeof scorecardSchema>;

/** One validation problem, as data: where (a dotted path, '(root)' for the whole file) and what. */
export interface ScorecardIssue {
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Accept keys this version does not know (a newer version-1 writer added them). Readers: true; the writer: false. */
  allowUnknownKeys?: boolean;
}

/** Problems of `value` as a version-1 scorecard; [] when it is one. */
export function scorecardIssues(value: unknown, options: ValidateOptions = {}): ScorecardIssue[] {
  const res = scorecardSchema.safeParse(value);
  if (res.success) return [];
  return res.error.issues
    .filter((i) => !(options.allowUnknownKeys && i.code === 'unrecognized_keys'))
    .map((i) => ({ path: formatPath(i.path), message: i.code === 'unrecognized_keys' ? i.message : `${i.message} (got ${jsonExcerpt(valueAt(value, i.path))})` }));
}

/** Render issues one per line, indented: "  models.topk.test.accuracy: Too big: expected number to be <=1 (got 1.5)". */
export function formatIssues(issues: readonly ScorecardIssue[], max = 20): string {
  const lines = issues.slice(0, max).map((i) => `  ${i.path}: ${i.message}`);
  if (issues.length > max) lines.push(`  ... and ${issues.length - max} more`);
  return lines.join('\n');
}

/**
 * For the writer: throw (a plain Error: this is a harness bug, not bad input) when the scorecard about to be written
 * does not match the schema, so that no file a reader would refuse is ever written.
 */
export function assertValidScorecard(value: unknown): void {
  const issues = scorecardIssues(value);
  if (issues.length > 0) {
    throw new Error(`internal error: the scorecard does not match scorecard schema version ${SCHEMA_VERSION} (src/scorecard/schema.ts):\n${formatIssues(issues)}`);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** The address the committed JSON Schema is published under (its `$id`). */
export const SCORECARD_JSON_SCHEMA_ID = `https://topk-harness.dev/schema/scorecard.v${SCHEMA_VERSION}.schema.json`;

/**
 * The JSON Schema (draft 2020-12) generated from `scorecardSchema`, as committed in
 * reports/schema/scorecard.schema.json. Cross-field rules (baseline is one of models, ...) are checked by zod only.
 */
export function scorecardJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scorecardSchema, {
    target: 'draft-2020-12',
    io: 'input', // z.object (strips unknown keys) then allows additional properties, as the reader does
    // zod writes integer literals (schemaVersion, channels) as "type": "number"; say integer
    override: ({ jsonSchema }) => {
      if (jsonSchema.type === 'number' && Number.isInteger(jsonSchema.const)) jsonSchema.type = 'integer';
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCORECARD_JSON_SCHEMA_ID,
    title: `topk-harness scorecard.json, schema version ${SCHEMA_VERSION}`,
    description:
      'Generated from src/scorecard/schema.ts by scripts/gen-schema.ts; do not edit. Fractions are 0..1, every number ' +
      'is finite, keys are sorted in the file. Cross-field rules (baseline is one of models; models match config.models) ' +
      'are checked by the harness, not by this schema.',
    ...rest,
  };
}

/** The text of reports/schema/scorecard.schema.json: 2-space JSON in the schema's own key order, newline at the end. */
export function scorecardJsonSchemaText(): string {
  return JSON.stringify(scorecardJsonSchema(), null, 2) + '\n';
}
