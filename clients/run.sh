#!/usr/bin/env bash
# Runs the real-client suites (noblox.js, bloxy) against the inventoryd binary.
# CI: build the binary, export INVENTORYD_BIN, then `bash clients/run.sh`.
# Without INVENTORYD_BIN the binary is built here from ./cmd/inventoryd.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# The libraries come from the npm registry at the versions package-lock.json
# pins; --ignore-scripts: no install script of theirs runs (bloxy's would
# `npm install got`, noblox's prints a banner).
npm ci --ignore-scripts --no-audit --no-fund

if [ -z "${INVENTORYD_BIN:-}" ]; then
  mkdir -p .cache
  (cd .. && go build -o clients/.cache/inventoryd ./cmd/inventoryd)
  INVENTORYD_BIN="$here/.cache/inventoryd"
fi
export INVENTORYD_BIN

node --test test/*.test.js
