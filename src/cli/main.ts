/**
 * The `topk-harness` command line. Bad input exits with code 2 and one clear message; other failures exit 1.
 * Every command registers its flags here and loads its implementation only when it runs, so `--help` and
 * `--version` cost little more than node's own start-up.
 */
import { Command, CommanderError } from 'commander';
import { HarnessInputError, NonFiniteLossError, unknownChoiceMessage } from '../errors.js';
import { DATASET_NAMES } from '../data/names.js';
import { harnessVersion } from '../run/provenance.js';
import { registerCalibrationCommand } from './calibration-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerCorruptionsCommand } from './corruptions-command.js';
import { registerEvaluateCommand } from './evaluate-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerNoiseCommand } from './noise-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRunCommands } from './run-command.js';
import { registerStudyCommand } from './study-command.js';

/** `exit.code` carries a command's own non-error exit status (the gate's 1 for a regression). */
export function buildProgram(exit: { code: number } = { code: 0 }): Command {
  const program = new Command();
  program
    .name('topk-harness')
    .description('Train vanilla and Top-k Vision Transformers and compare accuracy, calibration and activation sparsity.')
    .version(harnessVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  registerRunCommands(program, exit);
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
    const { loadDataset } = await import('../data/load.js');
    const { train } = await loadDataset({ name: dataset as (typeof DATASET_NAMES)[number], dataDir }, { seed: 0 });
    return { labels: train.labels, classNames: train.classNames, name: dataset };
  });

  return program;
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

