#!/usr/bin/env bash
# Real clients from npm (noblox.js, bloxy), unmodified, against the real binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash clients/run.sh
