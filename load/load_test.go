package load_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

// --- helpers ---------------------------------------------------------------

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func sha(n int) string { return fmt.Sprintf("%064x", n) }

func ptr(f float64) *float64 { return &f }

var t0 = time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)

func newRun(id string, started time.Time) *load.Run {
	return &load.Run{
		ID: id, StartedAt: started, Mode: load.ModeOffline, Archive: "sample", Sample: true,
		Origin: "RU", WindowStart: day(2022, 1, 1), Status: load.RunOK,
		SourcesAttempted: 1, SourcesLoaded: 1, EmigreVersion: "test",
	}
}

func stock(src, dest string, d time.Time, v float64) extractors.Observation {
	return extractors.Observation{SourceID: src, Destination: dest, Citizenship: "RU",
		Metric: extractors.ResidentStock, PeriodStart: d, PeriodEnd: d, Value: v, Snapshot: sha(1)}
}

func flow(src, dest string, m extractors.Metric, year int, v float64) extractors.Observation {
	return extractors.Observation{SourceID: src, Destination: dest, Citizenship: "RU", Metric: m,
		PeriodStart: day(year, 1, 1), PeriodEnd: day(year, 12, 31), Value: v, Snapshot: sha(2)}
}

func openRW(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := load.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := load.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func update(t *testing.T, db *sql.DB, fn func(ctx context.Context, tx *load.Tx) error) {
	t.Helper()
	if err := load.Update(t.Context(), db, fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func publish(t *testing.T, path string, run *load.Run, build func(ctx context.Context, tx *load.Tx) error) {
	t.Helper()
	if err := load.Publish(t.Context(), path, run, build); err != nil {
		t.Fatalf("Publish %s: %v", run.ID, err)
	}
}

func merge(t *testing.T, ctx context.Context, tx *load.Tx, runID, src string, obs ...extractors.Observation) load.MergeStats {
	t.Helper()
	st, err := load.MergeObservations(ctx, tx, runID, src, obs)
	if err != nil {
		t.Fatalf("MergeObservations %s/%s: %v", runID, src, err)
	}
	return st
}

func count(t *testing.T, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func noBuild(context.Context, *load.Tx) error { return nil }

// --- schema ----------------------------------------------------------------

var (
	wantTables = []string{"alerts", "countries", "estimate_components", "estimate_methods", "estimate_series",
		"estimate_total_series", "estimates", "gaps", "observations", "quality_checks", "run_log", "run_sources", "runs",
		"schema_migrations", "series_health", "series_observations", "snapshots", "source_digests", "source_states", "sources"}
	wantViews = []string{"estimate_total", "latest_estimates", "latest_estimate_series", "latest_estimate_total_series",
		"latest_estimate_components", "observations_current", "source_health"}
)

func TestMigrationsIdempotent(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	for i := range 3 {
		db, err := load.Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := load.Migrate(ctx, db); err != nil {
			t.Fatalf("migrate again %d: %v", i, err)
		}
		if n := count(t, db, `SELECT count(*) FROM schema_migrations`); n != len(warehouse.Migrations()) {
			t.Errorf("open %d: %d rows in schema_migrations, want %d", i, n, len(warehouse.Migrations()))
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db := openRW(t, path)
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, s)
	}
	rows.Close()
	if !slices.Equal(tables, wantTables) {
		t.Errorf("tables %v, want %v", tables, wantTables)
	}
	for _, v := range wantViews {
		if n := count(t, db, `SELECT count(*) FROM `+v); n != 0 {
			t.Errorf("view %s of an empty warehouse has %d rows", v, n)
		}
	}

	// An edited migration is refused.
	if _, err := db.ExecContext(ctx, `UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	if err := load.Migrate(ctx, db); err == nil || !strings.Contains(err.Error(), "must not change") {
		t.Errorf("edited migration: err = %v", err)
	}
	// So is a warehouse from a newer binary.
	if _, err := db.ExecContext(ctx, `UPDATE schema_migrations SET checksum = ? WHERE version = 1`, warehouse.Migrations()[0].Checksum()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := load.Migrate(ctx, db); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("unknown migration: err = %v", err)
	}
}

func TestEverythingHasAComment(t *testing.T) {
	ctx := t.Context()
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	check := func(what, query string, wantAtLeast int) {
		t.Helper()
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var name string
			var comment sql.NullString
			if err := rows.Scan(&name, &comment); err != nil {
				t.Fatal(err)
			}
			n++
			if strings.TrimSpace(comment.String) == "" {
				t.Errorf("%s %s has no comment", what, name)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n < wantAtLeast {
			t.Errorf("%d %ss, want at least %d", n, what, wantAtLeast)
		}
	}
	check("table", `SELECT table_name, comment FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary`, len(wantTables))
	check("view", `SELECT view_name, comment FROM duckdb_views()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary`, len(wantViews))
	check("column", `SELECT c.table_name || '.' || c.column_name, c.comment FROM duckdb_columns() AS c
		WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT c.internal`, 100)
	// View columns are among them: DuckDB 1.5 stores COMMENT ON COLUMN for views.
	if n := count(t, db, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'latest_estimates' AND comment <> ''`); n < 10 {
		t.Errorf("latest_estimates has %d commented columns", n)
	}
}

func TestLatestEstimatesHasTheAgreedColumns(t *testing.T) {
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	cols := map[string][]string{
		"latest_estimates": {"destination", "citizenship", "arrivals", "returns", "net", "low", "high", "method", "as_of", "source_id", "flags", "net_excess", "run_id"},
		"estimate_total":   {"citizenship", "net", "low", "high", "countries", "as_of"},
		"source_health":    {"source_id", "last_status", "last_success_at", "consecutive_failures", "last_rows", "newest_period"},
	}
	for view, want := range cols {
		for _, c := range want {
			if n := count(t, db, `SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?`, view, c); n != 1 {
				t.Errorf("%s has no column %s", view, c)
			}
		}
	}
}

// --- vintages ----------------------------------------------------------------

func TestVintages(t *testing.T) {
	ctx := t.Context()
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	const src = "de-eurostat-migr_pop1ctz"
	berlin := time.FixedZone("CET", 3600)
	a := stock(src, "DE", time.Date(2022, 1, 1, 0, 30, 0, 0, berlin), 237816) // a date in another zone
	b := stock(src, "DE", day(2024, 1, 1), 0)
	b.Missing, b.Flags = true, ":"
	c := extractors.Observation{Destination: "DE", Citizenship: "RU", Metric: extractors.Statement,
		Measure: extractors.ResidentStock, PeriodStart: day(2023, 6, 30), PeriodEnd: day(2023, 6, 30), Value: 250000}

	update(t, db, func(ctx context.Context, tx *load.Tx) error {
		if st := merge(t, ctx, tx, "r1", src, a, b, c); counts(st) != [3]int{3, 0, 0} {
			t.Errorf("r1: %+v", st)
		}
		return load.InsertRun(ctx, tx, *newRun("r1", t0))
	})
	// The same numbers again: nothing new.
	update(t, db, func(ctx context.Context, tx *load.Tx) error {
		if st := merge(t, ctx, tx, "r2", src, a, b, c, a); counts(st) != [3]int{0, 0, 3} {
			t.Errorf("r2: %+v", st)
		}
		return nil
	})
	if n := count(t, db, `SELECT count(*) FROM observations`); n != 3 {
		t.Fatalf("%d rows after an unchanged run, want 3", n)
	}
	// A revised value, a now-published value, a new key.
	a2 := a
	a2.Value = 237900
	b2 := b
	b2.Missing, b2.Value, b2.Flags = false, 272362, "p"
	d := stock(src, "DE", day(2025, 1, 1), 280000)
	update(t, db, func(ctx context.Context, tx *load.Tx) error {
		if st := merge(t, ctx, tx, "r3", src, a2, b2, c, d); counts(st) != [3]int{1, 2, 1} {
			t.Errorf("r3: %+v", st)
		}
		// Within the transaction, estimates see the new vintage.
		cur, err := load.CurrentObservations(ctx, tx)
		if err != nil {
			return err
		}
		if len(cur) != 4 {
			t.Errorf("current in tx: %d, want 4", len(cur))
		}
		return nil
	})
	if n := count(t, db, `SELECT count(*) FROM observations`); n != 6 {
		t.Errorf("%d rows, want 6 (3 + 2 revisions + 1 new)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM observations WHERE superseded_by_run = 'r3'`); n != 2 {
		t.Errorf("%d rows superseded by r3, want 2", n)
	}
	var old float64
	var oldRun string
	if err := db.QueryRowContext(ctx, `SELECT value, run_id FROM observations
		WHERE period_start = DATE '2022-01-01' AND superseded_by_run IS NOT NULL`).Scan(&old, &oldRun); err != nil {
		t.Fatal(err)
	}
	if old != 237816 || oldRun != "r1" {
		t.Errorf("superseded row: %v from %s", old, oldRun)
	}

	var cur []extractors.Observation
	update(t, db, func(ctx context.Context, tx *load.Tx) (err error) {
		cur, err = load.CurrentObservations(ctx, tx)
		return err
	})
	// Ordered by key: metric resident_stock < statement, then period.
	want := []extractors.Observation{a2, b2, d, c}
	for i := range want {
		want[i].SourceID = src
		want[i].PeriodStart = day(want[i].PeriodStart.Year(), want[i].PeriodStart.Month(), want[i].PeriodStart.Day())
		want[i].PeriodEnd = want[i].PeriodStart
	}
	if !slices.Equal(cur, want) {
		t.Errorf("current observations:\n got %+v\nwant %+v", cur, want)
	}
	if n := count(t, db, `SELECT count(*) FROM observations_current WHERE source_id = ? AND value = 237900`, src); n != 1 {
		t.Errorf("observations_current does not show the revised value")
	}
	// The CET midnight-thirty is stored as its own calendar date.
	if n := count(t, db, `SELECT count(*) FROM observations_current WHERE period_start = DATE '2022-01-01'`); n != 1 {
		t.Errorf("zoned date not stored as its calendar date")
	}
	// Each series' count and newest period, kept by the loads, are what
	// counting the current figures gives (b2 now has a value, d is new).
	if n := count(t, db, `SELECT observations FROM series_observations WHERE source_id = ?`, src); n != 4 {
		t.Errorf("series_observations counts %d current figures, want 4", n)
	}
	if n := count(t, db, `
		SELECT count(*) FROM (
			SELECT source_id, destination, citizenship, observations, newest_period FROM series_observations
			EXCEPT
			SELECT source_id, destination, citizenship, count(*), max(period_end)
			FROM observations_current WHERE NOT missing GROUP BY ALL)`); n != 0 {
		t.Errorf("%d rows of series_observations differ from a recount of observations_current", n)
	}
}

func TestMergeRefusesInvalidInputAndKeepsTheTransaction(t *testing.T) {
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	const src = "ge-geostat-migration"
	good := flow(src, "GE", extractors.Immigration, 2022, 62304)
	bad := map[string]extractors.Observation{}
	o := good
	o.SourceID = "other"
	bad["other source"] = o
	o = good
	o.Metric = "arrivals"
	bad["unknown metric"] = o
	o = good
	o.PeriodStart = day(2023, 1, 1)
	bad["reversed period"] = o
	o = good
	o.Value = math.NaN()
	bad["NaN"] = o
	o = stock(src, "GE", day(2022, 1, 1), 1)
	o.PeriodEnd = day(2022, 12, 31)
	bad["stock over a period"] = o
	o = good
	o.Metric = extractors.Statement
	bad["statement without measure"] = o
	o = good
	o.Snapshot = "not-a-hash"
	bad["bad snapshot"] = o
	o = good
	o.PeriodStart, o.PeriodEnd = time.Time{}, time.Time{}
	bad["no period"] = o

	update(t, db, func(ctx context.Context, tx *load.Tx) error {
		for name, o := range bad {
			if _, err := load.MergeObservations(ctx, tx, "r1", src, []extractors.Observation{good, o}); !errors.Is(err, load.ErrInvalid) {
				t.Errorf("%s: err = %v, want ErrInvalid", name, err)
			}
		}
		conflict := good
		conflict.Value++
		if _, err := load.MergeObservations(ctx, tx, "r1", src, []extractors.Observation{good, conflict}); !errors.Is(err, load.ErrInvalid) {
			t.Errorf("conflicting duplicate: err = %v", err)
		}
		// The transaction is still good.
		if st := merge(t, ctx, tx, "r1", src, good, good); st.Inserted != 1 {
			t.Errorf("after refusals: %+v", st)
		}
		return nil
	})
	if n := count(t, db, `SELECT count(*) FROM observations`); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

func TestUpdateRollsBackAppendedRows(t *testing.T) {
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	boom := errors.New("boom")
	err := load.Update(t.Context(), db, func(ctx context.Context, tx *load.Tx) error {
		merge(t, ctx, tx, "r1", "s", stock("s", "DE", day(2022, 1, 1), 1))
		if err := load.InsertEstimates(ctx, tx, "r1", []load.EstimateRow{{Destination: "DE", Citizenship: "RU",
			Method: "stock_change", Net: 1, Low: 1, High: 1, AsOf: day(2024, 1, 1)}}); err != nil {
			return err
		}
		if n := count(t, tx, `SELECT count(*) FROM estimates`); n != 1 {
			t.Errorf("appended estimate not visible inside its transaction")
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	for _, table := range []string{"observations", "estimates"} {
		if n := count(t, db, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after rollback", table, n)
		}
	}
}

// --- publish -----------------------------------------------------------------

func TestPublishFailureLeavesThePublishedFileAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	publish(t, path, newRun("r1", t0), func(ctx context.Context, tx *load.Tx) error {
		_, err := load.MergeObservations(ctx, tx, "r1", "s", []extractors.Observation{stock("s", "DE", day(2022, 1, 1), 1)})
		return err
	})
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	failures := map[string]func(ctx context.Context, tx *load.Tx) error{
		"build error": func(ctx context.Context, tx *load.Tx) error {
			if _, err := load.MergeObservations(ctx, tx, "r2", "s", []extractors.Observation{stock("s", "DE", day(2022, 1, 1), 2)}); err != nil {
				return err
			}
			return boom
		},
		"SQL error": func(ctx context.Context, tx *load.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO no_such_table VALUES (1)`)
			return err
		},
		"duplicate run id": noBuild,
	}
	for name, build := range failures {
		run := newRun("r2", t0.Add(time.Hour))
		if name == "duplicate run id" {
			run.ID = "r1"
		}
		err := load.Publish(t.Context(), path, run, build)
		if err == nil {
			t.Errorf("%s: published", name)
			continue
		}
		if name == "build error" && !errors.Is(err, boom) {
			t.Errorf("%s: err = %v does not wrap build's error", name, err)
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s: published file changed", name)
		}
		assertOnlyPublished(t, dir)
	}
	// A stale working file from a crash is replaced.
	if err := os.WriteFile(path+load.WorkSuffix, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	publish(t, path, newRun("r3", t0.Add(2*time.Hour)), noBuild)
	assertOnlyPublished(t, dir)
	db := openRO(t, path)
	if n := count(t, db, `SELECT count(*) FROM runs`); n != 2 {
		t.Errorf("%d runs, want 2 (r1, r3)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM observations`); n != 1 {
		t.Errorf("%d observations, want 1: the failed run leaked rows", n)
	}
}

func assertOnlyPublished(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"w.duckdb"}) {
		t.Errorf("directory holds %v, want only w.duckdb (no .work, no .wal)", names)
	}
}

func TestPublishWhileAReaderHoldsTheFile(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	publish(t, path, newRun("r1", t0), func(ctx context.Context, tx *load.Tx) error {
		_, err := load.MergeObservations(ctx, tx, "r1", "s", []extractors.Observation{stock("s", "DE", day(2022, 1, 1), 1)})
		return err
	})
	reader, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if n := count(t, reader, `SELECT count(*) FROM runs`); n != 1 {
		t.Fatalf("reader sees %d runs", n)
	}
	if _, err := reader.ExecContext(ctx, `DELETE FROM runs`); err == nil {
		t.Error("read-only connection could write")
	}
	// Keep a query open across the publish, too.
	rows, err := reader.QueryContext(ctx, `SELECT run_id FROM runs`)
	if err != nil {
		t.Fatal(err)
	}

	publish(t, path, newRun("r2", t0.Add(time.Hour)), func(ctx context.Context, tx *load.Tx) error {
		_, err := load.MergeObservations(ctx, tx, "r2", "s", []extractors.Observation{stock("s", "DE", day(2023, 1, 1), 2)})
		return err
	})
	assertOnlyPublished(t, dir)

	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if !slices.Equal(ids, []string{"r1"}) {
		t.Errorf("open query saw %v", ids)
	}
	// The reader keeps working on the file it opened.
	for range 3 {
		if n := count(t, reader, `SELECT count(*) FROM observations_current`); n != 1 {
			t.Errorf("reader after publish sees %d observations, want its own 1", n)
		}
	}
	// Once every handle on the path is closed, a new open sees the new file.
	if err := reader.Close(); err != nil {
		t.Fatal(err)
	}
	fresh := openRO(t, path)
	if n := count(t, fresh, `SELECT count(*) FROM runs`); n != 2 {
		t.Errorf("reopened reader sees %d runs, want 2", n)
	}
}

func TestPublishCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	publish(t, path, newRun("r1", t0), noBuild)
	before, _ := os.ReadFile(path)
	ctx, cancel := context.WithCancel(t.Context())
	err := load.Publish(ctx, path, newRun("r2", t0.Add(time.Hour)), func(ctx context.Context, tx *load.Tx) error {
		merge(t, ctx, tx, "r2", "s", stock("s", "DE", day(2022, 1, 1), 1))
		cancel()
		_, err := load.MergeObservations(ctx, tx, "r2", "t", []extractors.Observation{stock("t", "DE", day(2022, 1, 1), 1)})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("published file changed")
	}
	assertOnlyPublished(t, dir)
}

func TestConcurrentPublishesAreSerialised(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	const n = 4
	errs := make(chan error, n)
	for i := range n {
		go func() {
			id := fmt.Sprintf("r%d", i)
			errs <- load.Publish(t.Context(), path, newRun(id, t0.Add(time.Duration(i)*time.Hour)), func(ctx context.Context, tx *load.Tx) error {
				_, err := load.MergeObservations(ctx, tx, id, id, []extractors.Observation{stock(id, "DE", day(2022, 1, 1), float64(i))})
				return err
			})
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	db := openRO(t, path)
	if got := count(t, db, `SELECT count(*) FROM runs`); got != n {
		t.Errorf("%d runs, want %d: a publish overwrote another", got, n)
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	if _, err := load.OpenReadOnly(t.Context(), filepath.Join(t.TempDir(), "none.duckdb")); err == nil {
		t.Error("opened a missing warehouse")
	}
}

// --- estimates -----------------------------------------------------------------

func TestLatestEstimatesAndTotal(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	de := load.EstimateRow{Destination: "DE", Citizenship: "RU", Method: "stock_change",
		SourceID: "de-eurostat-migr_pop1ctz", Metric: "resident_stock", Net: 34546, Low: 31536, High: 43631,
		AsOf: day(2024, 1, 1), PeriodStart: day(2022, 1, 1), Baseline: ptr(237816), BaselineDate: day(2022, 1, 1),
		InTotal: true}
	ge := load.EstimateRow{Destination: "GE", Citizenship: "RU", Method: "net_flows", SourceID: "ge-geostat",
		Metric: "immigration,emigration", Arrivals: ptr(114931), Returns: ptr(41279), Net: 73652, Low: 73652,
		High: 73652, AsOf: day(2023, 12, 31), PeriodStart: day(2022, 1, 1), InTotal: true}
	il := load.EstimateRow{Destination: "IL", Citizenship: "RU", Method: "gross_flows", SourceID: "il-cbs",
		Metric: "repatriation", Arrivals: ptr(78616), Net: 78616, Low: 78616, High: 78616,
		AsOf: day(2023, 12, 31), PeriodStart: day(2022, 1, 1), Flags: []string{"gross"}, InTotal: true}
	// A stock without a baseline: shown, never in net or low.
	ae := load.EstimateRow{Destination: "AE", Citizenship: "RU", Method: "statement", SourceID: "ae-consulate",
		Metric: "statement", Net: 150000, Low: 150000, High: 150000, AsOf: day(2026, 1, 2),
		Flags: []string{"stock_without_baseline"}}

	// An older run with different figures, which latest_estimates must hide.
	oldDE := de
	oldDE.Net, oldDE.Low, oldDE.High = 1, 1, 1
	publish(t, path, newRun("r1", t0), func(ctx context.Context, tx *load.Tx) error {
		return load.InsertEstimates(ctx, tx, "r1", []load.EstimateRow{oldDE})
	})
	publish(t, path, newRun("r2", t0.Add(24*time.Hour)), func(ctx context.Context, tx *load.Tx) error {
		if err := load.InsertEstimates(ctx, tx, "r2", []load.EstimateRow{de, ge, il, ae}); err != nil {
			return err
		}
		return load.InsertEstimateMethods(ctx, tx, "r2", []load.EstimateMethodRow{
			{Destination: "DE", Citizenship: "RU", Method: "stock_change", SourceID: de.SourceID, Metric: "resident_stock", Net: 34546, AsOf: day(2024, 1, 1), Chosen: true},
			{Destination: "DE", Citizenship: "RU", Method: "stock_change", SourceID: "de-eurostat-migr_resvalid", Metric: "permits_valid", Net: 31536, AsOf: day(2023, 12, 31)},
			{Destination: "DE", Citizenship: "RU", Method: "gross_flows", SourceID: "de-eurostat-migr_resfirst", Metric: "permits_first", Arrivals: ptr(43631), Net: 43631, AsOf: day(2023, 12, 31), Flags: []string{"gross"}},
		})
	})
	// A later run that computed no estimates (every source failed) does not
	// empty latest_estimates.
	failed := newRun("r3", t0.Add(48*time.Hour))
	failed.Status, failed.SourcesLoaded, failed.SourcesFailed = load.RunFailed, 0, 1
	publish(t, path, failed, noBuild)

	db := openRO(t, path)
	type row struct {
		dest, cit, method, src, runID string
		arrivals, returns             sql.NullFloat64
		net, low, high                float64
		asOf                          time.Time
		flags                         any
	}
	rows, err := db.QueryContext(ctx, `SELECT destination, citizenship, method, source_id, run_id,
		arrivals, returns, net, low, high, as_of, flags FROM latest_estimates WHERE in_total`)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.dest, &r.cit, &r.method, &r.src, &r.runID, &r.arrivals, &r.returns,
			&r.net, &r.low, &r.high, &r.asOf, &r.flags); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	if len(got) != 3 {
		t.Fatalf("latest_estimates: %d rows, want 3: %+v", len(got), got)
	}
	// Ordered by net descending: IL, GE, DE.
	if got[0].dest != "IL" || got[1].dest != "GE" || got[2].dest != "DE" {
		t.Errorf("order %s %s %s", got[0].dest, got[1].dest, got[2].dest)
	}
	for _, r := range got {
		if r.runID != "r2" || r.cit != "RU" {
			t.Errorf("%s from run %s citizenship %s", r.dest, r.runID, r.cit)
		}
	}
	if g := got[1]; g.net != 73652 || g.arrivals.Float64 != 114931 || g.returns.Float64 != 41279 ||
		!g.asOf.Equal(day(2023, 12, 31)) || g.method != "net_flows" {
		t.Errorf("GE: %+v", g)
	}
	if i := got[0]; i.returns.Valid || fmt.Sprint(i.flags) != "[gross]" {
		t.Errorf("IL: returns %v flags %v", i.returns, i.flags)
	}
	if d := got[2]; d.net != 34546 || d.low != 31536 || d.high != 43631 || d.arrivals.Valid || fmt.Sprint(d.flags) != "[]" {
		t.Errorf("DE: %+v", d)
	}

	var (
		cit              string
		net, low, high   float64
		countries        int
		asOf, oldestAsOf time.Time
	)
	var notInTotal, gross float64
	var countriesNotInTotal, countriesGross int
	if err := db.QueryRowContext(ctx, `SELECT citizenship, net, low, high, countries, as_of, oldest_as_of,
		not_in_total, countries_not_in_total, gross, countries_gross FROM estimate_total`).
		Scan(&cit, &net, &low, &high, &countries, &asOf, &oldestAsOf, &notInTotal, &countriesNotInTotal,
			&gross, &countriesGross); err != nil {
		t.Fatal(err)
	}
	if cit != "RU" || net != 34546+73652+78616 || low != 31536+73652+78616 || high != 43631+73652+78616+150000 ||
		countries != 3 || !asOf.Equal(day(2024, 1, 1)) || !oldestAsOf.Equal(day(2023, 12, 31)) {
		t.Errorf("estimate_total: %s net %v low %v high %v countries %d as_of %v oldest %v",
			cit, net, low, high, countries, asOf, oldestAsOf)
	}
	if notInTotal != 150000 || countriesNotInTotal != 1 || gross != 78616 || countriesGross != 1 {
		t.Errorf("estimate_total: not in total %v in %d countries, gross %v in %d; want 150000 in 1, 78616 in 1",
			notInTotal, countriesNotInTotal, gross, countriesGross)
	}
	if n := count(t, db, `SELECT count(*) FROM estimate_methods WHERE run_id = 'r2' AND destination = 'DE'`); n != 3 {
		t.Errorf("%d DE methods", n)
	}

	for _, e := range warehouse.Examples() {
		rows, err := db.QueryContext(ctx, e.SQL)
		if err != nil {
			t.Errorf("example %s: %v", e.Name, err)
			continue
		}
		rows.Close()
	}
}

func TestEstimatesRefuseInconsistentBounds(t *testing.T) {
	db := openRW(t, filepath.Join(t.TempDir(), "w.duckdb"))
	update(t, db, func(ctx context.Context, tx *load.Tx) error {
		bad := []load.EstimateRow{{Destination: "DE", Citizenship: "RU", Method: "stock_change", Net: 5, Low: 6, High: 7, AsOf: day(2024, 1, 1)}}
		if err := load.InsertEstimates(ctx, tx, "r1", bad); !errors.Is(err, load.ErrInvalid) {
			t.Errorf("net below low: %v", err)
		}
		dup := []load.EstimateRow{{Destination: "DE", Citizenship: "RU", Method: "m", AsOf: day(2024, 1, 1)}, {Destination: "DE", Citizenship: "RU", Method: "m", AsOf: day(2024, 1, 1)}}
		if err := load.InsertEstimates(ctx, tx, "r1", dup); !errors.Is(err, load.ErrInvalid) {
			t.Errorf("duplicate destination: %v", err)
		}
		return nil
	})
}

// --- source health ------------------------------------------------------------

func TestSourceHealth(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	sources := []load.SourceRow{
		{ID: "a", Destination: "DE", Publisher: "P", Title: "A", Format: "csv", Cadence: "annual", LagMonths: 6},
		{ID: "b", Destination: "GE", Publisher: "P", Title: "B", Format: "csv"},
	}
	outcomes := []map[string]string{
		{"a": load.SourceOK, "b": load.SourceFailed},
		{"a": load.SourceUnchanged, "b": load.SourceFailed},
		{"a": load.SourceFailed, "b": load.SourceFailed},
	}
	for i, out := range outcomes {
		id := fmt.Sprintf("r%d", i+1)
		run := newRun(id, t0.Add(time.Duration(i)*24*time.Hour))
		run.FinishedAt = run.StartedAt.Add(time.Minute)
		publish(t, path, run, func(ctx context.Context, tx *load.Tx) error {
			if err := load.UpsertSources(ctx, tx, sources); err != nil {
				return err
			}
			var rs []load.RunSourceRow
			for _, src := range []string{"a", "b"} {
				r := load.RunSourceRow{SourceID: src, Status: out[src], Rows: 2, Duration: 1500 * time.Millisecond, HTTPStatus: 200, Bytes: 10}
				if out[src] == load.SourceFailed {
					r.Stage, r.Error, r.HTTPStatus, r.Rows = load.StageFetch, "HTTP 503", 503, 0
				}
				if src == "a" && i == 0 {
					st, err := load.MergeObservations(ctx, tx, id, "a", []extractors.Observation{
						stock("a", "DE", day(2023, 1, 1), 5), stock("a", "DE", day(2024, 1, 1), 6),
						func() extractors.Observation { o := stock("a", "DE", day(2025, 1, 1), 0); o.Missing = true; return o }(),
					})
					if err != nil {
						return err
					}
					r.Merge = &st
				}
				rs = append(rs, r)
			}
			return load.InsertRunSources(ctx, tx, id, rs)
		})
	}
	db := openRO(t, path)
	type health struct {
		status        string
		stage         sql.NullString
		successAt     sql.NullTime
		failures, obs int
		newest        sql.NullTime
		duration      int64
	}
	get := func(id string) health {
		var h health
		if err := db.QueryRowContext(ctx, `SELECT last_status, last_stage, last_success_at,
			consecutive_failures, observations, newest_period, last_duration_ms
			FROM source_health WHERE source_id = ?`, id).
			Scan(&h.status, &h.stage, &h.successAt, &h.failures, &h.obs, &h.newest, &h.duration); err != nil {
			t.Fatalf("source_health %s: %v", id, err)
		}
		return h
	}
	a := get("a")
	wantSuccess := t0.Add(24*time.Hour + time.Minute) // r2 finished (unchanged counts as success)
	if a.status != "failed" || a.stage.String != "fetch" || a.failures != 1 || !a.successAt.Time.Equal(wantSuccess) ||
		a.obs != 2 || !a.newest.Time.Equal(day(2024, 1, 1)) || a.duration != 1500 {
		t.Errorf("a: %+v", a)
	}
	b := get("b")
	if b.failures != 3 || b.successAt.Valid || b.obs != 0 || b.newest.Valid {
		t.Errorf("b: %+v", b)
	}
	var inserted sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT obs_inserted FROM run_sources WHERE run_id = 'r1' AND source_id = 'a'`).Scan(&inserted); err != nil || inserted.Int64 != 3 {
		t.Errorf("obs_inserted %v %v", inserted, err)
	}
}

// series_health keeps the latest attempt's bytes and run mode, which the
// monitor judges from without reading run_sources or runs: a run recorded
// out of order (older than the latest) changes neither.
func TestSeriesHealthKeepsTheLatestAttemptsBytesAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	src := []load.SourceRow{{ID: "a", Destination: "DE", Publisher: "P", Title: "A", Format: "csv"}}
	for _, r := range []struct {
		id      string
		started time.Time
		mode    string
		bytes   int64
	}{
		{"r1", t0, load.ModeLive, 10},
		{"r2", t0.Add(24 * time.Hour), load.ModeOffline, 20},
		{"r0", t0.Add(-24 * time.Hour), load.ModeLive, 30}, // recorded late
	} {
		run := newRun(r.id, r.started)
		run.Mode = r.mode
		publish(t, path, run, func(ctx context.Context, tx *load.Tx) error {
			if err := load.UpsertSources(ctx, tx, src); err != nil {
				return err
			}
			return load.InsertRunSources(ctx, tx, r.id, []load.RunSourceRow{{SourceID: "a", Status: load.SourceUnchanged, Bytes: r.bytes}})
		})
	}
	db := openRO(t, path)
	var bytes int64
	var mode, last string
	if err := db.QueryRowContext(t.Context(), `SELECT last_bytes, last_mode, last_run_id FROM series_health WHERE source_id = 'a'`).
		Scan(&bytes, &mode, &last); err != nil {
		t.Fatal(err)
	}
	if bytes != 20 || mode != load.ModeOffline || last != "r2" {
		t.Errorf("series_health: last run %s, %d bytes, mode %s; want r2, 20 bytes, offline", last, bytes, mode)
	}
}

// --- injection ------------------------------------------------------------------

func TestHostileTextRoundTrips(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	const evil = `O'Brien said "hi"; '; DROP TABLE observations; -- \' \\ $$ ); DELETE FROM runs; /*`
	src := load.SourceRow{ID: "xx-evil'; DROP TABLE sources; --", Destination: "XX", Publisher: evil,
		Dataset: evil, Title: "Title: " + evil, Homepage: "https://example.org/?q=';--", Format: "csv",
		Metric: "resident_stock", Notes: "Notes:\n" + evil + "\n\ttab", Licence: evil,
		IsStatement: true, StatementQuote: "«" + evil + "»", StatementSpeaker: evil}
	o := stock(src.ID, "X'", day(2022, 1, 1), 1)
	o.Flags = evil
	o.Citizenship = "R;U"
	publish(t, path, newRun("r'1", t0), func(ctx context.Context, tx *load.Tx) error {
		if err := load.UpsertSources(ctx, tx, []load.SourceRow{src}); err != nil {
			return err
		}
		if _, err := load.MergeObservations(ctx, tx, "r'1", src.ID, []extractors.Observation{o}); err != nil {
			return err
		}
		if err := load.InsertRunSources(ctx, tx, "r'1", []load.RunSourceRow{{SourceID: src.ID, Status: load.SourceFailed, Stage: load.StageParse, Error: evil}}); err != nil {
			return err
		}
		if err := load.InsertSnapshots(ctx, tx, "r'1", []load.SnapshotRow{{SHA256: sha(1), SourceID: src.ID, URL: "https://x/?a=';--", FetchedAt: t0, Provenance: evil}}); err != nil {
			return err
		}
		if err := load.InsertQualityChecks(ctx, tx, "r'1", []load.QualityCheckRow{{SourceID: src.ID, CheckName: evil, Outcome: load.OutcomeWarn, Detail: evil}}); err != nil {
			return err
		}
		return load.UpsertAlerts(ctx, tx, []load.AlertRow{{AlertID: evil, SourceID: src.ID, State: load.AlertOpen, Reason: evil, FirstSeen: t0, LastSeen: t0}})
	})
	// Upserting again (same id) updates in place.
	src2 := src
	src2.Notes = evil + " (second)"
	publish(t, path, newRun("r2", t0.Add(time.Hour)), func(ctx context.Context, tx *load.Tx) error {
		return load.UpsertSources(ctx, tx, []load.SourceRow{src2})
	})

	db := openRO(t, path)
	var title, notes, publisher, quote string
	if err := db.QueryRowContext(ctx, `SELECT title, notes, publisher, statement_quote FROM sources WHERE id = ?`, src.ID).
		Scan(&title, &notes, &publisher, &quote); err != nil {
		t.Fatal(err)
	}
	if title != src.Title || notes != src2.Notes || publisher != evil || quote != src.StatementQuote {
		t.Errorf("round trip:\n title %q\n notes %q\n publisher %q\n quote %q", title, notes, publisher, quote)
	}
	for _, table := range wantTables {
		if n := count(t, db, `SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, table); n != 1 {
			t.Errorf("table %s is gone", table)
		}
	}
	var flags, dest, cit, errText, reason string
	if err := db.QueryRowContext(ctx, `SELECT flags, destination, citizenship FROM observations_current WHERE source_id = ?`, src.ID).Scan(&flags, &dest, &cit); err != nil {
		t.Fatal(err)
	}
	if flags != evil || dest != "X'" || cit != "R;U" {
		t.Errorf("observation: %q %q %q", flags, dest, cit)
	}
	if err := db.QueryRowContext(ctx, `SELECT error FROM run_sources WHERE run_id = ?`, "r'1").Scan(&errText); err != nil || errText != evil {
		t.Errorf("run_sources error %q %v", errText, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT reason FROM alerts WHERE alert_id = ?`, evil).Scan(&reason); err != nil || reason != evil {
		t.Errorf("alert reason %q %v", reason, err)
	}
	if n := count(t, db, `SELECT count(*) FROM runs`); n != 2 {
		t.Errorf("%d runs", n)
	}
}

func TestPublishPanicLeavesNoWorkingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	publish(t, path, newRun("r1", t0), noBuild)
	before, _ := os.ReadFile(path)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		_ = load.Publish(t.Context(), path, newRun("r2", t0.Add(time.Hour)), func(ctx context.Context, tx *load.Tx) error { // panics: no return
			merge(t, ctx, tx, "r2", "s", stock("s", "DE", day(2022, 1, 1), 1))
			panic("build bug")
		})
	}()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("published file changed")
	}
	assertOnlyPublished(t, dir)
	// The process can publish again: the working database was released.
	publish(t, path, newRun("r3", t0.Add(2*time.Hour)), noBuild)
}

func TestPublishReadsTheRunAfterBuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	run := newRun("r1", t0)
	run.Status, run.SourcesAttempted, run.SourcesLoaded = "", 0, 0 // known only while building
	publish(t, path, run, func(ctx context.Context, tx *load.Tx) error {
		run.Status, run.SourcesAttempted, run.SourcesLoaded, run.SourcesFailed = load.RunPartial, 2, 1, 1
		return nil
	})
	if run.FinishedAt.IsZero() {
		t.Error("FinishedAt not set")
	}
	db := openRO(t, path)
	var status string
	var attempted, failed int
	var finished time.Time
	if err := db.QueryRowContext(t.Context(), `SELECT status, sources_attempted, sources_failed, finished_at FROM runs`).
		Scan(&status, &attempted, &failed, &finished); err != nil {
		t.Fatal(err)
	}
	if status != load.RunPartial || attempted != 2 || failed != 1 || !finished.Equal(run.FinishedAt) {
		t.Errorf("runs row: %s %d %d %v (want finished %v)", status, attempted, failed, finished, run.FinishedAt)
	}
	// A run still invalid after build is refused, and nothing is published.
	bad := newRun("r2", t0.Add(time.Hour))
	err := load.Publish(t.Context(), path, bad, func(context.Context, *load.Tx) error {
		bad.Status = "fine"
		return nil
	})
	if !errors.Is(err, load.ErrInvalid) {
		t.Errorf("invalid status after build: %v", err)
	}
	if err := load.Publish(t.Context(), path, nil, noBuild); !errors.Is(err, load.ErrInvalid) {
		t.Errorf("nil run: %v", err)
	}
}

// OpenReadOnly reaches nothing beyond the warehouse, by DuckDB's settings
// (what emigre sql, the dashboard and the report read through): no file
// written or read, no database attached, no setting turned back. The
// export's open writes files, and only that.
func TestOpenReadOnlyStaysInsideTheWarehouse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	db, err := load.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	for _, q := range []string{
		"COPY (SELECT 1) TO '" + out + "'",
		"SELECT * FROM read_csv('" + path + "')",
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "'",
		"SET enable_external_access = true",
		"SET autoload_known_extensions = true",
		"INSTALL httpfs",
	} {
		if _, err := ro.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed on a read-only warehouse", q)
		}
	}
	var n int
	if err := ro.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		t.Errorf("reading the warehouse itself: %d rows, %v", n, err)
	}
	ro.Close()
	if _, err := os.Stat(out); err == nil {
		t.Error("COPY wrote a file through the read-only open")
	}
	ex, err := load.OpenForExport(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	if _, err := ex.ExecContext(ctx, "COPY (SELECT 1 AS x) TO '"+out+"'"); err != nil {
		t.Errorf("the export's open cannot write: %v", err)
	}
	if _, err := ex.ExecContext(ctx, "CREATE TABLE t (x INT)"); err == nil {
		t.Error("the export's open can change the warehouse")
	}
}

// counts are a merge's inserted, revised and unchanged keys.
func counts(st load.MergeStats) [3]int { return [3]int{st.Inserted, st.Revised, st.Unchanged} }
