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
	"github.com/emigre/emigre/load"
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
	OriginCode  string            `json:"origin_code,omitempty"`
	OriginNames map[string]string `json:"origin_names,omitempty"`
	Covers      []string          `json:"covers,omitempty"`
	// PerDestination: a multi-country source's own priority for some
	// destinations, with the reason.
	PerDestination map[string]extractors.DestinationNote `json:"per_destination,omitempty"`
	Requests       []requestInfo                         `json:"requests"`
	Verified       extractors.Verification               `json:"verified"`
	// Statements only.
	StatementKind string `json:"statement_kind,omitempty"`
	Flow          string `json:"flow,omitempty"`
	Speaker       string `json:"speaker,omitempty"`
	SaidOn        string `json:"said_on,omitempty"`
	ReadOn        string `json:"read_on,omitempty"`
	RelayOf       string `json:"relay_of,omitempty"`
	// From the published warehouse's source_health, when there is one.
	// For a multi-country source: the summary of its series, each in
	// Series.
	LastStatus   string       `json:"last_status,omitempty"`
	LastRunAt    string       `json:"last_run_at,omitempty"`
	NewestPeriod string       `json:"newest_period,omitempty"`
	Series       []seriesInfo `json:"series,omitempty"`
}

// seriesInfo is one destination of a multi-country source, as the
// published warehouse's source_health has it.
type seriesInfo struct {
	Destination  string `json:"destination"`
	LastStatus   string `json:"last_status,omitempty"`
	LastRunAt    string `json:"last_run_at,omitempty"`
	NewestPeriod string `json:"newest_period,omitempty"`
}

type requestInfo struct {
	Role   string `json:"role"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

// catalogueInfo is what the catalogue says of a source.
func catalogueInfo(s *extractors.Source) sourceInfo {
	r := sourceInfo{ID: s.ID, Destination: s.Destination, Publisher: s.Publisher,
		Dataset: s.Dataset, Title: s.Title, Metric: sourceMetric(s), Format: s.Format,
		Cadence: string(s.Cadence), LagMonths: s.LagMonths, Priority: s.Priority,
		Homepage: s.Homepage, Licence: s.Licence, Notes: s.Notes, File: s.File,
		OriginCode: s.OriginCode, OriginNames: s.OriginNames, Covers: s.Covers, PerDestination: s.PerDestination,
		Verified: s.Verified}
	for _, q := range s.Requests {
		r.Requests = append(r.Requests, requestInfo{Role: string(q.RoleOrData()), Method: q.MethodOrGet(), URL: q.URL})
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

// sourceHealth is the last result of each series, by source, read from
// the published warehouse; empty when no run has published one yet.
func sourceHealth(ctx context.Context, path string) (map[string][]seriesInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil // never run: every source shows "never run"
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `select source_id, coalesce(destination, ''), coalesce(last_status, ''),
		coalesce(strftime(last_run_at, '%Y-%m-%d'), ''), coalesce(strftime(newest_period, '%Y-%m-%d'), '')
		from source_health order by source_id, destination`)
	if err != nil {
		return nil, fmt.Errorf("source health in %s: %w", path, err)
	}
	defer rows.Close()
	out := map[string][]seriesInfo{}
	for rows.Next() {
		var id string
		var h seriesInfo
		if err := rows.Scan(&id, &h.Destination, &h.LastStatus, &h.LastRunAt, &h.NewestPeriod); err != nil {
			return nil, err
		}
		out[id] = append(out[id], h)
	}
	return out, rows.Err()
}

// withHealth fills a source's last result from its series: a one-country
// source's own; for a multi-country source, how many of its destinations
// loaded in the last run, the newest period among them, and each series.
func withHealth(r *sourceInfo, s *extractors.Source, series []seriesInfo) {
	if !s.MultiCountry() || len(series) == 1 && series[0].Destination == "" {
		if len(series) > 0 {
			r.LastStatus, r.LastRunAt, r.NewestPeriod = series[0].LastStatus, series[0].LastRunAt, series[0].NewestPeriod
		}
		return
	}
	r.Series = series
	counts := map[string]int{}
	for _, h := range series {
		counts[h.LastStatus]++
		r.LastRunAt = max(r.LastRunAt, h.LastRunAt)
		r.NewestPeriod = max(r.NewestPeriod, h.NewestPeriod)
	}
	var parts []string
	for _, st := range []string{load.SourceOK, load.SourceUnchanged, load.SourceFailed, load.SourceAbsent,
		load.SourceNotConfigured, load.SourceNotArchived} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, counts[st]))
		}
	}
	r.LastStatus = fmt.Sprintf("%s of %d countries", strings.Join(parts, ", "), len(series))
}

func lastResult(r sourceInfo) string {
	if r.LastStatus == "" {
		return "never run"
	}
	return r.LastStatus + " " + r.LastRunAt
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
	health, err := sourceHealth(ctx, *db)
	if err != nil {
		return err
	}
	var rows []sourceInfo
	for _, s := range cat.Sources() {
		r := catalogueInfo(s)
		withHealth(&r, s, health[s.ID])
		rows = append(rows, r)
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tPUBLISHER\tMETRIC\tFORMAT\tCADENCE\tLAST RESULT\tNEWEST PERIOD")
	// A multi-country source (empty destination) answers for every
	// country it covers.
	countries, multi := map[string]bool{}, 0
	for _, r := range rows {
		dest := r.Destination
		if dest == "" {
			dest, multi = fmt.Sprintf("%d countries", len(r.Covers)), multi+1
			for _, c := range r.Covers {
				countries[c] = true
			}
		} else {
			countries[dest] = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, dest, truncate(r.Publisher, 40), r.Metric,
			r.Format, r.Cadence, lastResult(r), r.NewestPeriod)
	}
	gaps := cat.Gaps()
	for _, g := range gaps {
		fmt.Fprintf(tw, "-\t%s\t%s\t\t\t\t\t\n", g.Country, extractors.GapStatus+": "+truncate(g.Reason, 29))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	multiNote := ""
	if multi > 0 {
		multiNote = fmt.Sprintf(" (%d sources answer for many countries each)", multi)
	}
	// A gap may keep sources the estimate ignores (Azerbaijan: UNHCR's
	// asylum applications only), so it can be among the countries too.
	_, err = fmt.Fprintf(w, "\n%d sources, %d countries%s; %d countries with no source the estimate can use (status %q)\n",
		len(rows), len(countries), multiNote, len(gaps), extractors.GapStatus)
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
