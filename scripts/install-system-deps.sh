#!/usr/bin/env bash
# Install the Debian packages topk-harness uses, with apt-get. Used by .ci/run and the Dockerfile.
#
#   scripts/install-system-deps.sh [--with-browser] [--with-python-torch] [--log-dir DIR] [--dry-run]
#
# Every group is optional: a group that fails to install prints "warning:" lines (its log, what gets skipped) and the
# script goes on. It exits 0 unless the arguments are wrong (exit 2). Groups:
# - build-tools: g++ make python3, which node-gyp needs to build the libtorch addon (`npm run build:native`);
# - fashion-mnist: dataset-fashion-mnist, the study preset's data and the ood suite's other dataset (IDX files in
#   /usr/share/datasets/fashion-mnist; the harness never downloads data);
# - libtorch: libtorch-dev libopenblas0-pthread, the libtorch backend (without libopenblas0-pthread torch links
#   the reference BLAS, ~10x slower);
# - chromium (--with-browser), which renders report.html in the browser test;
# - python3-torch (--with-python-torch), Debian's PyTorch 1.13 for Python (~170 MB on top of libtorch).
# A group whose packages are all installed is skipped, so running it again installs nothing and needs no network;
# `apt-get update` runs once, before the first install. As root it calls apt-get directly; otherwise it uses
# `sudo -n` when that works and else installs nothing. --dry-run only reports what apt-get would install.
#
# Output: one line per group (installed, already installed, skipped, or a warning), then `native=1` when the addon
# can be built (libtorch-dev and the build tools are present), else `native=0`, as the last line. With
# TOPK_SYSTEM_DEPS_STATUS=FILE it also writes native=, chromium= and python3_torch= lines (each 0 or 1) to FILE.
# apt-get's output goes to DIR/apt-<group>.log and DIR/apt-update.log (default DIR: /tmp/topk-harness-deps).
set -uo pipefail

usage() {
  echo 'usage: scripts/install-system-deps.sh [--with-browser] [--with-python-torch] [--log-dir DIR] [--dry-run]' >&2
}

with_browser=0
with_python_torch=0
dry_run=0
log=/tmp/topk-harness-deps
while [ $# -gt 0 ]; do
  case "$1" in
    --with-browser) with_browser=1 ;;
    --with-python-torch) with_python_torch=1 ;;
    --dry-run) dry_run=1 ;;
    --log-dir)
      [ $# -ge 2 ] || { echo "error: --log-dir needs a directory" >&2; usage; exit 2; }
      log=$2
      shift
      ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "error: unknown option '$1'" >&2; usage; exit 2 ;;
  esac
  shift
done
mkdir -p "$log"

# apt-get as root, through `sudo -n` otherwise; empty when neither works (nothing can be installed).
apt=()
if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  echo "warning: apt-get not found (not Debian?); installing nothing"
elif [ "$dry_run" = 1 ] || [ "$(id -u)" = 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
else
  echo 'warning: not root and "sudo -n" does not work; installing nothing (run this script as root)'
fi

# installed PKG: 0 when dpkg lists PKG as installed.
installed() {
  command -v dpkg-query >/dev/null && [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

updated=0
# install GROUP PKG...: installs the missing PKGs with one apt-get call; returns 0 when all are installed after it.
install() {
  local group=$1 pkg missing=()
  shift
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  if [ ${#missing[@]} = 0 ]; then
    echo "$group: already installed ($*)"
    return 0
  fi
  if [ ${#apt[@]} = 0 ]; then
    echo "warning: $group: not installed (${missing[*]}) and nothing can install it"
    return 1
  fi
  if [ "$dry_run" = 1 ]; then
    local count
    count=$("${apt[@]}" install -s --no-install-recommends "${missing[@]}" 2>"$log/apt-$group.log" | grep -c '^Inst ')
    echo "$group: would install ${missing[*]} ($count packages with dependencies)"
    return 1
  fi
  if [ "$updated" = 0 ]; then
    updated=1
    "${apt[@]}" update -qq >"$log/apt-update.log" 2>&1 \
      || echo "warning: apt-get update failed; trying the cached package lists (see $log/apt-update.log)"
  fi
  if DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
    >"$log/apt-$group.log" 2>&1; then
    echo "$group: installed ${missing[*]}"
    return 0
  fi
  echo "warning: $group: could not install ${missing[*]} (see $log/apt-$group.log)"
  return 1
}

native=0
chromium=0
python3_torch=0
build_ok=0
install build-tools g++ make python3
install fashion-mnist dataset-fashion-mnist || echo "warning: no Fashion-MNIST; the study preset and the ood suite's default will not run"
if command -v g++ >/dev/null && command -v make >/dev/null && command -v python3 >/dev/null; then build_ok=1; fi
if install libtorch libtorch-dev libopenblas0-pthread; then
  if [ "$build_ok" = 1 ]; then
    native=1
  else
    echo "warning: libtorch is installed but g++, make or python3 is missing; the libtorch addon cannot be built"
  fi
elif installed libtorch-dev && [ "$build_ok" = 1 ]; then
  native=1
  echo "warning: libopenblas0-pthread is missing: torch will use the reference BLAS (~10x slower)"
fi
[ "$native" = 1 ] || echo "warning: no libtorch addon; the libtorch backend tests will be skipped"

if [ "$with_browser" = 1 ]; then
  if ! installed chromium && command -v chromium >/dev/null; then
    echo "chromium: already on PATH ($(command -v chromium))"
    chromium=1
  elif install chromium chromium; then
    chromium=1
  else
    echo "warning: no chromium; the browser test of report.html will be skipped"
  fi
else
  echo "chromium: skipped (pass --with-browser to install it)"
fi

if [ "$with_python_torch" = 1 ]; then
  if install python3-torch python3-torch; then python3_torch=1; fi
else
  echo "python3-torch: skipped (pass --with-python-torch to install it)"
fi

if [ -n "${TOPK_SYSTEM_DEPS_STATUS:-}" ]; then
  printf 'native=%s\nchromium=%s\npython3_torch=%s\n' "$native" "$chromium" "$python3_torch" \
    >"$TOPK_SYSTEM_DEPS_STATUS"
fi
echo "native=$native"
exit 0
