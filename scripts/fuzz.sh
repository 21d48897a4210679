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

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
failed=0
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz'); do
    if [ $# -gt 0 ] && [[ " $* " != *" $target "* ]]; then
      continue
    fi
    echo "== $target ($pkg, $fuzztime)"
    log=$(mktemp)
    if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
      result=ok
    else
      result=FAILED
      failed=1
      cat "$log"
    fi
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    tail -2 "$log"
    printf '%-20s %-45s %8s %12s %s\n' "$target" "${pkg#github.com/emigre/emigre/}" "$fuzztime" "${execs:-0}" "$result" >>"$summary"
    rm -f "$log"
  done
done
echo
printf '%-20s %-45s %8s %12s %s\n' target package time execs result
cat "$summary"
exit $failed
