package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/schedules"
)

func cmdStatus(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("status")
	at := fs.String("at", "", "judge every series anew as of this day, YYYY-MM-DD: what will be overdue by then (default: the states as the runs judged them)")
	asJSON := fs.Bool("json", false, "print JSON")
	db := fs.String("db", "", "published warehouse file (default from config: emigre.duckdb)")
	cfgPath := fs.String("config", "", "config file (default $EMIGRE_CONFIG or ./emigre.yaml)")
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
	p, err := policyFor(cfg)
	if err != nil {
		return err
	}
	var when time.Time // zero: as the runs judged
	if *at != "" {
		if when, err = time.Parse(time.DateOnly, *at); err != nil {
			return usagef("--at %q: want YYYY-MM-DD", *at)
		}
	}
	path := cfg.Warehouse
	if *db != "" {
		path = *db
	}
	conn, err := openPublished(ctx, path)
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := schedules.ReadStatus(ctx, conn, when, p, cat.Sources())
	if err != nil {
		return fmt.Errorf("status of %s: %w", path, err)
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return printStatus(w, st)
}

// openPublished opens the published warehouse read-only; when there is no
// file yet, the error says how to publish one (and only then: a damaged
// file needs another remedy than a run).
func openPublished(ctx context.Context, path string) (*sql.DB, error) {
	conn, err := load.OpenReadOnly(ctx, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no warehouse at %s yet: publish one first (emigre run), or name it with --db", path)
	}
	return conn, err
}

func printStatus(w io.Writer, st *schedules.Status) error {
	fmt.Fprintln(w, statusHeader(st))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIES\tSTATE\tJUDGED AT\tLAST SUCCESS\tNEWEST\tEXPECTED\tDUE BY\tOPEN ALERT\t")
	var problems []schedules.SourceStatus
	open := 0
	for _, s := range st.Sources {
		alert := "-"
		if a := s.OpenAlert; a != nil {
			alert = fmt.Sprintf("%s since %s", a.Kind, a.FirstSeen.Format(time.DateOnly))
			open++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", s.Label(), s.Judgement.State,
			orDash(s.Judgement.At, time.DateOnly), orDash(s.Facts.LastSuccess, "2006-01-02 15:04"),
			orDash(s.Facts.NewestPeriod, time.DateOnly), orDash(s.Judgement.ExpectedPeriod, time.DateOnly),
			orDash(s.Judgement.DueBy, time.DateOnly), alert)
		if s.Judgement.State != schedules.OK {
			problems = append(problems, s)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nseries: %s; %d open alerts\n", schedules.CountsText(st.Counts()), open)
	if len(problems) > 0 {
		fmt.Fprintf(w, "\n%d of %d series (a source's figures for one destination) are not ok:\n", len(problems), len(st.Sources))
		for _, s := range problems {
			fmt.Fprintf(w, "  %s %s: %s\n", s.Label(), s.Judgement.State, s.Judgement.Reason)
		}
	}
	return nil
}

// statusHeader says as of when the states hold, and the latest run: the
// states as the runs judged them, each as of the instant its source's
// bytes were fetched (an offline replay: the archive's fetch times, never
// the day of the replay), or all anew as of --at.
func statusHeader(st *schedules.Status) string {
	var b strings.Builder
	switch {
	case !st.At.IsZero():
		fmt.Fprintf(&b, "states judged anew as of %s (--at: what will be overdue by then)", st.At.Format(time.DateOnly))
	case st.JudgedFrom.IsZero():
		b.WriteString("no series judged yet")
	default:
		span := st.JudgedTo.Format(time.DateOnly)
		if from := st.JudgedFrom.Format(time.DateOnly); from != span {
			span = from + " to " + span
		}
		fmt.Fprintf(&b, "states as the runs judged them, each as of when its source's answer was fetched: %s", span)
		if r := st.LastRun; r != nil && r.Mode == load.ModeOffline {
			b.WriteString(" (the latest run replayed an archive: judged as of the archive's fetch times, not today)")
		}
	}
	if r := st.LastRun; r != nil {
		fmt.Fprintf(&b, "\nlast run %s (%s, %s): %d attempted, %d loaded, %d unchanged, %d failed",
			r.ID, r.Mode, r.Status, r.Attempted, r.Loaded, r.Unchanged, r.Failed)
		if r.Sample {
			b.WriteString("; SAMPLE DATA")
		}
	}
	return b.String()
}

func orDash(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(layout)
}
