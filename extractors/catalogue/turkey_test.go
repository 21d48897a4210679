package catalogue_test

import (
	"database/sql"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/transform"
)

const pageFigures = "../../../shared/realdata/page_figures.tsv"

// TestTurkeyTUIKAgainstPageFigures checks the TÜİK sample holds exactly the
// immigration and emigration figures of Russian citizens that the shared
// register of published figures relays from TÜİK's release: the sample's
// figures are read back from its reconstructed workbook, not from the
// catalogue file.
func TestTurkeyTUIKAgainstPageFigures(t *testing.T) {
	f, err := os.Open(pageFigures)
	if err != nil {
		t.Skipf("shared page figures not available (%v)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{} // metric|year -> figure
	for _, rec := range recs[1:] {
		if rec[0] != "Turkey" || !strings.HasPrefix(rec[1], "TÜİK International Migration Statistics 2023") {
			continue
		}
		v, err := strconv.ParseFloat(rec[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(rec[3], "immigrants to Turkey"):
			want["immigration|"+rec[4]] = v
		case strings.HasPrefix(rec[3], "emigrants from Turkey"):
			want["emigration|"+rec[4]] = v
		}
	}
	if len(want) != 4 {
		t.Fatalf("%d TÜİK figures in the register, want immigration and emigration for 2022 and 2023: %v", len(want), want)
	}
	got := map[string]float64{}
	for _, o := range sampleOf(t, "tr-tuik-international-migration") {
		got[string(o.Metric)+"|"+strconv.Itoa(o.PeriodStart.Year())] = o.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: sample %v, TÜİK's release as relayed %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("sample %v, want exactly %v", got, want)
	}
}

// TestTurkeyEndToEnd replays Türkiye's sources into a real warehouse: the
// estimate rests on TÜİK's official series (net flows of Russian citizens,
// immigration minus emigration over 2022-23), not on the migration
// authority's statements.
func TestTurkeyEndToEnd(t *testing.T) {
	var srcs []*extractors.Source
	for _, s := range cat.SampleSources() {
		if s.Destination == "TR" {
			srcs = append(srcs, s)
		}
	}
	var arrivals, returns float64
	for _, o := range sampleOf(t, "tr-tuik-international-migration") {
		if y := o.PeriodStart.Year(); y < 2022 {
			continue
		}
		switch o.Metric {
		case extractors.Immigration:
			arrivals += o.Value
		case extractors.Emigration:
			returns += o.Value
		}
	}
	conn := replayIntoWarehouse(t, srcs)
	var net float64
	var gotArrivals, gotReturns sql.NullFloat64
	var method, source string
	var asOf time.Time
	err := conn.QueryRow(`SELECT net, arrivals, returns, method, source_id, as_of
		FROM latest_estimates WHERE destination = 'TR' AND citizenship = 'RU'`).
		Scan(&net, &gotArrivals, &gotReturns, &method, &source, &asOf)
	if err != nil {
		t.Fatal(err)
	}
	if source != "tr-tuik-international-migration" || method != string(transform.NetFlows) {
		t.Errorf("chosen %s by %s, want TÜİK's net flows", method, source)
	}
	if net != arrivals-returns || gotArrivals.Float64 != arrivals || gotReturns.Float64 != returns {
		t.Errorf("net %v (arrivals %v, returns %v), want %v - %v", net, gotArrivals, gotReturns, arrivals, returns)
	}
	if got := asOf.Format(time.DateOnly); got != "2023-12-31" {
		t.Errorf("as_of %s, want the end of TÜİK's latest year", got)
	}
}
