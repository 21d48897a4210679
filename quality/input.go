package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
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

// Revision is a published number that changed: the vintage a run
// superseded and the one it loaded (load.ReadRevisions reads them).
type Revision = load.Revision

// Point is a current observation and the run that loaded it.
type Point struct {
	extractors.Observation
	RunID string
}

// usualRuns is how many earlier successful attempts make a source's usual
// row count.
const usualRuns = 10

// Gather fills in.Runs, in.UsualRows, in.Current and in.Revisions from the
// warehouse, for run in.RunID.
func Gather(ctx context.Context, q load.Querier, in *Input) error {
	if in.RunID == "" {
		return fmt.Errorf("quality: gather: no run id")
	}
	in.Runs = map[string]SourceRun{}
	// run_sources has a row per series (a multi-country source's
	// destinations): the source's outcome is theirs together.
	err := load.ScanRows(ctx, q, `
		SELECT
			source_id,
			CASE WHEN bool_or(status = 'failed') THEN 'failed'
			     WHEN bool_or(status = 'ok') THEN 'ok'
			     ELSE 'unchanged' END,
			coalesce(any_value(stage) FILTER (WHERE status = 'failed'), ''),
			coalesce(any_value(error) FILTER (WHERE status = 'failed'), ''),
			coalesce(sum(rows), 0)
		FROM run_sources
		WHERE run_id = ? AND status NOT IN ('not_configured', 'not_archived')
		GROUP BY source_id`, []any{in.RunID}, func(rows *sql.Rows) error {
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
	err = load.ScanRows(ctx, q, `
		SELECT rs.source_id, sum(rs.rows)::INTEGER AS rows
		FROM run_sources AS rs JOIN runs AS r ON r.run_id = rs.run_id
		WHERE rs.run_id <> ? AND rs.status IN ('ok', 'unchanged', 'absent')
		GROUP BY rs.source_id, rs.run_id, r.started_at
		HAVING bool_or(rs.status IN ('ok', 'unchanged')) AND sum(rs.rows) > 0
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
	err = load.ScanRows(ctx, q, `
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
	revs, err := load.ReadRevisions(ctx, q, in.RunID)
	if err != nil {
		return err
	}
	in.Revisions = revs
	return nil
}
