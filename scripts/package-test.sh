#!/usr/bin/env bash
# The package as a stranger gets it: `npm pack`, install the tarball into a fresh project, copy the corruption and the
# suite of docs/plugins.md out of the doc verbatim, type-check them with `tsc --strict --noEmit` (--skipLibCheck:
# tfjs's own declarations do not compile under --strict), run the installed
# bin with plain node on the smoke preset with both plugins, and check that the scorecard holds the plugin suite's
# section and the plugin corruption's rows for both models. Exits non-zero on the first failure.
# Usage: scripts/package-test.sh [WORK_DIR]   (default: a new temporary folder)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/topk-package-test.XXXXXX)}"
mkdir -p "$work"
cd "$repo"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
bytes=$(stat -c %s "$work/$tarball")
echo "package-test: $tarball is $bytes bytes"
[ "$bytes" -lt 1000000 ] || { echo "package-test: the tarball is over 1 MB"; exit 1; }
if tar tzf "$work/$tarball" | grep -E '^package/(reports|test|\.ci|\.github)/'; then
  echo "package-test: the tarball carries reports, tests or CI files (above)"; exit 1
fi
proj="$work/project"
rm -rf "$proj" && mkdir -p "$proj" && cd "$proj"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$work/$tarball" typescript@5.9 @types/node@20 >"$work/npm-install.log" 2>&1 \
  || { tail -n 30 "$work/npm-install.log"; exit 1; }
# the plugins, exactly as docs/plugins.md shows them (fenced blocks tagged file=NAME)
awk -v dir="$proj" '/^```ts file=/ { f = dir "/" substr($2, 6); next } /^```/ { f = ""; next } f { print > f }' "$repo/docs/plugins.md"
ls vignette.ts confidence-suite.ts >/dev/null
npx tsc --strict --noEmit --skipLibCheck --module nodenext --moduleResolution nodenext --target es2022 --types node vignette.ts confidence-suite.ts
echo "package-test: both plugins type-check under --strict"
node node_modules/topk-harness/bin/topk-harness.js run --preset smoke --backend wasm --quiet --suites calibration,corruption \
  --corruption-module ./vignette.ts --suite-module ./confidence-suite.ts --out run >"$work/run.log" 2>&1 \
  || { tail -n 30 "$work/run.log"; exit 1; }
node -e '
const c = JSON.parse(require("fs").readFileSync("run/scorecard.json", "utf8"));
const fail = (m) => { console.error("package-test: " + m); process.exit(1); };
const models = c.config.models.map((m) => m.name);
if (!c.suites.confidence) fail("no suites.confidence in the scorecard");
for (const m of models) {
  if (typeof c.suites.confidence.models[m]?.meanConfidence !== "number") fail(`no confidence result for ${m}`);
  if (!c.suites.corruption.models[m]?.perCorruption?.vignette) fail(`no vignette rows for ${m}`);
}
if (c.suiteMeta?.confidence?.source !== "./confidence-suite.ts") fail("suiteMeta.confidence does not name the plugin");
if (!require("fs").readFileSync("run/scorecard.md", "utf8").includes("## Confidence")) fail("scorecard.md lacks the plugin suite section");
console.log(`package-test: scorecard has suites.confidence and vignette rows for ${models.join(", ")}`);
'
