#!/usr/bin/env bash
# The long part of the reliability suite (README, "Reliability"): 20 refreshes
# SIGKILLed at random points, disk full (as root: it mounts small tmpfs file
# systems, and skips otherwise), alert-sink secrets, the whole fault matrix
# (tag faultmatrix: every fault on its own source, then every fault on every
# source in rotation); then every fuzz target for FUZZTIME each (default 3m;
# arguments name targets, as for scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_ENABLED=1
go test -tags 'reliability faultmatrix' -count=1 -timeout 60m -v \
  -run 'TestCrashes|TestDiskFull|TestAnalystsReadThroughRefreshes|TestFaultMatrix|TestEveryFaultOnEverySource|TestRunNeverLeaksSinkSecrets' \
  ./reliability ./cmd/emigre
scripts/fuzz.sh "$@"
