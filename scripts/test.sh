#!/usr/bin/env bash
# test.sh — the whole test suite, the one command the README names and
# .ci/run calls. It starts a throw-away PostgreSQL cluster (unless
# INVENTORYD_TEST_POSTGRES_URL is already set) so that the contract suite
# and the HTTP tests run on both stores; under CI a missing PostgreSQL is a
# failure, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/inventoryd-test.XXXXXX)
[ "$(id -u)" = 0 ] && chmod 755 "$work"
cleanup() { bash scripts/pg-cluster.sh stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${INVENTORYD_TEST_POSTGRES_URL:-}" ]; then
	if url=$(bash scripts/pg-cluster.sh start "$work/pg"); then
		export INVENTORYD_TEST_POSTGRES_URL="$url"
		echo "test.sh: PostgreSQL at $url"
	elif [ -n "${CI:-}" ]; then
		echo "test.sh: PostgreSQL could not be started; CI requires it" >&2
		cat "$work/pg/"*.log >&2 || true
		exit 1
	else
		echo "test.sh: no PostgreSQL here; running the SQLite half only" >&2
	fi
fi
[ -n "${CI:-}" ] && export INVENTORYD_REQUIRE_POSTGRES=1

echo "== go vet"
go vet ./...
echo "== go test (race)"
go test -race -count=1 ./...
echo "== CGO_ENABLED=0 build"
CGO_ENABLED=0 go build -o "$work/inventoryd" ./cmd/inventoryd
export INVENTORYD_BIN="$work/inventoryd"
for extra in scripts/test.d/*.sh; do
	[ -e "$extra" ] || continue
	echo "== $extra"
	bash "$extra"
done
echo "test.sh: all suites passed"
