// Package reliability is the harness of emigre's reliability suite: a local
// server that answers like the publishers from an archive and injects, per
// source, the faults publishers produce (resets, timeouts, error pages,
// schema drift, bombs), and checks on a published warehouse (a full scan of
// every table, a fingerprint of its state).
//
// Its tests run the fault matrix, concurrent readers and hostile input in
// `go test ./...`; the long part (20 SIGKILLed runs, disk full, every fault
// on every source) runs with `go test -tags reliability ./reliability`, and
// scripts/fuzz.sh runs every fuzz target. The harness lives outside the
// test files so that cmd/emigre's tests drive the binary's entry point
// through the same faults.
package reliability
