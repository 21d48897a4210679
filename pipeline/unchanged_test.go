package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// A run whose every answer loads what was loaded already leaves the
// published file alone and records itself in the run log; readers see the
// run and its series' health; a plain DuckDB client sees the warehouse as
// published; the next run that changes data folds the log in.
func TestUnchangedRunGoesToTheRunLogAndIsFoldedIn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	first, err := Run(ctx, offlineOptions(path))
	if err != nil {
		t.Fatal(err)
	}
	published, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := load.OpenReadOnly(ctx, path) // held across the logged run
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	second, err := Run(ctx, offlineOptions(path))
	if err != nil {
		t.Fatal(err)
	}
	if !second.DataUnchanged || second.PublishedRun != first.RunID || second.Unchanged != second.Attempted || second.Loaded != 0 {
		t.Fatalf("second run: data unchanged %v (published run %q, want %q), %d of %d unchanged, %d loaded",
			second.DataUnchanged, second.PublishedRun, first.RunID, second.Unchanged, second.Attempted, second.Loaded)
	}
	if len(second.Estimates) != 0 || len(second.Checks) != 0 || len(second.Reports) != 0 {
		t.Errorf("a run that changed nothing computed %d estimates, %d checks, %d reports", len(second.Estimates), len(second.Checks), len(second.Reports))
	}
	now, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(published, now) || !now.ModTime().Equal(published.ModTime()) {
		t.Error("the published warehouse was rewritten by a run that changed no data")
	}
	if _, err := os.Stat(path + load.RunLogSuffix); err != nil {
		t.Fatalf("no run log: %v", err)
	}
	// Small blocks: the log's commit and checkpoint stay cheap.
	if b := runLogBlockSize(t, path+load.RunLogSuffix); b != 16384 {
		t.Errorf("the run log has %d-byte blocks, want 16384", b)
	}
	stale, err := os.ReadFile(path + load.RunLogSuffix)
	if err != nil {
		t.Fatal(err)
	}
	// The reader opened before still sees what it opened. (Within one
	// process every open of a file shares the first one's database: close
	// it to see the new run.)
	if n := query[int64](t, reader, `select count(*) from runs`); n != 1 {
		t.Errorf("a reader open across the logged run sees %d runs, want 1", n)
	}
	reader.Close()

	// emigre's readers see the run and the series' health as of it.
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n := query[int64](t, db, `select count(*) from runs`); n != 2 {
		t.Errorf("%d runs through the overlay, want 2", n)
	}
	if n := query[int64](t, db, `select count(*) from source_health where last_run_id <> ?`, second.RunID); n != 0 {
		t.Errorf("%d series whose last run is not the logged run", n)
	}
	if n := query[int64](t, db, `select count(*) from source_states where run_id = ?`, second.RunID); n == 0 {
		// offlineOptions has no monitor: no states; the run's series are in run_sources.
		if m := query[int64](t, db, `select count(*) from run_sources where run_id = ? and status = 'unchanged'`, second.RunID); m == 0 {
			t.Error("the logged run has no run_sources rows")
		}
	}
	if n := query[int64](t, db, `select count(distinct run_id) from latest_estimates`); n != 1 {
		t.Errorf("latest_estimates from %d runs", n)
	}
	// Still locked down: the run log is the only file it reads.
	if _, err := db.ExecContext(ctx, `select * from read_csv('`+path+`')`); err == nil {
		t.Error("a reader read a file other than the warehouse and its run log")
	}
	db.Close()

	// A plain client of the file alone sees the warehouse as published.
	plain, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY&threads=1&memory_limit=1GB")
	if err != nil {
		t.Fatal(err)
	}
	if n := query[int64](t, plain, `select count(*) from runs`); n != 1 {
		t.Errorf("a plain client sees %d runs, want 1 (the published file's)", n)
	}
	plain.Close()

	// A third run for another origin changes data: it publishes and folds
	// the log in.
	opt := offlineOptions(path)
	opt.Estimate.Origin = "UA"
	third, err := Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if third.DataUnchanged {
		t.Fatal("a run for another origin changed nothing?")
	}
	if _, err := os.Stat(path + load.RunLogSuffix); !os.IsNotExist(err) {
		t.Errorf("the run log is still there after a full publish: %v", err)
	}
	db, err = load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := query[int64](t, db, `select count(*) from runs`); n != 3 {
		t.Errorf("%d runs after the fold, want 3", n)
	}
	if n := query[int64](t, db, `select count(*) from run_sources where run_id = ?`, second.RunID); n == 0 {
		t.Error("the logged run's run_sources were not folded in")
	}
	db.Close()

	// A log left from the version before (its runs are folded in already)
	// gives way to a new one: the second run is not counted twice.
	if err := os.WriteFile(path+load.RunLogSuffix, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	fourth, err := Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !fourth.DataUnchanged {
		t.Fatal("the fourth run, like the third, changed data?")
	}
	db, err = load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := query[int64](t, db, `select count(*) from runs`); n != 4 {
		t.Errorf("%d runs with a stale log replaced, want 4", n)
	}
}

// runLogBlockSize is the block size a run log file was made with.
func runLogBlockSize(t *testing.T, log string) int64 {
	t.Helper()
	db, err := sql.Open("duckdb", log+"?access_mode=READ_ONLY&threads=1&memory_limit=1GB")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return query[int64](t, db, `select block_size from pragma_database_size()`)
}

// The run log is opened while the sources are fetched. A run stopped
// during its fetch leaves no working file and frees the warehouse: the
// next run logs itself.
func TestRunStoppedDuringFetchLetsTheRunLogGo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	work := path + load.RunLogSuffix + load.WorkSuffix
	if _, err := Run(context.Background(), etagOptions(t, path)); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		// Stop the run once its run log is being opened.
		for i := 0; i < 500; i++ {
			if _, err := os.Stat(work); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		w.WriteHeader(http.StatusNotModified)
	}))
	defer srv.Close()
	opt := etagOptions(t, path)
	opt.Sources = []*extractors.Source{etagSource(srv.URL)}
	if _, err := Run(ctx, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("a run stopped during its fetch: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("the stopped run left the run log's working file: %v", err)
	}

	next, err := Run(context.Background(), etagOptions(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if !next.DataUnchanged {
		t.Error("the run after the stopped one changed data?")
	}
}
