#!/usr/bin/env bash
# The end-to-end tests again, with the servers as separate OS processes of
# the CGO_ENABLED=0 binary (INVENTORYD_BIN, exported by scripts/test.sh)
# instead of in-process: replicas, outages and store parity.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${INVENTORYD_BIN:?scripts/test.sh exports it}"
go test -count=1 ./internal/e2e/
