package load

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/emigre/emigre/extractors"
)

// Reading the warehouse back: what the quality checks, the report and the
// dashboard query, through a run's transaction or a published file.

// Querier is what the readers here query through: a *Tx inside a run's
// transaction, or a *sql.DB (a published file opened read-only).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Revision is a published number that changed: the vintage a run
// superseded and the one it loaded.
type Revision struct {
	Old, New extractors.Observation
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

// ScanRows runs query through q and calls scan for each row: the reading
// loop the quality checks, the report and the dashboard share.
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

// PublishedDestinations returns, per source, the destinations its current
// observations give a figure for citizens of origin: the series a source
// that answers for many countries has published, which its next answer is
// expected to hold again.
func PublishedDestinations(ctx context.Context, q Querier, origin string) (map[string][]string, error) {
	out := map[string][]string{}
	err := ScanRows(ctx, q, `
		SELECT source_id, destination
		FROM series_observations
		WHERE citizenship = ?
		ORDER BY source_id, destination`, []any{origin}, func(rows *sql.Rows) error {
		var src, dest string
		if err := rows.Scan(&src, &dest); err != nil {
			return err
		}
		out[src] = append(out[src], dest)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the destinations sources published: %w", err)
	}
	return out, nil
}
