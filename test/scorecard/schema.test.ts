/**
 * The scorecard schema: a real scorecard validates; the committed JSON Schema is what the zod schema generates; the
 * Scorecard type is the schema's (inferred) with RunConfig as its config (checked by tsc); bad values are reported with their path.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../../src/config/run-config.js';
import type { Scorecard } from '../../src/scorecard/scorecard.js';
import { assertValidScorecard, SCHEMA_VERSION, scorecardIssues, scorecardJsonSchema, scorecardJsonSchemaText, ScorecardData, scorecardSchema } from '../../src/scorecard/schema.js';
import { sampleScorecard } from '../report/fixtures.js';

// ---- compile-time agreement (tsc --noEmit fails when they drift) ---------------------------------------------
// Scorecard is inferred from the schema (src/scorecard/scorecard.ts); only its config is the harness's own RunConfig,
// which the schema describes loosely (suite sections pass through). These checks keep the two configs in step.
type StripIndex<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
type SchemaConfig = StripIndex<ScorecardData['config']>;
type Check<T extends true> = T;
/** Every config the harness writes is one the schema describes. */
type ConfigFits = Check<RunConfig extends SchemaConfig ? true : false>;
/** Every field of RunConfig is described by the schema: adding one means adding it there. */
type ConfigFieldsDescribed = Check<Exclude<keyof RunConfig, keyof SchemaConfig> extends never ? true : false>;
/** The rest of the writer's type is the schema's own. */
type RestIsSchema = Check<Omit<Scorecard, 'config'> extends Omit<ScorecardData, 'config'> ? (Omit<ScorecardData, 'config'> extends Omit<Scorecard, 'config'> ? true : false) : false>;
export type SchemaTypeChecks = [ConfigFits, ConfigFieldsDescribed, RestIsSchema];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('scorecard schema', () => {
  it('accepts a real smoke-preset scorecard', () => {
    expect(scorecardIssues(sampleScorecard())).to.deep.equal([]);
    expect(() => assertValidScorecard(sampleScorecard())).not.to.throw();
  });

  it('has schemaVersion first, as the integer literal 1', () => {
    expect(SCHEMA_VERSION).to.equal(1);
    expect(Object.keys(scorecardSchema.shape)[0]).to.equal('schemaVersion');
    const json = scorecardJsonSchema() as { properties: Record<string, { type: string; const: number }> };
    expect(Object.keys(json.properties)[0]).to.equal('schemaVersion');
    expect(json.properties.schemaVersion).to.include({ type: 'integer', const: 1 });
  });

  it('reports/schema/scorecard.schema.json is what the zod schema generates (run: npx tsx scripts/gen-schema.ts)', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'reports', 'schema', 'scorecard.schema.json'), 'utf8');
    expect(committed === scorecardJsonSchemaText(), 'reports/schema/scorecard.schema.json is out of date: run npx tsx scripts/gen-schema.ts').to.equal(true);
  });

  it('names the path of each bad field', () => {
    const card = sampleScorecard();
    card.models.topk.test.accuracy = 1.5;
    card.models.vanilla.training.history[2].validationLoss = null;
    delete card.provenance.node;
    const issues = scorecardIssues(card);
    expect(issues.map((i) => i.path)).to.have.members(['models.topk.test.accuracy', 'models.vanilla.training.history[2].validationLoss', 'provenance.node']);
    expect(issues.find((i) => i.path === 'models.topk.test.accuracy')!.message).to.match(/<=1 \(got 1\.5\)$/);
  });

  it('allows null only where the type does', () => {
    const card = sampleScorecard();
    card.models.topk.training.finalTrainLoss = null; // allowed: no step yet
    card.provenance.gitCommit = null; // allowed: outside git
    expect(scorecardIssues(card)).to.deep.equal([]);
    card.models.topk.test.nll = null; // a non-finite NLL serialises as null: not a valid number
    expect(scorecardIssues(card).map((i) => i.path)).to.deep.equal(['models.topk.test.nll']);
  });

  it('rejects unknown keys when writing and accepts them when reading (added fields keep the version)', () => {
    const card = sampleScorecard();
    card.models.topk.test.futureMetric = 0.5;
    expect(scorecardIssues(card).map((i) => i.path)).to.deep.equal(['models.topk.test']);
    expect(() => assertValidScorecard(card)).to.throw(/internal error: the scorecard does not match scorecard schema version 1[\s\S]*models\.topk\.test: Unrecognized key: "futureMetric"/);
    expect(scorecardIssues(card, { allowUnknownKeys: true })).to.deep.equal([]);
  });

  it('lets suite-owned config sections and suite results through', () => {
    const card = sampleScorecard();
    card.config.labelNoise = { specs: ['uniform:0.4'], memorisationProbe: 2000 };
    card.suites.anything = { any: ['shape'] };
    expect(scorecardIssues(card)).to.deep.equal([]);
  });

  it('checks the cross-field rules', () => {
    const card = sampleScorecard();
    card.baseline = 'resnet';
    card.models.topk.name = 'top-k';
    card.seed = 7;
    expect(scorecardIssues(card)).to.deep.equal([
      { path: 'baseline', message: `'resnet' is not one of models (topk, vanilla) (got "resnet")` },
      { path: 'models.topk.name', message: `is 'top-k' but the key is 'topk' (got "top-k")` },
      { path: 'seed', message: 'is 7 but config.seed is 0 (got 7)' },
    ]);
  });
});
