package warehouse_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/internal/iso3166"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/transform"
	"github.com/emigre/emigre/warehouse"
)

// TestSampleWarehouse builds the two-run sample warehouse once and checks,
// against it, every example query, the views behind them, the export and a
// second, independent reader.
func TestSampleWarehouse(t *testing.T) {
	w := buildSampleWarehouse(t)
	t.Run("queries", func(t *testing.T) { testQueries(t, w) })
	t.Run("estimate_history", func(t *testing.T) { testEstimateHistory(t, w) })
	t.Run("coverage_gaps", func(t *testing.T) { testCoverageGaps(t, w) })
	t.Run("export", func(t *testing.T) { testExport(t, w) })
	t.Run("independent reader", func(t *testing.T) { testIndependentReader(t, w) })
}

// queryChecks holds, per file in warehouse/queries, what its answer on the
// sample warehouse must satisfy. Every expectation is derived from the
// pipeline's summaries or from the test's own input, never typed in.
var queryChecks = map[string]func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any){
	"germany_net_since_2022": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		de, ok := estimate(w.second, "DE")
		if !ok {
			t.Fatal("the second run has no estimate for DE")
		}
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1", len(rows))
		}
		r := rows[0]
		src, err := catalogue.MustDefault().Source(de.SourceID)
		if err != nil {
			t.Fatal(err)
		}
		if num(t, r["net"]) != de.Net || r["method"] != string(de.Method) || r["source_id"] != de.SourceID ||
			day(r["as_of"]) != de.AsOf.Format(time.DateOnly) || day(r["since"]) != w.windowStart.Format(time.DateOnly) ||
			r["country"] != iso3166.Name("DE") || !strings.Contains(fmt.Sprint(r["published_by"]), src.Publisher) ||
			r["run_id"] != w.second.RunID {
			t.Errorf("answer %v, want the second run's DE estimate %s", r, de.Result)
		}
	},
	"top_destinations": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		want := slices.Clone(w.second.Estimates)
		slices.SortStableFunc(want, func(a, b transform.Estimate) int {
			if a.InTotal != b.InTotal {
				if a.InTotal {
					return -1
				}
				return 1
			}
			if a.Net != b.Net {
				return -cmpFloat(a.Net, b.Net)
			}
			return strings.Compare(a.Destination, b.Destination)
		})
		if len(want) > 20 {
			want = want[:20]
		}
		if len(rows) != len(want) || len(rows) == 0 {
			t.Fatalf("%d rows, want %d", len(rows), len(want))
		}
		for i, r := range rows {
			if r["destination"] != want[i].Destination || num(t, r["net"]) != want[i].Net {
				t.Errorf("row %d: %v %v, want %s %v", i, r["destination"], r["net"], want[i].Destination, want[i].Net)
			}
			if !want[i].InTotal {
				if r["share_of_total"] != nil {
					t.Errorf("%s is not in the total but has a share %v", want[i].Destination, r["share_of_total"])
				}
				continue
			}
			if share := num(t, r["share_of_total"]); math.Abs(share-want[i].Net/w.second.Total.Net) > 0.0005 {
				t.Errorf("%s: share %v of total %v", want[i].Destination, share, w.second.Total.Net)
			}
			// The caveats show beside the number they qualify.
			flags, _ := r["flags"].([]any)
			if got := fmt.Sprint(flags); got != fmt.Sprint(want[i].Flags) {
				t.Errorf("%s: flags %s, want %v", want[i].Destination, got, want[i].Flags)
			}
		}
	},
	"change_since_last_quarter": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		if len(rows) != len(w.second.Estimates) {
			t.Errorf("%d rows, want one per destination (%d)", len(rows), len(w.second.Estimates))
		}
		for _, r := range rows {
			dest := r["destination"].(string)
			now, okNow := estimate(w.second, dest)
			before, okBefore := estimate(w.first, dest)
			if !okNow || !okBefore {
				t.Errorf("%s: in the first run %v, in the second %v", dest, okBefore, okNow)
				continue
			}
			if r["run_before"] != w.first.RunID || r["run_now"] != w.second.RunID {
				t.Errorf("%s compares runs %v and %v", dest, r["run_before"], r["run_now"])
			}
			if got := num(t, r["change"]); got != now.Net-before.Net {
				t.Errorf("%s: change %v, want %v", dest, got, now.Net-before.Net)
			}
		}
		// The revision is the only thing that moved: Germany first, by it.
		if rows[0]["destination"] != "DE" || num(t, rows[0]["change"]) != w.revision {
			t.Errorf("first row %v, want DE changed by the revision %v", rows[0], w.revision)
		}
	},
	"statements_only": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		var want []string
		for _, e := range w.second.Estimates {
			if !slices.ContainsFunc(e.Alternatives, func(r transform.Result) bool { return r.Method != transform.Statement }) {
				want = append(want, e.Destination)
			}
		}
		var got []string
		for _, r := range rows {
			got = append(got, r["destination"].(string))
			if r["statement_speaker"] == nil || r["homepage"] == nil {
				t.Errorf("%v: no speaker or page", r["destination"])
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("statements only: %v, want %v", got, want)
		}
	},
	"stock_vs_flows": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		// On the sample itself, exactly the pairs the transform's results
		// say disagree (none, as it happens, when no destination has both).
		if want := disagreements(w.second.Estimates, nil); len(rows) != len(want) {
			t.Errorf("%d rows, want %d: %v", len(rows), len(want), want)
		}
		testStockVsFlowsWithFlows(t, w)
	},
	"revisions_last_run": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		if len(rows) != 1 {
			t.Fatalf("%d revisions in the last run, want the one the test made: %v", len(rows), rows)
		}
		r := rows[0]
		var first float64
		if err := db.QueryRow(`SELECT value FROM observations WHERE run_id = ? AND source_id = ? AND destination = ? AND period_end = ?`,
			w.first.RunID, w.revisedSource, revisedGeo, w.revisedPeriod).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if r["source_id"] != w.revisedSource || day(r["period_end"]) != w.revisedPeriod.Format(time.DateOnly) ||
			num(t, r["old_value"]) != first || num(t, r["new_value"]) != first+w.revision ||
			num(t, r["change"]) != w.revision || r["old_run_id"] != w.first.RunID || r["revised_in_run"] != w.second.RunID {
			t.Errorf("revision %v, want %s %s from %v by %v", r, w.revisedSource, w.revisedPeriod, first, w.revision)
		}
	},
	"failing_sources": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		var want []string
		for _, o := range w.second.Outcomes {
			if o.Err != nil && o.Status == load.SourceFailed { // not configured or not archived is no failure
				want = append(want, o.Source.ID)
			}
		}
		var got []string
		for _, r := range rows {
			got = append(got, r["source_id"].(string))
			if r["source_id"] == w.brokenSource && (r["last_stage"] != "parse" || num(t, r["consecutive_failures"]) != 1 ||
				!strings.Contains(fmt.Sprint(r["last_error"]), "HTML")) {
				t.Errorf("%s: %v", w.brokenSource, r)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Contains(got, w.brokenSource) || !slices.Equal(got, want) {
			t.Errorf("failing sources %v, want %v", got, want)
		}
	},
	"method_detail": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		chosen := map[string]int{}
		want := 0
		for _, e := range w.second.Estimates {
			want += len(e.Alternatives)
		}
		for _, r := range rows {
			if r["chosen"] == true {
				chosen[r["destination"].(string)]++
			}
		}
		if len(rows) != want {
			t.Errorf("%d method rows, want %d", len(rows), want)
		}
		for _, e := range w.second.Estimates {
			if chosen[e.Destination] != 1 {
				t.Errorf("%s has %d chosen methods", e.Destination, chosen[e.Destination])
			}
		}
	},
	"provenance": func(t *testing.T, w *sampleWarehouse, db *sql.DB, rows []map[string]any) {
		dests := map[string]bool{}
		sawRevised := false
		for _, r := range rows {
			dests[r["destination"].(string)] = true
			if r["url"] == nil || r["sha256"] == nil {
				t.Errorf("%v: no snapshot", r)
			}
			if r["destination"] == "DE" && r["metric"] == "resident_stock" && day(r["period_end"]) == w.revisedPeriod.Format(time.DateOnly) {
				sawRevised = true
				if r["sha256"] != w.revisedSHA256 {
					t.Errorf("the revised figure traces to %v, want the revised snapshot %s", r["sha256"], w.revisedSHA256)
				}
			}
		}
		if len(dests) != len(w.second.Estimates) || !sawRevised {
			t.Errorf("provenance covers %d destinations (want %d), revised figure seen: %v", len(dests), len(w.second.Estimates), sawRevised)
		}
	},
}

func testQueries(t *testing.T, w *sampleWarehouse) {
	db := openReadOnly(t, w.path)
	examples := warehouse.Examples()
	if len(examples) < len(queryChecks) {
		t.Errorf("%d queries, %d checks", len(examples), len(queryChecks))
	}
	for _, e := range examples {
		t.Run(e.Name, func(t *testing.T) {
			check, ok := queryChecks[e.Name]
			if !ok {
				t.Fatalf("warehouse/queries/%s.sql has no check in queryChecks: say what its answer on the sample must be", e.Name)
			}
			check(t, w, db, queryMaps(t, db, e.SQL))
		})
	}
}

// disagreements lists destination/stock source/flow source triples whose
// stock-change and net-flows results are more than 20% apart; extra adds
// net-flows results per destination.
func disagreements(ests []transform.Estimate, extra map[string]float64) []string {
	var out []string
	for _, e := range ests {
		var stocks, flows []float64
		var stockSources []string
		for _, a := range e.Alternatives {
			switch a.Method {
			case transform.StockChange:
				stocks, stockSources = append(stocks, a.Net), append(stockSources, a.SourceID)
			case transform.NetFlows:
				flows = append(flows, a.Net)
			}
		}
		if f, ok := extra[e.Destination]; ok {
			flows = append(flows, f)
		}
		for i, s := range stocks {
			for _, f := range flows {
				if math.Abs(s-f) > 0.20*math.Max(math.Abs(s), math.Abs(f)) {
					out = append(out, fmt.Sprintf("%s %s %v", e.Destination, stockSources[i], s-f))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// testStockVsFlowsWithFlows gives two destinations a net-flows result in a
// copy of the warehouse (the sample has no destination with both methods):
// one far from its stock change, one close to one of its stock variants.
func testStockVsFlowsWithFlows(t *testing.T, w *sampleWarehouse) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "copy.duckdb")
	b, err := os.ReadFile(w.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	extra := map[string]float64{}
	var rows []load.EstimateMethodRow
	for _, dest := range []string{"DE", "ES"} {
		e, ok := estimate(w.second, dest)
		if !ok || e.Method != transform.StockChange {
			t.Fatalf("%s: want a stock-change estimate in the sample, have %+v", dest, e.Result)
		}
		// Germany's flows are half its stock change; Spain's 5% off.
		f := e.Net * 0.5
		if dest == "ES" {
			f = e.Net * 0.95
		}
		extra[dest] = f
		rows = append(rows, load.EstimateMethodRow{Destination: dest, Citizenship: "RU", Method: string(transform.NetFlows),
			SourceID: "test-flows", Metric: "immigration", Net: f, AsOf: e.AsOf})
	}
	db, err := load.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := load.Update(ctx, db, func(ctx context.Context, tx *load.Tx) error {
		return load.InsertEstimateMethods(ctx, tx, w.second.RunID, rows)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro := openReadOnly(t, path)
	var sqlText string
	for _, e := range warehouse.Examples() {
		if e.Name == "stock_vs_flows" {
			sqlText = e.SQL
		}
	}
	var got []string
	for _, r := range queryMaps(t, ro, sqlText) {
		got = append(got, fmt.Sprintf("%s %s %v", r["destination"], r["stock_change_source_id"], num(t, r["difference"])))
	}
	slices.Sort(got)
	want := disagreements(w.second.Estimates, extra)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("disagreements %v, want %v", got, want)
	}
}

func testEstimateHistory(t *testing.T, w *sampleWarehouse) {
	db := openReadOnly(t, w.path)
	rows := queryMaps(t, db, `SELECT * FROM estimate_history WHERE citizenship = 'RU' ORDER BY destination, started_at`)
	if len(rows) != len(w.first.Estimates)+len(w.second.Estimates) {
		t.Fatalf("%d history rows, want %d + %d", len(rows), len(w.first.Estimates), len(w.second.Estimates))
	}
	for _, r := range rows {
		dest := r["destination"].(string)
		switch r["run_id"] {
		case w.first.RunID:
			if r["previous_run_id"] != nil || r["net_change"] != nil {
				t.Errorf("%s: first run has a previous run %v", dest, r["previous_run_id"])
			}
		case w.second.RunID:
			before, _ := estimate(w.first, dest)
			now, _ := estimate(w.second, dest)
			if r["previous_run_id"] != w.first.RunID || num(t, r["net_change"]) != now.Net-before.Net {
				t.Errorf("%s: change %v from %v, want %v from %s", dest, r["net_change"], r["previous_run_id"], now.Net-before.Net, w.first.RunID)
			}
		default:
			t.Errorf("%s: unknown run %v", dest, r["run_id"])
		}
		if r["destination_name"] != iso3166.Name(dest) {
			t.Errorf("%s is called %v", dest, r["destination_name"])
		}
	}
}

func testCoverageGaps(t *testing.T, w *sampleWarehouse) {
	db := openReadOnly(t, w.path)
	covered := map[string][]string{} // destination -> catalogue sources
	for _, s := range catalogue.MustDefault().Sources() {
		covered[s.Destination] = append(covered[s.Destination], s.ID)
	}
	withData := map[string]bool{}
	for _, r := range queryMaps(t, db, `SELECT DISTINCT destination FROM observations_current WHERE NOT missing`) {
		withData[r["destination"].(string)] = true
	}
	gaps := map[string]map[string]any{}
	for _, r := range queryMaps(t, db, `SELECT * FROM coverage_gaps`) {
		gaps[r["destination"].(string)] = r
	}
	for _, c := range iso3166.All() {
		g, listed := gaps[c.Alpha2]
		switch {
		case c.Alpha2 == "RU":
			if listed {
				t.Error("the origin is listed as a coverage gap")
			}
		case withData[c.Alpha2]:
			if listed {
				t.Errorf("%s has data but is listed: %v", c.Alpha2, g)
			}
		case !listed:
			t.Errorf("%s (%s) has no data and is not listed", c.Alpha2, c.Name)
		case len(covered[c.Alpha2]) == 0 && (g["gap"] != "no_source" || g["country_name"] != c.Name):
			t.Errorf("%s: %v, want no_source named %s", c.Alpha2, g, c.Name)
		case len(covered[c.Alpha2]) > 0 && (g["gap"] != "no_data" || len(g["source_ids"].([]any)) != len(covered[c.Alpha2])):
			t.Errorf("%s: %v, want no_data with %v", c.Alpha2, g, covered[c.Alpha2])
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
