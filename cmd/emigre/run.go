package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/quality"
	"github.com/emigre/emigre/report"
	"github.com/emigre/emigre/schedules"
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
	verbose := fs.Bool("v", false, "log to standard error as JSON lines while the run goes (the default when standard error is not a terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	quiet := summaryLogging(*verbose)
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
	if quiet && !opt.Offline && cfg.Contact == "" {
		fmt.Fprintln(logOut.w, "emigre: "+noContactWarning) // the log says it otherwise
	} else {
		warnNoContact(cfg, opt)
	}
	sum, ev, err := refresh(ctx, cfg, opt, "emigre run")
	if err != nil {
		return err
	}
	// A bare `emigre sql` here opens the config's warehouse: the hint names
	// this one when it is another.
	namedDB := (*db != "" && filepath.Clean(*db) != filepath.Clean(cfg.Warehouse)) || *cfgPath != ""
	printSummary(w, sum, opt.Estimate.Origin, namedDB)
	printHealth(w, sum, ev, dbFlag(sum.Warehouse, namedDB))
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
	code, err := cfg.origin(origin)
	if err != nil {
		return opt, err
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
	if d := time.Duration(cfg.Fetch.Deadline); d > 0 {
		fc.Deadline = d
	}
	if cfg.Fetch.MaxBytes > 0 {
		fc.MaxBytes = cfg.Fetch.MaxBytes
	}
	if cfg.Fetch.Retries != nil {
		fc.Retries = *cfg.Fetch.Retries
	}
	fc.Mirrors = cfg.Mirrors
	opt.Fetch = fc
	return opt, checkRunPaths(opt)
}

// noContactWarning is said once at the start of a live run without a
// contact.
const noContactWarning = "no contact configured: publishers ask whoever runs a collector for a way to reach them; " +
	"set contact: you@example.org in emigre.yaml (or EMIGRE_CONTACT); it goes into the User-Agent of every request"

// warnNoContact says once, at the start of a live run, that no contact is
// configured and how to set one.
func warnNoContact(cfg Config, opt pipeline.Options) {
	if !opt.Offline && cfg.Contact == "" {
		slog.Warn(noContactWarning)
	}
}

// checkRunPaths refuses, before any work (no lock file, no folder, no
// alert), the paths a run cannot use: a warehouse that is a folder or lies
// under a file, and an offline archive that does not exist or holds no
// manifest.
func checkRunPaths(opt pipeline.Options) error {
	if fi, err := os.Stat(opt.Warehouse); err == nil && !fi.Mode().IsRegular() {
		return usagef("warehouse %s is a folder, not a DuckDB file (give a file path: --db %s)",
			opt.Warehouse, filepath.Join(opt.Warehouse, "emigre.duckdb"))
	}
	for dir := filepath.Dir(opt.Warehouse); ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err == nil {
			if !fi.IsDir() {
				return usagef("warehouse %s: %s is a file, not a folder", opt.Warehouse, dir)
			}
			break
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	if opt.Offline && opt.ArchiveDir != "" {
		if err := archive.CheckReplay(opt.ArchiveDir); err != nil {
			return usagef("--offline: %v", err)
		}
	}
	return nil
}

// printSummary is the human report of a run: what loaded, what failed and
// why, the estimate per country and the total for citizens of origin.
func printSummary(w io.Writer, s *pipeline.Summary, origin string, namedDB bool) {
	if s.Sample {
		fmt.Fprintln(w, "SAMPLE DATA: replayed from the sample archive embedded in the binary (reconstructed snapshots, see provenance).")
	}
	fmt.Fprintf(w, "run %s (%s): %d sources attempted, %d loaded, %d unchanged, %d failed; %d observations parsed\n",
		s.RunID, s.Mode, s.Attempted, s.Loaded, s.Unchanged, s.Failed, s.Rows)
	if s.NotConfigured > 0 {
		fmt.Fprintf(w, "  %d sources not configured (a credential is not set):\n", s.NotConfigured)
		for _, o := range s.Outcomes {
			if o.Status == load.SourceNotConfigured {
				fmt.Fprintf(w, "    %v\n", o.Err) // says which variable to set
			}
		}
	}
	if s.NotArchived > 0 {
		where := "in the archive"
		if s.Sample {
			where = "in the sample archive (a live run fetches them)"
		}
		fmt.Fprintf(w, "  %d sources not %s: %s\n", s.NotArchived, where, outcomeIDs(s, load.SourceNotArchived))
	}
	// Only failures: a source not configured or not archived was never
	// fetched, which is not a failure.
	for _, o := range s.Outcomes {
		if o.Err != nil && o.Status == load.SourceFailed {
			fmt.Fprintf(w, "  FAILED %s (%s): %v\n", o.Source.ID, o.Stage, o.Err)
		}
	}
	fmt.Fprintln(w)
	if s.DataUnchanged {
		fmt.Fprintf(w, "Nothing changed since run %s: the warehouse was left as that run published it (its estimates and report stand);\n"+
			"this run and its sources' health are in the run log beside it.\n", s.PublishedRun)
		fmt.Fprintf(w, "\nwarehouse: %s\nrun log:   %s\narchive:   %s\n", s.Warehouse, s.Warehouse+load.RunLogSuffix, s.Archive)
		fmt.Fprintln(w, "query it:  "+queryHint(s.Warehouse, namedDB))
		return
	}
	if len(s.Estimates) > 0 {
		fmt.Fprintf(w, "Citizens of %s (%s) who moved to each destination since the window start, net of returns:\n",
			transform.CountryName(origin), origin)
	}
	if len(s.Estimates) == 0 {
		// Not a table of zeros: nothing the sources published counts these
		// citizens, which is not the same as none having moved.
		fmt.Fprintln(w, report.NoEstimate(origin))
	} else {
		printEstimates(w, s)
	}
	fmt.Fprintf(w, "\nwarehouse: %s\narchive:   %s\n", s.Warehouse, s.Archive)
	if len(s.Reports) > 0 {
		fmt.Fprintf(w, "report:    %s\n", s.Reports[0])
	}
	fmt.Fprintln(w, "query it:  "+queryHint(s.Warehouse, namedDB))
}

// queryHint is the command that queries what a run published, with --db
// when the warehouse is not the one a bare `emigre sql` opens.
func queryHint(warehouse string, namedDB bool) string {
	return "emigre sql " + dbFlag(warehouse, namedDB) + `"select * from latest_estimates order by net desc"`
}

// dbFlag is "--db WAREHOUSE " for a hint naming a warehouse other than the
// one a bare command opens, else "".
func dbFlag(warehouse string, namedDB bool) string {
	if !namedDB {
		return ""
	}
	return "--db " + shellQuote(warehouse) + " "
}

// printHealth is the summary's last line: the run's series by state (as
// emigre status, sources and the report count them), its checks failed
// and warned, its alerts opened and resolved, and where to look.
func printHealth(w io.Writer, s *pipeline.Summary, ev *schedules.Evaluation, db string) {
	_, warned, failed := quality.Counts(s.Checks)
	line := fmt.Sprintf("health: series %s; checks %d failed, %d warned", schedules.CountsText(ev.Counts()), failed, warned)
	events := ev.Events()
	line += fmt.Sprintf("; alerts %d opened, %d resolved (%d open)", events[schedules.Opened], events[schedules.Resolved], ev.OpenAlerts)
	line += "; see: emigre status " + db
	if len(s.Reports) > 0 {
		line += "and " + s.Reports[0]
	}
	fmt.Fprintln(w, strings.TrimSpace(line))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// outcomeIDs lists the sources of the run that ended with the status.
func outcomeIDs(s *pipeline.Summary, status string) string {
	var ids []string
	for _, o := range s.Outcomes {
		if o.Status == status {
			ids = append(ids, o.Source.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// printEstimates is the summary's table: one row per destination and the total.
func printEstimates(w io.Writer, s *pipeline.Summary) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "country\tnet\tlow\thigh\tarrivals\treturns\tmethod (* not in the total)\tas of\tsource\t")
	for _, e := range s.Estimates {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Destination, num(e.Net), num(e.Low), num(e.High),
			numPtr(e.Arrivals), numPtr(e.Returns), methodLabel(e.Result), e.AsOf.Format(time.DateOnly), e.SourceID)
	}
	t := s.Total
	fmt.Fprintf(tw, "TOTAL (%d countries)\t%s\t%s\t%s\t\t\t\t%s\t\t\n", t.Countries, num(t.Net), num(t.Low), num(t.High), t.AsOf.Format(time.DateOnly))
	if t.CountriesNotInTotal > 0 {
		fmt.Fprintf(tw, "not in total (%d countries)\t%s\t\t\t\t\t\t\t\t\n", t.CountriesNotInTotal, num(t.NotInTotal))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nThe total is %s\n", scope(s).Sentence())
}

// scope is what the run's total counts, as the report says it.
func scope(s *pipeline.Summary) report.Scope {
	rows := make([]report.ScopeRow, 0, len(s.Estimates))
	for _, e := range s.Estimates {
		rows = append(rows, report.ScopeRow{Net: e.Net, InTotal: e.InTotal, Flags: e.Flags})
	}
	return report.NewScope(s.WindowStart.Format(time.DateOnly), rows)
}

// methodLabel is the method with its flags; a row out of the total says so
// ("statement (stock_without_baseline) *").
func methodLabel(r transform.Result) string {
	label := string(r.Method)
	if len(r.Flags) > 0 {
		label += " (" + strings.Join(r.Flags, ",") + ")"
	}
	if !r.InTotal {
		label += " *"
	}
	return label
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
