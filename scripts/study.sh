#!/usr/bin/env bash
# Rerun the study of STUDY.md: the `study` preset's 8 seeds as SHARDS shards in parallel (default 2; the libtorch
# backend gets each shard its share of the cores, TOPK_LIBTORCH_THREADS), then merge them into one scorecard and write STUDY.md's tables
# and figures. Interrupted? Run it again with the same OUT: every shard resumes from its checkpoints and finished
# seeds are reused.
#
#   npm run study                       # -> reports/study-rerun/ (scorecard.json, report.html, study-tables.md, figures/)
#   OUT=/tmp/s SHARDS=4 BACKEND=libtorch npm run study
#   npm run study -- --config reports/baselines/study-short.config.json   # extra flags go to every new shard
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-reports/study-rerun}
shards=${SHARDS:-2}
backend=${BACKEND:-auto}
cores=$(nproc)
export TOPK_LIBTORCH_THREADS=${TOPK_LIBTORCH_THREADS:-$(( cores / shards > 0 ? cores / shards : 1 ))}
cli=(npx tsx api/cli.ts)
mkdir -p "$out-shards"
pids=()
for i in $(seq 1 "$shards"); do
  dir="$out-shards/shard-$i"
  if [ -f "$dir/config.json" ]; then
    # resume: the shard's saved config (finished seeds are reused, the others continue from their checkpoints)
    args=(run --resume "$dir" --shard "$i/$shards" ${BACKEND:+--backend "$BACKEND"})
  else
    args=(run --preset study --backend "$backend" --shard "$i/$shards" --out "$dir" "$@")
  fi
  "${cli[@]}" "${args[@]}" 2> >(sed -u "s/^/[shard $i] /" >&2) &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
if [ "$failed" = 1 ]; then echo "a shard failed or was interrupted; run the same command again to resume" >&2; exit 1; fi
dirs=()
for i in $(seq 1 "$shards"); do dirs+=("$out-shards/shard-$i"); done
if [ -e "$out" ]; then
  # replace an earlier merge of these shards (hard links: the shard folders keep their files), nothing else
  if [ -f "$out/scorecard.json" ]; then rm -rf "$out"; else echo "$out exists and is not a merged study folder; choose another OUT" >&2; exit 1; fi
fi
"${cli[@]}" merge "${dirs[@]}" --out "$out"
"${cli[@]}" study-report "$out"
