package sources_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	_ "github.com/emigre/emigre/extractors/formats" // the readers
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/extractors/sources"
	"github.com/emigre/emigre/transform"
)

var (
	isoCode   = regexp.MustCompile(`^[A-Z]{2}$`)
	isoPrefix = regexp.MustCompile(`^[a-z]{2}-`)
)

// multiCountry reports whether the source covers several destinations, each
// observation naming its own.
func multiCountry(s *extractors.Source) bool { return s.Map.Destination != "" }

// TestCatalogueComplete checks every registered source declares what the
// design asks of a source.
func TestCatalogueComplete(t *testing.T) {
	all := extractors.Sources()
	if len(all) == 0 {
		t.Fatal("no sources registered")
	}
	ids := map[string]bool{}
	for _, s := range all {
		t.Run(s.ID, func(t *testing.T) {
			if ids[s.ID] {
				t.Errorf("id registered twice")
			}
			ids[s.ID] = true
			if multiCountry(s) {
				// Each observation names its own destination (Map.Destination).
				if s.Destination != "" || s.ID != strings.ToLower(s.ID) || isoPrefix.MatchString(s.ID) {
					t.Errorf("multi-country source: want no catalogue destination and a lower-case id not starting with a country, have %q, %q", s.Destination, s.ID)
				}
			} else {
				if s.ID != strings.ToLower(s.ID) || !strings.HasPrefix(s.ID, strings.ToLower(s.Destination)+"-") {
					t.Errorf("id %q: want lower case, starting with the destination", s.ID)
				}
				if !isoCode.MatchString(s.Destination) || s.Destination == "EL" || s.Destination == "UK" {
					t.Errorf("destination %q is not an ISO 3166-1 alpha-2 code", s.Destination)
				}
			}
			for name, v := range map[string]string{"Publisher": s.Publisher, "Dataset": s.Dataset, "Title": s.Title,
				"Homepage": s.Homepage, "Format": s.Format, "Licence": s.Licence, "Notes": s.Notes} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", name)
				}
			}
			switch s.Cadence {
			case extractors.Annual, extractors.Semiannual, extractors.Quarterly, extractors.Monthly, extractors.AdHoc:
			default:
				t.Errorf("cadence %q is not set or unknown", s.Cadence)
			}
			if s.LagMonths < 0 || s.Priority <= 0 {
				t.Errorf("lag %d, priority %d", s.LagMonths, s.Priority)
			}
			if _, err := extractors.ReaderFor(s.Format); err != nil {
				t.Errorf("format: %v", err)
			}
			if len(s.Requests) == 0 {
				t.Fatal("no request")
			}
			for _, r := range s.Requests {
				u, err := url.Parse(r.URL)
				if err != nil || u.Scheme != "https" || u.Host == "" {
					t.Errorf("request URL %q is not an https URL", r.URL)
					continue
				}
				// The replay transport looks requests up by url.URL.String():
				// the catalogue must hold that canonical form.
				if u.String() != r.URL {
					t.Errorf("request URL %q is not canonical (%q)", r.URL, u.String())
				}
				switch r.MethodOrGet() {
				case "GET":
					if r.Body != "" {
						t.Errorf("GET with a body")
					}
				case "POST":
					if r.Body == "" || r.Header["Content-Type"] == "" {
						t.Errorf("POST without a body or its Content-Type")
					}
				default:
					t.Errorf("method %q", r.Method)
				}
			}
			checkMapping(t, s)
		})
	}
}

func checkMapping(t *testing.T, s *extractors.Source) {
	m := s.Map
	if st := s.Statement; st != nil {
		if s.Format != "statement" || s.Cadence != extractors.AdHoc {
			t.Errorf("a statement has format %q, cadence %q", s.Format, s.Cadence)
		}
		if !st.Measure.Valid() || st.Measure == extractors.Statement {
			t.Errorf("statement measure %q", st.Measure)
		}
		if st.RefDate.IsZero() || st.SaidOn.IsZero() || st.SaidOn.Before(st.RefDate) {
			t.Errorf("statement dates: ref %v, said %v", st.RefDate, st.SaidOn)
		}
		if st.Speaker == "" || st.Quote == "" || st.Translation == "" {
			t.Errorf("statement without speaker, quote or translation")
		}
		re, err := regexp.Compile(st.Pattern)
		if err != nil || re.NumSubexp() < 1 {
			t.Errorf("pattern %q: %v (needs a group capturing the figure)", st.Pattern, err)
		}
		if st.Scale < 0 {
			t.Errorf("scale %v", st.Scale)
		}
		if m.FixedCitizenship != "RU" {
			t.Errorf("statement citizenship %q", m.FixedCitizenship)
		}
		if len(s.Requests) != 1+len(st.Earlier) {
			t.Errorf("%d requests for %d figures", len(s.Requests), 1+len(st.Earlier))
		}
		for i, f := range st.Earlier {
			switch {
			case f.URL == "" || f.URL == s.Requests[0].URL || s.Statement.Figure(f.URL) != &st.Earlier[i]:
				t.Errorf("earlier figure %d: URL %q is not a page of its own", i, f.URL)
			case f.Measure != st.Measure:
				t.Errorf("earlier figure %d counts %s, the series %s", i, f.Measure, st.Measure)
			case f.RefDate.IsZero() || f.SaidOn.Before(f.RefDate) || !f.RefDate.Before(st.RefDate):
				t.Errorf("earlier figure %d: ref %v, said %v: want a date before the entry's %v", i, f.RefDate, f.SaidOn, st.RefDate)
			case f.Speaker == "" || f.Quote == "" || f.Translation == "" || len(f.Earlier) > 0:
				t.Errorf("earlier figure %d without speaker, quote or translation, or with figures of its own", i)
			}
			if !slices.ContainsFunc(s.Requests, func(r extractors.Request) bool { return r.URL == f.URL }) {
				t.Errorf("earlier figure %d: its page %s is not requested", i, f.URL)
			}
		}
		return
	}
	if m.Time == "" {
		t.Errorf("mapping without a time dimension")
	}
	if m.Citizenship == "" && m.FixedCitizenship == "" {
		t.Errorf("mapping without citizenship")
	}
	metrics := []extractors.Metric{m.Metric}
	if m.MetricDim != "" {
		metrics = metrics[:0]
		for _, v := range m.Metrics {
			metrics = append(metrics, v)
		}
	}
	for _, v := range metrics {
		if !v.Valid() || v == extractors.Statement {
			t.Errorf("metric %q", v)
		}
		if v.IsStock() && m.StockAt != "start" && m.StockAt != "end" {
			t.Errorf("stock metric %s without StockAt", v)
		}
	}
}

func sampleArchive(t *testing.T) *archive.Archive {
	t.Helper()
	a, err := archive.OpenFS(sample.FS())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// snapshot returns the sample body answering the source's first request.
func snapshot(t *testing.T, a *archive.Archive, s *extractors.Source) (archive.Entry, []byte) {
	t.Helper()
	return requestSnapshot(t, a, s.Requests[0])
}

// requestSnapshot returns the sample body answering one request.
func requestSnapshot(t *testing.T, a *archive.Archive, r extractors.Request) (archive.Entry, []byte) {
	t.Helper()
	e, ok := a.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
	if !ok {
		t.Fatalf("no sample snapshot for %s %s", r.MethodOrGet(), r.URL)
	}
	b, err := a.Object(e.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return e, b
}

// TestSampleSnapshots checks the embedded archive holds one snapshot per
// request of every source, each honest about where its figures came from.
func TestSampleSnapshots(t *testing.T) {
	a := sampleArchive(t)
	perSource := map[string]int{}
	for _, e := range a.Entries() {
		perSource[e.Source]++
	}
	for _, s := range extractors.Sources() {
		t.Run(s.ID, func(t *testing.T) {
			if perSource[s.ID] != len(s.Requests) {
				t.Errorf("%d snapshots for %d requests", perSource[s.ID], len(s.Requests))
			}
			delete(perSource, s.ID)
			for _, r := range s.Requests {
				e, ok := a.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
				if !ok {
					t.Fatalf("no snapshot for %s %s", r.MethodOrGet(), r.URL)
				}
				if e.Source != s.ID || e.Status != 200 || e.Header["Content-Type"] == "" || e.FetchedAt.IsZero() {
					t.Errorf("entry: source %q status %d header %v fetched %v", e.Source, e.Status, e.Header, e.FetchedAt)
				}
				p := e.Provenance
				if p == nil || p.Kind != "reconstructed" || p.From == "" || p.Published == "" || p.Note == "" {
					t.Errorf("provenance %+v: want kind reconstructed with from, published and note", p)
				}
				if _, err := a.Object(e.SHA256); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for id := range perSource {
		t.Errorf("snapshot for unregistered source %s", id)
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// TestStatementQuotesOnPage checks each statement's quote is on its page,
// and each earlier figure's on its own.
func TestStatementQuotesOnPage(t *testing.T) {
	a := sampleArchive(t)
	for _, s := range extractors.Sources() {
		if s.Statement == nil {
			continue
		}
		for _, r := range s.Requests {
			_, b := requestSnapshot(t, a, r)
			text := strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(string(b), " "))), " ")
			if !strings.Contains(text, s.Statement.Figure(r.URL).Quote) {
				t.Errorf("%s: the quote is not on the archived page %s", s.ID, r.URL)
			}
		}
	}
}

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// want is one observation an end-to-end extraction must produce.
type want struct {
	metric     extractors.Metric
	start, end string
	value      float64 // ignored when missing
	missing    bool
}

func stock(m extractors.Metric, on string, v float64) want { return want{m, on, on, v, false} }
func year(m extractors.Metric, y int, v float64) want {
	return want{m, strconv.Itoa(y) + "-01-01", strconv.Itoa(y) + "-12-31", v, false}
}

var expected = map[string][]want{
	"de-eurostat-migr_pop1ctz": {
		stock(extractors.ResidentStock, "2022-01-01", 237816), stock(extractors.ResidentStock, "2024-01-01", 272362),
		stock(extractors.ResidentStock, "2019-01-01", 228525),
		{extractors.ResidentStock, "2011-01-01", "2011-01-01", 0, true}, // ':' in the export
	},
	"de-eurostat-migr_resvalid": {
		stock(extractors.PermitsValid, "2021-12-31", 214668), stock(extractors.PermitsValid, "2023-12-31", 246204),
		stock(extractors.PermitsValid, "2024-12-31", 225408),
	},
	"de-eurostat-migr_resfirst": {year(extractors.PermitsFirst, 2022, 19759), year(extractors.PermitsFirst, 2023, 23872)},
	"de-eurostat-migr_emi1ctz":  {year(extractors.Emigration, 2021, 4141), year(extractors.Emigration, 2022, 3404), year(extractors.Emigration, 2023, 4860)},
	"de-eurostat-migr_acq":      {year(extractors.Naturalisations, 2022, 4710), year(extractors.Naturalisations, 2023, 4960)},
	"dk-eurostat-migr_pop1ctz": {
		stock(extractors.ResidentStock, "2022-01-01", 4837),
		{extractors.ResidentStock, "2024-01-01", "2024-01-01", 0, true},
	},
	"es-eurostat-migr_resvalid": {stock(extractors.PermitsValid, "2021-12-31", 72419), stock(extractors.PermitsValid, "2024-12-31", 107041)},
	"es-eurostat-migr_resfirst": {
		year(extractors.PermitsFirst, 2022, 12494), year(extractors.PermitsFirst, 2023, 20412), year(extractors.PermitsFirst, 2024, 17111),
	},
	"fr-eurostat-migr_resvalid": {stock(extractors.PermitsValid, "2021-12-31", 53141), stock(extractors.PermitsValid, "2024-12-31", 65236)},
	"nl-eurostat-migr_pop1ctz":  {stock(extractors.ResidentStock, "2022-01-01", 13670), stock(extractors.ResidentStock, "2024-01-01", 20884)},
	"no-eurostat-migr_acq":      {year(extractors.Naturalisations, 2021, 3216)},
	"ge-geostat-migration-citizenship": {
		year(extractors.Immigration, 2022, 62304), year(extractors.Emigration, 2022, 5935),
		year(extractors.Immigration, 2023, 52627), year(extractors.Emigration, 2023, 35344),
		year(extractors.Immigration, 2024, 23574), year(extractors.Emigration, 2024, 25612),
	},
	"fi-statfin-muutl":                       {year(extractors.Immigration, 2021, 2724), year(extractors.Immigration, 2022, 6003)},
	"am-migration-service-statement-2024-08": {stock(extractors.Statement, "2024-08-19", 40000)},
	"kz-ru-consulate-statement-2023-12":      {stock(extractors.Statement, "2023-12-31", 80000)},
	"rs-mup-statement-2023-02":               {stock(extractors.Statement, "2023-02-28", 23804)},
	"rs-mup-statement-2023-05":               {stock(extractors.Statement, "2023-05-15", 30000)},
}

// TestExtractSamples runs every source's reader and mapping over its sample
// snapshot, end to end, and checks concrete published figures.
func TestExtractSamples(t *testing.T) {
	a := sampleArchive(t)
	shared := loadShared(t)
	for id := range expected {
		if _, err := extractors.SourceByID(id); err != nil {
			t.Errorf("expectations for %s: %v", id, err)
		}
	}
	for _, s := range extractors.Sources() {
		t.Run(s.ID, func(t *testing.T) {
			obs, snapshots := extractRequests(t, a, s)
			figures := 0
			for _, o := range obs {
				want := s.Destination
				if multiCountry(s) {
					// Publishers' codes (UNHCR's ISO alpha-3) become alpha-2
					// in the pipeline; a code that does not is an error.
					c, err := transform.Canonicalize(o)
					if err != nil {
						t.Errorf("observation %+v: %v", o, err)
						continue
					}
					o.Destination, want = c.Destination, c.Destination
					if !isoCode.MatchString(want) {
						t.Errorf("observation %+v: destination %q is not ISO alpha-2", o, want)
					}
				}
				if o.SourceID != s.ID || o.Destination != want || o.Citizenship != "RU" || !snapshots[o.Snapshot] {
					t.Errorf("observation %+v: wrong source, destination, citizenship or snapshot", o)
				}
				if !o.Missing {
					figures++
					if o.Value < 0 || o.Value != float64(int64(o.Value)) {
						t.Errorf("%s %v: value %v is not a whole count", o.Metric, o.PeriodStart, o.Value)
					}
				}
				if s.Statement != nil && o.Measure != s.Statement.Measure {
					t.Errorf("statement measure %q, want %q", o.Measure, s.Statement.Measure)
				}
			}
			if figures == 0 {
				t.Fatal("no figures extracted")
			}
			for _, w := range expected[s.ID] {
				checkWant(t, obs, w)
			}
			if s.Publisher == "Eurostat" && shared != nil {
				checkAgainstShared(t, s, obs, shared)
			}
		})
	}
}

// extractRequests runs the source end to end over the sample snapshot of
// each of its requests, and returns the observations and the snapshots read.
func extractRequests(t *testing.T, a *archive.Archive, s *extractors.Source) ([]extractors.Observation, map[string]bool) {
	t.Helper()
	var obs []extractors.Observation
	snapshots := map[string]bool{}
	for _, r := range s.Requests {
		e, body := requestSnapshot(t, a, r)
		got, err := extractors.Extract(context.Background(), s, e.URL, body, e.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, got...)
		snapshots[e.SHA256] = true
	}
	return obs, snapshots
}

func checkWant(t *testing.T, obs []extractors.Observation, w want) {
	t.Helper()
	for _, o := range obs {
		if o.Metric == w.metric && o.PeriodStart.Equal(d(w.start)) && o.PeriodEnd.Equal(d(w.end)) {
			switch {
			case w.missing && !o.Missing:
				t.Errorf("%s %s..%s: want missing, have %v", w.metric, w.start, w.end, o.Value)
			case !w.missing && (o.Missing || o.Value != w.value):
				t.Errorf("%s %s..%s: want %v, have %v (missing %v)", w.metric, w.start, w.end, w.value, o.Value, o.Missing)
			}
			return
		}
	}
	t.Errorf("no %s observation for %s..%s", w.metric, w.start, w.end)
}

// sharedFigures are the Russian-citizen figures of the shared Eurostat
// extract, by dataset, country label and year ("" for ':').
type sharedFigures map[string]string

const sharedCSV = "../../../shared/realdata/derived/russia__eurostat_KiraKicka_long.csv"

func loadShared(t *testing.T) sharedFigures {
	f, err := os.Open(sharedCSV)
	if err != nil {
		t.Logf("shared extract not available (%v): Eurostat figures are not cross-checked", err)
		return nil
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := sharedFigures{}
	for _, r := range recs[1:] { // source_file,eurostat_table,citizen,geo_label,year,value_raw,value
		if r[2] == "RU" {
			out[r[1]+"|"+r[3]+"|"+r[4]] = r[6]
		}
	}
	return out
}

// covers reports whether the extract has any year of the dataset for the
// country.
func (f sharedFigures) covers(dataset, name string) bool {
	for k := range f {
		if strings.HasPrefix(k, dataset+"|"+name+"|") {
			return true
		}
	}
	return false
}

// checkAgainstShared checks every Eurostat figure of the sample is the
// shared extract's figure, and every ':' stays missing: nothing invented.
func checkAgainstShared(t *testing.T, s *extractors.Source, obs []extractors.Observation, shared sharedFigures) {
	t.Helper()
	var name string
	for _, c := range sources.EurostatCountries {
		if c.ISO == s.Destination {
			name = c.Name
		}
	}
	if !shared.covers(s.Dataset, name) {
		return // figures of another origin: europe_test.go checks those
	}
	for _, o := range obs {
		y := o.PeriodStart.Year()
		if o.Metric == extractors.PermitsValid { // 31 December of the year
			y = o.PeriodEnd.Year()
		}
		v, ok := shared[s.Dataset+"|"+name+"|"+strconv.Itoa(y)]
		switch {
		case !ok:
			t.Errorf("%d: not in the shared extract", y)
		case v == "" && !o.Missing:
			t.Errorf("%d: ':' in the shared extract, %v in the sample", y, o.Value)
		case v != "" && (o.Missing || strconv.FormatFloat(o.Value, 'f', -1, 64) != v):
			t.Errorf("%d: shared extract %s, sample %v (missing %v)", y, v, o.Value, o.Missing)
		}
	}
}

// TestOfflineReplay fetches every source through the real fetcher with the
// sample archive as the transport, as `emigre run --offline` does: the
// catalogue's requests (URL, method, body) must find their snapshots.
func TestOfflineReplay(t *testing.T) {
	a := sampleArchive(t)
	cfg := extractors.FetchConfig{
		UserAgent: extractors.UserAgent("test"),
		Timeout:   10 * time.Second,
		Transport: archive.Replay{Archive: a},
	}
	srcs := extractors.Sources()
	for _, r := range extractors.NewFetcher(cfg, a).FetchAll(context.Background(), srcs) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source.ID, r.Err)
			continue
		}
		for _, resp := range r.Responses {
			if archive.Sum(resp.Body) != resp.Entry.SHA256 || resp.Entry.Provenance == nil {
				t.Errorf("%s: replayed body or provenance differs from the sample", r.Source.ID)
			}
		}
	}
}
