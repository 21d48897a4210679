package load_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emigre/emigre/load"
)

// nothing is a build that writes nothing: a run with no sources.
func nothing(context.Context, *load.Tx) error { return nil }

// logged is a logged run's build that writes nothing.
func logged(context.Context, *load.Tx, *load.Declaration) error { return nil }

// runsSeen counts the runs emigre's readers see (the warehouse's and the
// run log's).
func runsSeen(t *testing.T, path string) int {
	t.Helper()
	db, err := load.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer db.Close()
	return count(t, db, `select count(*) from runs`)
}

// publishedWithLog publishes one run with nothing in it to a new warehouse, and
// logs a second beside it, so that there is a run log to keep.
func publishedWithLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	publish(t, path, newRun("r1", t0), nothing)
	if err := load.LogRun(t.Context(), path, newRun("r2", t0.Add(time.Hour)), logged); err != nil {
		t.Fatalf("LogRun: %v", err)
	}
	return path
}

// openedRunLog opens the run log of a new warehouse with a logged run,
// returning the warehouse's path and the run log's bytes before.
func openedRunLog(t *testing.T) (string, []byte, *load.RunLog) {
	t.Helper()
	path := publishedWithLog(t)
	before, err := os.ReadFile(path + load.RunLogSuffix)
	if err != nil {
		t.Fatal(err)
	}
	l, err := load.OpenRunLog(t.Context(), path)
	if err != nil {
		t.Fatalf("OpenRunLog: %v", err)
	}
	return path, before, l
}

// inBackground runs fn in a goroutine, reporting its error as what's, and
// returns a channel closed when it is done: a call that waits for the
// warehouse's lock.
func inBackground(t *testing.T, what string, fn func() error) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fn(); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}()
	return done
}

// waitFor fails the test when done is not closed in a minute: a lock not
// released hangs the call it guards.
func waitFor(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s still waiting after a minute: the warehouse's lock was not released", what)
	}
}

// The run log is opened before the run is known (while its sources are
// fetched), holding the warehouse's lock; a run that turns out to change
// data abandons it: the run log is as it was, no working file is left, and
// the lock is free for the publish.
func TestRunLogOpenedThenAbandoned(t *testing.T) {
	path, before, l := openedRunLog(t)
	if _, err := os.Stat(path + load.RunLogSuffix + load.WorkSuffix); err != nil {
		t.Errorf("no working file while the run log is open: %v", err)
	}

	// A publish of the same warehouse waits for the run log.
	published := inBackground(t, "Publish after the run log was abandoned", func() error {
		return load.Publish(context.Background(), path, newRun("r3", t0.Add(2*time.Hour)), nothing)
	})
	select {
	case <-published:
		t.Fatal("a publish went ahead while the run log was open")
	case <-time.After(200 * time.Millisecond):
	}
	if err := l.Abandon(); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if err := l.Abandon(); err != nil {
		t.Errorf("a second Abandon: %v", err)
	}
	if _, err := os.Stat(path + load.RunLogSuffix + load.WorkSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the working file outlived Abandon: %v", err)
	}
	after, err := os.ReadFile(path + load.RunLogSuffix)
	if err == nil && !bytes.Equal(before, after) {
		t.Error("abandoning the run log changed it")
	}
	waitFor(t, published, "the publish")
	if n := runsSeen(t, path); n != 3 {
		t.Errorf("%d runs after the publish, want 3 (the logged run folded in)", n)
	}
}

// A run found to change data inside the log's transaction writes nothing
// and frees the lock; a run that changes nothing is there for readers.
func TestRunLogLogsOrGivesWay(t *testing.T) {
	path, before, l := openedRunLog(t)
	changed := fmt.Errorf("%w: new figures", load.ErrPublishInFull)
	err := l.Log(t.Context(), newRun("r3", t0.Add(2*time.Hour)), func(ctx context.Context, tx *load.Tx, _ *load.Declaration) error {
		if err := load.InsertRunSources(ctx, tx, "r3", []load.RunSourceRow{{SourceID: "s", Destination: "DE", Status: load.SourceUnchanged}}); err != nil {
			return err
		}
		return changed
	})
	if !errors.Is(err, load.ErrPublishInFull) {
		t.Fatalf("Log with a build that found changes: %v, want ErrPublishInFull", err)
	}
	after, err := os.ReadFile(path + load.RunLogSuffix)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("a run that gave way changed the run log (%v)", err)
	}
	if _, err := os.Stat(path + load.RunLogSuffix + load.WorkSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the working file outlived Log: %v", err)
	}

	waitFor(t, inBackground(t, "LogRun after a run that gave way", func() error {
		return load.LogRun(context.Background(), path, newRun("r4", t0.Add(3*time.Hour)), logged)
	}), "the next logged run")
	if n := runsSeen(t, path); n != 3 {
		t.Errorf("%d runs seen, want 3 (r1 published, r2 and r4 logged)", n)
	}
}

// Without a warehouse there is no run log to open: the run publishes in
// full, and nothing is held.
func TestRunLogWithoutWarehouse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	if _, err := load.OpenRunLog(t.Context(), path); !errors.Is(err, load.ErrPublishInFull) {
		t.Fatalf("OpenRunLog without a warehouse: %v, want ErrPublishInFull", err)
	}
	waitFor(t, inBackground(t, "Publish", func() error {
		return load.Publish(context.Background(), path, newRun("r1", t0), nothing)
	}), "the first publish")
	if _, err := os.Stat(path + load.RunLogSuffix + load.WorkSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a working run log was left: %v", err)
	}
}

// A run gives each series once: a source's row without a destination is
// its only row (series_health keys a series by the source's destination).
func TestRunSourcesGiveEachSeriesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	for name, rows := range map[string][]load.RunSourceRow{
		"twice":                      {{SourceID: "s", Destination: "DE", Status: load.SourceOK}, {SourceID: "s", Destination: "DE", Status: load.SourceOK}},
		"with and without a country": {{SourceID: "s", Destination: "DE", Status: load.SourceOK}, {SourceID: "s", Status: load.SourceFailed}},
	} {
		err := load.Publish(t.Context(), path, newRun("r1", t0), func(ctx context.Context, tx *load.Tx) error {
			return load.InsertRunSources(ctx, tx, "r1", rows)
		})
		if !errors.Is(err, load.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	publish(t, path, newRun("r1", t0), func(ctx context.Context, tx *load.Tx) error {
		return load.InsertRunSources(ctx, tx, "r1", []load.RunSourceRow{
			{SourceID: "s", Destination: "DE", Status: load.SourceOK}, {SourceID: "s", Destination: "AT", Status: load.SourceOK},
			{SourceID: "m", Status: load.SourceFailed}})
	})
	if n := count(t, openRO(t, path), `select count(*) from series_health`); n != 3 {
		t.Errorf("%d series in series_health, want 3", n)
	}
}

// holdsOpen says whether this process has a file descriptor on path
// (Linux's /proc); the test is skipped where there is none to read.
func holdsOpen(t *testing.T, path string) bool {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd here: %v", err)
	}
	want, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == want {
			return true
		}
	}
	return false
}

// When Log returns, the run log is in place and closed: an analyst's
// DuckDB, which locks the file it opens, can open it at once (the database
// the run was logged in may still be closing, with no file).
func TestLoggedRunLeavesTheRunLogClosed(t *testing.T) {
	path := publishedWithLog(t)
	if err := load.LogRun(t.Context(), path, newRun("r3", t0.Add(2*time.Hour)), logged); err != nil {
		t.Fatalf("LogRun: %v", err)
	}
	if holdsOpen(t, path+load.RunLogSuffix) {
		t.Error("the run log is still open after Log returned")
	}
	if holdsOpen(t, path) {
		t.Error("the warehouse is still open after Log returned")
	}
}
