package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/internal/seriesstate"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/schedules"
)

// sourceInfo is one catalogue row as `emigre sources --json` prints it.
type sourceInfo struct {
	ID          string `json:"id"`
	Destination string `json:"destination"`
	Publisher   string `json:"publisher"`
	Dataset     string `json:"dataset"`
	Title       string `json:"title"`
	Metric      string `json:"metric"`
	Format      string `json:"format"`
	Cadence     string `json:"cadence"`
	LagMonths   int    `json:"lag_months"`
	Priority    int    `json:"priority"`
	URL         string `json:"url"`
	Homepage    string `json:"homepage"`
	Licence     string `json:"licence"`
	Notes       string `json:"notes"`
	File        string `json:"file"` // the catalogue file it was read from
	// OriginCode says the request takes the run's origin ({origin}, in
	// this code system); empty when the source counts a fixed citizenship.
	OriginCode string `json:"origin_code,omitempty"`
	// OriginNames: for origin_code name, the publisher's spelling of a
	// country whose name differs from the country table's.
	OriginNames map[string]string `json:"origin_names,omitempty"`
	// Covers are the destinations the source's figures count: its one
	// destination, or every country of a multi-country answer.
	Covers []string `json:"covers"`
	// PerDestination: a multi-country source's own priority for some
	// destinations, with the reason.
	PerDestination map[string]extractors.DestinationNote `json:"per_destination,omitempty"`
	// FeedsEstimate is false for a source of asylum applications only:
	// those never make an estimate (a cross-check).
	FeedsEstimate bool `json:"feeds_estimate"`
	// Availability is "sample" (the sample archive holds its answer) or
	// "live-only" (a live run fetches it; an offline replay says "not in
	// the sample archive").
	Availability string `json:"availability"`
	// Credentials are the environment variables a live request needs; a
	// source missing one is "not configured", never failed.
	Credentials []credentialInfo `json:"credentials,omitempty"`
	// Configured is false when a credential's variable is not set.
	Configured bool                    `json:"configured"`
	Requests   []requestInfo           `json:"requests"`
	Verified   extractors.Verification `json:"verified"`
	// Statements only.
	StatementKind string `json:"statement_kind,omitempty"`
	Flow          string `json:"flow,omitempty"`
	Speaker       string `json:"speaker,omitempty"`
	SaidOn        string `json:"said_on,omitempty"`
	ReadOn        string `json:"read_on,omitempty"`
	RelayOf       string `json:"relay_of,omitempty"`
	// StatementPages says whose page each request is: the body's own, or
	// a listed relay (outlets.yaml).
	StatementPages []string `json:"statement_pages,omitempty"`
	// From the published warehouse, when there is one: the state of the
	// source's series as the runs judged it (the same as emigre status
	// and the report show), with the last run's result. For a
	// multi-country source: its series counted by state (States), each in
	// Series.
	State        string         `json:"state,omitempty"`
	StateReason  string         `json:"state_reason,omitempty"`
	States       map[string]int `json:"states,omitempty"`
	LastStatus   string         `json:"last_status,omitempty"`
	LastRunAt    string         `json:"last_run_at,omitempty"`
	NewestPeriod string         `json:"newest_period,omitempty"`
	Series       []seriesInfo   `json:"series,omitempty"`
}

// seriesInfo is one series (a destination) of a source, from the
// published warehouse.
type seriesInfo struct {
	Destination  string `json:"destination"`
	State        string `json:"state,omitempty"`
	StateReason  string `json:"state_reason,omitempty"`
	LastStatus   string `json:"last_status,omitempty"`
	LastRunAt    string `json:"last_run_at,omitempty"`
	NewestPeriod string `json:"newest_period,omitempty"`
}

type credentialInfo struct {
	Name string `json:"name"` // the {name} placeholder in the request
	Env  string `json:"env"`  // the variable holding it (the config may name another)
	Set  bool   `json:"set"`  // whether the variable is set in this environment
}

// Availability of a source's answer.
const (
	inSample = "sample"
	liveOnly = "live-only"
)

// availability fills what the catalogue says of where a source's answer
// comes from and what a live run needs: the sample or live only, and the
// credentials from the environment (names as the config overrides them).
func availability(r *sourceInfo, e *catalogue.Entry, envNames map[string]string, getenv func(string) string) {
	r.Availability, r.Configured = inSample, true
	if e.LiveOnly != nil {
		r.Availability = liveOnly
	}
	for _, c := range e.Source.Credentials {
		env := c.Env
		if name := envNames[c.Name]; name != "" {
			env = name
		}
		set := getenv(env) != ""
		r.Credentials = append(r.Credentials, credentialInfo{Name: c.Name, Env: env, Set: set})
		r.Configured = r.Configured && set
	}
}

// availabilityText is the AVAILABILITY column: "sample", "live-only", and
// the variables a live run lacks.
func availabilityText(r sourceInfo) string {
	out := r.Availability
	var unset []string
	for _, c := range r.Credentials {
		if !c.Set {
			unset = append(unset, c.Env)
		}
	}
	if len(unset) > 0 {
		out += ", needs " + strings.Join(unset, ", ")
	}
	return out
}

// coversText is the COVERS column: the destination, or how many countries
// a multi-country answer covers.
func coversText(r sourceInfo) string {
	if r.Destination != "" || len(r.Covers) == 0 {
		return r.Destination
	}
	return fmt.Sprintf("%d countries", len(r.Covers))
}

type requestInfo struct {
	Role   string `json:"role"`
	Method string `json:"method"`
	URL    string `json:"url"`
	// Immutable: the address names a fixed version, fetched once.
	Immutable bool `json:"immutable,omitempty"`
	// Link is how a discovery page's data file is found.
	Link *linkInfo `json:"link,omitempty"`
}

type linkInfo struct {
	Select string `json:"select"`
	Attr   string `json:"attr,omitempty"`
	Match  string `json:"match"`
}

// catalogueInfo is what the catalogue says of a source.
func catalogueInfo(s *extractors.Source) sourceInfo {
	r := sourceInfo{ID: s.ID, Destination: s.Destination, Publisher: s.Publisher,
		Dataset: s.Dataset, Title: s.Title, Metric: sourceMetric(s), Format: s.Format,
		Cadence: string(s.Cadence), LagMonths: s.LagMonths, Priority: s.Priority,
		Homepage: s.Homepage, Licence: s.Licence, Notes: s.Notes, File: s.File,
		OriginCode: s.OriginCode, OriginNames: s.OriginNames, Covers: s.Destinations(), PerDestination: s.PerDestination,
		FeedsEstimate: s.FeedsEstimate(), Verified: s.Verified}
	for _, q := range s.Requests {
		req := requestInfo{Role: string(q.RoleOrData()), Method: q.MethodOrGet(), URL: q.URL, Immutable: q.Immutable}
		if l := q.Link; l != nil {
			req.Link = &linkInfo{Select: l.Select, Attr: l.Attr, Match: l.Match}
		}
		r.Requests = append(r.Requests, req)
		if r.URL == "" && q.RoleOrData() != extractors.RoleMetadata {
			r.URL = q.URL
		}
	}
	if st := s.Statement; st != nil {
		r.StatementKind, r.Flow, r.Speaker, r.RelayOf = string(st.Kind), st.Flow, st.Speaker.String(), st.RelayOf
		r.SaidOn = st.SaidOn.Format(time.DateOnly)
		if !st.ReadOn.IsZero() {
			r.ReadOn = st.ReadOn.Format(time.DateOnly)
		}
	}
	return r
}

// sourceHealth is each series' state and last result, by source, read
// from the published warehouse as emigre status reads it; empty when no
// run has published one yet.
func sourceHealth(ctx context.Context, path string, p schedules.Policy, cat []*extractors.Source) (map[string][]seriesInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil // never run: every source shows "never run"
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := schedules.ReadStatus(ctx, db, time.Time{}, p, cat)
	if err != nil {
		return nil, fmt.Errorf("source states in %s: %w", path, err)
	}
	out := map[string][]seriesInfo{}
	for _, ss := range st.Sources {
		h := seriesInfo{Destination: ss.Destination, LastStatus: ss.Facts.LastStatus,
			LastRunAt: dateOf(ss.Facts.LastAttempt), NewestPeriod: dateOf(ss.Facts.NewestPeriod)}
		if ss.Facts.Attempted || ss.Judged != nil {
			h.State, h.StateReason = string(ss.Judgement.State), ss.Judgement.Reason
		}
		out[ss.Source.ID] = append(out[ss.Source.ID], h)
	}
	return out, nil
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// withHealth fills a source's state and last result from its series: a
// one-country source's own; for a multi-country source, its series
// counted by state, the newest period among them, and each series.
func withHealth(r *sourceInfo, s *extractors.Source, series []seriesInfo) {
	if !s.MultiCountry() || len(series) == 1 && series[0].Destination == "" {
		if len(series) > 0 {
			h := series[0]
			r.State, r.StateReason = h.State, h.StateReason
			r.LastStatus, r.LastRunAt, r.NewestPeriod = h.LastStatus, h.LastRunAt, h.NewestPeriod
		}
		return
	}
	r.Series = series
	r.States = map[string]int{}
	for _, h := range series {
		if h.State != "" {
			r.States[h.State]++
		}
		r.LastRunAt = max(r.LastRunAt, h.LastRunAt)
		r.NewestPeriod = max(r.NewestPeriod, h.NewestPeriod)
	}
}

// stateText is the STATE column: a series' state, or a multi-country
// source's series counted by state, as emigre status and the report
// count them.
func stateText(r sourceInfo) string {
	switch {
	case len(r.States) > 0:
		return seriesstate.Counts(r.States)
	case r.State != "":
		return r.State
	}
	return "never run"
}

// sourceMetric is the metric column of `emigre sources`: what the
// source's observations count.
func sourceMetric(s *extractors.Source) string {
	if s.Statement != nil {
		return string(extractors.Statement) + ":" + string(s.Statement.Measure)
	}
	var out []string
	for _, m := range s.Metrics() {
		out = append(out, string(m))
	}
	return strings.Join(out, "+")
}

func cmdSources(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("sources")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	db := fs.String("db", "", "published warehouse to read each source's last result from (default from config)")
	cfgPath := fs.String("config", "", "config file")
	catDir := fs.String("catalogue", "", "a folder of your own source files over the embedded catalogue (default from config)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return usageError{err}
	}
	cat, err := cfg.catalogue(*catDir)
	if err != nil {
		return err
	}
	if *db == "" {
		*db = cfg.Warehouse
	}
	p, err := policyFor(cfg)
	if err != nil {
		return err
	}
	health, err := sourceHealth(ctx, *db, p, cat.Sources())
	if err != nil {
		return err
	}
	pages := map[string][]string{}
	for _, p := range cat.StatementPages() {
		pages[p.Source.ID] = append(pages[p.Source.ID], p.Where())
	}
	var rows []sourceInfo
	for _, s := range cat.Sources() {
		r := catalogueInfo(s)
		r.StatementPages = pages[s.ID]
		availability(&r, cat.Entry(s.ID), cfg.Credentials[s.ID], os.Getenv)
		withHealth(&r, s, health[s.ID])
		rows = append(rows, r)
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOVERS\tPUBLISHER\tMETRIC\tFORMAT\tCADENCE\tAVAILABILITY\tSTATE\tLAST RUN\tNEWEST PERIOD")
	// Countries are counted from every source's covers; those with a
	// source that feeds an estimate are the catalogue's count.
	countries, multi := map[string]bool{}, 0
	states := map[string]int{}
	for _, r := range rows {
		if r.Destination == "" {
			multi++
		}
		for _, c := range r.Covers {
			countries[c] = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, coversText(r), truncate(r.Publisher, 40), r.Metric,
			r.Format, r.Cadence, availabilityText(r), stateText(r), r.LastRunAt, r.NewestPeriod)
		for _, h := range r.Series {
			if h.State != "" {
				states[h.State]++
			}
		}
		if len(r.Series) == 0 && r.State != "" {
			states[r.State]++
		}
	}
	gaps := cat.Gaps()
	for _, g := range gaps {
		fmt.Fprintf(tw, "-\t%s\t%s\t\t\t\t\t\t\t\n", g.Country, extractors.GapStatus+": "+truncate(g.Reason, 29)+" (checked "+g.Checked.Format(time.DateOnly)+")")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	multiNote := ""
	if multi > 0 {
		multiNote = fmt.Sprintf(" (%d of them multi-country)", multi)
	}
	n := len(cat.EstimableDestinations())
	// A gap may be among the countries a source covers (Azerbaijan: in
	// Eurostat's answer without a figure, and UNHCR's asylum applications).
	_, err = fmt.Fprintf(w, "\n%d sources%s covering %d countries, %d of them with a source that feeds an estimate (not asylum applications alone, not an answer that lists the country without a figure); %d countries with no source the estimate can use (status %q)\n",
		len(rows), multiNote, len(countries), n, len(gaps), extractors.GapStatus)
	if err == nil && len(states) > 0 {
		_, err = fmt.Fprintf(w, "series: %s (as emigre status shows them, with why)\n", seriesstate.Counts(states))
	}
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
