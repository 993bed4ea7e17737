#!/usr/bin/env bash
# bench-smoke.sh — runs the load harness (cmd/inventoryd-bench) at a tiny
# size for about a second per path: a smoke test that data generation,
# import, serving, the load generator, the baseline and the report all
# work. No thresholds here: they belong to the harness report
# (docs/performance.md). The harness fails if any request failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/inventoryd-bench-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
args=(-items 20k -conns 8 -duration 1s -warmup 200ms -depth-duration 300ms -depth 100
	-data "$work/data" -out "$work/out")
if [ -n "${INVENTORYD_BIN:-}" ]; then
	args+=(-bin "$INVENTORYD_BIN")
fi
go build -o "$work/inventoryd-bench" ./cmd/inventoryd-bench
timeout 120 "$work/inventoryd-bench" "${args[@]}" >"$work/report.md"
for path in 'is-owned' 'inventory by type, limit 10' 'owners of a limited, limit 100' 'page 100' 'baseline (after)'; do
	grep -qF "| $path |" "$work/out/results.md" || { echo "bench-smoke: no row for $path" >&2; cat "$work/report.md" >&2; exit 1; }
done
test -s "$work/out/performance.svg"
echo "bench-smoke: ok"
