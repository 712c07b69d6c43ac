#!/usr/bin/env bash
# A/B load test of two builds of the example gateway: the one at git
# revision BASE and the one at NEW (default: the working tree), proxying
# the same upstream on loopback. The two take turns, ROUNDS rounds of one
# run each, the order alternating, and the summary gives each build's
# medians and the median of the NEW/BASE ratios within rounds. On a
# shared machine whose speed drifts, that paired ratio of CPU per request
# is the figure to read: a change that saves a few percent shows there
# long before it shows in requests/s.
#
#   bash bench/ab-revisions.sh HEAD~1                # HEAD~1 against the working tree
#   bash bench/ab-revisions.sh v0.1.0 main           # two revisions
#   PROCS=1 ROUNDS=10 DURATION=8s bash bench/ab-revisions.sh HEAD~3
#
# PROCS sets GOMAXPROCS for both (default: Go's default). Installs nginx
# (the upstream) and wrk from Debian if missing. Sends traffic to
# 127.0.0.1 only and stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-8s}
# shellcheck source=bench/lib.sh
. bench/lib.sh

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash bench/ab-revisions.sh BASE [NEW]" >&2
  exit 2
fi
PROCS=${PROCS:-}
BASE_PORT=${BASE_PORT:-19186}

# build REV NAME: builds examples/gateway at REV ("" for the working
# tree) into $OUT/NAME.
build() {
  if [ -z "$1" ]; then
    go build -o "$OUT/$2" ./examples/gateway
    return
  fi
  local tree dest=$PWD/$OUT/$2
  tree=$(mktemp -d)
  git worktree add --detach -q "$tree" "$1"
  (cd "$tree" && go build -o "$dest" ./examples/gateway)
  git worktree remove --force "$tree"
}

install_tools
start_upstream
git rev-parse --verify -q "$1^{commit}" >/dev/null || { echo "unknown revision $1" >&2; exit 2; }
build "$1" ab-base
if [ $# -eq 2 ]; then
  git rev-parse --verify -q "$2^{commit}" >/dev/null || { echo "unknown revision $2" >&2; exit 2; }
  build "$2" ab-new
else
  build "" ab-new
fi
port[base]=$BASE_PORT
port[new]=$((BASE_PORT + 1))
start_gateway base "${port[base]}" "$PROCS" "$OUT/ab-base"
start_gateway new "${port[new]}" "$PROCS" "$OUT/ab-new"
wait_for "$UPSTREAM_PORT"
wait_for "${port[base]}"
wait_for "${port[new]}"

echo "base $1, new ${2:-working tree}; GOMAXPROCS ${PROCS:-default}; wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds"
rounds base new
echo "medians over $ROUNDS rounds (range in brackets)"
summary_line base
summary_line new
ratio new base
