/**
 * `topk-harness evaluate`: ONNX classifiers trained elsewhere through the harness's suites, side by side.
 *
 *   evaluate --model NAME=FILE.onnx [--model NAME=FILE.onnx ...] [--dataset mnist|fashion-mnist|cifar10|folder]
 *            [--data-dir DIR] [--suites calibration,corruption,ood] [--layout nchw|nhwc] [--mean m1,m2,m3 --std s1,s2,s3]
 *            [--outputs auto|logits|probs] [--batch N] [--seed N] [--limit-test N] [--config FILE] [--out DIR]
 *
 * Writes the same scorecard.json, scorecard.md and report.html as `run` (gate them with `check`), with each model
 * file's SHA-256 in provenance.modelFiles. docs/evaluate.md has a PyTorch export example.
 */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { BACKEND_CHOICES } from '../backend-choices.js';
import type { RunConfig } from '../config/run-config.js';
import type { ConfigOverrides } from '../config/schema.js';
import { DATASET_NAMES } from '../data/names.js';
import { HarnessInputError } from '../errors.js';
import { EVALUATE_DEFAULT_SUITES } from '../evaluate/defaults.js';
import { intFlag } from './options.js';

interface EvaluateFlags {
  model: string[];
  dataset?: string;
  dataDir?: string;
  suites?: string[];
  suiteModule?: string[];
  corruptionModule?: string[];
  layout: 'nchw' | 'nhwc';
  mean?: number[];
  std?: number[];
  outputs: 'auto' | 'logits' | 'probs';
  batch?: number;
  seed?: number;
  limitTest?: number;
  validationCount?: number;
  config?: string;
  backend?: string;
  out?: string;
  resume?: boolean;
  quiet?: boolean;
}


const collect = (v: string, prev: string[] = []) => [...prev, v];

function numberList(flag: string) {
  return (v: string): number[] => {
    const xs = v.split(',').map((x) => x.trim());
    const out = xs.map(Number);
    if (xs.some((x) => x === '') || out.some((x) => !Number.isFinite(x))) throw new HarnessInputError(`${flag} must be comma-separated numbers, e.g. 0.485,0.456,0.406; got '${v}'`, flag);
    return out;
  };
}

/** NAME=FILE → [name, file]; a clear error otherwise. */
export function parseModelFlag(v: string): [string, string] {
  const i = v.indexOf('=');
  if (i <= 0 || i === v.length - 1) throw new HarnessInputError(`--model must be NAME=FILE.onnx (e.g. --model vanilla=exported/vanilla.onnx), got '${v}'`, '--model');
  return [v.slice(0, i).trim(), v.slice(i + 1).trim()];
}

/** The run config of an evaluation: a config file (optional) under the flags; `models` are the evaluated models. */
export async function evaluateConfig(f: EvaluateFlags, names: readonly string[]): Promise<RunConfig> {
  const { parseOverrides, readConfigFile, resolveConfig } = await import('../config/schema.js');
  const layers: ConfigOverrides[] = [];
  if (f.config) layers.push(readConfigFile(f.config));
  const data: Record<string, unknown> = {};
  if (f.dataset !== undefined) data.dataset = f.dataset;
  if (f.dataDir !== undefined) data.dataDir = f.dataDir;
  if (f.limitTest !== undefined) data.limitTest = f.limitTest;
  if (f.validationCount !== undefined) data.validationCount = f.validationCount;
  const fromFile = layers.some((l) => l.suites !== undefined);
  layers.push(parseOverrides({
    models: names.map((name) => ({ name, k: null })),
    ...(f.suites !== undefined ? { suites: f.suites } : fromFile ? {} : { suites: EVALUATE_DEFAULT_SUITES }),
    ...(f.suiteModule !== undefined ? { suitePlugins: f.suiteModule } : {}),
    ...(f.corruptionModule !== undefined ? { corruption: { plugins: f.corruptionModule } } : {}),
    ...(Object.keys(data).length ? { data } : {}),
    ...(f.seed !== undefined ? { seed: f.seed } : {}),
    ...(f.batch !== undefined ? { train: { evalBatchSize: f.batch } } : {}),
    ...(f.backend !== undefined ? { backend: f.backend } : {}),
  }, 'command-line flags'));
  return resolveConfig(layers);
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate ONNX classifiers trained elsewhere through the suites (calibration, corruption, ood, plugins), side by side, into the same scorecard as `run`')
    .requiredOption('--model <name=file>', 'a model to evaluate, NAME=FILE.onnx (repeatable; the first is the baseline)', collect)
    .addOption(new Option('--dataset <name>', 'dataset (default mnist)').choices(DATASET_NAMES.filter((d) => d !== 'synthetic')))
    .option('--data-dir <dir>', 'directory with the dataset files (fashion-mnist, cifar10, folder)')
    .option('--suites <list>', `suites, comma-separated (default ${EVALUATE_DEFAULT_SUITES.join(',')}; also ood and plugin suites; sparsity and label-noise need the harness's own models)`, (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('--suite-module <file>', 'load a suite plugin (repeatable)', collect)
    .option('--corruption-module <file>', 'load a corruption plugin for the corruption suite (repeatable)', collect)
    .addOption(new Option('--layout <layout>', 'input layout the models expect').choices(['nchw', 'nhwc']).default('nchw'))
    .option('--mean <m1,m2,m3>', 'per-channel mean subtracted after scaling pixels to [0, 1] (one value, or one per channel)', numberList('--mean'))
    .option('--std <s1,s2,s3>', 'per-channel std divided by after the mean', numberList('--std'))
    .addOption(new Option('--outputs <kind>', 'what the first output holds (auto: probabilities when every row is in [0, 1] and sums to 1)').choices(['auto', 'logits', 'probs']).default('auto'))
    .option('--batch <n>', 'images per inference batch (train.evalBatchSize)', intFlag('--batch', 1))
    .option('--seed <n>', 'run seed: validation split, corruption pixels, subsets', intFlag('--seed', 0, 2 ** 31 - 1))
    .option('--limit-test <n>', 'use a seeded subset of n test images', intFlag('--limit-test', 1))
    .option('--validation-count <n>', 'images of the training file held out as the validation split, on which the calibration suite fits its temperature (default 5000)', intFlag('--validation-count', 1))
    .option('--config <file>', 'a JSON config file (data, eval, corruption, suiteOptions, ...) under the flags')
    .addOption(new Option('-b, --backend <name>', 'tfjs backend (for JavaScript classifiers; ONNX models run in onnxruntime)').choices(BACKEND_CHOICES as unknown as string[]))
    .option('-o, --out <dir>', 'run folder (default reports/<time>-evaluate)')
    .option('--resume', 'continue an interrupted evaluation in --out (finished suites are reused)')
    .option('-q, --quiet', 'no progress output')
    .action(async (f: EvaluateFlags) => {
      const pairs = f.model.map(parseModelFlag);
      const config = await evaluateConfig(f, pairs.map(([n]) => n));
      if (f.mean !== undefined && f.std === undefined) throw new HarnessInputError('--mean needs --std too (normalisation is (x - mean) / std)', '--std');
      const outDir = f.out ?? path.join('reports', `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-evaluate`);
      const { onnxClassifier } = await import('../onnx/classifier.js');
      const { evaluateModels } = await import('../evaluate/evaluate.js');
      const opened: { close(): Promise<void> }[] = [];
      try {
        const out = await evaluateModels({
          config,
          outDir,
          resume: f.resume,
          progress: !f.quiet,
          models: async (shape) => {
            const models = [];
            for (const [name, file] of pairs) {
              const c = await onnxClassifier(name, file, shape, { layout: f.layout, mean: f.mean, std: f.std, outputs: f.outputs });
              opened.push(c);
              models.push({
                name,
                classifier: c,
                file: () => ({ format: 'onnx' as const, file, sha256: c.sha256, layout: c.layout, ...(f.mean ? { mean: f.mean, std: f.std } : {}), outputs: c.outputs() }),
              });
            }
            return models;
          },
        });
        process.stdout.write(`${out.scorecardPath}\n`);
      } finally {
        for (const c of opened) await c.close();
      }
    });
}
