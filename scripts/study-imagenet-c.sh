#!/usr/bin/env bash
# The study's corruption suite again with ImageNet-C's severity parameters (the paper's table; `auto` picks CIFAR-10-C's
# for 28-pixel images), on the clean-trained models of a finished `npm run study`: no training, the checkpoints are
# hard-linked from its shard folders. Each seed is evaluated with `topk-harness eval`, then aggregated over the 8 seeds.
#
#   bash scripts/study-imagenet-c.sh [SHARDS_DIR (default reports/study-rerun-shards)] [OUT (default reports/study-imagenet-c)]
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-reports/study-rerun-shards}
out=${2:-reports/study-imagenet-c}
cfg=scripts/study-imagenet-c.config.json
cli=(npx tsx api/cli.ts)
seeds=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$shards/shard-1/config.json','utf8')).seeds.join(' '))")
mkdir -p "$out"
for s in $seeds; do
  src=$(ls -d "$shards"/shard-*/seed-"$s" | head -n 1)
  dir="$out/seed-$s"
  [ -f "$dir/scorecard.json" ] && continue
  mkdir -p "$dir/checkpoints"
  for m in vanilla topk16 topk32; do ln -f "$src/checkpoints/$m.ckpt" "$dir/checkpoints/$m.ckpt"; done
  # the seed's config: this config file resolved, for seed s (what `run --seeds` writes into a seed folder)
  npx tsx -e "
    import { readConfigFile, resolveConfig } from './src/config/schema.ts';
    import { seedConfig } from './src/run/multi-seed.ts';
    import { stableStringify } from './src/util/atomic.ts';
    import * as fs from 'node:fs';
    fs.writeFileSync('$dir/config.json', stableStringify(seedConfig(resolveConfig([readConfigFile('$cfg')]), $s)));
  "
done
# two seeds at a time (one libtorch thread each)
printf '%s\n' $seeds | xargs -P 2 -I{} sh -c '[ -f "'"$out"'/seed-{}/scorecard.json" ] || npx tsx api/cli.ts eval "'"$out"'/seed-{}" --quiet'
# aggregate: the finished seed folders are reused (their configs match), nothing is trained
if [ -f "$out/config.json" ]; then
  "${cli[@]}" run --resume "$out" --quiet
else
  "${cli[@]}" run --config "$cfg" --seeds "$(echo $seeds | tr ' ' ,)" --out "$out" --quiet
fi
