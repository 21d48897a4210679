package quality

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// TestRunStoresChecks runs the checks inside a real warehouse transaction
// over two runs: the second revises a number and loses a series, and the
// stored rows say so.
func TestRunStoresChecks(t *testing.T) {
	ctx := context.Background()
	db, err := load.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	src := flowSource("ge-geo", "GE", extractors.Immigration, extractors.Emigration)
	first := append(yearly("ge-geo", "GE", extractors.Immigration, 2022, 100, 200),
		yearly("ge-geo", "GE", extractors.Emigration, 2022, 10, 20)...)
	// The second answer revises immigration 2023 and has no emigration.
	second := yearly("ge-geo", "GE", extractors.Immigration, 2022, 100, 400)

	load1 := func(runID string, started time.Time, obs []extractors.Observation, check bool) []load.QualityCheckRow {
		var rows []load.QualityCheckRow
		err := load.Update(ctx, db, func(ctx context.Context, tx *load.Tx) error {
			ms, err := load.MergeObservations(ctx, tx, runID, src.ID, obs)
			if err != nil {
				return err
			}
			if err := load.InsertRunSources(ctx, tx, runID, []load.RunSourceRow{{SourceID: src.ID,
				Status: load.SourceOK, Rows: len(obs), Merge: &ms}}); err != nil {
				return err
			}
			if check {
				in := Input{RunID: runID, Origin: "RU", WindowStart: day("2022-01-01"), Now: day("2024-06-01"),
					Sample: true, Sources: []*extractors.Source{src}, Parsed: map[string][]extractors.Observation{src.ID: obs}}
				if rows, err = Run(ctx, tx, in, Config{}); err != nil {
					return err
				}
			}
			return load.InsertRun(ctx, tx, load.Run{ID: runID, StartedAt: started, Mode: load.ModeOffline,
				Origin: "RU", WindowStart: day("2022-01-01"), Status: load.RunOK, SourcesAttempted: 1, SourcesLoaded: 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	load1("r1", day("2024-05-01"), first, false)
	returned := load1("r2", day("2024-06-01"), second, true)

	stored := map[string]load.QualityCheckRow{}
	rows, err := db.QueryContext(ctx, `select check_name, coalesce(source_id, ''), coalesce(destination, ''),
		observed, outcome, detail, sample from quality_checks where run_id = 'r2'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r load.QualityCheckRow
		var observed *float64
		if err := rows.Scan(&r.CheckName, &r.SourceID, &r.Destination, &observed, &r.Outcome, &r.Detail, &r.Sample); err != nil {
			t.Fatal(err)
		}
		r.Observed = observed
		stored[r.CheckName+" "+r.SourceID+r.Destination] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(returned) {
		t.Errorf("stored %d rows, Run returned %d", len(stored), len(returned))
	}
	for key, want := range map[string]struct{ outcome, detail string }{
		"revision ge-geo":     {OutcomeFail, "GE RU immigration 2023-01-01..2023-12-31: 200 -> 400 (+100.0%)"},
		"shape ge-geo":        {OutcomeWarn, "missing: GE RU emigration"},
		"completeness ge-geo": {OutcomeWarn, "2 rows; usually 4"},
		"completeness GE":     {OutcomePass, "1 of 1 sources"},
	} {
		r, ok := stored[key]
		if !ok {
			t.Errorf("no stored %s row; have %v", key, keysOf(stored))
			continue
		}
		if r.Outcome != want.outcome || !strings.Contains(r.Detail, want.detail) || !r.Sample {
			t.Errorf("%s: %s (sample %v)\n%s\nwant %s with %q", key, r.Outcome, r.Sample, r.Detail, want.outcome, want.detail)
		}
	}
}

func keysOf(m map[string]load.QualityCheckRow) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
