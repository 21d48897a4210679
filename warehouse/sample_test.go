package warehouse_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors/fetch"

	"github.com/emigre/emigre/extractors/archive"
	_ "github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

// sampleWarehouse is a warehouse built by two offline runs one quarter
// apart: the first replays the embedded sample archive as it is; the second
// replays a copy of it in which Eurostat revised one German figure and
// Statistics Finland answered with an error page.
type sampleWarehouse struct {
	path           string
	first, second  *pipeline.Summary
	revisedSource  string    // the source whose figure was revised
	revisedPeriod  time.Time // the reference date of the revised figure
	revision       float64   // new value minus old value
	revisedSHA256  string    // the revised snapshot
	brokenSource   string    // the source that answered with an HTML page
	windowStart    time.Time // the runs' window start
	secondRunStart time.Time
}

const (
	revisedSource = "eurostat-migr_pop1ctz"
	revisedGeo    = "DE"
	revisedYear   = "2024"
	brokenSource  = "fi-statfin-muutl"
	// revision is what the test adds to the published figure: an input,
	// not an expected result (every expectation is derived from the runs).
	revision = 1500
)

func runOptions(db string, now time.Time) pipeline.Options {
	return pipeline.Options{
		Warehouse: db,
		Offline:   true,
		Fetch:     fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate:  transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:   "test",
		Now:       func() time.Time { return now },
	}
}

// buildSampleWarehouse runs the pipeline twice into t.TempDir().
func buildSampleWarehouse(t *testing.T) *sampleWarehouse {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	w := &sampleWarehouse{
		path:           filepath.Join(dir, "emigre.duckdb"),
		revisedSource:  revisedSource,
		revisedPeriod:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		revision:       revision,
		brokenSource:   brokenSource,
		windowStart:    time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
		secondRunStart: time.Date(2025, 5, 12, 6, 0, 0, 0, time.UTC),
	}
	var err error
	if w.first, err = pipeline.Run(ctx, runOptions(w.path, time.Date(2025, 2, 10, 6, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}

	// The second run's archive: the sample's responses, then the publishers'
	// newer answers for two sources.
	src, err := archive.OpenFS(sample.FS())
	if err != nil {
		t.Fatal(err)
	}
	arch, err := archive.Open(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	later := w.secondRunStart.Add(-time.Hour)
	var revisedEntry, brokenEntry archive.Entry
	entries, err := src.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		body, err := src.Object(e.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := arch.Put(body, e); err != nil {
			t.Fatal(err)
		}
		switch e.Source {
		case revisedSource:
			revisedEntry = e
		case brokenSource:
			brokenEntry = e
		}
	}
	if revisedEntry.Source == "" || brokenEntry.Source == "" {
		t.Fatalf("the sample archive has no %s or no %s", revisedSource, brokenSource)
	}
	body, err := src.Object(revisedEntry.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	revised := reviseJSONStat(t, body, revisedGeo, revisedYear, revision)
	e := revisedEntry
	e.FetchedAt = later
	e.Provenance = &archive.Provenance{Kind: "reconstructed", Note: "sample figure with a revision added by the warehouse tests"}
	if e, err = arch.Put(revised, e); err != nil {
		t.Fatal(err)
	}
	w.revisedSHA256 = e.SHA256
	page := brokenEntry
	page.FetchedAt = later
	page.Header = map[string]string{"Content-Type": "text/html; charset=utf-8"}
	if _, err := arch.Put([]byte("<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"), page); err != nil {
		t.Fatal(err)
	}

	opt := runOptions(w.path, w.secondRunStart)
	opt.ArchiveDir = arch.Dir()
	if w.second, err = pipeline.Run(ctx, opt); err != nil {
		t.Fatal(err)
	}
	return w
}

// reviseJSONStat adds delta to the figure of one country and year in a
// JSON-stat 2.0 dataset whose last dimensions are geo and time and whose
// other dimensions have one category each (Eurostat's answer to a query
// that fixes every code but the country and year).
func reviseJSONStat(t *testing.T, body []byte, geo, year string, delta float64) []byte {
	t.Helper()
	var ds map[string]any
	if err := json.Unmarshal(body, &ds); err != nil {
		t.Fatal(err)
	}
	category := func(dim, code string) (float64, int) {
		index := ds["dimension"].(map[string]any)[dim].(map[string]any)["category"].(map[string]any)["index"].(map[string]any)
		i, ok := index[code].(float64)
		if !ok {
			t.Fatalf("no %s category %s", dim, code)
		}
		return i, len(index)
	}
	g, _ := category("geo", geo)
	y, years := category("time", year)
	idx := g*float64(years) + y
	values, ok := ds["value"].(map[string]any)
	if !ok {
		t.Fatal("value is not an object")
	}
	key := strconv.Itoa(int(idx))
	old, ok := values[key].(float64)
	if !ok {
		t.Fatalf("no value for %s", year)
	}
	values[key] = old + delta
	out, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// estimate returns the summary's estimate for a destination.
func estimate(s *pipeline.Summary, dest string) (transform.Estimate, bool) {
	for _, e := range s.Estimates {
		if e.Destination == dest {
			return e, true
		}
	}
	return transform.Estimate{}, false
}

// queryMaps runs q and returns its rows as column -> value maps.
func queryMaps(t *testing.T, db *sql.DB, q string, args ...any) []map[string]any {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	default:
		t.Fatalf("%v (%T) is not a number", v, v)
		return 0
	}
}

func day(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

func openReadOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
