#!/usr/bin/env bash
# fuzz.sh — a short run of every `go test -fuzz` target (issue 5): cursor
# decoding and encoding, the fixture importer, the query parsers (as
# functions and through the handlers), cookies and CSRF tokens. Each target
# runs for FUZZTIME (default 10s), the same as
#   go test -run='^$' -fuzz='^FuzzX$' -fuzztime=10s ./pkg
# but each package's instrumented test binary is built once. A failing
# input is written under the package's testdata/fuzz/ and fails the run;
# the corpus grows in the Go build cache, as with go test.
# scripts/test.sh runs this.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
fuzztime=${FUZZTIME:-10s}
module=$(go list -m)
cache=$(go env GOCACHE)/fuzz
bin=$(mktemp -d /tmp/inventoryd-fuzz.XXXXXX)
trap 'rm -rf "$bin"' EXIT

declare -A targets=(
	[internal/inventory]="FuzzCursorDecode FuzzCursorEncode FuzzCursorParseFast FuzzParseFixture"
	[internal/api]="FuzzQueryParams FuzzQueryHandlers FuzzCookie"
)
for pkg in internal/inventory internal/api; do
	test=$bin/$(basename "$pkg").test
	go test -c -fuzz=. -o "$test" "./$pkg"
	for target in ${targets[$pkg]}; do
		echo "fuzz.sh: $target ($pkg, $fuzztime)"
		# -fuzzminimizetime bounds the minimization of new inputs, which
		# otherwise may take a minute for the targets that write to a store.
		(cd "$root/$pkg" && "$test" -test.run='^$' -test.fuzz="^$target\$" -test.fuzztime="$fuzztime" \
			-test.fuzzminimizetime=1s -test.fuzzcachedir="$cache/$module/$pkg")
	done
done
echo "fuzz.sh: all targets passed"
