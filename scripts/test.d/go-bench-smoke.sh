#!/usr/bin/env bash
# go-bench-smoke.sh — runs every Go benchmark once (-benchtime 1x), so that
# a benchmark whose setup no longer holds (a changed generator, a renamed
# route) fails here instead of on the next benchstat. Timings are not
# looked at: thresholds belong to the harness report (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! out=$(INVENTORYD_BENCH_ITEMS=20000 go test -run '^$' -bench . -benchtime 1x ./... 2>&1); then
	echo "$out" >&2
	exit 1
fi
echo "go-bench-smoke: ok"
