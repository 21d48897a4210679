package catalogue

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/formats"
)

var (
	reID          = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	reCountry     = regexp.MustCompile(`^[A-Z]{2}$`)
	reCredName    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	reEnvVar      = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	rePlaceholder = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)
)

// OriginCodes are the code systems the {origin} placeholder is written in:
// ISO alpha-2, ISO alpha-3, Eurostat's (alpha-2 with EL and UK), or the
// country's English name as the publisher writes it (the country table's
// short name unless the source's origin_names says otherwise).
var OriginCodes = []string{"alpha2", "alpha3", "eurostat", "name"}

// Verification kinds accepted in verified.how.
var verificationKinds = []string{extractors.VerifiedByDocumentation, extractors.VerifiedByPublicClient,
	extractors.VerifiedByPublisherPage, extractors.VerifiedByThirdParty, extractors.NotVerified}

// source checks one source document and builds its Source. Every problem
// is recorded; the result is nil when there was any.
func (d doc) source(sd *sourceDoc, pubs map[string]Publisher) (*Entry, bool) {
	before := len(*d.probs)
	s := &extractors.Source{
		ID: sd.ID, File: d.file, Destination: sd.Destination, PublisherID: sd.Publisher,
		Dataset: sd.Dataset, Title: sd.Title, Homepage: sd.Homepage, Format: sd.Format, Params: sd.Params,
		Cadence: extractors.Cadence(sd.Cadence), LagMonths: sd.LagMonths, Licence: sd.Licence, Notes: strings.TrimSpace(sd.Notes),
		Priority: sd.Priority, ProRate: sd.ProRate, MaxBytes: sd.MaxBytes, OriginCode: sd.OriginCode, Covers: sd.Covers,
		OriginNames: sd.OriginNames,
		Verified: extractors.Verification{How: sd.Verified.How, Evidence: strings.TrimSpace(sd.Verified.Evidence),
			Unverified: strings.TrimSpace(sd.Verified.Unverified)},
	}
	d.identity(sd, s, pubs)
	d.requests(sd, s)
	d.required(s)
	if sd.Statement != nil {
		s.Statement = d.statement(sd.Statement, "statement", true)
		s.Map = extractors.Mapping{FixedCitizenship: sd.Statement.Citizenship, Metric: extractors.Statement}
		d.statementSource(sd, s)
	} else {
		s.Map = d.mapping(sd.Map)
	}
	d.credentials(sd, s)
	d.origin(sd, s)
	d.multiCountry(sd, s)
	e := &Entry{Source: s, Expected: d.expected(sd.Expected, "expected", s), Sample: d.sample(sd, s),
		LiveOnly: d.liveOnly(sd, s)}
	return e, len(*d.probs) == before
}

func (d doc) identity(sd *sourceDoc, s *extractors.Source, pubs map[string]Publisher) {
	if !reID.MatchString(sd.ID) {
		d.problem("id", "%q: want lower-case letters, digits and . _ -", sd.ID)
	}
	switch {
	case sd.Map.Destination != "" && sd.Destination != "":
		d.problem("destination", "set either destination (one country) or map.destination (the dimension naming it), not both")
	case sd.Map.Destination == "" && sd.Destination == "":
		d.problem("destination", "missing: the ISO 3166-1 alpha-2 code of the country that counts, or map.destination")
	case sd.Destination != "":
		if !reCountry.MatchString(sd.Destination) || sd.Destination == "EL" || sd.Destination == "UK" {
			d.problem("destination", "%q is not an ISO 3166-1 alpha-2 code (Greece is GR, the United Kingdom GB)", sd.Destination)
		} else if !strings.HasPrefix(sd.ID, strings.ToLower(sd.Destination)+"-") {
			d.problem("id", "%q: a one-country source's id starts with its destination (%s-)", sd.ID, strings.ToLower(sd.Destination))
		}
	}
	for i, c := range sd.Covers {
		if !reCountry.MatchString(c) {
			d.problem(fmt.Sprintf("covers[%d]", i), "%q is not an ISO 3166-1 alpha-2 code", c)
		}
	}
	p, ok := pubs[sd.Publisher]
	if !ok {
		d.problem("publisher", "%q is not in publishers.yaml", sd.Publisher)
		return
	}
	s.Publisher = p.Name
	if s.Licence == "" {
		s.Licence = p.Licence
	}
	if s.Homepage == "" {
		s.Homepage = p.Homepage
	}
}

func (d doc) required(s *extractors.Source) {
	for field, v := range map[string]string{"dataset": s.Dataset, "title": s.Title, "homepage": s.Homepage,
		"format": s.Format, "licence": s.Licence, "notes": s.Notes} {
		if strings.TrimSpace(v) == "" {
			d.problem(field, "missing")
		}
	}
	if s.Format != "" {
		if r, err := extractors.ReaderFor(s.Format); err != nil {
			d.problem("format", "%v", err)
		} else if err := extractors.CheckParams(r, s.Params); err != nil {
			d.problem("params", "%v", err)
		}
	}
	if !slices.Contains(extractors.Cadences, s.Cadence) {
		d.problem("cadence", "%q: want one of %s", s.Cadence, quoteList(extractors.Cadences))
	}
	if s.LagMonths < 0 {
		d.problem("lag_months", "%d: want 0 or more", s.LagMonths)
	}
	if s.Priority <= 0 {
		d.problem("priority", "%d: want 1 or more (lower is preferred)", s.Priority)
	}
	if s.MaxBytes < 0 {
		d.problem("max_bytes", "%d: want 0 (the fetcher's default) or more", s.MaxBytes)
	}
	if !slices.Contains(verificationKinds, s.Verified.How) {
		d.problem("verified.how", "%q: want one of %s", s.Verified.How, quoteList(verificationKinds))
	}
	if s.Verified.Evidence == "" {
		d.problem("verified.evidence", "missing: the documents, public code or pages the request rests on, with the dates read")
	}
}

func (d doc) requests(sd *sourceDoc, s *extractors.Source) {
	if len(sd.Requests) == 0 {
		d.problem("requests", "missing: at least one request")
	}
	data := 0
	for i, rd := range sd.Requests {
		f := fmt.Sprintf("requests[%d]", i)
		r := extractors.Request{Role: extractors.RequestRole(rd.Role), Method: rd.Method, URL: rd.URL, Body: rd.Body, Header: rd.Headers}
		r.Paging = d.paging(rd, f)
		r.Immutable = strings.TrimSpace(sd.Pinned) != ""
		switch r.RoleOrData() {
		case extractors.RoleData:
			data++
		case extractors.RoleDiscovery:
			data++
			r.Link = d.link(rd.Link, f+".link")
		case extractors.RoleMetadata:
			if i == len(sd.Requests)-1 {
				d.problem(f+".role", "a metadata request must come before the data request it serves")
			}
		default:
			d.problem(f+".role", "%q: want data, metadata or discovery", rd.Role)
		}
		if rd.Link != nil && r.RoleOrData() != extractors.RoleDiscovery {
			d.problem(f+".link", "only a discovery request has a link rule")
		}
		d.requestURL(r, f)
		s.Requests = append(s.Requests, r)
	}
	if len(sd.Requests) > 0 && data == 0 {
		d.problem("requests", "no data or discovery request: nothing would be read")
	}
}

// requestURL checks the address is https and canonical (the archive finds
// answers by url.URL.String()), with a sample origin and credentials put in.
func (d doc) requestURL(r extractors.Request, f string) {
	u, err := url.Parse(fillPlaceholders(r.URL))
	switch {
	case err != nil:
		d.problem(f+".url", "%v", err)
		return
	case u.Scheme != "https" || u.Host == "":
		d.problem(f+".url", "%q is not an https address", r.URL)
	case u.String() != fillPlaceholders(r.URL):
		d.problem(f+".url", "%q is not in canonical form (%q): write it as Go's url.URL prints it", r.URL, u.String())
	}
	switch r.MethodOrGet() {
	case "GET":
		if r.Body != "" {
			d.problem(f+".body", "a GET request has no body")
		}
	case "POST":
		if r.Body == "" || r.Header["Content-Type"] == "" {
			d.problem(f, "a POST request needs a body and its Content-Type header")
		}
	default:
		d.problem(f+".method", "%q: want GET or POST", r.Method)
	}
}

// fillPlaceholders puts harmless values into {placeholders}, to check the
// address around them.
func fillPlaceholders(s string) string { return rePlaceholder.ReplaceAllString(s, "X") }

// paging checks a request's paging rule: all three names, on a data GET
// whose address carries the page parameter.
func (d doc) paging(rd requestDoc, f string) *extractors.PagingRule {
	p := rd.Paging
	if p == nil {
		return nil
	}
	if p.Param == "" || p.Page == "" || p.Pages == "" {
		d.problem(f+".paging", "say param (the query parameter of the page number), page and pages (the answer's members holding its page and page count)")
	}
	if rd.Role != "" && rd.Role != string(extractors.RoleData) || rd.Method != "" && rd.Method != "GET" {
		d.problem(f+".paging", "only a data GET request is paged")
	}
	if u, err := url.Parse(fillPlaceholders(rd.URL)); err == nil && p.Param != "" && !u.Query().Has(p.Param) {
		d.problem(f+".paging", "the address has no %s parameter: write the first page's (%s=1)", p.Param, p.Param)
	}
	return &extractors.PagingRule{Param: p.Param, Page: p.Page, Pages: p.Pages}
}

func (d doc) link(ld *linkDoc, f string) *extractors.LinkRule {
	if ld == nil || ld.Select == "" {
		d.problem(f, "a discovery request needs link.select, the CSS selector of the candidate links")
		return nil
	}
	if ld.Match != "" {
		if _, err := regexp.Compile(ld.Match); err != nil {
			d.problem(f+".match", "%v", err)
		}
	}
	return &extractors.LinkRule{Select: ld.Select, Attr: ld.Attr, Match: ld.Match}
}

func (d doc) mapping(md mappingDoc) extractors.Mapping {
	m := extractors.Mapping{Time: md.Time, Destination: md.Destination, Citizenship: md.Citizenship,
		FixedCitizenship: md.FixedCitizenship, Filter: md.Filter, MetricDim: md.MetricDim,
		Metric: extractors.Metric(md.Metric), Codes: md.Codes, StockAt: md.StockAt, Month: md.Month,
		FiscalYearStart: time.Month(md.FiscalYearStart), Sum: md.Sum, Fallback: md.Fallback, TimePattern: md.TimePattern}
	for i, alt := range md.Fallback {
		if len(alt) == 0 {
			d.problem(fmt.Sprintf("map.fallback[%d]", i), "an empty alternative: name the filtered dimensions and their other codes")
		}
		for dim := range alt {
			if _, ok := md.Filter[dim]; !ok {
				d.problem(fmt.Sprintf("map.fallback[%d].%s", i, dim), "an alternative to a filter's code: map.filter has no %s", dim)
			}
		}
	}
	if m.Time == "" {
		d.problem("map.time", "missing: the dimension holding the period")
	}
	if md.TimePattern != "" {
		re, err := regexp.Compile(md.TimePattern)
		switch {
		case err != nil:
			d.problem("map.time_pattern", "%v", err)
		case !slices.Contains(re.SubexpNames(), "year"):
			d.problem("map.time_pattern", "%q: want a group (?P<year>...), and (?P<month>...) for a month", md.TimePattern)
		}
	}
	if m.Citizenship == "" && m.FixedCitizenship == "" {
		d.problem("map", "say the citizenship: map.citizenship (a dimension) or map.fixed_citizenship (a code)")
	}
	metrics := map[string]extractors.Metric{"map.metric": m.Metric}
	if m.MetricDim != "" {
		if md.Metric != "" {
			d.problem("map.metric", "set either map.metric or map.metric_dim with map.metrics, not both")
		}
		delete(metrics, "map.metric")
		if len(md.Metrics) == 0 {
			d.problem("map.metrics", "missing: the metric of each code of map.metric_dim")
		}
		m.Metrics = map[string]extractors.Metric{}
		for code, v := range md.Metrics {
			m.Metrics[code] = extractors.Metric(v)
			metrics["map.metrics."+code] = extractors.Metric(v)
		}
	}
	for f, v := range metrics {
		if !v.Valid() || v == extractors.Statement {
			d.problem(f, "%q: want one of %s", v, quoteList(extractors.Metrics[:len(extractors.Metrics)-1]))
			continue
		}
		if v.IsStock() && !extractors.ValidStockAt(m.StockAt) {
			d.problem("map.stock_at", "%q: a stock (%s) needs start (1 January), end (31 December) or the day as MM-DD (a census night)", m.StockAt, v)
		}
	}
	if md.FiscalYearStart < 0 || md.FiscalYearStart > 12 {
		d.problem("map.fiscal_year_start", "%d: want a month 1-12", md.FiscalYearStart)
	}
	return m
}

func (d doc) statementSource(sd *sourceDoc, s *extractors.Source) {
	if s.Format != formats.Statement || s.Cadence != extractors.AdHoc {
		d.problem("format", "a statement has format statement and cadence %q (have %q, %q)", extractors.AdHoc, s.Format, s.Cadence)
	}
	if sd.Map.Time != "" || sd.Map.Metric != "" {
		d.problem("map", "a statement has no map: its figure is read by the statement's pattern")
	}
	if !reCountry.MatchString(sd.Statement.Citizenship) {
		d.problem("statement.citizenship", "%q: want the ISO alpha-2 code of the citizens the figure counts", sd.Statement.Citizenship)
	}
	st := s.Statement
	if st == nil {
		return
	}
	d.statementPages(s)
	for i, f := range st.Earlier {
		field := fmt.Sprintf("statement.earlier[%d]", i)
		if f.Measure != st.Measure || f.Kind != st.Kind || f.Flow != st.Flow {
			d.problem(field, "counts %s %s %s, the series %s %s %s: an earlier figure is of the same series",
				f.Kind, f.Flow, f.Measure, st.Kind, st.Flow, st.Measure)
		}
		if !f.RefDate.IsZero() && !f.RefDate.Before(st.RefDate) {
			d.problem(field+".ref_date", "%s: an earlier figure refers to a date before the latest's %s",
				f.RefDate.Format(time.DateOnly), st.RefDate.Format(time.DateOnly))
		}
	}
}

// statementPages checks that the source requests each page of its figures
// once, the latest figure's first, and nothing else. A page may give
// several figures (a release stating 2023 and 2022): each earlier figure
// names its page, which may be the first request's.
func (d doc) statementPages(s *extractors.Source) {
	st := s.Statement
	used := map[string]bool{}
	if len(s.Requests) > 0 {
		used[s.Requests[0].URL] = true
	}
	type period struct{ url, since, ref string }
	seen := map[period]bool{{"", st.Since.String(), st.RefDate.String()}: true}
	for i, f := range st.Earlier {
		field := fmt.Sprintf("statement.earlier[%d].url", i)
		if f.URL == "" {
			d.problem(field, "missing: the page the earlier figure is read from (the first request's when it is the same page)")
			continue
		}
		if !slices.ContainsFunc(s.Requests, func(r extractors.Request) bool { return r.URL == f.URL }) {
			d.problem(field, "%s is not one of the source's requests", f.URL)
		}
		used[f.URL] = true
		if len(s.Requests) > 0 && f.URL == s.Requests[0].URL {
			f.URL = ""
		}
		p := period{f.URL, f.Since.String(), f.RefDate.String()}
		if seen[p] {
			d.problem(fmt.Sprintf("statement.earlier[%d]", i), "a second figure of the same period on the same page")
		}
		seen[p] = true
	}
	pages := map[string]bool{}
	for i, r := range s.Requests {
		if pages[r.URL] {
			d.problem(fmt.Sprintf("requests[%d].url", i), "%s is requested twice: one request per page", r.URL)
		}
		pages[r.URL] = true
		if !used[r.URL] {
			d.problem(fmt.Sprintf("requests[%d].url", i), "%s gives none of the statement's figures: one request per page, the latest figure's first", r.URL)
		}
	}
}

// statement checks one figure of a statement (top says it is the entry
// itself, whose page is the first request).
func (d doc) statement(sd *statementDoc, f string, top bool) *extractors.StatementEntry {
	st := &extractors.StatementEntry{Kind: extractors.StatementKind(sd.Kind), Flow: sd.Flow,
		Measure: extractors.Metric(sd.Measure), RefDate: d.date(sd.RefDate, f+".ref_date", true),
		SaidOn: d.date(sd.SaidOn, f+".said_on", true), ReadOn: d.date(sd.ReadOn, f+".read_on", false),
		Since: d.date(sd.Since, f+".since", false), Speaker: extractors.Speaker{Body: sd.Speaker.Body, Person: sd.Speaker.Person},
		RelayOf: sd.RelayOf, Quote: strings.TrimSpace(sd.Quote), Translation: strings.TrimSpace(sd.Translation),
		Pattern: sd.Pattern, TotalPattern: sd.TotalPattern, Scale: sd.Scale, URL: sd.URL}
	switch st.Kind {
	case extractors.KindStock, extractors.KindChange:
		if sd.Flow != "" {
			d.problem(f+".flow", "only a flow statement says arrivals, departures or balance")
		}
	case extractors.KindFlow:
		if !slices.Contains([]string{extractors.FlowArrivals, extractors.FlowDepartures, extractors.FlowBalance}, sd.Flow) {
			d.problem(f+".flow", "%q: want arrivals, departures or balance", sd.Flow)
		}
	default:
		d.problem(f+".kind", "%q: want stock (people present at a date), change (people added since a date) or flow (events over a period)", sd.Kind)
	}
	switch {
	case st.Kind == extractors.KindChange && st.Since.IsZero():
		d.problem(f+".since", "a change statement says since when")
	case st.Kind == extractors.KindFlow && st.Since.IsZero():
		d.problem(f+".since", "a flow statement says its period: since (the first day) to ref_date (the last)")
	case st.Kind == extractors.KindStock && !st.Since.IsZero():
		d.problem(f+".since", "a stock counts people present at ref_date: it has no since (a figure of people added since a date is a change)")
	case !st.Since.IsZero() && !st.RefDate.IsZero() && st.Since.After(st.RefDate):
		d.problem(f+".since", "%s is after ref_date %s", sd.Since, sd.RefDate)
	}
	if !st.Measure.Valid() || st.Measure == extractors.Statement {
		d.problem(f+".measure", "%q: want the metric the figure counts, one of %s", sd.Measure, quoteList(extractors.Metrics[:len(extractors.Metrics)-1]))
	}
	if !st.RefDate.IsZero() && !st.SaidOn.IsZero() && st.SaidOn.Before(st.RefDate) {
		d.problem(f+".said_on", "%s is before the date the figure refers to (%s)", sd.SaidOn, sd.RefDate)
	}
	if !st.ReadOn.IsZero() && !st.SaidOn.IsZero() && st.ReadOn.Before(st.SaidOn) {
		d.problem(f+".read_on", "%s is before the date it was said (%s)", sd.ReadOn, sd.SaidOn)
	}
	if st.Speaker.Body == "" {
		d.problem(f+".speaker.body", "missing: the official body the figure comes from")
	}
	if st.Quote == "" || st.Translation == "" {
		d.problem(f, "a statement needs its quote, as published, and its translation")
	}
	if re, err := regexp.Compile(st.Pattern); err != nil || re.NumSubexp() < 1 {
		d.problem(f+".pattern", "%q: want a regular expression with a group capturing the figure (%v)", st.Pattern, err)
	}
	if st.TotalPattern != "" {
		if re, err := regexp.Compile(st.TotalPattern); err != nil || re.NumSubexp() < 1 {
			d.problem(f+".total_pattern", "%q: want a regular expression with a group capturing the total (%v)", st.TotalPattern, err)
		}
	}
	if st.Scale < 0 {
		d.problem(f+".scale", "%v: want a positive multiplier", st.Scale)
	}
	if top && sd.URL != "" {
		d.problem(f+".url", "the latest figure's page is the source's first request, not a url of its own")
	}
	if !top && len(sd.Earlier) > 0 {
		d.problem(f+".earlier", "an earlier figure has no earlier figures of its own")
	}
	for i := range sd.Earlier {
		e := d.statement(&sd.Earlier[i], fmt.Sprintf("%s.earlier[%d]", f, i), false)
		st.Earlier = append(st.Earlier, *e)
	}
	return st
}

func (d doc) credentials(sd *sourceDoc, s *extractors.Source) {
	names := map[string]bool{}
	for i, c := range sd.Credentials {
		f := fmt.Sprintf("credentials[%d]", i)
		if !reCredName.MatchString(c.Name) || c.Name == "origin" {
			d.problem(f+".name", "%q: want a lower-case name (not origin), used as {%s} in a request", c.Name, c.Name)
		}
		if !reEnvVar.MatchString(c.Env) {
			d.problem(f+".env", "%q: want an environment variable name", c.Env)
		}
		names[c.Name] = true
		s.Credentials = append(s.Credentials, extractors.Credential{Name: c.Name, Env: c.Env, Optional: c.Optional})
	}
	if len(sd.Credentials) > 0 && !slices.ContainsFunc(sd.Credentials, func(c credentialDoc) bool { return !c.Optional }) {
		d.problem("credentials", "every credential is optional: without one set, the source would be sent without any")
	}
	for i, r := range sd.Requests {
		for _, text := range requestTexts(r) {
			for _, m := range rePlaceholder.FindAllStringSubmatch(text, -1) {
				if m[1] != "origin" && !names[m[1]] {
					d.problem(fmt.Sprintf("requests[%d]", i), "placeholder {%s} is neither {origin} nor a credential's name", m[1])
				}
			}
		}
	}
}

func requestTexts(r requestDoc) []string {
	out := []string{r.URL, r.Body}
	for _, v := range r.Headers {
		out = append(out, v)
	}
	return out
}

func (d doc) origin(sd *sourceDoc, s *extractors.Source) {
	// {origin} goes into the requests (a query per origin) or, for a file
	// that holds every nationality, into the reader's parameters or the
	// mapping's filters.
	var texts []string
	for _, r := range sd.Requests {
		texts = append(texts, requestTexts(r)...)
	}
	texts = append(texts, slices.Collect(maps.Values(sd.Params))...)
	texts = append(texts, slices.Collect(maps.Values(sd.Map.Filter))...)
	uses := slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, "{origin}") })
	for code, name := range sd.OriginNames {
		if !reCountry.MatchString(code) || strings.TrimSpace(name) == "" {
			d.problem("origin_names."+code, "want an ISO 3166-1 alpha-2 code and the publisher's name of the country")
		}
	}
	if len(sd.OriginNames) > 0 && sd.OriginCode != "name" {
		d.problem("origin_names", "only for origin_code name (the publisher's spelling of a country's name)")
	}
	switch {
	case sd.OriginCode == "" && uses:
		d.problem("origin_code", "the source uses {origin}: say its code system (%s)", strings.Join(OriginCodes, ", "))
	case sd.OriginCode != "" && !slices.Contains(OriginCodes, sd.OriginCode):
		d.problem("origin_code", "%q: want one of %s", sd.OriginCode, strings.Join(OriginCodes, ", "))
	case sd.OriginCode != "" && !uses:
		d.problem("origin_code", "set, but neither a request, a parameter nor a filter uses {origin}")
	case sd.OriginCode != "" && sd.Statement != nil:
		d.problem("origin_code", "a statement counts its own citizenship (statement.citizenship)")
	}
}

// date reads a YYYY-MM-DD field; required says whether it may be empty.
func (d doc) date(v, field string, required bool) time.Time {
	if v == "" {
		if required {
			d.problem(field, "missing: a date YYYY-MM-DD")
		}
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		d.problem(field, "%q is not a date YYYY-MM-DD", v)
	}
	return t
}

func (d doc) expected(eds []expectedDoc, field string, s *extractors.Source) []Expected {
	var out []Expected
	for i, ed := range eds {
		f := fmt.Sprintf("%s[%d]", field, i)
		e := Expected{Destination: ed.Destination, Metric: extractors.Metric(ed.Metric), Missing: ed.Missing}
		if e.Destination == "" {
			e.Destination = s.Destination
		}
		if !reCountry.MatchString(e.Destination) {
			d.problem(f+".destination", "%q: a multi-country source's expected figure names its destination", ed.Destination)
		}
		if !e.Metric.Valid() {
			d.problem(f+".metric", "%q is not a metric", ed.Metric)
		}
		p, err := ParseExpectedPeriod(ed.Period)
		if err != nil {
			d.problem(f+".period", "%v", err)
		}
		e.Period = p
		switch {
		case ed.Value == nil && !ed.Missing:
			d.problem(f, "want value (the published figure) or missing: true")
		case ed.Value != nil && ed.Missing:
			d.problem(f, "a figure published as missing has no value")
		case ed.Value != nil:
			e.Value = *ed.Value
		}
		out = append(out, e)
	}
	return out
}

// ParseExpectedPeriod reads an expected figure's period: a year, quarter
// or month ("2022", "2022-03"), a date (a stock's reference date), or two
// dates "2022-09-21/2023-12-31".
func ParseExpectedPeriod(v string) (extractors.Period, error) {
	if a, b, ok := strings.Cut(v, "/"); ok {
		start, err1 := time.Parse(time.DateOnly, a)
		end, err2 := time.Parse(time.DateOnly, b)
		if err1 != nil || err2 != nil || end.Before(start) {
			return extractors.Period{}, fmt.Errorf("%q: want two dates YYYY-MM-DD/YYYY-MM-DD in order", v)
		}
		return extractors.Period{Start: start, End: end}, nil
	}
	return extractors.ParsePeriod(v, false, "")
}

// reMadeUp is the name of a fixture whose figures are made up.
var reMadeUp = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*_madeup\.[a-z0-9]+$`)

// liveOnly checks a live-only source: a reason, a fixture with made-up
// figures, those figures, and nothing that would put it in the sample.
func (d doc) liveOnly(sd *sourceDoc, s *extractors.Source) *LiveOnly {
	lo := sd.LiveOnly
	if lo == nil {
		return nil
	}
	if strings.TrimSpace(lo.Reason) == "" {
		d.problem("live_only.reason", "missing: why there is no sample (no real figures here, which ones exist)")
	}
	if !reMadeUp.MatchString(lo.Fixture) {
		d.problem("live_only.fixture", "%q: want a file name in %s/ ending _madeup.<ext>: its figures are made up", lo.Fixture, FixtureDir)
	}
	if len(lo.Expected) == 0 {
		d.problem("live_only.expected", "missing: the fixture's figures the test checks")
	}
	if sd.Sample != nil || len(sd.Expected) > 0 {
		d.problem("live_only", "a live-only source has no sample and no expected figures of its own (they are checked on the sample)")
	}
	if s.Statement != nil {
		d.problem("live_only", "a statement is read from its page, which the sample keeps: it cannot be live-only")
	}
	return &LiveOnly{Reason: strings.TrimSpace(lo.Reason), Fixture: lo.Fixture,
		Expected: d.expected(lo.Expected, "live_only.expected", s)}
}

func (d doc) sample(sd *sourceDoc, s *extractors.Source) *Sample {
	if sd.Sample == nil {
		return nil
	}
	out := &Sample{Link: sd.Sample.Link}
	discovers := slices.ContainsFunc(s.Requests, func(r extractors.Request) bool { return r.RoleOrData() == extractors.RoleDiscovery })
	switch {
	case discovers && sd.LiveOnly == nil && out.Link == "":
		d.problem("sample.link", "missing: the data file's address the discovery page links to in the sample")
	case !discovers && out.Link != "":
		d.problem("sample.link", "only a source with a discovery request has one")
	case out.Link != "":
		if u, err := url.Parse(out.Link); err != nil || u.Scheme != "https" && u.Scheme != "http" {
			d.problem("sample.link", "%q is not an http(s) address", out.Link)
		}
	}
	for i, p := range sd.Sample.Pages {
		f := fmt.Sprintf("sample.pages[%d]", i)
		t, err := time.Parse(time.RFC3339, p.FetchedAt)
		if err != nil {
			d.problem(f+".fetched_at", "%q: want a time like 2024-08-20T09:00:00Z", p.FetchedAt)
		}
		if len(p.Paragraphs) == 0 || p.Note == "" {
			d.problem(f, "a sample page needs its paragraphs and a note saying what was kept")
		}
		if p.URL != "" && !slices.ContainsFunc(s.Requests, func(r extractors.Request) bool { return r.URL == p.URL }) {
			d.problem(f+".url", "%s is not one of the source's requests", p.URL)
		}
		out.Pages = append(out.Pages, SamplePage{URL: p.URL, Lang: p.Lang, Title: p.Title, Published: p.Published,
			FetchedAt: t, Paragraphs: p.Paragraphs, Note: strings.TrimSpace(p.Note)})
	}
	for i, fg := range sd.Sample.Figures {
		if fg.Period == "" || fg.Code == "" || fg.Evidence == "" {
			d.problem(fmt.Sprintf("sample.figures[%d]", i), "a sample figure needs its period, code, value and evidence")
		}
		out.Figures = append(out.Figures, SampleFigure(fg))
	}
	return out
}

func quoteList[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(out, ", ")
}

// multiCountry checks what a source that answers for many countries
// declares: the countries its answer covers, and what differs for some.
func (d doc) multiCountry(sd *sourceDoc, s *extractors.Source) {
	if sd.Map.Destination == "" {
		if len(sd.PerDestination) > 0 {
			d.problem("per_destination", "only a source that answers for many countries (map.destination) has per-destination settings")
		}
		return
	}
	if len(sd.Covers) == 0 {
		d.problem("covers", "missing: the countries the publisher's answer covers (ISO 3166-1 alpha-2)")
	}
	for _, c := range sd.Covers {
		if c == "EL" || c == "UK" {
			d.problem("covers", "%q: write ISO codes (Greece is GR, the United Kingdom GB)", c)
		}
	}
	for dest, p := range sd.PerDestination {
		f := "per_destination." + dest
		if !slices.Contains(sd.Covers, dest) {
			d.problem(f, "%q is not among the countries the source covers", dest)
		}
		if p.Priority <= 0 || strings.TrimSpace(p.Note) == "" {
			d.problem(f, "a destination's own priority (1 or more) needs the note saying why")
		}
		if s.PerDestination == nil {
			s.PerDestination = map[string]extractors.DestinationNote{}
		}
		s.PerDestination[dest] = extractors.DestinationNote{Priority: p.Priority, Note: strings.TrimSpace(p.Note)}
	}
}
