package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"

	_ "github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/reliability"
	"github.com/emigre/emigre/transform"
)

func offlineOptions(db string) Options {
	return Options{
		Warehouse: db,
		Offline:   true,
		Fetch:     fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate:  transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:   "test",
	}
}

func query[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestOfflineRunLoadsTheSampleArchive(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	sum, err := Run(ctx, offlineOptions(path))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 || sum.Loaded+sum.NotArchived != len(catalogue.MustDefault().Sources()) || sum.NotArchived != len(absentFromSample()) {
		t.Fatalf("loaded %d, failed %d of %d, not archived %d: %+v", sum.Loaded, sum.Failed, sum.Attempted, sum.NotArchived, failures(sum))
	}
	if !sum.Sample {
		t.Error("a run from the embedded sample must say so")
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// METHOD.md's Germany example, from the archived Eurostat answer.
	var net float64
	var method, source string
	var asOf time.Time
	if err := db.QueryRow(`select net, method, source_id, as_of from latest_estimates
		where destination = 'DE' and citizenship = 'RU'`).Scan(&net, &method, &source, &asOf); err != nil {
		t.Fatal(err)
	}
	if net != 34546 || method != "stock_change" || source != "eurostat-migr_pop1ctz" || asOf.Format(time.DateOnly) != "2024-01-01" {
		t.Errorf("DE = %v %s %s %s, want 34546 stock_change eurostat-migr_pop1ctz 2024-01-01", net, method, source, asOf)
	}
	// Every observation traces to a snapshot recorded for its source.
	orphans := query[int64](t, db, `select count(*) from observations o
		where not exists (select 1 from snapshots s where s.sha256 = o.snapshot_sha256 and s.source_id = o.source_id)`)
	if orphans != 0 {
		t.Errorf("%d observations without their snapshot", orphans)
	}
	if n := query[int64](t, db, `select count(distinct source_id) from run_sources where status = 'ok'`); n != int64(sum.Loaded) {
		t.Errorf("run_sources has %d sources with ok rows, summary %d", n, sum.Loaded)
	}
	if !query[bool](t, db, `select sample from runs`) {
		t.Error("runs.sample must be true for the sample archive")
	}
	totalNet := query[float64](t, db, `select net from estimate_total where citizenship = 'RU'`)
	if totalNet != sum.Total.Net {
		t.Errorf("estimate_total.net %v != summary %v", totalNet, sum.Total.Net)
	}
}

// absentFromSample are the catalogue's sources the sample has no answer for
// (catalogue: live_only).
func absentFromSample() []string {
	var out []string
	for _, s := range catalogue.MustDefault().Sources() {
		if e := catalogue.MustDefault().Entry(s.ID); e.LiveOnly != nil {
			out = append(out, s.ID)
		}
	}
	return out
}

func failures(s *Summary) []string {
	var out []string
	for _, o := range s.Outcomes {
		if o.Err != nil {
			out = append(out, o.Err.Error())
		}
	}
	return out
}

func TestSecondRunPublishesWhileAReaderHoldsTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	if _, err := Run(ctx, offlineOptions(path)); err != nil {
		t.Fatal(err)
	}
	reader, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	before := query[int64](t, reader, `select count(*) from runs`)
	sum, err := Run(ctx, offlineOptions(path))
	if err != nil {
		t.Fatalf("second run while a reader holds the file: %v", err)
	}
	// Same bytes again: nothing new to load.
	if sum.Unchanged != sum.Attempted {
		t.Errorf("second run of the same archive: %d of %d unchanged", sum.Unchanged, sum.Attempted)
	}
	// The reader keeps its consistent view of the file it opened.
	if n := query[int64](t, reader, `select count(*) from runs`); n != before {
		t.Errorf("held reader sees %d runs, want %d (its own snapshot)", n, before)
	}
	reader.Close()
	fresh, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if n := query[int64](t, fresh, `select count(*) from runs`); n != 2 {
		t.Errorf("reopened warehouse has %d runs, want 2", n)
	}
	if n := query[int64](t, fresh, `select count(*) from observations where superseded_by_run is not null`); n != 0 {
		t.Errorf("replaying the same bytes superseded %d observations", n)
	}
}

func currentObservations(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`select source_id, destination, citizenship, metric, coalesce(measure, ''),
		period_start, period_end, coalesce(value, -1), missing, coalesce(flags, ''), snapshot_sha256
		from observations_current`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var src, dest, cit, metric, measure, flags, sha string
		var start, end time.Time
		var value float64
		var missing bool
		if err := rows.Scan(&src, &dest, &cit, &metric, &measure, &start, &end, &value, &missing, &flags, &sha); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", src, dest, cit, metric, measure, start.Format(time.DateOnly), end.Format(time.DateOnly))
		out[key] = fmt.Sprintf("%v|%v|%s|%s", value, missing, flags, sha)
	}
	return out
}

func TestReplayEqualsLive(t *testing.T) {
	ctx := context.Background()
	srv, err := reliability.NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	dir := t.TempDir()
	offline := filepath.Join(dir, "offline.duckdb")
	if _, err := Run(ctx, offlineOptions(offline)); err != nil {
		t.Fatal(err)
	}
	live := offlineOptions(filepath.Join(dir, "live.duckdb"))
	live.Sources = srv.Sources() // what the local publisher answers
	live.Offline = false
	live.ArchiveDir = filepath.Join(dir, "recorded")
	live.Fetch.Mirrors = srv.Mirrors()
	live.Fetch.Record = true
	// Sources that need an account (GENESIS) are configured: the local
	// server answers them as the archive does, without asking for one.
	live.Getenv = func(string) string { return "test-credential" }
	live.Sources = srv.Sources() // live-only sources have no answer to serve
	sum, err := Run(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 {
		t.Fatalf("live run against the local server: %v", failures(sum))
	}
	a, b := currentObservations(t, offline), currentObservations(t, live.Warehouse)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("offline has %d observations, live %d", len(a), len(b))
	}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s: offline %s, live %s", k, v, b[k])
		}
	}
	// The live run recorded what it fetched; replaying that recording
	// gives the same observations again.
	again := offlineOptions(filepath.Join(dir, "again.duckdb"))
	again.ArchiveDir = live.ArchiveDir
	if _, err := Run(ctx, again); err != nil {
		t.Fatal(err)
	}
	c := currentObservations(t, again.Warehouse)
	if len(c) != len(a) {
		t.Errorf("replay of the recorded archive: %d observations, want %d", len(c), len(a))
	}
}

func TestAFailingSourceKeepsWhatItLoadedBefore(t *testing.T) {
	ctx := context.Background()
	srv, err := reliability.NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	opt := offlineOptions(filepath.Join(dir, "w.duckdb"))
	opt.Sources = srv.Sources() // what the local publisher answers
	opt.Offline = false
	opt.ArchiveDir = filepath.Join(dir, "archive")
	opt.Fetch.Mirrors = srv.Mirrors()
	opt.Fetch.Record = true
	opt.Sources = srv.Sources() // live-only sources have no answer to serve
	if _, err := Run(ctx, opt); err != nil {
		t.Fatal(err)
	}
	before := currentObservations(t, opt.Warehouse)

	srv.Set("eurostat-migr_pop1ctz", func(w http.ResponseWriter, _ *http.Request, _ reliability.Answer) {
		// A 200 that is really an error page.
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><title>Service unavailable</title><body>Try later</body></html>")
	})
	sum, err := Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 {
		t.Fatalf("failed = %d, want 1: %v", sum.Failed, failures(sum))
	}
	var failed Outcome
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			failed = o
		}
	}
	if failed.Source.ID != "eurostat-migr_pop1ctz" || !strings.Contains(failed.Err.Error(), "HTML") {
		t.Errorf("failure = %s: %v, want eurostat-migr_pop1ctz naming an HTML page", failed.Source.ID, failed.Err)
	}
	after := currentObservations(t, opt.Warehouse)
	if len(after) != len(before) {
		t.Errorf("observations_current went from %d to %d rows", len(before), len(after))
	}
	db, err := load.OpenReadOnly(ctx, opt.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Germany's estimate still rests on the population series loaded by
	// the first run.
	if src := query[string](t, db, `select source_id from latest_estimates where destination = 'DE'`); src != "eurostat-migr_pop1ctz" {
		t.Errorf("DE estimate now from %s", src)
	}
	// The failure is every series': one row per destination the source
	// had published, each with the error.
	if msg := query[string](t, db, `select error from run_sources where source_id = 'eurostat-migr_pop1ctz' and destination = 'DE' and status = 'failed'`); !strings.Contains(msg, "HTML") {
		t.Errorf("run_sources.error = %q", msg)
	}
	if n := query[int64](t, db, `select count(*) from run_sources
		where source_id = 'eurostat-migr_pop1ctz' and status = 'failed'`); n < 25 {
		t.Errorf("%d failed series rows of migr_pop1ctz, want one per country it published (25+)", n)
	}
}
