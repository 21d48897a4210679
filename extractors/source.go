package extractors

import (
	"fmt"
	"slices"
	"time"
)

// Cadence is how often a source publishes a new period.
type Cadence string

const (
	Annual     Cadence = "annual"
	Semiannual Cadence = "semiannual"
	Quarterly  Cadence = "quarterly"
	Monthly    Cadence = "monthly"
	AdHoc      Cadence = "ad hoc" // statements: no calendar
)

// Request is one HTTP request a source makes.
type Request struct {
	Method string // GET when empty
	URL    string
	Body   string            // for POST APIs (PxWeb queries)
	Header map[string]string // e.g. Content-Type of the body
}

// MethodOrGet returns the request's method, GET by default.
func (r Request) MethodOrGet() string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

// Source is one catalogue entry: where to fetch, which reader decodes the
// answer, and how the reader's cells map onto observations.
type Source struct {
	ID          string // stable id: "<destination>-<publisher>-<dataset>", lower case
	Destination string // ISO alpha-2 of the country that counts
	Publisher   string
	Dataset     string // the publisher's table or dataset code
	Title       string
	Homepage    string
	Requests    []Request
	Format      string            // reader name
	Params      map[string]string // reader parameters
	Map         Mapping           // reader cells -> observations
	Cadence     Cadence
	LagMonths   int // usual delay between a period's end and its publication
	Licence     string
	Notes       string // what was verified about the source, and how
	// Priority orders sources of one destination that support the same
	// estimate method: lower is preferred. The reason belongs in Notes.
	Priority int
	// ProRate opts a flow source into pro-rating a period that straddles
	// the window start by days (METHOD.md); the estimate then says so.
	ProRate bool
	// MaxBytes bounds one response body; exceeding it fails the source.
	// Zero means the fetcher's default.
	MaxBytes int64
	// Statement is set for sources that are an official statement.
	Statement *StatementEntry
}

// StatementEntry is a curated register entry for a figure that comes from an
// official's words rather than a dataset. The figure itself is read from the
// archived page: Pattern must match the page's text and capture the number,
// so every figure stays traceable to archived bytes.
type StatementEntry struct {
	Measure     Metric    // what the figure counts
	RefDate     time.Time // the date the figure refers to
	SaidOn      time.Time // the date it was said or published
	Speaker     string    // who said it
	Quote       string    // the quote in the original language, as published
	Translation string    // English translation of the quote
	Pattern     string    // regular expression over the page's text; group 1 is the figure
	Scale       float64   // multiplier for figures given in thousands ("40 тысяч"); 1 when zero
	// Since: the figure counts people who arrived since this date (for
	// flows such as "entries minus exits since February 2022").
	Since time.Time
	// TotalPattern, when set, makes the figure a share: Pattern captures a
	// percentage and TotalPattern (group 1) the total it is a share of, on
	// the same page ("74,714 immigrants ... Russia (60.9% of the total)").
	// The count is computed from the two, never typed in (formats.StatementReader).
	TotalPattern string
	// Earlier are earlier figures of the same series (the same publisher,
	// measure and definition: a statistics office's yearly figure as each
	// year's report was relayed), each read from its own page, URL. The
	// source requests every URL; the statement method sums a series' flows
	// over disjoint whole periods (transform). The entry itself is the
	// latest figure, the one the catalogue shows.
	Earlier []StatementEntry
	// URL is the page of an Earlier figure; empty for the entry itself,
	// whose page is the source's first request.
	URL string
}

// Figure returns the figure read from the page at url: the Earlier entry
// whose URL it is, else the entry itself.
func (e *StatementEntry) Figure(url string) *StatementEntry {
	for i := range e.Earlier {
		if e.Earlier[i].URL == url {
			return &e.Earlier[i]
		}
	}
	return e
}

// Mapping says how a reader's cells become observations of a source.
type Mapping struct {
	// Dimension ids. Time is required; Destination is empty when the source
	// covers one country (Source.Destination); Citizenship is empty when the
	// table counts one citizenship given by Citizenship code.
	Time        string
	Destination string
	Citizenship string
	// FixedCitizenship is the citizenship a table without a citizenship
	// dimension counts.
	FixedCitizenship string
	// Filter keeps only cells whose dimension has the given code
	// (sex=T, age=TOTAL, unit=NR). A filter on a dimension that the table
	// lacks is a shape error: the publisher changed the table.
	Filter map[string]string
	// MetricDim, when set, names the dimension whose codes say the metric
	// (Geostat: "Immigrants"/"Emigrants"); Metrics maps those codes.
	MetricDim string
	Metrics   map[string]Metric
	// Metric is the metric when MetricDim is empty.
	Metric Metric
	// Codes maps the publisher's country codes or names onto ISO alpha-2
	// ("Russian Federation" -> "RU", BFS "8100" -> "RU"). Codes not listed
	// pass through for transform to canonicalise (EL -> GR, RUS -> RU).
	Codes map[string]string
	// StockAt says which instant a stock's year denotes: "start" (1 January:
	// Eurostat migr_pop1ctz) or "end" (31 December: migr_resvalid).
	StockAt string
	// Month, when set, names the dimension holding the month of a period
	// whose year is in Time: tables that keep year and month in two columns
	// (IRCC: EN_YEAR and EN_MONTH; CBP: Fiscal Year and Month (abbv)).
	// Months are English names or abbreviations ("Jan", "JAN", "January")
	// or numbers 1-12.
	Month string
	// FiscalYearStart is the first month of the publisher's fiscal year when
	// Time holds a fiscal year (US federal: October, so FY 2023 OCT is
	// October 2022); zero for calendar years. Only with Month.
	FiscalYearStart time.Month
	// Sum adds up the cells that map to the same observation: tables that
	// break a figure down by dimensions the source does not keep (CBP: one
	// row per area of responsibility and demographic). A part published as
	// missing makes the sum missing: a total without one of its parts is
	// not the total.
	Sum bool
}

var (
	sources   []*Source
	sourceIdx = map[string]*Source{}
)

// Register adds a source to the catalogue. Sources register themselves from
// init functions (see extractors/sources).
func Register(s *Source) {
	if s.ID == "" {
		panic("extractors: source without id")
	}
	if _, dup := sourceIdx[s.ID]; dup {
		panic("extractors: source registered twice: " + s.ID)
	}
	sources = append(sources, s)
	sourceIdx[s.ID] = s
}

// Sources returns every registered source, ordered by destination then id.
func Sources() []*Source {
	out := slices.Clone(sources)
	slices.SortFunc(out, func(a, b *Source) int {
		if a.Destination != b.Destination {
			if a.Destination < b.Destination {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		} else if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

// SourceByID returns the registered source with the id.
func SourceByID(id string) (*Source, error) {
	s, ok := sourceIdx[id]
	if !ok {
		return nil, fmt.Errorf("unknown source %q", id)
	}
	return s, nil
}
