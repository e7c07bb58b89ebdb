/**
 * The scorecard of a finished run, from its parts: shared by `run` (models the harness trained) and `evaluate`
 * (models trained elsewhere), so both write the same fields in the same way, validated before they are written.
 */
import * as path from 'node:path';
import type { BackendInfo } from '../backend.js';
import type { RunConfig } from '../config/run-config.js';
import type { DataSplits } from '../data/dataset.js';
import { writeRunReports } from '../report/run-reports.js';
import { computeDeltas, type ModelFile, type ModelResult, type ModelTiming, type Scorecard } from '../scorecard/scorecard.js';
import { SCHEMA_VERSION } from '../scorecard/schema.js';
import { assertValidScorecard } from '../scorecard/schema.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { gitCommit, harnessVersion, machine, sharpVersions } from './provenance.js';
import { suiteMetaOf, type SuiteRecord } from './run-suites.js';

export interface ScorecardParts {
  config: RunConfig;
  outDir: string;
  data: DataSplits;
  fingerprints: { train: string; validation: string; test: string };
  models: Record<string, ModelResult>;
  timing: Record<string, ModelTiming>;
  suites: Record<string, SuiteRecord>;
  backend: BackendInfo;
  /** Wall time of the run, every invocation of a resumed run added up (run-folder.ts). */
  elapsedSeconds: number;
  /** evaluate: the external models' files. */
  modelFiles?: Record<string, ModelFile>;
}

export async function assembleScorecard(p: ScorecardParts): Promise<Scorecard> {
  const { config, data } = p;
  const base = {
    schemaVersion: SCHEMA_VERSION,
    runId: path.basename(path.resolve(p.outDir)),
    config,
    seed: config.seed,
    data: {
      dataset: config.data.dataset,
      height: data.train.height,
      width: data.train.width,
      channels: data.train.channels,
      classes: data.train.classNames.length,
      trainCount: data.train.count,
      validationCount: data.validation.count,
      testCount: data.test.count,
      fingerprints: p.fingerprints,
    },
    calibration: {
      bins: config.eval.eceBins,
      rule: config.eval.eceRule,
      convention: `top-label, ${config.eval.eceBins} equal-width bins, ${config.eval.eceRule === 'right' ? '(lo, hi] as Guo et al.\'s reference code' : '[lo, hi) with the last bin closed, as numpy/TF'}`,
    },
    baseline: config.models[0].name,
    models: p.models,
    suites: Object.fromEntries(Object.entries(p.suites).map(([k, v]) => [k, v.result])),
    ...suiteMetaOf(p.suites),
    backend: p.backend,
    timing: {
      models: p.timing,
      suites: Object.fromEntries(Object.entries(p.suites).map(([k, v]) => [k, v.seconds])),
      totalSeconds: p.elapsedSeconds,
    },
    provenance: {
      harnessVersion: harnessVersion(),
      gitCommit: gitCommit(),
      ...machine(),
      ...(await sharpVersions()),
      createdAt: new Date().toISOString(),
      ...(p.modelFiles !== undefined ? { modelFiles: p.modelFiles } : {}),
    },
  };
  return { ...base, deltas: computeDeltas(base) };
}

/** Validate and write scorecard.json, then scorecard.md and report.html from it; returns the scorecard's path. */
export function writeScorecard(outDir: string, scorecard: Scorecard): string {
  assertValidScorecard(scorecard); // a scorecard that breaks its own schema is a harness bug: never write it
  const file = path.join(outDir, 'scorecard.json');
  writeJsonAtomic(file, scorecard);
  writeRunReports(outDir);
  return file;
}
