package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/emigre/emigre/extractors"
)

// Input is what the checks look at. The caller gives the run's identity,
// the sources it attempted and what they parsed; Gather reads the rest from
// the warehouse as the run's transaction sees it.
type Input struct {
	RunID       string
	Sample      bool      // the run replayed the sample archive
	Origin      string    // citizenship estimated for
	WindowStart time.Time // consistency is judged over spans ending from here on
	Now         time.Time // the run's start: no period may end after it
	// Fetched is when each source's bytes were fetched (the archive's
	// fetched_at): freshness is judged as of that day, so replaying an old
	// archive judges it as of its own day. Now when absent.
	Fetched map[string]time.Time
	// Sources are the catalogue entries the run attempted.
	Sources []*extractors.Source
	// Parsed holds the observations each source's answer parsed to in this
	// run, by source id; nil when the caller has none (then shape and
	// validity are not judged).
	Parsed map[string][]extractors.Observation

	// Filled by Gather.
	Runs      map[string]SourceRun // this run's outcome per source (run_sources)
	UsualRows map[string][]int     // rows of recent earlier successful attempts, per source
	Current   []Point              // every current observation (observations_current)
	Revisions []Revision           // numbers this run revised
}

// SourceRun is what happened to a source in the checked run.
type SourceRun struct {
	Status string // load.SourceOK, SourceUnchanged or SourceFailed
	Stage  string // where it failed
	Error  string
	Rows   int
}

// Point is a current observation and the run that loaded it.
type Point struct {
	extractors.Observation
	RunID string
}

// Revision is a published number that changed: the vintage this run
// superseded and the one it loaded.
type Revision struct {
	Old, New extractors.Observation
}

// Querier is what Gather reads through: a *load.Tx inside the run's
// transaction, or a *sql.DB.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// usualRuns is how many earlier successful attempts make a source's usual
// row count.
const usualRuns = 10

// Gather fills in.Runs, in.UsualRows, in.Current and in.Revisions from the
// warehouse, for run in.RunID.
func Gather(ctx context.Context, q Querier, in *Input) error {
	if in.RunID == "" {
		return fmt.Errorf("quality: gather: no run id")
	}
	in.Runs = map[string]SourceRun{}
	err := ScanRows(ctx, q, `
		SELECT source_id, status, coalesce(stage, ''), coalesce(error, ''), coalesce(rows, 0)
		FROM run_sources WHERE run_id = ?`, []any{in.RunID}, func(rows *sql.Rows) error {
		var id string
		var r SourceRun
		if err := rows.Scan(&id, &r.Status, &r.Stage, &r.Error, &r.Rows); err != nil {
			return err
		}
		in.Runs[id] = r
		return nil
	})
	if err != nil {
		return fmt.Errorf("quality: read this run's source outcomes: %w", err)
	}
	in.UsualRows = map[string][]int{}
	err = ScanRows(ctx, q, `
		SELECT rs.source_id, rs.rows
		FROM run_sources AS rs JOIN runs AS r ON r.run_id = rs.run_id
		WHERE rs.run_id <> ? AND rs.status IN ('ok', 'unchanged') AND rs.rows > 0
		QUALIFY row_number() OVER (PARTITION BY rs.source_id ORDER BY r.started_at DESC) <= ?`,
		[]any{in.RunID, usualRuns}, func(rows *sql.Rows) error {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			in.UsualRows[id] = append(in.UsualRows[id], n)
			return nil
		})
	if err != nil {
		return fmt.Errorf("quality: read earlier row counts: %w", err)
	}
	in.Current = nil
	err = ScanRows(ctx, q, `
		SELECT source_id, destination, citizenship, metric, coalesce(measure, ''), period_start,
			period_end, value, missing, coalesce(flags, ''), run_id
		FROM observations_current
		ORDER BY source_id, destination, citizenship, metric, measure, period_start, period_end`,
		nil, func(rows *sql.Rows) error {
			var p Point
			var metric, measure string
			var value sql.NullFloat64
			if err := rows.Scan(&p.SourceID, &p.Destination, &p.Citizenship, &metric, &measure,
				&p.PeriodStart, &p.PeriodEnd, &value, &p.Missing, &p.Flags, &p.RunID); err != nil {
				return err
			}
			p.Metric, p.Measure, p.Value = extractors.Metric(metric), extractors.Metric(measure), value.Float64
			in.Current = append(in.Current, p)
			return nil
		})
	if err != nil {
		return fmt.Errorf("quality: read current observations: %w", err)
	}
	revs, err := ReadRevisions(ctx, q, in.RunID)
	if err != nil {
		return err
	}
	in.Revisions = revs
	return nil
}

// ReadRevisions returns the numbers run runID revised: for each, the
// vintage it superseded and the one it loaded.
func ReadRevisions(ctx context.Context, q Querier, runID string) ([]Revision, error) {
	var out []Revision
	err := ScanRows(ctx, q, `
		SELECT n.source_id, n.destination, n.citizenship, n.metric, coalesce(n.measure, ''),
			n.period_start, n.period_end,
			o.value, o.missing, coalesce(o.flags, ''), n.value, n.missing, coalesce(n.flags, '')
		FROM observations AS n
		JOIN observations AS o
			ON o.superseded_by_run = n.run_id
		   AND o.source_id = n.source_id
		   AND o.destination = n.destination
		   AND o.citizenship = n.citizenship
		   AND o.metric = n.metric
		   AND o.measure IS NOT DISTINCT FROM n.measure
		   AND o.period_start = n.period_start
		   AND o.period_end = n.period_end
		WHERE n.run_id = ?
		ORDER BY n.source_id, n.destination, n.citizenship, n.metric, n.measure, n.period_start, n.period_end`,
		[]any{runID}, func(rows *sql.Rows) error {
			var o extractors.Observation
			var metric, measure string
			var oldV, newV sql.NullFloat64
			var oldMissing, newMissing bool
			var oldFlags, newFlags string
			if err := rows.Scan(&o.SourceID, &o.Destination, &o.Citizenship, &metric, &measure,
				&o.PeriodStart, &o.PeriodEnd, &oldV, &oldMissing, &oldFlags, &newV, &newMissing, &newFlags); err != nil {
				return err
			}
			o.Metric, o.Measure = extractors.Metric(metric), extractors.Metric(measure)
			r := Revision{Old: o, New: o}
			r.Old.Value, r.Old.Missing, r.Old.Flags = oldV.Float64, oldMissing, oldFlags
			r.New.Value, r.New.Missing, r.New.Flags = newV.Float64, newMissing, newFlags
			out = append(out, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read revisions of run %s: %w", runID, err)
	}
	return out, nil
}

// ScanRows runs query through q and calls scan for each row; it is the
// reading loop every warehouse query here shares.
func ScanRows(ctx context.Context, q Querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
