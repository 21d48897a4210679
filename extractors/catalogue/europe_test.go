package catalogue_test

import (
	"encoding/csv"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/transform"
)

const asylumCSV = "../../../shared/realdata/derived/russia__eurostat_migr_asyappctza_firsttime_RUS.csv"

// extractSample runs a source end to end for Russian citizens over its
// sample snapshots.
func extractSample(t *testing.T, s *extractors.Source) []extractors.Observation {
	t.Helper()
	obs, _ := extractRequests(t, sampleArchive(t), s)
	return obs
}

// TestEurostatAsylumAgainstShared checks every first-time asylum figure of
// the sample is the shared extract's, and every figure of the extract is in
// the sample: nothing invented, nothing dropped; the EU aggregate is in the
// answer and never a destination.
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
	want := map[string]map[int]float64{} // ISO2 -> year -> applicants
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
		if want[iso] == nil {
			want[iso] = map[int]float64{}
		}
		want[iso][y] = v
	}
	s, err := cat.Source("eurostat-migr_asyappctza")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]map[int]float64{}
	for _, o := range extractSample(t, s) {
		if o.Metric != extractors.AsylumApplications {
			t.Errorf("%+v: want asylum applications", o)
		}
		if o.Missing {
			continue
		}
		if have[o.Destination] == nil {
			have[o.Destination] = map[int]float64{}
		}
		have[o.Destination][o.PeriodStart.Year()] = o.Value
	}
	for iso, years := range want {
		// covers are the countries reporting today: one whose figures stop
		// before 2020 (the United Kingdom, out of the EU) is not among them.
		if newest := slices.Max(slices.Collect(maps.Keys(years))); newest >= 2020 && !slices.Contains(s.Covers, iso) {
			t.Errorf("%s reports first-time asylum applicants to Eurostat (to %d) but is not in the source's covers", iso, newest)
		}
		for y, v := range years {
			if hv, ok := have[iso][y]; !ok || hv != v {
				t.Errorf("%s %d: shared extract %v, sample %v (present %v)", iso, y, v, hv, ok)
			}
		}
	}
	for iso, years := range have {
		for y := range years {
			if _, ok := want[iso][y]; !ok {
				t.Errorf("%s %d: in the sample, not in the shared extract", iso, y)
			}
		}
	}
	if len(have) < 30 {
		t.Errorf("%d countries in the answer, want every country of the extract (30+)", len(have))
	}
}

// TestEuropeReleaseFigures checks each Eurostat figure taken from a
// release's press coverage (figures_europe.tsv) is what its dataset's source
// extracts from the sample for that country, and that the sample holds no
// other figure of that country.
func TestEuropeReleaseFigures(t *testing.T) {
	b, err := os.ReadFile("../sample/reconstruct/figures_europe.tsv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := map[[2]string]map[int]float64{} // dataset, destination -> year -> value
	for _, l := range lines[1:] {           // dataset, destination, period, code, value, evidence
		f := strings.Split(l, "\t")
		y, _ := strconv.Atoi(f[2])
		v, err := strconv.ParseFloat(f[4], 64)
		if err != nil || !strings.HasPrefix(f[5], "https://") {
			t.Fatalf("figures_europe.tsv: bad line %q", l)
		}
		k := [2]string{f[0], f[1]}
		if want[k] == nil {
			want[k] = map[int]float64{}
		}
		want[k][y] = v
	}
	for k, years := range want {
		s, err := cat.Source("eurostat-" + k[0])
		if err != nil {
			t.Fatal(err)
		}
		have := map[int]float64{}
		for _, o := range extractSample(t, s) {
			if o.Destination == k[1] && !o.Missing {
				have[o.PeriodStart.Year()] = o.Value
			}
		}
		if len(have) != len(years) {
			t.Errorf("%s %s: %d figures in the sample, %d published", k[0], k[1], len(have), len(years))
		}
		for y, v := range years {
			if hv, ok := have[y]; !ok || hv != v {
				t.Errorf("%s %s %d: published %v, sample %v (present %v)", k[0], k[1], y, v, hv, ok)
			}
		}
	}
}

// europeanObservations are the sample observations of every source about a
// European destination (Eurostat's reporting countries), with the
// catalogue's priorities as a refresh sets them.
func europeanObservations(t *testing.T) ([]extractors.Observation, transform.Options) {
	t.Helper()
	european := map[string]bool{}
	for _, s := range cat.Sources() {
		if s.PublisherID == "eurostat" {
			for _, c := range s.Covers {
				european[c] = true
			}
		}
	}
	delete(european, "TR") // Türkiye reports to Eurostat; its statements are checked with the others'
	opt := transform.Options{Priority: map[string]int{}, DestinationPriority: map[string]map[string]int{}}
	var obs []extractors.Observation
	for _, s := range cat.Sources() {
		if absent(s) || s.Map.FixedCitizenship != "" && s.Map.FixedCitizenship != "RU" {
			continue
		}
		opt.Priority[s.ID] = s.Priority
		for d, n := range s.PerDestination {
			if opt.DestinationPriority[s.ID] == nil {
				opt.DestinationPriority[s.ID] = map[string]int{}
			}
			opt.DestinationPriority[s.ID][d] = n.Priority
		}
		if !s.MultiCountry() && !european[s.Destination] {
			continue
		}
		for _, o := range extractSample(t, s) {
			if european[o.Destination] {
				obs = append(obs, o)
			}
		}
	}
	return obs, opt
}

// TestEuropeEstimates runs the estimate over every European sample the way
// a refresh does (catalogue priorities, per destination where a source sets
// them) and checks the choices: every destination with a stock, a flow the
// methods use or a statement gets a row; the stock changes are those of
// the countries Eurostat's two whole answers give a baseline and a later
// value; Finland's first permits widen its range.
func TestEuropeEstimates(t *testing.T) {
	obs, opt := europeanObservations(t)
	usable := map[string]bool{}
	for _, o := range obs {
		m := o.Metric
		if m == extractors.Statement {
			m = o.Measure
		}
		if !o.Missing && o.PeriodEnd.Year() >= 2022 && slices.Contains([]extractors.Metric{extractors.ResidentStock,
			extractors.PermitsValid, extractors.PermitsFirst, extractors.Immigration}, m) {
			usable[o.Destination] = true
		}
	}
	rows := map[string]transform.Estimate{}
	for _, e := range transform.Estimates(obs, opt) {
		rows[e.Destination] = e
	}
	for d := range usable {
		if _, ok := rows[d]; !ok {
			t.Errorf("%s has data an estimate method uses but no estimate", d)
		}
	}
	var stock []string
	for d, e := range rows {
		if e.Method == transform.StockChange {
			stock = append(stock, d)
		}
	}
	slices.Sort(stock)
	// The European destinations with a stock change on the sample: a stock
	// on or within 12 months before 1 January 2022 and a later one, in
	// Eurostat's population (migr_pop1ctz) or valid permits (migr_resvalid).
	wantStock := []string{"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
		"IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}
	if !slices.Equal(stock, wantStock) {
		t.Errorf("stock changes in %v,\nwant %v", stock, wantStock)
	}
	if at := rows["AT"]; at.SourceID != "eurostat-migr_pop1ctz" || at.Net != 3406 {
		t.Errorf("Austria: %v, want migr_pop1ctz's 37,332 - 33,926 = 3,406", at.Result)
	}
	if lv := rows["LV"]; lv.Net != 35924-39206 || lv.Net >= 0 {
		t.Errorf("Latvia: %v, want the fall 35,924 - 39,206", lv.Result)
	}
	if de := rows["DE"]; !de.HasFlag(transform.FlagSeriesBreak) || de.Net != 34546 {
		t.Errorf("Germany: %v, want 34,546 flagged series_break (b on 1 January 2023)", de.Result)
	}
	fi := rows["FI"]
	var gross []string
	for _, a := range fi.Alternatives {
		if a.Method == transform.GrossFlows {
			gross = append(gross, a.SourceID)
		}
	}
	if !slices.Contains(gross, "eurostat-migr_resfirst") {
		t.Errorf("Finland's gross flows %v: want Eurostat's first permits in the range", gross)
	}
}
