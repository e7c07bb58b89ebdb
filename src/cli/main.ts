/**
 * The `topk-harness` command line. Bad input exits with code 2 and one clear message; other failures exit 1.
 */
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { BACKEND_CHOICES, initBackend } from '../backend.js';
import { PRESET_NAMES, PresetName, RunConfig } from '../config/run-config.js';
import { ConfigOverrides, parseOverrides, readConfigFile, resolveConfig } from '../config/schema.js';
import { DATASET_NAMES } from '../data/load.js';
import { builtinModules } from '../plugins/builtins.js';
import { HarnessInputError, NonFiniteLossError, unknownChoiceMessage } from '../errors.js';
import { defaultRunId, prepareData, runExperiment, trainModel } from '../run/run-experiment.js';
import { datasetFingerprint } from '../data/load.js';
import { StderrProgress } from '../util/progress.js';
import { runSeeds } from '../run/multi-seed.js';
import { checkShardable, parseShard, removeCells, runShard, type Shard } from '../run/shard.js';
import { harnessVersion } from '../run/provenance.js';
import { exitCodeFor, stopOnSignals, stopRequested } from '../run/signals.js';
import { FileWriteError } from '../util/file-errors.js';
import { intFlag } from './options.js';
import { registerNoiseCommand } from './noise-command.js';
import { registerCalibrationCommand } from './calibration-command.js';
import { registerReportCommand } from './report-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerStudyCommand } from './study-command.js';
import { registerEvaluateCommand } from './evaluate-command.js';
import { addCorruptionRunOptions, corruptionFlagOverrides, registerCorruptionsCommand, type CorruptionRunFlags } from './corruptions-command.js';
import * as fs from 'node:fs';
import { loadDataset } from '../data/load.js';
import { singleSeedCaveat } from '../report/seed-caveat.js';

interface RunFlags extends CorruptionRunFlags {
  config?: string;
  preset?: PresetName;
  seed?: number;
  seeds?: number[] | number;
  out?: string;
  backend?: string;
  resume?: string | boolean;
  dataset?: string;
  dataDir?: string;
  limitTrain?: number;
  limitTest?: number;
  epochs?: number;
  suites?: string[];
  suiteModule?: string[];
  quiet?: boolean;
}

/** --seeds 3 (a count) or --seeds 0,1,5 (a list). */
function seedsFlag(value: string): number[] | number {
  if (/^\d+$/.test(value.trim())) return intFlag('--seeds', 1, 1000)(value);
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new HarnessInputError(`--seeds must be a count (e.g. 8) or a comma-separated list of seeds (e.g. 0,1,5), got '${value}'`, '--seeds');
  }
  return parts.map(Number);
}

function addRunOptions(cmd: Command): Command {
  const c = cmd
    .option('-c, --config <file>', 'JSON config file (any subset of the fields; see README)')
    .addOption(new Option('-p, --preset <name>', 'smoke | quick | paper | study (default quick)').choices(PRESET_NAMES as unknown as string[]))
    .option('-s, --seed <n>', 'run seed: every random draw derives from it', intFlag('--seed', 0, 2 ** 31 - 1))
    .option('--seeds <n|list>', 'train and evaluate once per seed: a count (seed, seed+1, ...) or a list like 0,1,5; adds mean, std, 95% intervals and paired differences', seedsFlag)
    .option('-o, --out <dir>', 'run folder (default reports/<time>-<preset>-s<seed>)')
    .addOption(new Option('-b, --backend <name>', 'tfjs backend').choices(BACKEND_CHOICES as unknown as string[]))
    .option('--resume [dir]', 'continue the interrupted run in <dir> (or --out) from its checkpoints')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES as unknown as string[]))
    .option('--data-dir <dir>', 'directory with the dataset files (fashion-mnist, cifar10, folder)')
    .option('--limit-train <n>', 'use a seeded subset of n training images', intFlag('--limit-train', 1))
    .option('--limit-test <n>', 'use a seeded subset of n test images', intFlag('--limit-test', 1))
    .option('--epochs <n>', 'override train.epochs', intFlag('--epochs', 1))
    .option('--suites <list>', `suites to run after training, comma-separated (built-in: ${builtinModules().suites.map((s) => s.name).join(', ')}; or a plugin suite's name); replaces the preset's list`, (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('--suite-module <file>', 'load a suite plugin (a .ts/.mts/.js/.mjs file or an npm package whose default export is defineSuite({...})); it runs after the listed suites; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .option('-q, --quiet', 'no progress output');
  return addCorruptionRunOptions(c);
}

/** Resolve preset ← config file ← flags; a resumed run reads its saved config instead. */
function configFromFlags(f: RunFlags): { config: RunConfig; outDir: string; resume: boolean } {
  const resumeDir = typeof f.resume === 'string' ? f.resume : f.resume ? f.out : undefined;
  if (f.resume && !resumeDir) throw new HarnessInputError('--resume needs the run folder: --resume <dir> or --resume --out <dir>', '--resume');
  if (resumeDir) {
    const saved = path.join(resumeDir, 'config.json');
    if (!fs.existsSync(saved)) throw new HarnessInputError(`cannot resume ${resumeDir}: no config.json there`, '--resume');
    const conflicting = (['config', 'preset', 'seed', 'seeds', 'dataset', 'dataDir', 'limitTrain', 'limitTest', 'epochs', 'suites', 'suiteModule', 'corruptionModule', 'severityTable'] as const).filter((k) => f[k] !== undefined);
    if (conflicting.length) throw new HarnessInputError(`--resume takes the run's saved config; drop ${conflicting.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')}`, '--resume');
    const cfg = resolveConfig([readConfigFile(saved)]);
    return { config: f.backend ? { ...cfg, backend: f.backend as RunConfig['backend'] } : cfg, outDir: resumeDir, resume: true };
  }
  const layers: ConfigOverrides[] = [];
  if (f.config) layers.push(readConfigFile(f.config));
  const flags: Record<string, unknown> = {};
  if (f.seed !== undefined) flags.seed = f.seed;
  if (f.seeds !== undefined) {
    const first = f.seed ?? layers.reduce<number | undefined>((s, l) => l.seed ?? s, undefined) ?? 0;
    flags.seeds = typeof f.seeds === 'number' ? Array.from({ length: f.seeds }, (_, i) => first + i) : f.seeds;
  }
  if (f.backend !== undefined) flags.backend = f.backend;
  const data: Record<string, unknown> = {};
  if (f.dataset !== undefined) data.dataset = f.dataset;
  if (f.dataDir !== undefined) data.dataDir = f.dataDir;
  if (f.limitTrain !== undefined) data.limitTrain = f.limitTrain;
  if (f.limitTest !== undefined) data.limitTest = f.limitTest;
  if (Object.keys(data).length) flags.data = data;
  if (f.epochs !== undefined) flags.train = { epochs: f.epochs };
  if (f.suites !== undefined) flags.suites = f.suites;
  if (f.suiteModule !== undefined) flags.suitePlugins = f.suiteModule;
  const corruption = corruptionFlagOverrides(f);
  if (corruption) flags.corruption = corruption;
  layers.push(parseOverrides(flags, 'command-line flags'));
  const config = resolveConfig(layers, f.preset);
  return { config, outDir: f.out ?? path.join('reports', defaultRunId(config)), resume: false };
}

/** `exit.code` carries a command's own non-error exit status (the gate's 1 for a regression). */
export function buildProgram(exit: { code: number } = { code: 0 }): Command {
  const program = new Command();
  program
    .name('topk-harness')
    .description('Train vanilla and Top-k Vision Transformers and compare accuracy, calibration and activation sparsity.')
    .version(harnessVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  addRunOptions(program.command('run').description('train every configured model, evaluate on the test split, write scorecard.json and scorecard.md'))
    .option('--shard <i/n>', 'run only shard i of n of a multi-seed run: the seeds at positions p with p mod n = i-1; no aggregate (combine the shard folders with `merge`)', parseShard)
    .option('--fresh', 'delete the run folder\'s previous results (config, checkpoints, suites, seed folders, scorecard) before starting')
    .action(async (f: RunFlags & { shard?: Shard; fresh?: boolean }) => {
      if (f.fresh && f.resume) throw new HarnessInputError('--fresh and --resume contradict each other: --fresh discards the previous results, --resume continues from them; drop one', '--fresh');
      const { config, outDir, resume } = configFromFlags(f);
      const shard = f.shard && (config.seeds || f.shard.count > 1) ? f.shard : undefined; // 1/1 of a single seed is the whole run
      if (shard) checkShardable(config, shard); // before --fresh removes anything
      if (f.fresh) removeCells(outDir);
      const stopped = interruptible(exit, `topk-harness run --resume ${outDir}`);
      if (shard) {
        const out = await stopped.run(() => runShard({ config, outDir, resume, progress: !f.quiet }, shard));
        if (out.interrupted) return;
        const { index, count } = shard;
        const ran = out.seeds.length ? `seed${out.seeds.length > 1 ? 's' : ''} ${out.seeds.join(', ')}` : 'no seeds (more shards than seeds)';
        const reused = out.reused.length ? ` (reused: ${out.reused.join(', ')})` : '';
        process.stdout.write(`shard ${index}/${count}: ${ran}${reused} in ${outDir}\n`);
        const others = count > 1 ? ` <the other ${count - 1} shard folder${count > 2 ? 's' : ''}>` : '';
        process.stdout.write(`when every shard has finished: topk-harness merge ${outDir}${others} --out <merged-dir>\n`);
        return;
      }
      const run = config.seeds ? runSeeds : runExperiment;
      const out = await stopped.run(() => run({ config, outDir, resume, progress: !f.quiet }));
      const caveat = out.interrupted ? null : singleSeedCaveat(out.scorecard);
      if (caveat && !f.quiet) process.stderr.write(`${caveat}\n`);
      if (!out.interrupted) process.stdout.write(`${out.scorecardPath}\n`);
    });

  addRunOptions(program.command('train').description('train every configured model and keep the checkpoints; no test evaluation'))
    .action(async (f: RunFlags) => {
      const { config, outDir, resume } = configFromFlags(f);
      if (config.seeds) throw new HarnessInputError('train takes one seed; use `run --seeds` for multi-seed runs', 'seeds');
      const out = await interruptible(exit, `topk-harness train --resume ${outDir}`).run(() => runExperiment({ config, outDir, resume, progress: !f.quiet, evaluate: false }));
      if (!out.interrupted) process.stdout.write(`${outDir}\n`);
    });

  program
    .command('eval')
    .description('evaluate the trained models of a run folder on the test split and write its scorecard')
    .argument('<run-dir>', 'a run folder written by `run` or `train`')
    .addOption(new Option('-b, --backend <name>', 'tfjs backend').choices(BACKEND_CHOICES as unknown as string[]))
    .option('-q, --quiet', 'no progress output')
    .action(async (dir: string, f: { backend?: string; quiet?: boolean }) => {
      const { config, outDir } = configFromFlags({ resume: dir, backend: f.backend });
      if (config.seeds) throw new HarnessInputError(`${dir} is a multi-seed run; evaluate each seed-<s> folder, or finish it with run --resume ${dir}`, 'eval');
      const out = await interruptible(exit, `topk-harness eval ${outDir}`).run(() => runExperiment({ config, outDir, resume: true, progress: !f.quiet, requireTrained: true }));
      if (!out.interrupted) process.stdout.write(`${out.scorecardPath}\n`);
    });

  // hidden: one model of a run folder, for the parallel trainer's child processes (src/run/parallel-training.ts)
  program
    .command('train-model', { hidden: true })
    .argument('<run-dir>')
    .requiredOption('--model <name>')
    .addOption(new Option('-b, --backend <name>').choices(BACKEND_CHOICES as unknown as string[]))
    .action(async (dir: string, f: { model: string; backend?: string }) => {
      const { config } = configFromFlags({ resume: dir, backend: f.backend });
      const variant = config.models.find((m) => m.name === f.model);
      if (!variant) throw new HarnessInputError(unknownChoiceMessage('model', f.model, config.models.map((m) => m.name)), '--model');
      const log = (l: string) => process.stderr.write(l + '\n');
      await initBackend(config.backend, () => {});
      const data = await prepareData(config);
      const fingerprints = { train: datasetFingerprint(data.train), validation: datasetFingerprint(data.validation), test: datasetFingerprint(data.test) };
      const remove = stopOnSignals(() => `[${f.model}] stopped at a checkpoint`);
      try {
        const { tm, interrupted } = await trainModel({ config, data, fingerprints, outDir: dir, key: f.model, variant, progress: new StderrProgress(f.model), log }).catch((e: unknown) => {
          throw e instanceof FileWriteError && e.isDiskFull ? e.withDiskFullAdvice(`free some space, then resume with: topk-harness run --resume ${dir}`) : e;
        });
        tm.model.dispose();
        const signal = stopRequested();
        if (interrupted && signal !== undefined) exit.code = exitCodeFor(signal);
      } finally {
        remove();
      }
    });

  registerCalibrationCommand(program);
  registerReportCommand(program);
  registerStudyCommand(program);
  registerCorruptionsCommand(program);
  registerEvaluateCommand(program);
  registerMergeCommand(program);
  registerCheckCommand(program, (code) => {
    exit.code = code;
  });
  registerNoiseCommand(program, async (dataset, dataDir) => {
    if (!(DATASET_NAMES as readonly string[]).includes(dataset)) {
      throw new HarnessInputError(unknownChoiceMessage('dataset', dataset, DATASET_NAMES), 'dataset');
    }
    const { train } = await loadDataset({ name: dataset as (typeof DATASET_NAMES)[number], dataDir }, { seed: 0 });
    return { labels: train.labels, classNames: train.classNames, name: dataset };
  });

  return program;
}

/**
 * Run a command's work with SIGINT/SIGTERM handled (run/signals.ts): training stops at a checkpoint, and an
 * interrupted result prints how to resume and sets the exit code to 130 or 143.
 */
function interruptible(exit: { code: number }, resumeCommand: string) {
  const hint = () => `interrupted; resume with: ${resumeCommand}`;
  return {
    async run<T extends { interrupted: boolean }>(work: () => Promise<T>): Promise<T> {
      const remove = stopOnSignals(hint);
      try {
        const out = await work().catch((e: unknown) => {
          // a full disk: nothing finished is lost (checkpoints and suite results are written whole or not at all)
          throw e instanceof FileWriteError && e.isDiskFull ? e.withDiskFullAdvice(`free some space, then resume with: ${resumeCommand}`) : e;
        });
        const signal = stopRequested();
        if (out.interrupted && signal !== undefined) {
          process.stderr.write(`${hint()}\n`);
          exit.code = exitCodeFor(signal);
        }
        return out;
      } finally {
        remove();
      }
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(exit);
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (unknown option, missing argument, help, version)
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof HarnessInputError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof NonFiniteLossError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

