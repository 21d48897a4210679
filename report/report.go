// Package report tells what a run found, in three renderings of one Report:
// a self-contained HTML page (charts as inline SVG, no scripts, fonts or
// links to load: it works offline and as an e-mail attachment), Markdown
// for chat and pull requests, and JSON for machines (schema SchemaVersion,
// documented in docs/report-schema.md). When the data came from the sample
// archive, every rendering says so first.
//
// Build reads a report from a warehouse: the run's estimates, the total as
// of each year end (recomputed with the run's estimate options from the
// observations as they stood at that run), each country's series, the
// sources' recent history, the run's quality checks and revisions, and the
// countries without a source.
package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/internal/iso3166"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/transform"
)

// SchemaVersion names the JSON layout; it changes when a field changes
// meaning or disappears (adding a field keeps it).
const SchemaVersion = "emigre.report/v1"

// SampleNotice is what every rendering says first about sample data.
const SampleNotice = "SAMPLE DATA: this run replayed the sample archive shipped with emigre (reconstructed snapshots). " +
	"Use it to try the pipeline, not as figures to quote."

// Report is everything a rendering shows. Its JSON form is the machine
// rendering.
type Report struct {
	Schema        string       `json:"schema"`
	GeneratedAt   time.Time    `json:"generated_at"`
	Sample        bool         `json:"sample"`
	SampleNotice  string       `json:"sample_notice,omitempty"`
	Run           Run          `json:"run"`
	Total         Total        `json:"total"`
	Estimates     []Estimate   `json:"estimates"`
	TotalOverTime []TotalPoint `json:"total_over_time"`
	Health        Health       `json:"source_health"`
	Checks        Checks       `json:"checks"`
	Revisions     []Revision   `json:"revisions"`
	Gaps          []Gap        `json:"coverage_gaps"`
}

// Run identifies the run reported on.
type Run struct {
	ID               string    `json:"id"`
	StartedAt        time.Time `json:"started_at"`
	FinishedAt       time.Time `json:"finished_at"`
	Mode             string    `json:"mode"`
	Archive          string    `json:"archive"`
	Status           string    `json:"status"`
	Origin           string    `json:"origin"`
	WindowStart      string    `json:"window_start"`
	SourcesAttempted int       `json:"sources_attempted"`
	SourcesLoaded    int       `json:"sources_loaded"`
	SourcesUnchanged int       `json:"sources_unchanged"`
	SourcesFailed    int       `json:"sources_failed"`
	Version          string    `json:"emigre_version"`
}

// Total is the headline: the sum over destinations.
type Total struct {
	Net        float64 `json:"net"`
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
	Countries  int     `json:"countries"`
	AsOf       string  `json:"as_of"`
	OldestAsOf string  `json:"oldest_as_of"`
}

// Estimate is one destination's row, with the series behind it.
type Estimate struct {
	Destination string        `json:"destination"`
	Country     string        `json:"country"`
	Net         float64       `json:"net"`
	Low         float64       `json:"low"`
	High        float64       `json:"high"`
	Arrivals    *float64      `json:"arrivals"`
	Returns     *float64      `json:"returns"`
	Method      string        `json:"method"`
	SourceID    string        `json:"source_id"`
	Metric      string        `json:"metric"`
	AsOf        string        `json:"as_of"`
	Flags       []string      `json:"flags"`
	Series      []SeriesPoint `json:"series"`
}

// SeriesPoint is one published number of the series an estimate used.
type SeriesPoint struct {
	Date  string  `json:"date"` // period end (a stock's reference date)
	Value float64 `json:"value"`
}

// TotalPoint is the total as the data stood at the end of one year.
type TotalPoint struct {
	AsOf      string  `json:"as_of"`
	Net       float64 `json:"net"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Countries int     `json:"countries"`
}

// Health is the recent history of every series (one source's figures for
// one destination: a source answering for many countries has one per
// destination): one state per recent run.
type Health struct {
	Runs    []HealthRun    `json:"runs"` // oldest first, the reported run last
	Sources []HealthSource `json:"sources"`
}

// HealthRun is one column of the grid.
type HealthRun struct {
	ID        string    `json:"id"`
	StartedAt time.Time `json:"started_at"`
}

// HealthSource is one row of the grid: a series.
type HealthSource struct {
	ID          string   `json:"id"`
	Destination string   `json:"destination"`
	Title       string   `json:"title"`
	States      []string `json:"states"` // per Health.Runs: ok, unchanged, failed, absent, not_configured, not_archived, or "" (not attempted)
	LastError   string   `json:"last_error,omitempty"`
	Quality     string   `json:"quality"` // worst check outcome in the reported run: pass, warn, fail or ""
}

// Checks summarises the run's quality checks.
type Checks struct {
	ByCheck  []CheckCount `json:"by_check"`
	Problems []Problem    `json:"problems"` // fail first, then warn
}

// CheckCount tallies one check's outcomes.
type CheckCount struct {
	Check string `json:"check"`
	Pass  int    `json:"pass"`
	Warn  int    `json:"warn"`
	Fail  int    `json:"fail"`
}

// Problem is a check that warned or failed.
type Problem struct {
	Check       string   `json:"check"`
	Outcome     string   `json:"outcome"`
	SourceID    string   `json:"source_id,omitempty"`
	Destination string   `json:"destination,omitempty"`
	Observed    *float64 `json:"observed"`
	Threshold   *float64 `json:"threshold"`
	Summary     string   `json:"summary"`
	Samples     []string `json:"samples"`
}

// Revision is a published number the run found changed.
type Revision struct {
	SourceID    string   `json:"source_id"`
	Destination string   `json:"destination"`
	Metric      string   `json:"metric"`
	Period      string   `json:"period"`
	Old         *float64 `json:"old"` // nil: published as missing
	New         *float64 `json:"new"`
	OldFlags    string   `json:"old_flags,omitempty"`
	NewFlags    string   `json:"new_flags,omitempty"`
}

// Gap is a country the estimate leaves out: unknown, not zero.
type Gap struct {
	Country string   `json:"country"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // no_source: the catalogue marks it; no_data: its sources gave no figure
	Reason  string   `json:"reason"`
	Sources []string `json:"sources,omitempty"`
}

// Options configure Build.
type Options struct {
	RunID string // "" for the latest run
	// Estimate completes the run's origin and window into the options the
	// run estimated with (pipeline.EstimateOptions), to recompute the total
	// as of each year end; nil uses transform's defaults.
	Estimate func(transform.Options) transform.Options
	// HealthRuns is how many recent runs the health grid shows (default 12).
	HealthRuns int
	Now        func() time.Time
}

// ErrNoRun is returned when the warehouse has no run (to report on).
var ErrNoRun = errors.New("no run in the warehouse")

// Build reads the report of one run from the warehouse.
func Build(ctx context.Context, db load.Querier, opt Options) (*Report, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.HealthRuns <= 0 {
		opt.HealthRuns = 12
	}
	r := &Report{Schema: SchemaVersion, GeneratedAt: opt.Now().UTC().Truncate(time.Second)}
	var windowStart time.Time
	if err := readRun(ctx, db, opt.RunID, &r.Run, &windowStart, &r.Sample); err != nil {
		return nil, err
	}
	if r.Sample {
		r.SampleNotice = SampleNotice
	}
	var obs []extractors.Observation
	steps := []struct {
		what string
		fn   func() error
	}{
		{"estimates", func() error { return readEstimates(ctx, db, r) }},
		{"observations", func() (err error) { obs, err = observationsAsOf(ctx, db, r); return err }},
		{"series", func() error { readSeries(r, obs, windowStart); return nil }},
		{"total over time", func() error { return totalOverTime(r, obs, windowStart, opt.Estimate) }},
		{"source health", func() error { return readHealth(ctx, db, r, opt.HealthRuns) }},
		{"checks", func() error { return readChecks(ctx, db, r) }},
		{"revisions", func() error { return readRevisions(ctx, db, r) }},
		{"coverage gaps", func() error { return readGaps(ctx, db, r) }},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return nil, fmt.Errorf("report on run %s: %s: %w", r.Run.ID, s.what, err)
		}
	}
	return r, nil
}

func readRun(ctx context.Context, db load.Querier, id string, run *Run, windowStart *time.Time, sample *bool) error {
	found := false
	err := load.ScanRows(ctx, db, `
		SELECT run_id, started_at, coalesce(finished_at, started_at), mode, coalesce(archive, ''), status,
			origin, window_start, sources_attempted, sources_loaded, sources_unchanged, sources_failed,
			coalesce(emigre_version, ''), sample
		FROM runs
		WHERE (? = '' OR run_id = ?)
		ORDER BY started_at DESC, run_id DESC
		LIMIT 1`, []any{id, id}, func(rows *sql.Rows) error {
		found = true
		return rows.Scan(&run.ID, &run.StartedAt, &run.FinishedAt, &run.Mode, &run.Archive, &run.Status,
			&run.Origin, windowStart, &run.SourcesAttempted, &run.SourcesLoaded, &run.SourcesUnchanged,
			&run.SourcesFailed, &run.Version, sample)
	})
	if err != nil {
		return fmt.Errorf("report: read run: %w", err)
	}
	if !found {
		if id != "" {
			return fmt.Errorf("report: run %q is not in the warehouse", id)
		}
		return ErrNoRun
	}
	run.StartedAt, run.FinishedAt = run.StartedAt.UTC(), run.FinishedAt.UTC()
	run.WindowStart = windowStart.Format(time.DateOnly)
	return nil
}

func readEstimates(ctx context.Context, db load.Querier, r *Report) error {
	r.Estimates = []Estimate{}
	err := load.ScanRows(ctx, db, `
		SELECT destination, net, low, high, arrivals, returns, method, coalesce(source_id, ''),
			coalesce(metric, ''), as_of, flags
		FROM estimates
		WHERE run_id = ? AND citizenship = ?
		ORDER BY net DESC, destination`, []any{r.Run.ID, r.Run.Origin}, func(rows *sql.Rows) error {
		var e Estimate
		var arrivals, returns sql.NullFloat64
		var asOf time.Time
		var flags []any
		if err := rows.Scan(&e.Destination, &e.Net, &e.Low, &e.High, &arrivals, &returns, &e.Method,
			&e.SourceID, &e.Metric, &asOf, &flags); err != nil {
			return err
		}
		if arrivals.Valid {
			e.Arrivals = &arrivals.Float64
		}
		if returns.Valid {
			e.Returns = &returns.Float64
		}
		e.AsOf = asOf.Format(time.DateOnly)
		e.Country = iso3166.Name(e.Destination)
		e.Flags = []string{}
		for _, f := range flags {
			e.Flags = append(e.Flags, fmt.Sprint(f))
		}
		e.Series = []SeriesPoint{}
		r.Estimates = append(r.Estimates, e)
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range r.Estimates {
		r.Total.Net += e.Net
		r.Total.Low += e.Low
		r.Total.High += e.High
		r.Total.Countries++
		if e.AsOf > r.Total.AsOf {
			r.Total.AsOf = e.AsOf
		}
		if r.Total.OldestAsOf == "" || e.AsOf < r.Total.OldestAsOf {
			r.Total.OldestAsOf = e.AsOf
		}
	}
	return nil
}

// asOfRun is the SQL condition for an observation vintage (alias o) that
// was current when the run (parameters: its start twice) published: loaded
// by a run that started no later, and not superseded by one that did.
const asOfRun = `
	o.run_id IN (SELECT run_id FROM runs WHERE started_at <= ?)
	AND (o.superseded_by_run IS NULL
	     OR o.superseded_by_run NOT IN (SELECT run_id FROM runs WHERE started_at <= ?))`

// observationsAsOf returns the observations of the origin as they stood
// when the reported run published.
func observationsAsOf(ctx context.Context, db load.Querier, r *Report) ([]extractors.Observation, error) {
	var out []extractors.Observation
	err := load.ScanRows(ctx, db, `
		SELECT o.source_id, o.destination, o.citizenship, o.metric, coalesce(o.measure, ''),
			o.period_start, o.period_end, o.value, o.missing, coalesce(o.flags, '')
		FROM observations AS o
		WHERE o.citizenship = ? AND`+asOfRun+`
		ORDER BY o.source_id, o.destination, o.metric, o.measure, o.period_start, o.period_end`,
		[]any{r.Run.Origin, r.Run.StartedAt, r.Run.StartedAt}, func(rows *sql.Rows) error {
			var o extractors.Observation
			var metric, measure string
			var value sql.NullFloat64
			if err := rows.Scan(&o.SourceID, &o.Destination, &o.Citizenship, &metric, &measure,
				&o.PeriodStart, &o.PeriodEnd, &value, &o.Missing, &o.Flags); err != nil {
				return err
			}
			o.Metric, o.Measure, o.Value = extractors.Metric(metric), extractors.Metric(measure), value.Float64
			out = append(out, o)
			return nil
		})
	return out, err
}

// sparkYears is how far before the window start a country's series is
// shown, so the pre-war level is visible beside the change.
const sparkYears = 5

// readSeries attaches to each estimate the series it used: the first
// source and metric the estimate names, from sparkYears before the window.
func readSeries(r *Report, obs []extractors.Observation, windowStart time.Time) {
	from := windowStart.AddDate(-sparkYears, 0, 0)
	for i := range r.Estimates {
		e := &r.Estimates[i]
		source, _, _ := strings.Cut(e.SourceID, ",")
		metric, _, _ := strings.Cut(e.Metric, ",")
		for _, o := range obs {
			if o.SourceID != source || o.Destination != e.Destination || o.Missing || o.PeriodEnd.Before(from) {
				continue
			}
			if string(o.Metric) != metric && string(o.Measure) != metric {
				continue
			}
			e.Series = append(e.Series, SeriesPoint{Date: o.PeriodEnd.Format(time.DateOnly), Value: o.Value})
		}
		slices.SortStableFunc(e.Series, func(a, b SeriesPoint) int { return strings.Compare(a.Date, b.Date) })
	}
}

// totalOverTime recomputes the total as the data described the end of each
// year from the window start to the latest as_of: the estimate over the
// observations whose period ended by then (a stock dated 1 January counts
// for the year before).
func totalOverTime(r *Report, obs []extractors.Observation, windowStart time.Time,
	complete func(transform.Options) transform.Options) error {
	r.TotalOverTime = []TotalPoint{}
	if r.Total.AsOf == "" {
		return nil
	}
	opt := transform.Options{Origin: r.Run.Origin, WindowStart: windowStart}
	if complete != nil {
		opt = complete(opt)
	}
	last, err := time.Parse(time.DateOnly, r.Total.AsOf)
	if err != nil {
		return fmt.Errorf("as_of %q: %w", r.Total.AsOf, err)
	}
	for y := windowStart.Year(); y <= last.Year(); y++ {
		end := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
		var upTo []extractors.Observation
		for _, o := range obs {
			d := o.PeriodEnd
			if o.IsStock() && d.Month() == time.January && d.Day() == 1 {
				d = d.AddDate(0, 0, -1)
			}
			if !d.After(end) {
				upTo = append(upTo, o)
			}
		}
		t := transform.Totals(transform.Estimates(upTo, opt))
		r.TotalOverTime = append(r.TotalOverTime, TotalPoint{AsOf: end.Format(time.DateOnly), Net: t.Net,
			Low: t.Low, High: t.High, Countries: t.Countries})
	}
	return nil
}

func readHealth(ctx context.Context, db load.Querier, r *Report, n int) error {
	r.Health = Health{Runs: []HealthRun{}, Sources: []HealthSource{}}
	err := load.ScanRows(ctx, db, `
		SELECT run_id, started_at FROM (
			SELECT run_id, started_at FROM runs WHERE started_at <= ?
			ORDER BY started_at DESC, run_id DESC LIMIT ?)
		ORDER BY started_at, run_id`, []any{r.Run.StartedAt, n}, func(rows *sql.Rows) error {
		var h HealthRun
		if err := rows.Scan(&h.ID, &h.StartedAt); err != nil {
			return err
		}
		h.StartedAt = h.StartedAt.UTC()
		r.Health.Runs = append(r.Health.Runs, h)
		return nil
	})
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range r.Health.Runs {
		col[h.ID] = i
	}
	// One row per series (source_health's), keyed by source and
	// destination ("" for a multi-country source not read yet).
	idx := map[[2]string]int{}
	bySource := map[string][]int{}
	err = load.ScanRows(ctx, db, `SELECT source_id, coalesce(destination, ''), title FROM source_health ORDER BY destination, source_id`, nil,
		func(rows *sql.Rows) error {
			var s HealthSource
			if err := rows.Scan(&s.ID, &s.Destination, &s.Title); err != nil {
				return err
			}
			s.States = make([]string, len(r.Health.Runs))
			idx[[2]string{s.ID, s.Destination}] = len(r.Health.Sources)
			bySource[s.ID] = append(bySource[s.ID], len(r.Health.Sources))
			r.Health.Sources = append(r.Health.Sources, s)
			return nil
		})
	if err != nil {
		return err
	}
	ids := make([]any, 0, len(r.Health.Runs))
	for _, h := range r.Health.Runs {
		ids = append(ids, h.ID)
	}
	err = load.ScanRows(ctx, db, `
		SELECT rs.run_id, rs.source_id, coalesce(rs.destination, s.destination, ''), rs.status, coalesce(rs.error, '')
		FROM run_sources AS rs LEFT JOIN sources AS s ON s.id = rs.source_id
		WHERE list_contains(?::VARCHAR[], rs.run_id)`, []any{ids}, func(rows *sql.Rows) error {
		var run, source, dest, status, msg string
		if err := rows.Scan(&run, &source, &dest, &status, &msg); err != nil {
			return err
		}
		i, ok := idx[[2]string{source, dest}]
		if !ok {
			return nil // a source no longer in the catalogue table
		}
		s := &r.Health.Sources[i]
		s.States[col[run]] = status
		if run == r.Run.ID {
			s.LastError = msg
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Checks are per source: each of its series shows the worst.
	return load.ScanRows(ctx, db, `
		SELECT source_id, max(CASE outcome WHEN 'fail' THEN 3 WHEN 'warn' THEN 2 ELSE 1 END)
		FROM quality_checks WHERE run_id = ? AND source_id IS NOT NULL GROUP BY source_id`,
		[]any{r.Run.ID}, func(rows *sql.Rows) error {
			var source string
			var worst int
			if err := rows.Scan(&source, &worst); err != nil {
				return err
			}
			for _, i := range bySource[source] {
				r.Health.Sources[i].Quality = []string{"", load.OutcomePass, load.OutcomeWarn, load.OutcomeFail}[worst]
			}
			return nil
		})
}

func readChecks(ctx context.Context, db load.Querier, r *Report) error {
	counts := map[string]*CheckCount{}
	r.Checks = Checks{ByCheck: []CheckCount{}, Problems: []Problem{}}
	for _, name := range load.CheckNames() {
		counts[name] = &CheckCount{Check: name}
	}
	err := load.ScanRows(ctx, db, `
		SELECT check_name, outcome, coalesce(source_id, ''), coalesce(destination, ''), observed, threshold,
			coalesce(detail, '')
		FROM quality_checks WHERE run_id = ?
		ORDER BY CASE outcome WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, check_name,
			coalesce(source_id, destination)`, []any{r.Run.ID}, func(rows *sql.Rows) error {
		var p Problem
		var observed, threshold sql.NullFloat64
		var detail string
		if err := rows.Scan(&p.Check, &p.Outcome, &p.SourceID, &p.Destination, &observed, &threshold, &detail); err != nil {
			return err
		}
		c := counts[p.Check]
		if c == nil {
			c = &CheckCount{Check: p.Check}
			counts[p.Check] = c
		}
		switch p.Outcome {
		case load.OutcomePass:
			c.Pass++
			return nil
		case load.OutcomeWarn:
			c.Warn++
		case load.OutcomeFail:
			c.Fail++
		}
		if observed.Valid {
			p.Observed = &observed.Float64
		}
		if threshold.Valid {
			p.Threshold = &threshold.Float64
		}
		lines := strings.Split(detail, "\n")
		p.Summary, p.Samples = lines[0], lines[1:]
		r.Checks.Problems = append(r.Checks.Problems, p)
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range load.CheckNames() {
		r.Checks.ByCheck = append(r.Checks.ByCheck, *counts[name])
		delete(counts, name)
	}
	for _, c := range counts { // names stored by a newer emigre
		r.Checks.ByCheck = append(r.Checks.ByCheck, *c)
	}
	return nil
}

func readRevisions(ctx context.Context, db load.Querier, r *Report) error {
	revs, err := load.ReadRevisions(ctx, db, r.Run.ID)
	if err != nil {
		return err
	}
	r.Revisions = []Revision{}
	for _, v := range revs {
		rv := Revision{SourceID: v.New.SourceID, Destination: v.New.Destination, Metric: string(v.New.Metric),
			Period: period(v.New), OldFlags: v.Old.Flags, NewFlags: v.New.Flags}
		if !v.Old.Missing {
			rv.Old = &v.Old.Value
		}
		if !v.New.Missing {
			rv.New = &v.New.Value
		}
		r.Revisions = append(r.Revisions, rv)
	}
	return nil
}

func period(o extractors.Observation) string {
	if o.PeriodStart.Equal(o.PeriodEnd) {
		return o.PeriodEnd.Format(time.DateOnly)
	}
	return o.PeriodStart.Format(time.DateOnly) + ".." + o.PeriodEnd.Format(time.DateOnly)
}

// readGaps names the countries the estimate leaves out: those the
// catalogue marks as having no source, and those whose catalogued sources
// gave no estimate in this run.
func readGaps(ctx context.Context, db load.Querier, r *Report) error {
	r.Gaps = []Gap{}
	registered := map[string]int{} // gap country -> index in r.Gaps
	if err := load.ScanRows(ctx, db, `SELECT country, reason FROM gaps ORDER BY country`, nil,
		func(rows *sql.Rows) error {
			var g Gap
			if err := rows.Scan(&g.Country, &g.Reason); err != nil {
				return err
			}
			g.Name, g.Kind = iso3166.Name(g.Country), "no_source"
			registered[g.Country] = len(r.Gaps)
			r.Gaps = append(r.Gaps, g)
			return nil
		}); err != nil {
		return err
	}
	estimated := map[string]bool{}
	for _, e := range r.Estimates {
		estimated[e.Destination] = true
	}
	return load.ScanRows(ctx, db, `
		SELECT destination, list(id ORDER BY id) FROM sources
		WHERE destination <> ? GROUP BY destination ORDER BY destination`, []any{r.Run.Origin},
		func(rows *sql.Rows) error {
			var dest string
			var ids []any
			if err := rows.Scan(&dest, &ids); err != nil {
				return err
			}
			if _, err := iso3166.Code(dest); err != nil || estimated[dest] {
				return nil // a multi-country source has no single destination
			}
			g := Gap{Country: dest, Name: iso3166.Name(dest), Kind: "no_data",
				Reason: "its sources gave no figure the estimate could use"}
			for _, id := range ids {
				g.Sources = append(g.Sources, fmt.Sprint(id))
			}
			if i, ok := registered[dest]; ok {
				// A registered gap with sources the estimate ignores (asylum
				// applications): listed once, as the gap its reason explains.
				r.Gaps[i].Sources = g.Sources
				return nil
			}
			r.Gaps = append(r.Gaps, g)
			return nil
		})
}
