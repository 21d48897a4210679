package catalogue_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

// replayIntoWarehouse runs srcs offline from the sample archive into a new
// warehouse (origin RU, window from 2022-01-01), fails the test for any
// source that failed, and opens the warehouse read-only for its queries.
func replayIntoWarehouse(t *testing.T, srcs []*extractors.Source) *sql.DB {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	sum, err := pipeline.Run(context.Background(), pipeline.Options{
		Warehouse: db, Offline: true, Sources: srcs,
		Fetch:    fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate: transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:  "test", Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			t.Errorf("%s: %v", o.Source.ID, o.Err)
		}
	}
	conn, err := load.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
