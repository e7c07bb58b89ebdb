/**
 * `topk-harness corruptions` and `topk-harness corrupt`: look at and apply the corruptions without training.
 *
 *   corruptions list [--json] [--corruption-module FILE ...]
 *   corruptions preview (--image in.png | --dataset mnist [--data-dir DIR] [--count 4]) [--corruption NAME ...]
 *                       [--corruption-module FILE ...] [--severities 1,3,5] [--table auto|cifar|imagenet] [--seed N]
 *                       [--out grid.png]
 *   corrupt --image in.png --corruption NAME --severity S [--table auto|cifar|imagenet] [--seed N] --out out.png
 *   corrupt --dataset mnist [--split test|train] [--data-dir DIR] --out DIR [--corruption NAME ...] [--severity S ...]
 *           [--limit N] [--seed N] [--table auto|cifar|imagenet] [--corruption-module FILE ...]
 *   corruptions apply ...   the same command as `corrupt` (same flags, same action: applyCorruption)
 *
 * `list` prints every registered corruption (built-ins, then plugins): name, family, version, source, group
 * (benchmark / held-out / plugin), description and the parameters of both severity tables; --json prints one JSON
 * array instead. `preview` writes a labelled PNG grid of one image file (stream index 0) or of the first --count test
 * images of a dataset (image i uses stream i: the pixels a run with that seed evaluates) under each corruption at each
 * severity, and prints its path. `corrupt` corrupts one image file (stream index 0; PNG out, JPEG when --out ends in
 * .jpg/.jpeg) or the first --limit images of a dataset split (image i uses stream index i, as in a run) into PNG
 * files — <out>/<index>_<label>.png for one corruption at one severity, else
 * <out>/<corruption>/<severity>/<index>_<label>.png — plus manifest.json, written last, and prints the file /
 * manifest path. With --dataset, --corruption defaults to the 15 benchmark corruptions (then plugins) and
 * --severity to 1-5.
 *
 * For `run` (wired in main.ts): addCorruptionRunOptions adds --corruption-module (repeatable) and --severity-table;
 * corruptionFlagOverrides turns them into the config's `corruption` section; the suite's check() loads the plugins
 * and checks the corruption names before training. Output goes through the root program's
 * configureOutput().writeOut, so tests can capture it. Bad input throws HarnessInputError (exit 2 in main).
 */
import { Option, type Command } from 'commander';
import { SEVERITY_TABLES, type Severity } from '../corruptions/define.js';
import { DEFAULT_CORRUPTION_TIMEOUT_SECONDS } from '../corruptions/pool.js';
import { DATASET_NAMES } from '../data/names.js';
import { HarnessInputError } from '../errors.js';
import type { ApplyFlags, PreviewFlags } from './corruptions-actions.js';
import { intFlag, numberFlag } from './options.js';

/** The implementations, loaded when a corruption command runs. */
const actions = () => import('./corruptions-actions.js');

/** Default output file of `corruptions preview`. */
export const DEFAULT_PREVIEW_FILE = 'corruptions-preview.png';

/** The dataset splits `corrupt --dataset` can write. */
export const APPLY_SPLITS = ['test', 'train'] as const;
/** Default --limit of `corrupt --dataset`. */
export const DEFAULT_APPLY_LIMIT = 100;
/** Default --count of `corruptions preview --dataset`. */
export const DEFAULT_PREVIEW_COUNT = 4;

/** Repeatable flag: each occurrence appends (undefined when never given, so "not given" stays distinguishable). */
function collect(value: string, previous?: string[]): string[] {
  return [...(previous ?? []), value];
}

function severitiesFlag(value: string): Severity[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[1-5]$/.test(p)) || new Set(parts).size !== parts.length) {
    throw new HarnessInputError(`--severities must be distinct severities 1..5 separated by commas (e.g. 1,3,5), got '${value}'`, '--severities');
  }
  return parts.map(Number).sort((a, b) => a - b) as Severity[];
}

function severityListFlag(value: string, previous?: Severity[]): Severity[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[1-5]$/.test(p))) throw new HarnessInputError(`--severity must be an integer 1..5, got '${value}'`, '--severity');
  return [...new Set([...(previous ?? []), ...parts.map(Number)])].sort((a, b) => a - b) as Severity[];
}

/** The options and action shared by `corrupt` and `corruptions apply` (one command under two names). */
function defineApplyCommand(cmd: Command, name: string, write: (s: string) => void): Command {
  return cmd
    .description('corrupt one image file, or the images of a dataset split into PNG files with a manifest')
    .option('--image <file>', 'image file to corrupt (PNG, JPEG, ...; alpha dropped, gray kept gray); uses stream index 0')
    .option('--dataset <name>', `or: dataset whose images to corrupt (${DATASET_NAMES.join(', ')})`)
    .option('--corruption <name>', 'corruption to apply (see corruptions list); with --dataset repeatable, default the 15 benchmark corruptions and any --corruption-module', collect)
    .option('--severity <s>', 'severity 1..5; with --dataset repeatable or a list like 1,3,5, default 1-5', severityListFlag)
    .addOption(new Option('--split <split>', 'with --dataset: the split to corrupt (default test)').choices([...APPLY_SPLITS]))
    .option('--data-dir <dir>', 'folder holding the dataset files (with --dataset)')
    .requiredOption('-o, --out <path>', 'with --image: the file to write (PNG; JPEG when it ends in .jpg); with --dataset: the folder')
    .option('--limit <n>', `with --dataset: the first n images of the split (default ${DEFAULT_APPLY_LIMIT})`, intFlag('--limit', 1))
    .option('--seed <n>', 'run seed of the corruption streams', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .addOption(new Option('--table <table>', 'severity table (default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]))
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .option('--threads <n>', 'with --dataset: worker threads of the corruption pool (default TOPK_CORRUPTION_THREADS, else one per core; any value gives the same bytes)', intFlag('--threads', 1, 1024))
    .option('--timeout <seconds>', `per-call time limit of a corruption on the pool (default ${DEFAULT_CORRUPTION_TIMEOUT_SECONDS}); a plugin call that overruns it stops the command with exit 2`, numberFlag('--timeout', 0.001, 86_400))
    .action(async (f: ApplyFlags) => write(await (await actions()).applyCorruption(f, name)));
}

/** Add `corruptions list|preview|apply` and the top-level `corrupt` (the same command as `corruptions apply`) to `program`. */
export function registerCorruptionsCommand(program: Command): void {
  const write = (s: string) => (program.configureOutput().writeOut ?? ((t: string) => void process.stdout.write(t)))(s);
  const cmd = program.command('corruptions').description('list the corruptions (built-ins and plugins), preview or apply them');

  cmd
    .command('list')
    .description('every corruption: name, family, version, source, benchmark/held-out/plugin, both severity tables')
    .option('--json', 'print one JSON array instead of text')
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .action(async (f: { json?: boolean; corruptionModule?: string[] }) => {
      const { formatCorruptionList, listCorruptions } = await actions();
      const rows = await listCorruptions(f.corruptionModule ?? []);
      write(f.json ? JSON.stringify(rows, null, 2) + '\n' : formatCorruptionList(rows));
    });

  cmd
    .command('preview')
    .description('write a labelled PNG grid of one image file, or of test images, under every corruption and severity')
    .option('--image <file>', 'image file to corrupt (PNG, JPEG, ...); uses stream index 0, as corrupt --image')
    .option('--dataset <name>', `or: dataset whose first test images to corrupt (${DATASET_NAMES.join(', ')})`)
    .option('--data-dir <dir>', 'folder holding the dataset files (with --dataset)')
    .option('--corruption-module <file>', 'also load this corruption plugin (file path or npm package; repeatable)', collect)
    .option('--corruption <name>', 'show only this corruption (repeatable; default: all registered)', collect)
    .option('--severities <list>', 'severities to show, e.g. 1,3,5 (default 1,2,3,4,5)', severitiesFlag)
    .addOption(new Option('--table <table>', 'severity table (default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]))
    .option('--count <n>', `with --dataset: test images, the first n (default ${DEFAULT_PREVIEW_COUNT})`, intFlag('--count', 1, 64))
    .option('--seed <n>', 'run seed of the corruption streams', intFlag('--seed', 0, 2 ** 31 - 1), 0)
    .option('-o, --out <file>', 'PNG file to write', DEFAULT_PREVIEW_FILE)
    .action(async (f: PreviewFlags) => write(await (await actions()).previewCorruptions(f)));

  defineApplyCommand(cmd.command('apply'), 'corruptions apply', write);
  defineApplyCommand(program.command('corrupt'), 'corrupt', write);
}

export { corruptionFlagOverrides, type CorruptionRunFlags } from '../config/corruption-flags.js';

/** Add --corruption-module (repeatable) and --severity-table to a run-like command. */
export function addCorruptionRunOptions(cmd: Command): Command {
  return cmd
    .option('--corruption-module <file>', 'corruption plugin for the corruption suite: a module file or npm package (repeatable; replaces corruption.plugins of the config file)', collect)
    .addOption(new Option('--severity-table <table>', 'corruption severity table (corruption.table; default auto: cifar up to 64 px, imagenet above)').choices(['auto', ...SEVERITY_TABLES]));
}
