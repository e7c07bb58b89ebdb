#!/usr/bin/env bash
# Interleaved speed comparison: runs each configuration once per round, ROUNDS rounds, then prints the medians.
#   native/tools/compare.sh ROUNDS 'label1::ENV=.. cmd args' 'label2::cmd args' ...
# A cmd is `tsx native/tools/bench-backends.ts <backend> [flags]` or `peer [--topk N] [--threads N]`.
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=$1; shift
out=$(mktemp)
for r in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    label=${spec%%::*}; cmd=${spec#*::}
    if [[ $cmd == peer* ]]; then
      line=$(env OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 ../shared/peer/vit_peer.py ${cmd#peer} | tail -1)
    else
      line=$(eval "$cmd" 2>/dev/null | tail -1)
    fi
    echo "$label	$line" | tee -a "$out" >&2
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for l in open(sys.argv[1]):
    label, js = l.rstrip('\n').split('\t', 1)
    try: d = json.loads(js)
    except Exception: continue
    tr = d.get('trainImgS', d.get('train_img_s')); inf = d.get('inferImgS', d.get('infer_img_s'))
    rows.setdefault(label, []).append((tr, inf))
print(f"{'config':40} {'n':>3} {'train img/s':>12} {'infer img/s':>12}  (medians; all train / infer values)")
for label, v in rows.items():
    print(f"{label:40} {len(v):3} {statistics.median(x[0] for x in v):12.1f} {statistics.median(x[1] for x in v):12.1f}  {[round(x[0]) for x in v]} / {[round(x[1]) for x in v]}")
PY
