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
		# Go's fuzzing coordinator can fail a run whose -fuzztime ran out
		# while a worker was mid-call: a bare "context deadline exceeded"
		# with no failing input (golang/go#51484, #75804). Such a run is
		# retried once; a run that wrote a failing input, panicked, or
		# failed any other way fails at once, and so does a second flake.
		for attempt in 1 2; do
			log=$bin/$target.log
			set +e
			(cd "$root/$pkg" && "$test" -test.run='^$' -test.fuzz="^$target\$" -test.fuzztime="$fuzztime" \
				-test.fuzzminimizetime=1s -test.fuzzcachedir="$cache/$module/$pkg") 2>&1 | tee "$log"
			rc=${PIPESTATUS[0]}
			set -e
			[ "$rc" -eq 0 ] && break
			if [ "$attempt" -eq 1 ] && grep -q '^    context deadline exceeded$' "$log" &&
				! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"; then
				echo "fuzz.sh: $target: the coordinator's deadline race (no failing input); running it again"
				continue
			fi
			echo "fuzz.sh: $target failed" >&2
			exit 1
		done
	done
done
echo "fuzz.sh: all targets passed"
