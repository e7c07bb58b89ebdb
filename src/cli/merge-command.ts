/**
 * `topk-harness merge DIR... --out OUT`: combine the shard folders of a multi-seed run (`run --seeds ... --shard i/n`)
 * into one run folder with the aggregate scorecard.json, scorecard.md and report.html that a single-machine
 * `run --seeds` writes (src/run/shard.ts mergeShards). Bad input (different configurations, a missing, unfinished or
 * duplicated seed, a non-empty --out) throws HarnessInputError: the CLI prints it and exits 2.
 */
import type { Command } from 'commander';

export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge the shard folders of a multi-seed run (run --shard i/n) into one run folder with the aggregate scorecard and reports')
    .argument('<dirs...>', 'shard folders, each holding config.json and seed-<s>/ folders')
    .requiredOption('-o, --out <dir>', 'the merged run folder (new or empty); seed folders are hard-linked into it (copied across filesystems)')
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (dirs: string[], f: { out: string; quiet?: boolean }) => {
      const { mergeShards } = await import('../run/shard.js');
      const out = mergeShards(dirs, f.out);
      if (!f.quiet) {
        const seeds = Object.keys(out.sources).map(Number);
        process.stderr.write(`merged ${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')}) from ${dirs.length} folder${dirs.length === 1 ? '' : 's'} into ${f.out}\n`);
      }
      process.stdout.write(`${out.scorecardPath}\n`);
    });
}
