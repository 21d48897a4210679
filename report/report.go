// Package report tells what a run found, in three renderings of one Report:
// a self-contained HTML page (charts as inline SVG, no scripts, fonts or
// links to load: it works offline and as an e-mail attachment), Markdown
// for chat and pull requests, and JSON for machines (schema SchemaVersion,
// documented in docs/report-schema.md). When the data came from the sample
// archive, every rendering says so first.
//
// Build reads a report from a warehouse: the run's estimates, the total as
// of each year end (the rows the run stored in estimate_total_series), each
// country's series, the sources' recent history, the run's quality checks
// and revisions, and the countries without a source. It reads; the
// pipeline computed every figure.
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
	"github.com/emigre/emigre/internal/seriesstate"
	"github.com/emigre/emigre/load"
)

// SchemaVersion names the JSON layout; it changes when a field changes
// meaning or disappears (adding a field keeps it).
const SchemaVersion = "emigre.report/v2"

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
	NoEstimate    string       `json:"no_estimate,omitempty"` // in words: the run estimated nothing for its origin
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

// Total is the headline: the sum over the destinations whose figure
// measures a change since the window start (in_total); the others widen
// High and are summed in NotInTotal.
type Total struct {
	Net                 float64 `json:"net"`
	Low                 float64 `json:"low"`
	High                float64 `json:"high"`
	Countries           int     `json:"countries"`
	AsOf                string  `json:"as_of"`
	OldestAsOf          string  `json:"oldest_as_of"`
	NotInTotal          float64 `json:"not_in_total"`
	CountriesNotInTotal int     `json:"countries_not_in_total"`
	// Scope is what the total counts, and Summary the sentence that says it.
	Scope   Scope  `json:"scope"`
	Summary string `json:"summary"`
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
	// InTotal: the figure measures a change since the window start and is
	// in Total.Net; otherwise Flags says why not.
	InTotal bool `json:"in_total"`
	// ThirdParty lists the sources of the figure read from a third
	// party's copy of the publisher's figures (verified: third party).
	ThirdParty []string `json:"third_party_sources"`
	// Components are the parts of a sum of gross components (the United
	// States); empty for every other row.
	Components []Component `json:"components"`
}

// Component is one named part of a sum of gross components.
type Component struct {
	Name        string  `json:"name"`
	SourceID    string  `json:"source_id"`
	Value       float64 `json:"value"`
	PeriodStart string  `json:"period_start"`
	PeriodEnd   string  `json:"period_end"`
}

// SeriesPoint is one published number of the series an estimate used.
type SeriesPoint struct {
	Date  string  `json:"date"` // period end (a stock's reference date)
	Value float64 `json:"value"`
}

// TotalPoint is the total as the data stood on one reference date: a year
// end, or the newest as_of (a year not yet over).
type TotalPoint struct {
	AsOf                string  `json:"as_of"` // the reference date
	Label               string  `json:"label"` // "end 2024", or the date itself when it is not a year end
	Net                 float64 `json:"net"`
	Low                 float64 `json:"low"`
	High                float64 `json:"high"`
	Countries           int     `json:"countries"`
	NotInTotal          float64 `json:"not_in_total"`
	CountriesNotInTotal int     `json:"countries_not_in_total"`
}

// Health is every series (one source's figures for one destination: a
// source answering for many countries has one per destination): its state
// as of the reported run, and the recent history of its runs.
type Health struct {
	Runs    []HealthRun    `json:"runs"` // oldest first, the reported run last
	Sources []HealthSource `json:"sources"`
	// Counts tallies the series by state as of the reported run (the
	// newest judgement of each at or before it, source_states), Summary
	// says it as emigre run, status and sources do ("210 ok, 18 stale, 6
	// not archived"). JudgedFrom and JudgedTo span the instants the
	// states hold for: when each source's answer was fetched.
	Counts     map[string]int `json:"state_counts"`
	Summary    string         `json:"state_summary"`
	JudgedFrom string         `json:"judged_from,omitempty"`
	JudgedTo   string         `json:"judged_to,omitempty"`
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
	// State is the series' state as of the reported run (ok, stale,
	// failing, broken, dead-link, unknown, not-configured, not-archived;
	// "" when no run judged it), StateReason why, JudgedAt the instant it
	// holds for (YYYY-MM-DD).
	State       string `json:"state"`
	StateReason string `json:"state_reason,omitempty"`
	JudgedAt    string `json:"judged_at,omitempty"`
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
	RunID string // "" for the latest run (of Origin, when given)
	// Origin picks the latest run counting this citizenship when RunID is
	// "": a run for another origin never hides this one's report.
	Origin string
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
	if err := readRun(ctx, db, opt.RunID, opt.Origin, &r.Run, &windowStart, &r.Sample); err != nil {
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
		{"estimates", func() error {
			if err := readEstimates(ctx, db, r); err != nil {
				return err
			}
			if len(r.Estimates) == 0 {
				r.NoEstimate = NoEstimate(r.Run.Origin)
			}
			return nil
		}},
		{"third-party sources", func() error { return readThirdParty(ctx, db, r) }},
		{"components", func() error { return readComponents(ctx, db, r) }},
		{"observations", func() (err error) { obs, err = observationsAsOf(ctx, db, r); return err }},
		{"series", func() error { readSeries(r, obs, windowStart); return nil }},
		{"total over time", func() error { return readTotalOverTime(ctx, db, r) }},
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

func readRun(ctx context.Context, db load.Querier, id, origin string, run *Run, windowStart *time.Time, sample *bool) error {
	if id != "" {
		origin = "" // the run named is the one reported, whatever it counts
	}
	found := false
	err := load.ScanRows(ctx, db, `
		SELECT run_id, started_at, coalesce(finished_at, started_at), mode, coalesce(archive, ''), status,
			origin, window_start, sources_attempted, sources_loaded, sources_unchanged, sources_failed,
			coalesce(emigre_version, ''), sample
		FROM runs
		WHERE (? = '' OR run_id = ?) AND (? = '' OR origin = ?)
		ORDER BY started_at DESC, run_id DESC
		LIMIT 1`, []any{id, id, origin, origin}, func(rows *sql.Rows) error {
		found = true
		return rows.Scan(&run.ID, &run.StartedAt, &run.FinishedAt, &run.Mode, &run.Archive, &run.Status,
			&run.Origin, windowStart, &run.SourcesAttempted, &run.SourcesLoaded, &run.SourcesUnchanged,
			&run.SourcesFailed, &run.Version, sample)
	})
	if err != nil {
		return fmt.Errorf("report: read run: %w", err)
	}
	if !found {
		switch {
		case id != "":
			return fmt.Errorf("report: run %q is not in the warehouse", id)
		case origin != "":
			return noRunFor(ctx, db, origin)
		}
		return ErrNoRun
	}
	run.StartedAt, run.FinishedAt = run.StartedAt.UTC(), run.FinishedAt.UTC()
	run.WindowStart = windowStart.Format(time.DateOnly)
	return nil
}

// noRunFor is the error of a warehouse without a run for origin: ErrNoRun,
// naming the origins it has runs for.
func noRunFor(ctx context.Context, db load.Querier, origin string) error {
	var others []string
	err := load.ScanRows(ctx, db, `SELECT DISTINCT origin FROM runs ORDER BY origin`, nil, func(rows *sql.Rows) error {
		var o string
		if err := rows.Scan(&o); err != nil {
			return err
		}
		others = append(others, o)
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: read runs: %w", err)
	}
	if len(others) == 0 {
		return ErrNoRun
	}
	return fmt.Errorf("%w for citizens of %s (runs for: %s; --origin picks one)", ErrNoRun, origin, strings.Join(others, ", "))
}

// NoEstimate says in words that a run estimated nothing for its origin:
// not zero, but no figure.
func NoEstimate(origin string) string {
	return fmt.Sprintf("NO ESTIMATE for citizens of %s (%s): no current observation counts them, "+
		"which is not the same as none having moved.", origin, iso3166.Name(origin))
}

func readEstimates(ctx context.Context, db load.Querier, r *Report) error {
	r.Estimates = []Estimate{}
	err := load.ScanRows(ctx, db, `
		SELECT destination, net, low, high, arrivals, returns, method, coalesce(source_id, ''),
			coalesce(metric, ''), as_of, flags, coalesce(in_total, true)
		FROM estimates
		WHERE run_id = ? AND citizenship = ?
		ORDER BY net DESC, destination`, []any{r.Run.ID, r.Run.Origin}, func(rows *sql.Rows) error {
		var e Estimate
		var arrivals, returns sql.NullFloat64
		var asOf time.Time
		var flags []any
		if err := rows.Scan(&e.Destination, &e.Net, &e.Low, &e.High, &arrivals, &returns, &e.Method,
			&e.SourceID, &e.Metric, &asOf, &flags, &e.InTotal); err != nil {
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
		e.Series, e.ThirdParty, e.Components = []SeriesPoint{}, []string{}, []Component{}
		r.Estimates = append(r.Estimates, e)
		return nil
	})
	if err != nil {
		return err
	}
	r.Total = totalOf(r.Run.WindowStart, r.Estimates)
	return nil
}

// totalOf sums the rows as estimate_total does: net and low over the rows
// in the total, high over all of them.
func totalOf(windowStart string, ests []Estimate) Total {
	var t Total
	rows := make([]ScopeRow, 0, len(ests))
	for _, e := range ests {
		rows = append(rows, ScopeRow{Net: e.Net, InTotal: e.InTotal, Flags: e.Flags})
		t.High += e.High
		if !e.InTotal {
			continue
		}
		t.Low += e.Low
		if e.AsOf > t.AsOf {
			t.AsOf = e.AsOf
		}
		if t.OldestAsOf == "" || e.AsOf < t.OldestAsOf {
			t.OldestAsOf = e.AsOf
		}
	}
	t.Scope = NewScope(windowStart, rows)
	t.Net, t.Countries = t.Scope.Net, t.Scope.Countries
	t.NotInTotal, t.CountriesNotInTotal = t.Scope.NotInTotal, t.Scope.CountriesNotInTotal
	t.Summary = t.Scope.Sentence()
	return t
}

// readThirdParty names, per estimate, the sources it read that are a third
// party's copy of the publisher's figures (sources.verified_how).
func readThirdParty(ctx context.Context, db load.Querier, r *Report) error {
	third := map[string]bool{}
	err := load.ScanRows(ctx, db, `SELECT id FROM sources WHERE verified_how = 'third party'`, nil,
		func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			third[id] = true
			return nil
		})
	if err != nil {
		return err
	}
	for i := range r.Estimates {
		for _, id := range strings.Split(r.Estimates[i].SourceID, ",") {
			if third[id] {
				r.Estimates[i].ThirdParty = append(r.Estimates[i].ThirdParty, id)
			}
		}
	}
	return nil
}

// readComponents attaches the parts of each sum of gross components the
// run stored (estimate_components) to the estimate whose sources list
// them.
func readComponents(ctx context.Context, db load.Querier, r *Report) error {
	return load.ScanRows(ctx, db, `
		SELECT destination, component, source_id, value, period_start, period_end
		FROM estimate_components
		WHERE run_id = ? AND citizenship = ?
		ORDER BY destination, component`, []any{r.Run.ID, r.Run.Origin}, func(rows *sql.Rows) error {
		var dest string
		var c Component
		var start, end time.Time
		if err := rows.Scan(&dest, &c.Name, &c.SourceID, &c.Value, &start, &end); err != nil {
			return err
		}
		c.PeriodStart, c.PeriodEnd = start.Format(time.DateOnly), end.Format(time.DateOnly)
		for i := range r.Estimates {
			e := &r.Estimates[i]
			if e.Destination == dest && slices.Contains(strings.Split(e.SourceID, ","), strings.Split(c.SourceID, ",")[0]) {
				e.Components = append(e.Components, c)
			}
		}
		return nil
	})
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

// readSeries attaches to each estimate the series it used, from sparkYears
// before the window: of the sources the estimate names (several for a sum
// or for statements summed), the first that has points of one of its
// metrics.
func readSeries(r *Report, obs []extractors.Observation, windowStart time.Time) {
	from := windowStart.AddDate(-sparkYears, 0, 0)
	for i := range r.Estimates {
		e := &r.Estimates[i]
		metrics := strings.Split(e.Metric, ",")
		for _, source := range strings.Split(e.SourceID, ",") {
			for _, o := range obs {
				if o.SourceID != source || o.Destination != e.Destination || o.Missing || o.PeriodEnd.Before(from) {
					continue
				}
				if !slices.Contains(metrics, string(o.Metric)) && !slices.Contains(metrics, string(o.Measure)) {
					continue
				}
				e.Series = append(e.Series, SeriesPoint{Date: o.PeriodEnd.Format(time.DateOnly), Value: o.Value})
			}
			if len(e.Series) > 0 {
				break
			}
		}
		slices.SortStableFunc(e.Series, func(a, b SeriesPoint) int { return strings.Compare(a.Date, b.Date) })
	}
}

// readTotalOverTime reads the total as of each reference date that the run
// stored (estimate_total_series): every year end from the window start's
// year, and the newest as_of. A run from before that table has none.
func readTotalOverTime(ctx context.Context, db load.Querier, r *Report) error {
	r.TotalOverTime = []TotalPoint{}
	return load.ScanRows(ctx, db, `
		SELECT ref_date, net, low, high, countries, not_in_total, countries_not_in_total
		FROM estimate_total_series
		WHERE run_id = ? AND citizenship = ?
		ORDER BY ref_date`, []any{r.Run.ID, r.Run.Origin}, func(rows *sql.Rows) error {
		var p TotalPoint
		var ref time.Time
		if err := rows.Scan(&ref, &p.Net, &p.Low, &p.High, &p.Countries, &p.NotInTotal, &p.CountriesNotInTotal); err != nil {
			return err
		}
		p.AsOf, p.Label = ref.Format(time.DateOnly), refLabel(ref)
		r.TotalOverTime = append(r.TotalOverTime, p)
		return nil
	})
}

// refLabel names a reference date: "end 2024" for a year end, else the
// date itself (a year that has not ended is never "end 2026").
func refLabel(d time.Time) string {
	if d.Month() == time.December && d.Day() == 31 {
		return fmt.Sprintf("end %d", d.Year())
	}
	return d.Format(time.DateOnly)
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
	if err := readStates(ctx, db, r, idx); err != nil {
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

// readStates reads each series' state as of the reported run: the newest
// judgement at or before it (source_states, written by the run's judging),
// the one state emigre run, status and sources show.
func readStates(ctx context.Context, db load.Querier, r *Report, idx map[[2]string]int) error {
	r.Health.Counts = map[string]int{}
	var from, to time.Time
	err := load.ScanRows(ctx, db, `
		SELECT ss.source_id, coalesce(ss.destination, ''), ss.state, ss.reason, ss.judged_at
		FROM source_states AS ss
		JOIN runs AS j ON j.run_id = ss.run_id
		WHERE j.started_at <= ?
		QUALIFY row_number() OVER (PARTITION BY ss.source_id, ss.destination ORDER BY j.started_at DESC, ss.run_id DESC) = 1`,
		[]any{r.Run.StartedAt}, func(rows *sql.Rows) error {
			var source, dest, state, reason string
			var at time.Time
			if err := rows.Scan(&source, &dest, &state, &reason, &at); err != nil {
				return err
			}
			i, ok := idx[[2]string{source, dest}]
			if !ok {
				return nil // a source no longer in the catalogue table
			}
			s := &r.Health.Sources[i]
			s.State, s.StateReason, s.JudgedAt = state, reason, at.UTC().Format(time.DateOnly)
			if from.IsZero() || at.Before(from) {
				from = at
			}
			if at.After(to) {
				to = at
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, s := range r.Health.Sources {
		if s.State != "" {
			r.Health.Counts[s.State]++
		}
	}
	r.Health.Summary = seriesstate.Counts(r.Health.Counts)
	if !from.IsZero() {
		r.Health.JudgedFrom, r.Health.JudgedTo = from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)
	}
	return nil
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
