package mapping

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

// tableReader is a reader over an in-memory table: it lets these tests
// exercise the mapping without depending on a format.
type tableReader struct {
	dims  []string
	cells [][]string // codes..., value ("" = missing)
}

func (tableReader) Format() string   { return "test-table" }
func (tableReader) Params() []string { return nil }

func (r tableReader) Read(_ context.Context, _ extractors.Input, emit extractors.Emit) error {
	t := &extractors.Table{Dims: r.dims}
	for _, row := range r.cells {
		c := extractors.Cell{Table: t, Codes: row[:len(row)-1]}
		if v := row[len(row)-1]; v == "" {
			c.Missing, c.Status = true, ":"
		} else {
			var n float64
			for _, ch := range v {
				n = n*10 + float64(ch-'0')
			}
			c.Value = n
		}
		if err := emit(c); err != nil {
			return err
		}
	}
	return nil
}

// testTable is what the registered "test-table" reader reads: the table of
// the running test (these tests do not run in parallel).
var testTable tableReader

type registeredTable struct{}

func (registeredTable) Format() string   { return "test-table" }
func (registeredTable) Params() []string { return nil }
func (registeredTable) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	return testTable.Read(ctx, in, emit)
}

func init() { extractors.RegisterReader(registeredTable{}) }

func withReader(t *testing.T, r tableReader) {
	t.Helper()
	testTable = r
	t.Cleanup(func() { testTable = tableReader{} })
}

func eurostatLike() *extractors.Source {
	return &extractors.Source{ID: "xx-test", Destination: "DE", Format: "test-table", Map: extractors.Mapping{
		Time: "time", Citizenship: "citizen", Filter: map[string]string{"sex": "T"},
		Metric: extractors.ResidentStock, StockAt: "start", Codes: map[string]string{"Russia": "RU"},
	}}
}

func TestExtractMapsFiltersAndKeepsMissing(t *testing.T) {
	withReader(t, tableReader{dims: []string{"citizen", "sex", "time"}, cells: [][]string{
		{"Russia", "T", "2022", "237816"},
		{"Russia", "M", "2022", "100000"}, // filtered out
		{"Russia", "T", "2024", ""},       // published missing
		{"BY", "T", "2022", "20000"},
	}})
	obs, err := Extract(context.Background(), eurostatLike(), "answer.json", nil, "sha")
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 3 {
		t.Fatalf("got %d observations, want 3: %+v", len(obs), obs)
	}
	o := obs[0]
	if o.Citizenship != "RU" || o.Value != 237816 || o.PeriodStart.Format("2006-01-02") != "2022-01-01" || o.Snapshot != "sha" {
		t.Errorf("first = %+v", o)
	}
	if !obs[1].Missing || obs[1].Flags != ":" || obs[1].Value != 0 {
		t.Errorf("missing cell = %+v, want Missing with its status", obs[1])
	}
}

func TestExtractFailsOnRenamedDimension(t *testing.T) {
	withReader(t, tableReader{dims: []string{"citizenship", "sex", "time"}, cells: [][]string{{"RU", "T", "2022", "1"}}})
	_, err := Extract(context.Background(), eurostatLike(), "answer.json", nil, "sha")
	if err == nil || !strings.Contains(err.Error(), `dimension "citizen" missing`) || !strings.Contains(err.Error(), "xx-test") {
		t.Errorf("err = %v, want a shape error naming the source and the dimension", err)
	}
}

func TestExtractFailsWhenNothingMatches(t *testing.T) {
	withReader(t, tableReader{dims: []string{"citizen", "sex", "time"}, cells: [][]string{{"RU", "F", "2022", "1"}}})
	_, err := Extract(context.Background(), eurostatLike(), "answer.json", nil, "sha")
	if err == nil || !strings.Contains(err.Error(), "matched") {
		t.Errorf("err = %v, want 'none matched' (a removed code is not zero)", err)
	}
	withReader(t, tableReader{dims: []string{"citizen", "sex", "time"}})
	if _, err := Extract(context.Background(), eurostatLike(), "answer.json", nil, "sha"); err == nil {
		t.Error("an answer with no cells must fail")
	}
}

// metadataReader checks the reader is handed the metadata answer.
type metadataReader struct{ got *[]byte }

func (metadataReader) Format() string   { return "test-metadata" }
func (metadataReader) Params() []string { return nil }
func (r metadataReader) Read(_ context.Context, in extractors.Input, emit extractors.Emit) error {
	*r.got = in.Metadata
	return emit(extractors.Cell{Table: &extractors.Table{Dims: []string{"time"}}, Codes: []string{"2022"}, Value: 1})
}

var seenMetadata []byte

func init() { extractors.RegisterReader(metadataReader{got: &seenMetadata}) }

func TestExtractHandsTheMetadataToTheReader(t *testing.T) {
	s := &extractors.Source{ID: "xx-meta", Destination: "GE", Format: "test-metadata",
		Map: extractors.Mapping{Time: "time", FixedCitizenship: "RU", Metric: extractors.Immigration}}
	if _, err := ExtractWithMetadata(context.Background(), s, "data.json", nil, "sha", []byte(`{"variables":[]}`)); err != nil {
		t.Fatal(err)
	}
	if string(seenMetadata) != `{"variables":[]}` {
		t.Errorf("reader saw metadata %q", seenMetadata)
	}
}

// TestFiscalYearWithoutMonth reads a year of a table that gives fiscal
// years (the DHS yearbook: FY 2023 is October 2022 - September 2023) as
// that fiscal year; a stock and a non-year period are left alone.
func TestFiscalYearWithoutMonth(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	p := fiscalYear(extractors.Period{Start: day(2023, 1, 1), End: day(2023, 12, 31)}, time.October)
	if !p.Start.Equal(day(2022, 10, 1)) || !p.End.Equal(day(2023, 9, 30)) {
		t.Errorf("FY 2023 = %v..%v, want 2022-10-01..2023-09-30", p.Start, p.End)
	}
	month := extractors.Period{Start: day(2023, 3, 1), End: day(2023, 3, 31)}
	if got := fiscalYear(month, time.October); got != month {
		t.Errorf("a month became %v", got)
	}
}

// TestPatternPeriod reads e-Stat's ten-digit period codes with a source's
// time pattern; a code the pattern does not match is an error.
func TestPatternPeriod(t *testing.T) {
	const estat = `^(?P<year>\d{4})00\d\d(?P<month>\d\d)$`
	re := regexp.MustCompile(estat)
	for code, want := range map[string]string{"2023001212": "2023-12", "2022000606": "2022-06"} {
		if got, err := patternPeriod(re, estat, code); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", code, got, err, want)
		}
	}
	if got, err := patternPeriod(regexp.MustCompile(`^(?P<year>\d{4})年`), "", "2021年"); err != nil || got != "2021" {
		t.Errorf("a year alone: %q, %v", got, err)
	}
	if _, err := patternPeriod(re, estat, "2023"); err == nil {
		t.Error("a code the pattern does not match must fail")
	}
}

// pagesReader reads a different made-up table per page, by the page's name.
type pagesReader struct{}

var testPages map[string]tableReader

func (pagesReader) Format() string   { return "test-pages" }
func (pagesReader) Params() []string { return nil }
func (pagesReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	return testPages[in.Name].Read(ctx, in, emit)
}

func init() { extractors.RegisterReader(pagesReader{}) }

// unhcrLike is a multi-country source over a paged answer like UNHCR's
// asylum applications: one row per country of asylum, year, authority and
// application type, summed over what the source does not keep.
func unhcrLike() *extractors.Source {
	return &extractors.Source{ID: "unhcr-test", Format: "test-pages", Map: extractors.Mapping{
		Time: "year", Destination: "asylum", Citizenship: "origin", Sum: true,
		Filter:   map[string]string{"application": "N", "unit": "P"},
		Fallback: []map[string]string{{"application": "NR"}, {"unit": "C"}},
		Metric:   extractors.AsylumApplications, Codes: map[string]string{"RUS": "RU"},
	}}
}

func TestExtractPagesSumsAcrossPagesAndFallsBack(t *testing.T) {
	dims := []string{"asylum", "origin", "year", "procedure", "application", "unit"}
	testPages = map[string]tableReader{ // made-up figures
		"page1": {dims: dims, cells: [][]string{
			{"DEU", "RUS", "2022", "G", "N", "P", "100"},
			{"DEU", "RUS", "2022", "G", "R", "P", "40"},  // repeat: not new
			{"BGR", "RUS", "2022", "G", "NR", "P", "30"}, // only new and repeat together
			{"BGR", "RUS", "2023", "G", "NR", "P", "9"},
			{"USA", "RUS", "2022", "G", "N", "C", "7"}, // cases: never added to persons
			{"USA", "RUS", "2022", "G", "N", "P", "3"},
			{"PAN", "RUS", "2022", "G", "N", "C", "4"}, // only cases: they stand in, flagged
			{"PAN", "RUS", "2022", "U", "N", "C", "1"},
			{"PAN", "RUS", "2022", "G", "NR", "C", "50"}, // two alternatives at once: neither
		}},
		"page2": {dims: dims, cells: [][]string{
			{"DEU", "RUS", "2022", "J", "N", "P", "5"},   // another authority, same year: summed
			{"DEU", "RUS", "2022", "G", "NR", "P", "99"}, // N is there: NR does not stand in
			{"BGR", "RUS", "2023", "U", "NR", "P", "1"},
			{"BGR", "RUS", "2023", "G", "N", "P", "2"}, // N for 2023 after all
			{"EU27", "RUS", "2022", "G", "N", "P", "500"},
		}},
	}
	t.Cleanup(func() { testPages = nil })
	obs, err := ExtractPages(context.Background(), unhcrLike(), []Page{
		{Name: "page1", Snapshot: "s1"}, {Name: "page2", Snapshot: "s2"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]extractors.Observation{}
	for _, o := range obs {
		got[o.Destination+" "+o.PeriodStart.Format("2006")] = o
	}
	want := map[string]struct {
		v     float64
		flags string
	}{"DEU 2022": {105, ""}, "BGR 2022": {30, "NR"}, "BGR 2023": {2, ""}, "USA 2022": {3, ""}, "PAN 2022": {5, "C"}}
	if len(got) != len(want) {
		t.Fatalf("observations %v, want %v (no EU27, cases only where no persons)", got, want)
	}
	for k, w := range want {
		if o := got[k]; o.Value != w.v || o.Flags != w.flags {
			t.Errorf("%s = %v flags %q, want %v flags %q", k, o.Value, o.Flags, w.v, w.flags)
		}
	}
}

func TestExtractSkipsAggregatesThatAreNotCountries(t *testing.T) {
	testPages = map[string]tableReader{"only-aggregates": {dims: []string{"asylum", "origin", "year", "application", "unit"},
		cells: [][]string{{"EU27_2020", "RUS", "2022", "N", "P", "1"}, {"EA20", "RUS", "2022", "N", "P", "1"}}}}
	t.Cleanup(func() { testPages = nil })
	_, err := ExtractPages(context.Background(), unhcrLike(), []Page{{Name: "only-aggregates"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "2 cells of aggregates") {
		t.Errorf("err %v: an answer of aggregates only maps to nothing, and says why", err)
	}
}
