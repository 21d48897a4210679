package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

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
	// From the published warehouse's source_health, when there is one.
	LastStatus   string `json:"last_status,omitempty"`
	LastRunAt    string `json:"last_run_at,omitempty"`
	NewestPeriod string `json:"newest_period,omitempty"`
}

// sourceHealth is the last result of each source, read from the published
// warehouse; empty when no run has published one yet.
func sourceHealth(ctx context.Context, path string) (map[string]sourceInfo, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil // never run: every source shows "never run"
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `select source_id, coalesce(last_status, ''),
		coalesce(strftime(last_run_at, '%Y-%m-%d'), ''), coalesce(strftime(newest_period, '%Y-%m-%d'), '')
		from source_health`)
	if err != nil {
		return nil, fmt.Errorf("source health in %s: %w", path, err)
	}
	defer rows.Close()
	out := map[string]sourceInfo{}
	for rows.Next() {
		var id string
		var h sourceInfo
		if err := rows.Scan(&id, &h.LastStatus, &h.LastRunAt, &h.NewestPeriod); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}

func lastResult(r sourceInfo) string {
	if r.LastStatus == "" {
		return "never run"
	}
	return r.LastStatus + " " + r.LastRunAt
}

func sourceMetric(s *extractors.Source) string {
	switch {
	case s.Statement != nil:
		return string(extractors.Statement) + ":" + string(s.Statement.Measure)
	case s.Map.MetricDim != "":
		seen := map[extractors.Metric]bool{}
		out := ""
		for _, m := range s.Map.Metrics {
			if !seen[m] {
				seen[m] = true
				if out != "" {
					out += "+"
				}
				out += string(m)
			}
		}
		return out
	}
	return string(s.Map.Metric)
}

func cmdSources(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("sources")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	db := fs.String("db", "", "published warehouse to read each source's last result from (default from config)")
	cfgPath := fs.String("config", "", "config file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return usageError{err}
	}
	if *db == "" {
		*db = cfg.Warehouse
	}
	health, err := sourceHealth(ctx, *db)
	if err != nil {
		return err
	}
	var rows []sourceInfo
	for _, s := range extractors.Sources() {
		u := ""
		if len(s.Requests) > 0 {
			u = s.Requests[0].URL
		}
		rows = append(rows, sourceInfo{ID: s.ID, Destination: s.Destination, Publisher: s.Publisher,
			Dataset: s.Dataset, Title: s.Title, Metric: sourceMetric(s), Format: s.Format,
			Cadence: string(s.Cadence), LagMonths: s.LagMonths, Priority: s.Priority, URL: u,
			Homepage: s.Homepage, Licence: s.Licence, Notes: s.Notes,
			LastStatus: health[s.ID].LastStatus, LastRunAt: health[s.ID].LastRunAt,
			NewestPeriod: health[s.ID].NewestPeriod})
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tPUBLISHER\tMETRIC\tFORMAT\tCADENCE\tLAST RESULT\tNEWEST PERIOD")
	// A multi-country source (empty destination) adds no country of its
	// own: its coverage is cross-checks, not a destination's source.
	countries, multi := map[string]bool{}, 0
	for _, r := range rows {
		dest := r.Destination
		if dest == "" {
			dest, multi = "(multi)", multi+1
		} else {
			countries[dest] = true
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, dest, truncate(r.Publisher, 40), r.Metric,
			r.Format, r.Cadence, lastResult(r), r.NewestPeriod)
	}
	gaps := extractors.Gaps()
	for _, g := range gaps {
		fmt.Fprintf(tw, "-\t%s\t%s\t\t\t\t\t\n", g.Country, extractors.GapStatus+": "+truncate(g.Reason, 29))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	multiNote := ""
	if multi > 0 {
		multiNote = fmt.Sprintf(" (and %d multi-country sources)", multi)
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
