package extractors

import (
	"net/url"
	"slices"
	"strings"
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

// Cadences lists every cadence, in a stable order.
var Cadences = []Cadence{Annual, Semiannual, Quarterly, Monthly, AdHoc}

// RequestRole says what a request's answer is for.
type RequestRole string

const (
	// RoleData is an answer the source's reader turns into observations.
	RoleData RequestRole = "data"
	// RoleMetadata is an answer the reader needs to read the data (a PxWeb
	// table's variable definitions before the data POST): archived, handed
	// to the reader with every data answer, never read as data itself.
	RoleMetadata RequestRole = "metadata"
	// RoleDiscovery is a page whose link gives the data file (a publisher
	// that puts each release at a new address): the fetcher follows the
	// link the request's Link rule picks and reads that file as data.
	RoleDiscovery RequestRole = "discovery"
)

// Request is one HTTP request a source makes.
type Request struct {
	Role   RequestRole // RoleData when empty
	Method string      // GET when empty
	URL    string
	Body   string            // for POST APIs (PxWeb queries)
	Header map[string]string // e.g. Content-Type of the body
	// Link picks the data file's address on a discovery page.
	Link *LinkRule
	// Paging, on a data request to an API that pages its answer, says how
	// to ask for the next page and how the answer says where it is: the
	// fetcher fetches every page, each archived under its own URL, and
	// fails the source when it cannot get them all.
	Paging *PagingRule
	// Secrets are credential values (name -> value) filled into {name}
	// placeholders of URL, Body and Header when the request is sent. The
	// archive, logs and errors keep the placeholders.
	Secrets map[string]string
}

// Fill puts the request's secrets into text's {name} placeholders.
func (r Request) Fill(text string) string {
	for name, v := range r.Secrets {
		text = strings.ReplaceAll(text, "{"+name+"}", v)
	}
	return text
}

// Scrub puts the placeholders back where text shows a secret.
func (r Request) Scrub(text string) string {
	for name, v := range r.Secrets {
		if v != "" {
			text = strings.ReplaceAll(text, v, "{"+name+"}")
			text = strings.ReplaceAll(text, url.QueryEscape(v), "{"+name+"}")
		}
	}
	return text
}

// MethodOrGet returns the request's method, GET by default.
func (r Request) MethodOrGet() string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

// RoleOrData returns the request's role, RoleData by default.
func (r Request) RoleOrData() RequestRole {
	if r.Role == "" {
		return RoleData
	}
	return r.Role
}

// LinkRule finds the data file's link on a discovery page.
type LinkRule struct {
	Select string // CSS selector of the candidate elements ("a[href]")
	Attr   string // attribute holding the address; "href" when empty
	// Match is a regular expression the address must match. With a
	// capture group, the candidate whose group 1 sorts last is taken (a
	// date or release number in the file name: the newest); without one,
	// the first match on the page.
	Match string
}

// PagingRule is how an API pages a JSON answer (UNHCR's population
// statistics API: ?page=N, answered {"page":N,"maxPages":M,"items":[...]}).
type PagingRule struct {
	Param string // the query parameter holding the page number ("page")
	Page  string // the answer's top-level member holding its page number ("page")
	Pages string // the answer's top-level member holding the number of pages ("maxPages")
}

// Source is one catalogue entry: where to fetch, which reader decodes the
// answer, and how the reader's cells map onto observations. Sources are
// data (extractors/catalogue reads them from YAML); readers are code.
type Source struct {
	ID string // stable id: "<destination>-<publisher>-<dataset>", lower case
	// File is the catalogue file the source was read from, for messages.
	File string
	// Destination is the ISO alpha-2 of the country that counts; empty
	// when each observation names its own (Map.Destination).
	Destination string
	PublisherID string // the publisher's id in the catalogue
	Publisher   string // the publisher's name
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
	Notes       string
	// Priority orders sources of one destination that support the same
	// estimate method: lower is preferred. The reason belongs in Notes.
	Priority int
	// ProRate opts a flow source into pro-rating a period that straddles
	// the window start by days (METHOD.md); the estimate then says so.
	ProRate bool
	// MaxBytes bounds one response body; exceeding it fails the source.
	// Zero means the fetcher's default.
	MaxBytes int64
	// OriginCode is the code system in which the requests and the mapping
	// write the {origin} placeholder ("alpha2", "alpha3", "eurostat", or
	// "name", the country table's English short name):
	// the source answers for any origin. Empty: the source counts the
	// citizenship its mapping names, whatever the run's origin.
	OriginCode string
	// Covers lists the destinations a multi-country answer is documented
	// to hold (Eurostat's reporting countries, UNHCR's countries of asylum).
	Covers []string
	// PerDestination is what differs for one destination of a
	// multi-country source: its priority among that country's sources
	// (Finland prefers Statistics Finland to Eurostat's first permits) and
	// the reason. Destinations not listed have Priority.
	PerDestination map[string]DestinationNote
	// OriginNames is the publisher's spelling of an origin whose name
	// differs from the country table's, for OriginCode "name" (IRCC writes
	// Turkey, and Korea, Republic of).
	OriginNames map[string]string
	// Verified says how the request is known to be right, and what is not.
	Verified Verification
	// Credentials are the secrets a request needs ({name} placeholders),
	// each read from an environment variable; a source missing one is
	// "not configured", never failed.
	Credentials []Credential
	// Statement is set for sources that are an official statement.
	Statement *StatementEntry
}

// DestinationNote is a multi-country source's priority for one destination
// and why it differs from the source's.
type DestinationNote struct {
	Priority int
	Note     string
}

// PriorityFor is the source's priority among the sources of dest.
func (s *Source) PriorityFor(dest string) int {
	if n, ok := s.PerDestination[dest]; ok {
		return n.Priority
	}
	return s.Priority
}

// Metrics returns the metrics the source's observations carry, sorted and
// without repeats: the statement metric for a statement, the metric
// dimension's metrics, or the one metric.
func (s *Source) Metrics() []Metric {
	switch {
	case s.Statement != nil:
		return []Metric{Statement}
	case s.Map.MetricDim != "":
		var ms []Metric
		for _, m := range s.Map.Metrics {
			if !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
		slices.Sort(ms)
		return ms
	default:
		return []Metric{s.Map.Metric}
	}
}

// FeedsEstimate reports whether any of the source's figures can make an
// estimate: asylum applications alone never do (METHOD.md), so a source
// of those only is a cross-check.
func (s *Source) FeedsEstimate() bool {
	if s.Statement != nil {
		return s.Statement.Measure != AsylumApplications
	}
	for _, m := range s.Metrics() {
		if m != AsylumApplications {
			return true
		}
	}
	return false
}

// Destinations are the countries the source's figures count: its one
// destination, or the countries a multi-country answer covers.
func (s *Source) Destinations() []string {
	if s.Destination != "" {
		return []string{s.Destination}
	}
	return slices.Clone(s.Covers)
}

// MultiCountry reports whether each observation names its own destination.
func (s *Source) MultiCountry() bool { return s.Map.Destination != "" }

// Verification is how a source's request (address, table id, variables,
// codes) is known to be right.
type Verification struct {
	// How: "documentation" (the publisher's API documentation), "public
	// client" (public code that calls it), "publisher page" (the page
	// itself, for statements and downloads), "third party" (the
	// publisher's figures as a third party copied or parsed them, pinned
	// at a version: not the publisher's bytes), or "unverified".
	How string
	// Evidence names the documents, code or pages, with the dates read.
	Evidence string
	// Unverified says what is not verified, or is empty.
	Unverified string
}

// Verification kinds.
const (
	VerifiedByDocumentation = "documentation"
	VerifiedByPublicClient  = "public client"
	VerifiedByPublisherPage = "publisher page"
	VerifiedByThirdParty    = "third party"
	NotVerified             = "unverified"
)

// Credential is a secret a source's requests need.
type Credential struct {
	Name string // the placeholder {Name} in the request's URL, body or headers
	Env  string // the environment variable holding it by default
	// Optional: an unset variable sends the credential empty instead of
	// leaving the source not configured (GENESIS takes an API token as the
	// user name with an empty password).
	Optional bool
}

// StatementKind says what a statement's figure counts (METHOD.md).
type StatementKind string

const (
	// KindStock is people present at a date.
	KindStock StatementKind = "stock"
	// KindChange is people added since a date ("came after February 2022
	// and remain").
	KindChange StatementKind = "change"
	// KindFlow is events over a period: arrivals, departures, or a balance
	// of entries and exits.
	KindFlow StatementKind = "flow"
)

// Flow kinds of a flow statement.
const (
	FlowArrivals   = "arrivals"
	FlowDepartures = "departures"
	FlowBalance    = "balance"
)

// Speaker is who said a statement's figure.
type Speaker struct {
	Body   string // the official body
	Person string // the person and their role, when the page names one
}

// String is the speaker as one line: "Person, Body" or the body.
func (s Speaker) String() string {
	if s.Person == "" {
		return s.Body
	}
	return s.Person + ", " + s.Body
}

// StatementEntry is a curated register entry for a figure that comes from an
// official's words rather than a dataset. The figure itself is read from the
// archived page: Pattern must match the page's text and capture the number,
// so every figure stays traceable to archived bytes.
type StatementEntry struct {
	Kind    StatementKind
	Flow    string // for KindFlow: FlowArrivals, FlowDepartures or FlowBalance
	Measure Metric // the metric the figure counts
	RefDate time.Time
	SaidOn  time.Time // the date it was said or published
	ReadOn  time.Time // the date the page was read
	Speaker Speaker
	// RelayOf says what the page relays (an interview, a release, an
	// answer to a newspaper) when it is not the speaker's own page.
	RelayOf     string
	Quote       string // the quote in the original language, as published
	Translation string // English translation of the quote
	Pattern     string // regular expression over the page's text; group 1 is the figure
	Scale       float64
	// Since: the figure counts people who arrived since this date (a
	// change, or a flow over [Since, RefDate]).
	Since time.Time
	// TotalPattern, when set, makes the figure a share: Pattern captures a
	// percentage and TotalPattern (group 1) the total it is a share of, on
	// the same page ("74,714 immigrants ... Russia (60.9% of the total)").
	// The count is computed from the two, never typed in.
	TotalPattern string
	// Earlier are earlier figures of the same series (the same body,
	// measure and definition), each read from its page, URL: a page of
	// its own, or the entry's own page when that page gives several
	// periods ("+23,000 in 2023 and +4,600 in 2024 so far"). The source
	// requests every page once; the entry itself is the latest figure.
	Earlier []StatementEntry
	// URL is the page of an Earlier figure; empty for the entry itself,
	// whose page is the source's first request.
	URL string
}

// StatementFigures returns the statement's figures read from the page at
// url: the entry itself when url is the source's first request, and every
// earlier figure whose page it is, latest first. Nil for a source that is
// no statement or a page that gives none of its figures.
func (s *Source) StatementFigures(url string) []*StatementEntry {
	st := s.Statement
	if st == nil {
		return nil
	}
	var out []*StatementEntry
	if len(s.Requests) > 0 && s.Requests[0].URL == url {
		out = append(out, st)
	}
	for i := range st.Earlier {
		if st.Earlier[i].URL == url {
			out = append(out, &st.Earlier[i])
		}
	}
	return out
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
	// Fallback lists, in order of preference, alternative codes for some
	// filtered dimensions: where no cell matching Filter gives an
	// observation, the cells matching the first alternative that gives it
	// stand in, each alternative on its own (never added to another's) and
	// flagged with its codes. UNHCR's asylum applications of a country and
	// year reported only as new and repeat together ({application: NR}),
	// or only in cases ({unit: C}), never as new applications of persons.
	Fallback []map[string]string
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
	// Eurostat migr_pop1ctz), "end" (31 December: migr_resvalid) or a day
	// as MM-DD (a census year: "04-03", census night 3 April).
	StockAt string
	// Month, when set, names the dimension holding the month of a period
	// whose year is in Time: tables that keep year and month in two columns
	// (IRCC: EN_YEAR and EN_MONTH; CBP: Fiscal Year and Month (abbv)).
	// Months are English names or abbreviations ("Jan", "JAN", "January")
	// or numbers 1-12.
	Month string
	// FiscalYearStart is the first month of the publisher's fiscal year when
	// Time holds a fiscal year (US federal: October, so FY 2023 OCT is
	// October 2022); zero for calendar years. Without Month, a year in
	// Time is the whole fiscal year ending in it (FY 2023: 1 October 2022
	// to 30 September 2023).
	FiscalYearStart time.Month
	// TimePattern, when set, reads a publisher's own period codes: a
	// regular expression over the Time code with a group named year and
	// optionally one named month ("2023001212", e-Stat's end of December
	// 2023: ^(?P<year>\d{4})00\d\d(?P<month>\d\d)$). A code it does not
	// match fails the source.
	TimePattern string
	// Sum adds up the cells that map to the same observation: tables that
	// break a figure down by dimensions the source does not keep (CBP: one
	// row per area of responsibility and demographic). A part published as
	// missing makes the sum missing: a total without one of its parts is
	// not the total.
	Sum bool
}
