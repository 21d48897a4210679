package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/emigre/emigre/extractors"
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

func cmdSources(_ context.Context, args []string, w io.Writer) error {
	fs := newFlags("sources")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	if err := parseFlags(fs, args); err != nil {
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
			Homepage: s.Homepage, Licence: s.Licence, Notes: s.Notes})
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tPUBLISHER\tMETRIC\tFORMAT\tCADENCE")
	countries := map[string]bool{}
	for _, r := range rows {
		countries[r.Destination] = true
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Destination, truncate(r.Publisher, 40), r.Metric, r.Format, r.Cadence)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d sources, %d countries\n", len(rows), len(countries))
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
