package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

func cmdRun(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("run")
	offline := fs.Bool("offline", false, "replay an archive instead of the network (the embedded sample unless --archive is given)")
	archiveDir := fs.String("archive", "", "archive directory: recorded into when live, replayed when --offline (default from config)")
	db := fs.String("db", "", "published warehouse file (default from config: emigre.duckdb)")
	cfgPath := fs.String("config", "", "config file (default $EMIGRE_CONFIG or ./emigre.yaml)")
	origin := fs.String("origin", "", "citizenship to estimate for, ISO alpha-2 (default from config: RU)")
	catDir := fs.String("catalogue", "", "a folder of your own source files over the embedded catalogue (default from config)")
	var only multiFlag
	fs.Var(&only, "source", "run only this source id (repeatable)")
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
	opt, err := runOptions(cfg, cat, *offline, *archiveDir, *db, *origin, only)
	if err != nil {
		return err
	}
	sum, err := refresh(ctx, cfg, opt, "emigre run")
	if err != nil {
		return err
	}
	printSummary(w, sum, opt.Estimate.Origin)
	if sum.Failed > 0 {
		return partialError{failed: sum.Failed, attempted: sum.Attempted}
	}
	return nil
}

// runOptions turns config and flags into the pipeline's options.
func runOptions(cfg Config, cat *catalogue.Catalogue, offline bool, archiveDir, db, origin string, only []string) (pipeline.Options, error) {
	opt := pipeline.Options{Offline: offline, Warehouse: cfg.Warehouse, Version: version, Catalogue: cat,
		Credentials: cfg.Credentials}
	opt.Quality = cfg.Quality
	if db != "" {
		opt.Warehouse = db
	}
	switch {
	case archiveDir != "":
		opt.ArchiveDir = archiveDir
	case !offline:
		opt.ArchiveDir = cfg.Archive
	}
	if origin == "" {
		origin = cfg.Origin
	}
	code, err := transform.CountryCode(origin)
	if err != nil {
		return opt, usagef("--origin: %v", err)
	}
	ws, err := cfg.windowStart()
	if err != nil {
		return opt, usageError{err}
	}
	opt.Estimate = transform.Options{Origin: code, WindowStart: ws}
	excluded := map[string]bool{}
	for _, id := range cfg.Exclude {
		excluded[id] = true
	}
	if len(only) > 0 {
		for _, id := range only {
			s, err := cat.Source(id)
			if err != nil {
				return opt, usageError{err}
			}
			opt.Sources = append(opt.Sources, s)
		}
	} else {
		for _, s := range cat.Sources() {
			if !excluded[s.ID] {
				opt.Sources = append(opt.Sources, s)
			}
		}
	}
	fc := fetch.DefaultFetchConfig(cfg.Contact)
	if d := time.Duration(cfg.Fetch.Delay); d > 0 {
		fc.Delay = d
	}
	if d := time.Duration(cfg.Fetch.Timeout); d > 0 {
		fc.Timeout = d
	}
	if cfg.Fetch.MaxBytes > 0 {
		fc.MaxBytes = cfg.Fetch.MaxBytes
	}
	if cfg.Fetch.Retries != nil {
		fc.Retries = *cfg.Fetch.Retries
	}
	fc.Mirrors = cfg.Mirrors
	opt.Fetch = fc
	return opt, nil
}

// printSummary is the human report of a run: what loaded, what failed and
// why, the estimate per country and the total for citizens of origin.
func printSummary(w io.Writer, s *pipeline.Summary, origin string) {
	if s.Sample {
		fmt.Fprintln(w, "SAMPLE DATA: replayed from the sample archive embedded in the binary (reconstructed snapshots, see provenance).")
	}
	fmt.Fprintf(w, "run %s (%s): %d sources attempted, %d loaded, %d unchanged, %d failed; %d observations parsed\n",
		s.RunID, s.Mode, s.Attempted, s.Loaded, s.Unchanged, s.Failed, s.Rows)
	if s.NotConfigured > 0 {
		fmt.Fprintf(w, "  %d sources not configured (a credential is not set; emigre sources --json says which variable)\n", s.NotConfigured)
	}
	if s.NotArchived > 0 {
		where := "in the archive"
		if s.Sample {
			where = "in the sample archive (a live run fetches them)"
		}
		fmt.Fprintf(w, "  %d sources not %s\n", s.NotArchived, where)
	}
	for _, o := range s.Outcomes {
		if o.Err != nil && o.Status != load.SourceNotConfigured && o.Status != load.SourceNotArchived {
			fmt.Fprintf(w, "  FAILED %s (%s): %v\n", o.Source.ID, o.Stage, o.Err)
		}
	}
	fmt.Fprintln(w)
	if len(s.Estimates) > 0 {
		fmt.Fprintf(w, "Citizens of %s (%s) who moved to each destination since the window start, net of returns:\n",
			transform.CountryName(origin), origin)
	}
	if len(s.Estimates) == 0 {
		// Not a table of zeros: nothing the sources published counts these
		// citizens, which is not the same as none having moved.
		fmt.Fprintf(w, "NO ESTIMATE for citizens of %s (%s): no current observation counts them.\n", origin, transform.CountryName(origin))
	} else {
		printEstimates(w, s)
	}
	fmt.Fprintf(w, "\nwarehouse: %s\narchive:   %s\n", s.Warehouse, s.Archive)
	if len(s.Reports) > 0 {
		fmt.Fprintf(w, "report:    %s\n", s.Reports[0])
	}
	fmt.Fprintln(w, "query it:  emigre sql \"select * from latest_estimates order by net desc\"")
}

// printEstimates is the summary's table: one row per destination and the total.
func printEstimates(w io.Writer, s *pipeline.Summary) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "country\tnet\tlow\thigh\tarrivals\treturns\tmethod\tas of\tsource\t")
	for _, e := range s.Estimates {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Destination, num(e.Net), num(e.Low), num(e.High),
			numPtr(e.Arrivals), numPtr(e.Returns), methodLabel(e.Result), e.AsOf.Format(time.DateOnly), e.SourceID)
	}
	t := s.Total
	fmt.Fprintf(tw, "TOTAL (%d countries)\t%s\t%s\t%s\t\t\t\t%s\t\t\n", t.Countries, num(t.Net), num(t.Low), num(t.High), t.AsOf.Format(time.DateOnly))
	tw.Flush()
}

func methodLabel(r transform.Result) string {
	if len(r.Flags) == 0 {
		return string(r.Method)
	}
	return string(r.Method) + " (" + strings.Join(r.Flags, ",") + ")"
}

func num(v float64) string {
	neg := v < 0
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func numPtr(v *float64) string {
	if v == nil {
		return "-"
	}
	return num(*v)
}
