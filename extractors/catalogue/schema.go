package catalogue

// The YAML documents of the catalogue, field for field. Dates are written
// YYYY-MM-DD and read as strings, so a malformed one is reported with its
// file, line and field rather than as a type error.

// sourceDoc is one source: sources/<destination>/<id>.yaml.
type sourceDoc struct {
	ID          string            `yaml:"id"`
	Publisher   string            `yaml:"publisher"`   // an id in publishers.yaml
	Destination string            `yaml:"destination"` // ISO alpha-2; empty when map.destination names the dimension
	Dataset     string            `yaml:"dataset"`
	Title       string            `yaml:"title"`
	Homepage    string            `yaml:"homepage"`
	Format      string            `yaml:"format"` // a reader's name
	Params      map[string]string `yaml:"params"`
	// OriginCode is the code system of the {origin} placeholder: alpha2,
	// alpha3 or eurostat. Empty: the source counts a fixed citizenship.
	OriginCode string `yaml:"origin_code"`
	// OriginNames is, for origin_code name, the publisher's spelling of a
	// country whose name differs from the country table's (IRCC: Turkey).
	OriginNames map[string]string `yaml:"origin_names"`
	Covers      []string          `yaml:"covers"`
	// PerDestination holds, for a source that answers for many countries,
	// what differs for one of them: its priority and why.
	PerDestination map[string]perDestinationDoc `yaml:"per_destination"`
	Requests       []requestDoc                 `yaml:"requests"`
	// Pinned, when set, says why every request's address names a fixed
	// version of its file (a commit): each is fetched once, then read from
	// the archive (extractors.Request.Immutable).
	Pinned      string          `yaml:"pinned"`
	Map         mappingDoc      `yaml:"map"`
	Cadence     string          `yaml:"cadence"`
	LagMonths   int             `yaml:"lag_months"`
	Priority    int             `yaml:"priority"`
	ProRate     bool            `yaml:"pro_rate"`
	MaxBytes    int64           `yaml:"max_bytes"`
	Licence     string          `yaml:"licence"` // the publisher's when empty
	Verified    verifiedDoc     `yaml:"verified"`
	Credentials []credentialDoc `yaml:"credentials"`
	Statement   *statementDoc   `yaml:"statement"`
	Notes       string          `yaml:"notes"`
	Expected    []expectedDoc   `yaml:"expected"`
	Sample      *sampleDoc      `yaml:"sample"`
	LiveOnly    *liveOnlyDoc    `yaml:"live_only"`
}

// liveOnlyDoc marks a source whose answer is not in the sample archive (no
// real figures here to reconstruct it from): a live run fetches it, an
// offline replay says "not in the sample archive". Its mapping is tested
// on a fixture in the publisher's real format whose figures are made up.
type liveOnlyDoc struct {
	Reason string `yaml:"reason"`
	// Fixture is a file in extractors/catalogue/testdata named *_madeup.*:
	// the publisher's format with made-up figures, never in the sample.
	Fixture string `yaml:"fixture"`
	// Expected are the fixture's made-up figures, checked by the tests.
	Expected []expectedDoc `yaml:"expected"`
}

type requestDoc struct {
	Role    string            `yaml:"role"` // data (default), metadata, discovery
	Method  string            `yaml:"method"`
	URL     string            `yaml:"url"`
	Body    string            `yaml:"body"`
	Headers map[string]string `yaml:"headers"`
	Link    *linkDoc          `yaml:"link"`
	Paging  *pagingDoc        `yaml:"paging"`
}

// pagingDoc is how an API pages its answer: the query parameter of the
// page number, and the answer's members holding its page and page count.
type pagingDoc struct {
	Param string `yaml:"param"`
	Page  string `yaml:"page"`
	Pages string `yaml:"pages"`
}

// perDestinationDoc is one destination's own priority among that
// country's sources, with the reason.
type perDestinationDoc struct {
	Priority int    `yaml:"priority"`
	Note     string `yaml:"note"`
}

type linkDoc struct {
	Select string `yaml:"select"`
	Attr   string `yaml:"attr"`
	Match  string `yaml:"match"`
}

type mappingDoc struct {
	Time             string              `yaml:"time"`
	Destination      string              `yaml:"destination"`
	Citizenship      string              `yaml:"citizenship"`
	FixedCitizenship string              `yaml:"fixed_citizenship"`
	Filter           map[string]string   `yaml:"filter"`
	Fallback         []map[string]string `yaml:"fallback"`
	MetricDim        string              `yaml:"metric_dim"`
	Metrics          map[string]string   `yaml:"metrics"`
	Metric           string              `yaml:"metric"`
	Codes            map[string]string   `yaml:"codes"`
	StockAt          string              `yaml:"stock_at"`
	TimePattern      string              `yaml:"time_pattern"`
	Month            string              `yaml:"month"`
	FiscalYearStart  int                 `yaml:"fiscal_year_start"`
	Sum              bool                `yaml:"sum"`
}

type verifiedDoc struct {
	How        string `yaml:"how"`
	Evidence   string `yaml:"evidence"`
	Unverified string `yaml:"unverified"`
}

type credentialDoc struct {
	Name     string `yaml:"name"`
	Env      string `yaml:"env"`
	Optional bool   `yaml:"optional"` // unset: sent empty, not "not configured"
}

type statementDoc struct {
	Citizenship string     `yaml:"citizenship"` // the origin the figure counts
	Kind        string     `yaml:"kind"`        // stock, change, flow
	Flow        string     `yaml:"flow"`        // kind flow: arrivals, departures, balance
	Measure     string     `yaml:"measure"`     // the metric the figure counts
	RefDate     string     `yaml:"ref_date"`
	SaidOn      string     `yaml:"said_on"`
	ReadOn      string     `yaml:"read_on"`
	Since       string     `yaml:"since"`
	Speaker     speakerDoc `yaml:"speaker"`
	RelayOf     string     `yaml:"relay_of"`
	Quote       string     `yaml:"quote"`
	Translation string     `yaml:"translation"`
	Pattern     string     `yaml:"pattern"`
	// TotalPattern makes the figure a share of a total on the same page.
	TotalPattern string  `yaml:"total_pattern"`
	Scale        float64 `yaml:"scale"`
	// Earlier figures of the same series, each on its own page (url).
	Earlier []statementDoc `yaml:"earlier"`
	URL     string         `yaml:"url"`
}

type speakerDoc struct {
	Body   string `yaml:"body"`
	Person string `yaml:"person"`
}

// expectedDoc is a figure the publisher published, typed from its table or
// page: the tests check the sample (or a fixture) reads to it.
type expectedDoc struct {
	Destination string   `yaml:"destination"` // multi-country sources
	Metric      string   `yaml:"metric"`
	Period      string   `yaml:"period"` // "2022" (a year), "2022-03", "2022-01-01" (a stock's date)
	Value       *float64 `yaml:"value"`
	Missing     bool     `yaml:"missing"`
}

// sampleDoc is what the sample generator needs to rebuild this source's
// snapshot, for sources whose figures are not in a shared file.
type sampleDoc struct {
	// Link is the data file's address a discovery page held when its
	// figures were published: the sample's discovery page links to it.
	Link    string            `yaml:"link"`
	Pages   []samplePageDoc   `yaml:"pages"`
	Figures []sampleFigureDoc `yaml:"figures"`
}

// samplePageDoc is the text of a statement's page as it was read.
type samplePageDoc struct {
	URL        string   `yaml:"url"` // an earlier figure's page; empty for the first request
	Lang       string   `yaml:"lang"`
	Title      string   `yaml:"title"`
	Published  string   `yaml:"published"`
	FetchedAt  string   `yaml:"fetched_at"` // RFC 3339
	Paragraphs []string `yaml:"paragraphs"`
	Note       string   `yaml:"note"`
}

// sampleFigureDoc is one figure the publisher released, with the page that
// relays it, reconstructed into the publisher's format.
type sampleFigureDoc struct {
	Period   string  `yaml:"period"`
	Code     string  `yaml:"code"`
	Value    float64 `yaml:"value"`
	Evidence string  `yaml:"evidence"`
}

// publisherDoc is one entry of publishers.yaml: an official body.
type publisherDoc struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Homepage string   `yaml:"homepage"`
	Licence  string   `yaml:"licence"`
	Domains  []string `yaml:"domains"` // the body's own web domains
	Notes    string   `yaml:"notes"`
}

// outletDoc is one entry of outlets.yaml: a relay a statement may cite when
// the body publishes nothing online.
type outletDoc struct {
	Host   string `yaml:"host"`
	Name   string `yaml:"name"`
	Kind   string `yaml:"kind"` // wire agency, public broadcaster, newspaper of record
	Reason string `yaml:"reason"`
}

// gapDoc is one entry of gaps.yaml.
type gapDoc struct {
	Country  string `yaml:"country"`
	Reason   string `yaml:"reason"`
	Evidence string `yaml:"evidence"`
	Checked  string `yaml:"checked"`
}

// sumDoc is a destination estimated as a sum of named gross components
// (sums.yaml).
type sumDoc struct {
	Destination string         `yaml:"destination"`
	Reason      string         `yaml:"reason"`
	Components  []componentDoc `yaml:"components"`
}

type componentDoc struct {
	Name    string   `yaml:"name"`
	Sources []string `yaml:"sources"`
}
