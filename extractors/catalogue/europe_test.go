package catalogue_test

import (
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/transform"
)

const asylumCSV = "../../../shared/realdata/derived/russia__eurostat_migr_asyappctza_firsttime_RUS.csv"

// extractSample runs a source end to end over its sample snapshots (one per
// request).
func extractSample(t *testing.T, s *extractors.Source) []extractors.Observation {
	t.Helper()
	obs, _ := extractRequests(t, sampleArchive(t), s)
	return obs
}

// TestEurostatAsylumAgainstShared checks every first-time asylum figure of
// the sample is the shared extract's, and every figure of the extract for a
// registered country is in the sample: nothing invented, nothing dropped.
func TestEurostatAsylumAgainstShared(t *testing.T) {
	f, err := os.Open(asylumCSV)
	if err != nil {
		t.Skipf("shared asylum extract not available (%v)", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byISO := map[string]map[int]float64{} // ISO2 -> year -> applicants
	for _, r := range recs[1:] {
		if r[0] == "EU27" {
			continue
		}
		iso, err := transform.CountryCode(r[0])
		if err != nil {
			t.Fatal(err)
		}
		y, _ := strconv.Atoi(r[1])
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		if byISO[iso] == nil {
			byISO[iso] = map[int]float64{}
		}
		byISO[iso][y] = v
	}
	n := 0
	for _, s := range cat.Sources() {
		if s.Publisher != "Eurostat" || s.Dataset != "migr_asyappctza" {
			continue
		}
		n++
		t.Run(s.ID, func(t *testing.T) {
			want := byISO[s.Destination]
			have := map[int]float64{}
			for _, o := range extractSample(t, s) {
				if o.Metric != extractors.AsylumApplications || o.Missing {
					t.Errorf("%+v: want asylum applications with a value", o)
					continue
				}
				have[o.PeriodStart.Year()] = o.Value
			}
			for y, v := range want {
				if hv, ok := have[y]; !ok || hv != v {
					t.Errorf("%d: shared extract %v, sample %v (present %v)", y, v, hv, ok)
				}
			}
			for y := range have {
				if _, ok := want[y]; !ok {
					t.Errorf("%d: in the sample, not in the shared extract", y)
				}
			}
		})
	}
	// Every country of the extract with a figure since 2022 is registered,
	// except the United Kingdom (pre-Brexit years only).
	for iso, years := range byISO {
		since := false
		for y := range years {
			since = since || y >= 2022
		}
		if _, err := cat.Source(strings.ToLower(iso) + "-eurostat-migr_asyappctza"); err != nil && since {
			t.Errorf("%s has first-time asylum applicants since 2022 in the shared extract but no source", iso)
		}
	}
	if n < 30 {
		t.Errorf("%d asylum sources, want one per country of the extract (30+)", n)
	}
}

// TestEuropeReleaseFigures checks each Eurostat figure taken from a
// release's press coverage (figures_europe.tsv) is what its source extracts
// from the sample, and that the sample holds no other figure.
func TestEuropeReleaseFigures(t *testing.T) {
	b, err := os.ReadFile("../sample/reconstruct/figures_europe.tsv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	perSource := map[string]map[int]float64{}
	for _, l := range lines[1:] { // source_id, period, code, value, evidence
		f := strings.Split(l, "\t")
		y, _ := strconv.Atoi(f[1])
		v, err := strconv.ParseFloat(f[3], 64)
		if err != nil || !strings.HasPrefix(f[4], "https://") {
			t.Fatalf("figures_europe.tsv: bad line %q", l)
		}
		if perSource[f[0]] == nil {
			perSource[f[0]] = map[int]float64{}
		}
		perSource[f[0]][y] = v
	}
	for id, want := range perSource {
		s, err := cat.Source(id)
		if err != nil {
			t.Fatal(err)
		}
		have := map[int]float64{}
		for _, o := range extractSample(t, s) {
			if !o.Missing {
				have[o.PeriodStart.Year()] = o.Value
			}
		}
		if len(have) != len(want) {
			t.Errorf("%s: %d figures in the sample, %d published", id, len(have), len(want))
		}
		for y, v := range want {
			if hv, ok := have[y]; !ok || hv != v {
				t.Errorf("%s %d: published %v, sample %v (present %v)", id, y, v, hv, ok)
			}
		}
	}
}

// TestEuropeEstimates runs the estimate over every European sample the way
// a refresh does (catalogue priorities) and checks the per-country choices:
// every destination with a stock series around 2022 (a point by 1 January
// 2022 and a later one: a census alone is a level, not a change), a flow
// the methods use or a statement gets a row, and Finland prefers Statistics Finland's immigration over
// Eurostat's first permits.
func TestEuropeEstimates(t *testing.T) {
	window := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	european := map[string]bool{}
	for _, s := range cat.Sources() {
		if s.PublisherID == "eurostat" {
			european[s.Destination] = true
		}
	}
	usable := map[string]bool{}
	var obs []extractors.Observation
	prio := map[string]int{}
	for _, s := range cat.Sources() {
		if !european[s.Destination] {
			continue
		}
		prio[s.ID] = s.Priority
		var before, after bool // a stock series' points around 2022: a change needs both
		for _, o := range extractSample(t, s) {
			obs = append(obs, o)
			m := o.Metric
			if m == extractors.Statement {
				m = o.Measure
			}
			if o.Missing {
				continue
			}
			switch {
			case o.Metric != extractors.Statement && m.IsStock():
				before = before || o.PeriodEnd.Year() < 2022 || o.PeriodEnd.Equal(window)
				after = after || o.PeriodEnd.After(window)
			case o.PeriodEnd.Year() >= 2022 && slices.Contains([]extractors.Metric{extractors.ResidentStock,
				extractors.PermitsValid, extractors.PermitsFirst, extractors.Immigration}, m):
				usable[s.Destination] = true
			}
		}
		if before && after {
			usable[s.Destination] = true
		}
	}
	rows := map[string]transform.Estimate{}
	for _, e := range transform.Estimates(obs, transform.Options{Priority: prio}) {
		rows[e.Destination] = e
	}
	for d := range usable {
		if _, ok := rows[d]; !ok {
			t.Errorf("%s has data an estimate method uses but no estimate", d)
		}
	}
	if len(usable) < 15 {
		t.Errorf("only %d European destinations with usable data", len(usable))
	}
	if fi := rows["FI"]; fi.SourceID != "fi-statfin-muutl" {
		t.Errorf("Finland: chose %s, want Statistics Finland's register stock (priority 10) over Eurostat first permits", fi.SourceID)
	} else if len(fi.Alternatives) < 2 {
		t.Errorf("Finland: first permits missing from the range: %v", fi.Alternatives)
	}
}
