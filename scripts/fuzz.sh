#!/usr/bin/env bash
# Runs every fuzz target of the module (go test -fuzz), one after the other,
# for FUZZTIME each (default 3m), and prints a table of executions.
# A crasher is kept by Go in the package's testdata/fuzz/<Target>/: fix the
# code, keep the file (it becomes a regression case of `go test ./...`).
#
#   scripts/fuzz.sh                 # every target, 3 minutes each
#   FUZZTIME=30s scripts/fuzz.sh    # quicker
#   scripts/fuzz.sh FuzzJSONStat    # the targets named
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3m}
export CGO_ENABLED=1

# The targets, read from the sources (listing them with go test -list would
# build every package's tests first): "directory name" per line.
targets=$(grep -rEo --include='*_test.go' --exclude-dir=testdata '^func Fuzz[A-Za-z0-9_]+' . |
  sed -E 's#^\./(.+)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)$#\1 \2#' | sort -u)

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failed=0
while read -r dir target; do
  if [ -z "$target" ] || { [ $# -gt 0 ] && [[ " $* " != *" $target "* ]]; }; then
    continue
  fi
  echo "== $target (./$dir, $fuzztime)"
  log=$(mktemp)
  if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "./$dir" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed=1
    cat "$log"
  fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  tail -2 "$log"
  printf '%-20s %-24s %8s %12s %s\n' "$target" "$dir" "$fuzztime" "${execs:-0}" "$result" >>"$summary"
  rm -f "$log"
done <<<"$targets"
echo
printf '%-20s %-24s %8s %12s %s\n' target package time execs result
cat "$summary"
exit $failed
