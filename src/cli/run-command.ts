/**
 * `run`, `train`, `eval` and the hidden `train-model`, `run-seed` and `suite-item` (the child processes of parallel
 * training, parallel seeds and a suite's parallel work items): their flags, and actions that load the run code only when they run, so that `--help` and
 * `--version` stay fast.
 */
import { Option, type Command } from 'commander';
import { BACKEND_CHOICES } from '../backend-choices.js';
import type { RunFlags } from '../config/from-flags.js';
import { PRESET_NAMES } from '../config/run-config.js';
import { DATASET_NAMES } from '../data/names.js';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { builtinModules } from '../plugins/builtins.js';
import { parseShard, type Shard } from '../run/shard-spec.js';
import { exitCodeFor, stopOnSignals, stopRequested } from '../run/signals.js';
import { FileWriteError } from '../util/file-errors.js';
import { addCorruptionRunOptions } from './corruptions-command.js';
import { intFlag } from './options.js';

const configFromFlags = async (f: RunFlags) => (await import('../config/from-flags.js')).configFromFlags(f);

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

/** Add run, train, eval, train-model, run-seed and suite-item to the program; `exit.code` receives an interrupted run's 130 or 143. */
export function registerRunCommands(program: Command, exit: { code: number }): void {
  addRunOptions(program.command('run').description('train every configured model, evaluate on the test split, write scorecard.json and scorecard.md'))
    .option('--shard <i/n>', 'run only shard i of n of a multi-seed run: the seeds at positions p with p mod n = i-1; no aggregate (combine the shard folders with `merge`)', parseShard)
    .option('--fresh', 'delete the run folder\'s previous results (config, checkpoints, suites, seed folders, scorecard) before starting')
    .action(async (f: RunFlags & { shard?: Shard; fresh?: boolean }) => {
      if (f.fresh && f.resume) throw new HarnessInputError('--fresh and --resume contradict each other: --fresh discards the previous results, --resume continues from them; drop one', '--fresh');
      const { config, outDir, resume } = await configFromFlags(f);
      const shard = f.shard && (config.seeds || f.shard.count > 1) ? f.shard : undefined; // 1/1 of a single seed is the whole run
      const { checkShardable, removeCells, runShard } = await import('../run/shard.js');
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
      const [{ runSeeds }, { runExperiment }, { singleSeedCaveat }] = await Promise.all([
        import('../run/multi-seed.js'), import('../run/run-experiment.js'), import('../report/seed-caveat.js'),
      ]);
      const run = config.seeds ? runSeeds : runExperiment;
      const out = await stopped.run(() => run({ config, outDir, resume, progress: !f.quiet }));
      const caveat = out.interrupted ? null : singleSeedCaveat(out.scorecard);
      if (caveat && !f.quiet) process.stderr.write(`${caveat}\n`);
      if (!out.interrupted) process.stdout.write(`${out.scorecardPath}\n`);
    });

  addRunOptions(program.command('train').description('train every configured model and keep the checkpoints; no test evaluation'))
    .action(async (f: RunFlags) => {
      const { config, outDir, resume } = await configFromFlags(f);
      if (config.seeds) throw new HarnessInputError('train takes one seed; use `run --seeds` for multi-seed runs', 'seeds');
      const { runExperiment } = await import('../run/run-experiment.js');
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
      const { config, outDir } = await configFromFlags({ resume: dir, backend: f.backend });
      if (config.seeds) throw new HarnessInputError(`${dir} is a multi-seed run; evaluate each seed-<s> folder, or finish it with run --resume ${dir}`, 'eval');
      const { runExperiment } = await import('../run/run-experiment.js');
      const out = await interruptible(exit, `topk-harness eval ${outDir}`).run(() => runExperiment({ config, outDir, resume: true, progress: !f.quiet, requireTrained: true }));
      if (!out.interrupted) process.stdout.write(`${out.scorecardPath}\n`);
    });

  // hidden: one model of a run folder, for the parallel trainer's child processes (src/run/parallel-training.ts)
  program
    .command('train-model', { hidden: true })
    .argument('<run-dir>')
    .requiredOption('--model <name>')
    .addOption(new Option('-b, --backend <name>').choices(BACKEND_CHOICES as unknown as string[]))
    .option('--predict-test', "then make the model's test and validation passes and save them beside the checkpoint")
    .action(async (dir: string, f: { model: string; backend?: string; predictTest?: boolean }) => {
      const { config } = await configFromFlags({ resume: dir, backend: f.backend });
      const variant = config.models.find((m) => m.name === f.model);
      if (!variant) throw new HarnessInputError(unknownChoiceMessage('model', f.model, config.models.map((m) => m.name)), '--model');
      const log = (l: string) => process.stderr.write(l + '\n');
      const [{ initBackend }, { prepareData, trainModel, predictTest, predictionSource }, { splitFingerprints }, { StderrProgress }, { savePredictions }, { predict }] = await Promise.all([
        import('../backend.js'), import('../run/run-experiment.js'), import('../data/load.js'), import('../util/progress.js'), import('../eval/saved-predictions.js'), import('../eval/predict.js'),
      ]);
      const backend = await initBackend(config.backend, () => {});
      const data = await prepareData(config);
      const fingerprints = splitFingerprints(data);
      await interruptible(exit, `topk-harness run --resume ${dir}`, `[${f.model}] stopped at a checkpoint`).run(async () => {
        const { tm, interrupted, finalValidation } = await trainModel({ config, data, fingerprints, outDir: dir, key: f.model, variant, progress: new StderrProgress(f.model), log });
        try {
          // Not after a stop request: the parent is stopping too (or gone) and makes the passes itself on --resume. The
          // pass is synchronous, so a signal that came during it is seen after a turn of the event loop.
          const stopping = async () => (await new Promise((r) => setImmediate(r)), stopRequested() !== undefined);
          if (!interrupted && f.predictTest && !(await stopping())) {
            const p = predictTest(tm.model, data.test, config, new StderrProgress(`${f.model} test`));
            // the calibration suite's validation pass (temperature scaling), in the same batches: the last epoch's
            // validation made it already when this process trained that epoch
            const v = finalValidation ?? predict(tm.model, data.validation, { batchSize: config.train.evalBatchSize });
            if (!(await stopping())) {
              savePredictions(predictionSource(config, dir, f.model, 'test', fingerprints.test, backend.name), p);
              savePredictions(predictionSource(config, dir, f.model, 'validation', fingerprints.validation, backend.name), v);
            }
          }
        } finally {
          tm.model.dispose();
        }
        return { interrupted };
      });
    });

  // hidden: one seed of a multi-seed run folder, for the parallel seeds' child processes (src/run/parallel-seeds.ts)
  program
    .command('run-seed', { hidden: true })
    .argument('<run-dir>')
    .requiredOption('--seed <n>', 'the seed', intFlag('--seed', 0, 2 ** 31 - 1))
    .option('--label <text>', 'its place in the run, for the progress line', '')
    .addOption(new Option('-b, --backend <name>').choices(BACKEND_CHOICES as unknown as string[]))
    .option('-q, --quiet')
    .action(async (dir: string, f: { seed: number; label: string; backend?: string; quiet?: boolean }) => {
      const { config } = await configFromFlags({ resume: dir, backend: f.backend });
      if (!config.seeds?.includes(f.seed)) throw new HarnessInputError(`${dir} is not a multi-seed run with seed ${f.seed} (its seeds: ${config.seeds?.join(', ') ?? 'none'})`, '--seed');
      const { runSeed } = await import('../run/multi-seed.js');
      await interruptible(exit, `topk-harness run --resume ${dir}`, `[seed ${f.seed}] stopped at a checkpoint`)
        .run(() => runSeed({ config, outDir: dir, progress: !f.quiet }, f.seed, f.label));
    });

  // hidden: one work item of a suite in a run folder, for the children of src/run/parallel-suite-items.ts
  program
    .command('suite-item', { hidden: true })
    .argument('<run-dir>')
    .requiredOption('--suite <name>')
    .requiredOption('--item <name>')
    .addOption(new Option('-b, --backend <name>').choices(BACKEND_CHOICES as unknown as string[]))
    .option('-q, --quiet')
    .action(async (dir: string, f: { suite: string; item: string; backend?: string; quiet?: boolean }) => {
      const { config } = await configFromFlags({ resume: dir, backend: f.backend });
      const { runSuiteItem } = await import('../run/run-experiment.js');
      await interruptible(exit, `topk-harness run --resume ${dir}`, `[${f.item}] stopped at a checkpoint`)
        .run(() => runSuiteItem({ config, outDir: dir, suite: f.suite, item: f.item, progress: !f.quiet }));
    });
}

/**
 * Run a command's work with SIGINT/SIGTERM handled (run/signals.ts): training stops at a checkpoint, and an
 * interrupted result prints how to resume and sets the exit code to 130 or 143. A full disk's error names the resume
 * command. The hidden child commands pass `childStopLine`, the line they say when stopped: their parent run gives
 * the resume advice; they stop on their parent's SIGTERM only (signals.ts StopOptions.child).
 */
function interruptible(exit: { code: number }, resumeCommand: string, childStopLine?: string) {
  const hint = () => childStopLine ?? `interrupted; resume with: ${resumeCommand}`;
  return {
    async run<T extends { interrupted: boolean }>(work: () => Promise<T>): Promise<T> {
      const remove = stopOnSignals(hint, undefined, { child: childStopLine !== undefined });
      try {
        const out = await work().catch((e: unknown) => {
          // a full disk: nothing finished is lost (checkpoints and suite results are written whole or not at all)
          throw e instanceof FileWriteError && e.isDiskFull ? e.withDiskFullAdvice(`free some space, then resume with: ${resumeCommand}`) : e;
        });
        const signal = stopRequested();
        if (out.interrupted && signal !== undefined) {
          if (childStopLine === undefined) process.stderr.write(`${hint()}\n`); // a child's parent gives the resume advice
          exit.code = exitCodeFor(signal);
        }
        return out;
      } finally {
        remove();
      }
    },
  };
}
