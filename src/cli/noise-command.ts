/**
 * `topk-harness noise`: show what a label-noise spec does to a dataset's training labels, without training.
 *
 *   noise --dataset mnist --spec uniform:0.4 [--mode exact|independent] [--seed N] [--json] [--data-dir DIR]
 *
 * Prints the canonical spec, the convention, requested / expected / realised changed fractions, counts and the
 * realised transition matrix with class names; --json prints one JSON object instead (the LabelNoiseReport plus
 * `dataset` and `classNames`). Bad input throws HarnessInputError from the action, for the top-level handler to
 * print once and exit 2. Output goes through the root program's configureOutput().writeOut, so tests can capture
 * it. The data loader is injected so this command does not depend on the data layer.
 */
import type { Command } from 'commander';
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { SELECTION_MODES, type SelectionMode } from '../label-noise/kinds.js';
import { parseNoiseSpec } from '../label-noise/spec.js';
import { applyLabelNoise } from '../label-noise/apply.js';
import { formatNoiseReport } from '../label-noise/format.js';

/** Loads a dataset's training labels; `name` is the dataset's canonical name. */
export type LoadTrainLabels = (
  dataset: string,
  dataDir?: string,
) => Promise<{ labels: Uint8Array; classNames: string[]; name: string }>;

/** Seed used when --seed is not given. */
export const DEFAULT_NOISE_SEED = 0;

interface NoiseOptions {
  dataset: string;
  spec: string;
  mode?: string;
  seed?: string;
  json?: boolean;
  dataDir?: string;
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_NOISE_SEED;
  if (!/^\d+$/.test(text.trim())) {
    throw new HarnessInputError(`--seed must be a non-negative integer; got '${text}'`, 'seed');
  }
  return Number(text.trim());
}

function parseMode(text: string | undefined): SelectionMode | undefined {
  if (text === undefined) return undefined;
  if (!(SELECTION_MODES as readonly string[]).includes(text)) {
    throw new HarnessInputError(unknownChoiceMessage('--mode', text, SELECTION_MODES), 'mode');
  }
  return text as SelectionMode;
}

/** Add the `noise` subcommand to `program`. */
export function registerNoiseCommand(program: Command, loadTrainLabels: LoadTrainLabels): void {
  program
    .command('noise')
    .description("show what a label-noise spec does to a dataset's training labels (rates, transition matrix), without training")
    .requiredOption('--dataset <name>', 'dataset whose training labels to corrupt, e.g. mnist, cifar10')
    .requiredOption(
      '--spec <spec>',
      'noise spec: uniform:<p>, uniform-other:<p>, pair-flip:<p>, asymmetric:<p>[:mnist|cifar10|from=to,...], ' +
        'matrix:<row>/<row>/... (rows of comma-separated entries); optional :exact or :independent',
    )
    .option('--mode <mode>', 'selection mode: exact (floor(p*N) examples) or independent (each with probability p); default depends on the kind (uniform: exact, others: independent)')
    .option('--seed <n>', `random seed (default ${DEFAULT_NOISE_SEED})`)
    .option('--json', 'print one JSON object (the report) instead of text')
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .action(async (options: NoiseOptions) => {
      const seed = parseSeed(options.seed);
      const mode = parseMode(options.mode);
      // Parse before loading, so a typo fails fast.
      const spec = parseNoiseSpec(options.spec, { dataset: options.dataset, mode });
      const data = await loadTrainLabels(options.dataset, options.dataDir);
      const { report } = applyLabelNoise(data.labels, data.classNames.length, spec, seed);
      const write = program.configureOutput().writeOut ?? ((s: string) => void process.stdout.write(s));
      if (options.json) {
        write(JSON.stringify({ dataset: data.name, classNames: data.classNames, ...report }) + '\n');
      } else {
        write(formatNoiseReport(report, data.classNames, data.name));
      }
    });
}
