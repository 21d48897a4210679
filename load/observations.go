package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// MergeStats counts what MergeObservations did with a source's observations.
type MergeStats struct {
	Inserted  int // keys seen for the first time
	Revised   int // keys whose value, missing mark or flags changed: old row superseded, new row written
	Unchanged int // identical to the current vintage: nothing written
	// ByDestination are the same counts per destination (canonical code),
	// the series of a multi-country source.
	ByDestination map[string]MergeStats
}

// stageColumns are the columns of the staging table, in append order.
var stageColumns = []string{
	"source_id", "destination", "citizenship", "metric", "measure", "period_start",
	"period_end", "value", "missing", "flags", "snapshot_sha256",
}

// MergeObservations loads one source's observations of run runID as
// vintages. For each key (source, destination, citizenship, metric, measure,
// period_start, period_end) it compares with the current row: the same
// value, missing mark and flags leave it alone; anything else marks the
// current row superseded_by_run = runID and writes the new one; a new key is
// written. Keys the source no longer publishes stay current: a publisher
// dropping a row is not a revision, and a source never erases what an
// earlier run loaded.
//
// Observations without a SourceID get sourceID; any other SourceID is
// refused. Exact duplicates are loaded once; two observations of one key
// with different values are refused. Invalid input returns an error
// wrapping ErrInvalid before anything is written.
func MergeObservations(ctx context.Context, tx *Tx, runID, sourceID string, obs []extractors.Observation) (MergeStats, error) {
	stats, invalid, err := MergeSources(ctx, tx, runID, map[string][]extractors.Observation{sourceID: obs})
	if err != nil {
		return MergeStats{}, err
	}
	if err := invalid[sourceID]; err != nil {
		return MergeStats{}, err
	}
	return stats[sourceID], nil
}

// MergeSources merges the observations of several sources at once, with
// the semantics of MergeObservations, in one staging table and one set of
// statements: a refresh loads every source in a handful of statements
// instead of a handful per source. A source whose observations are invalid
// is left out and its error (wrapping ErrInvalid) returned in invalid; the
// others load. err is a database error: the transaction is then unusable.
//
// A source's first load (no row of it in observations yet) is a plain
// insert from the staging table, with no comparison against current
// vintages; the others are compared in one join and applied in one MERGE
// statement (supersede the revised rows' current vintages, insert the new
// and revised rows). Each merged source's digest per citizenship is stored
// in source_digests (see Digests).
func MergeSources(ctx context.Context, tx *Tx, runID string, bySource map[string][]extractors.Observation) (stats map[string]MergeStats, invalid map[string]error, err error) {
	stats, invalid = map[string]MergeStats{}, map[string]error{}
	var first, staged batches
	var digests []digestRow
	loaded, err := sourcesWithRows(ctx, tx, bySource)
	if err != nil {
		return nil, nil, fmt.Errorf("merge observations of run %s: %w", runID, err)
	}
	for sourceID, obs := range bySource {
		rows, err := stageRows(runID, sourceID, obs)
		if err != nil {
			invalid[sourceID] = fmt.Errorf("merge observations of %s: %w", sourceID, err)
			continue
		}
		st := MergeStats{}
		if loaded[sourceID] {
			staged.add(rows)
		} else {
			first.add(rows)
			for _, o := range rows {
				st.add("new", 1)
				if st.ByDestination == nil {
					st.ByDestination = map[string]MergeStats{}
				}
				d := st.ByDestination[o.Destination]
				d.add("new", 1)
				st.ByDestination[o.Destination] = d
			}
		}
		stats[sourceID] = st
		for cit, d := range digestOf(rows) {
			digests = append(digests, digestRow{sourceID, cit, d})
		}
	}
	steps := []func() error{func() error { return appendFirstLoads(ctx, tx, runID, first) }}
	if staged.n > 0 {
		steps = append(steps,
			func() error { return stage(ctx, tx, staged) },
			func() error { return applyMerge(ctx, tx, runID) },
			func() error { return countMerge(ctx, tx, stats) },
			func() error { return dropMergeTables(ctx, tx) })
	}
	steps = append(steps, func() error { return storeDigests(ctx, tx, runID, digests) },
		func() error { return countSeries(ctx, tx, slices.Collect(maps.Keys(stats))) })
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, nil, fmt.Errorf("merge observations of run %s: %w", runID, err)
		}
	}
	return stats, invalid, nil
}

// countSeries recounts the current figures of the sources just merged in
// series_observations (migration 0062), so that reading a series' count
// and newest period never scans the observations.
func countSeries(ctx context.Context, tx *Tx, sourceIDs []string) error {
	if len(sourceIDs) == 0 {
		return nil
	}
	for _, q := range []string{
		`DELETE FROM series_observations WHERE list_contains(?::VARCHAR[], source_id)`,
		`INSERT INTO series_observations
		 SELECT source_id, destination, citizenship, count(*), max(period_end)
		 FROM observations
		 WHERE list_contains(?::VARCHAR[], source_id) AND superseded_by_run IS NULL AND NOT missing
		 GROUP BY source_id, destination, citizenship`,
	} {
		if _, err := tx.ExecContext(ctx, q, sourceIDs); err != nil {
			return fmt.Errorf("count the series' current figures: %w", err)
		}
	}
	return nil
}

// sourcesWithRows reports which of the sources have rows in observations
// already: the others' loads are first loads.
func sourcesWithRows(ctx context.Context, tx *Tx, bySource map[string][]extractors.Observation) (map[string]bool, error) {
	ids := make([]string, 0, len(bySource))
	for id := range bySource {
		ids = append(ids, id)
	}
	out := map[string]bool{}
	err := ScanRows(ctx, tx, `SELECT DISTINCT source_id FROM observations WHERE list_contains(?::VARCHAR[], source_id)`,
		[]any{ids}, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find first loads: %w", err)
	}
	return out, nil
}

// appendFirstLoads appends the rows of sources loaded for the first time
// straight into observations: there is no current vintage to compare with,
// every row is new, and the Appender is DuckDB's fastest way in.
func appendFirstLoads(ctx context.Context, tx *Tx, runID string, rows batches) error {
	row := make([]driver.Value, len(stageColumns)+1)
	err := tx.appendEach(ctx, "", "observations", append(slices.Clone(stageColumns), "run_id"), rows.n, func(i int) []driver.Value {
		fillStageRow(row, rows.at(i))
		row[len(stageColumns)] = runID
		return row
	})
	if err != nil {
		return fmt.Errorf("append first loads: %w", err)
	}
	return nil
}

// fillStageRow sets row (of stageColumns) from o.
func fillStageRow(row []driver.Value, o *staged) {
	var value driver.Value
	if !o.Missing {
		value = o.Value
	}
	row[0], row[1], row[2], row[3], row[4] = o.SourceID, o.Destination, o.Citizenship, string(o.Metric), nullString(string(o.Measure))
	row[5], row[6], row[7], row[8], row[9], row[10] = o.PeriodStart, o.PeriodEnd, value, o.Missing, nullString(o.Flags), nullString(o.Snapshot)
}

// stage writes rows into the staging table. The staging and plan tables are
// temporary (per connection, in memory) and replaced on every merge.
func stage(ctx context.Context, tx *Tx, rows batches) error {
	if _, err := tx.ExecContext(ctx, `
		CREATE OR REPLACE TEMP TABLE emigre_merge_stage (
			source_id       VARCHAR NOT NULL,
			destination     VARCHAR NOT NULL,
			citizenship     VARCHAR NOT NULL,
			metric          VARCHAR NOT NULL,
			measure         VARCHAR,
			period_start    DATE    NOT NULL,
			period_end      DATE    NOT NULL,
			value           DOUBLE,
			missing         BOOLEAN NOT NULL,
			flags           VARCHAR,
			snapshot_sha256 VARCHAR
		)`); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	row := make([]driver.Value, len(stageColumns))
	err := tx.appendEach(ctx, "temp", "emigre_merge_stage", stageColumns, rows.n, func(i int) []driver.Value {
		fillStageRow(row, rows.at(i))
		return row
	})
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	return nil
}

// applyMerge loads the staged rows (sources with rows already: first loads
// were appended). The plan compares every staged row with the current vintage of its key (new,
// unchanged or revised), and one MERGE carries it out: a revised row's
// current vintage is superseded by runID (matched by obs_id), and the new
// and revised rows are inserted (no obs_id: never matched).
func applyMerge(ctx context.Context, tx *Tx, runID string) error {
	stmts := []struct{ what, sql string }{
		{"compare with current vintages", `
			CREATE OR REPLACE TEMP TABLE emigre_merge_plan AS
			SELECT
				s.*,
				c.obs_id AS current_id,
				CASE
					WHEN c.obs_id IS NULL THEN 'new'
					WHEN c.missing = s.missing
					 AND c.value IS NOT DISTINCT FROM s.value
					 AND c.flags IS NOT DISTINCT FROM s.flags THEN 'unchanged'
					ELSE 'revised'
				END AS action
			FROM temp.main.emigre_merge_stage AS s
			LEFT JOIN observations AS c
				ON c.superseded_by_run IS NULL
			   AND c.source_id = s.source_id
			   AND c.destination = s.destination
			   AND c.citizenship = s.citizenship
			   AND c.metric = s.metric
			   AND c.measure IS NOT DISTINCT FROM s.measure
			   AND c.period_start = s.period_start
			   AND c.period_end = s.period_end`},
		{"merge new vintages", `
			MERGE INTO observations AS o
			USING (
				SELECT current_id AS target_id, p.* EXCLUDE (current_id, action)
				FROM temp.main.emigre_merge_plan AS p WHERE action = 'revised'
				UNION ALL
				SELECT NULL AS target_id, p.* EXCLUDE (current_id, action)
				FROM temp.main.emigre_merge_plan AS p WHERE action <> 'unchanged'
			) AS n
			ON o.obs_id = n.target_id
			WHEN MATCHED THEN UPDATE SET superseded_by_run = $1
			WHEN NOT MATCHED THEN INSERT (source_id, destination, citizenship, metric, measure,
				period_start, period_end, value, missing, flags, snapshot_sha256, run_id)
			VALUES (n.source_id, n.destination, n.citizenship, n.metric, n.measure, n.period_start,
				n.period_end, n.value, n.missing, n.flags, n.snapshot_sha256, $1)`},
	}
	for _, st := range stmts {
		var args []any
		if strings.Contains(st.sql, "$1") {
			args = []any{runID}
		}
		if _, err := tx.ExecContext(ctx, st.sql, args...); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return nil
}

// countMerge tallies what the merge did per source and destination into
// stats, from the plan.
func countMerge(ctx context.Context, tx *Tx, stats map[string]MergeStats) error {
	err := ScanRows(ctx, tx, `
		SELECT source_id, destination, action, count(*) FROM temp.main.emigre_merge_plan GROUP BY ALL`, nil,
		func(rows *sql.Rows) error {
			var source, dest, action string
			var n int
			if err := rows.Scan(&source, &dest, &action, &n); err != nil {
				return err
			}
			st := stats[source]
			if st.ByDestination == nil {
				st.ByDestination = map[string]MergeStats{}
			}
			d := st.ByDestination[dest]
			d.add(action, n)
			st.ByDestination[dest] = d
			st.add(action, n)
			stats[source] = st
			return nil
		})
	if err != nil {
		return fmt.Errorf("count: %w", err)
	}
	return nil
}

// add counts n keys of the plan's action.
func (st *MergeStats) add(action string, n int) {
	switch action {
	case "new":
		st.Inserted += n
	case "revised":
		st.Revised += n
	case "unchanged":
		st.Unchanged += n
	}
}

// dropMergeTables drops the staging and plan tables.
func dropMergeTables(ctx context.Context, tx *Tx) error {
	if _, err := tx.ExecContext(ctx, `
		DROP TABLE temp.main.emigre_merge_plan;
		DROP TABLE temp.main.emigre_merge_stage`); err != nil {
		return fmt.Errorf("drop staging tables: %w", err)
	}
	return nil
}

// staged is one observation as the staging table holds it: normalised
// (source id filled in, dates as calendar dates, a missing value zero) and
// validated, one per key.
type staged = extractors.Observation

// batches are the staged rows of several sources, each source's slice as
// normalise returned it: read in order as one sequence, never copied into
// one (a large load's rows would be copied twice).
type batches struct {
	parts  [][]staged
	starts []int // index of each part's first row in the sequence
	n      int
}

func (b *batches) add(rows []staged) {
	if len(rows) > 0 {
		b.parts, b.starts, b.n = append(b.parts, rows), append(b.starts, b.n), b.n+len(rows)
	}
}

// at returns the sequence's row i.
func (b *batches) at(i int) *staged {
	p := sort.SearchInts(b.starts, i+1) - 1
	return &b.parts[p][i-b.starts[p]]
}

// obsKey is an observation's key, as a map key: dates as days since the
// epoch keep it small and quick to hash (a load checks every row's).
type obsKey struct {
	source, destination, citizenship string
	metric, measure                  extractors.Metric
	start, end                       int32
}

func epochDay(t time.Time) int32 { return int32(t.Unix() / 86400) }

// stageRows validates obs and normalises them into staging rows, one per key.
func stageRows(runID, sourceID string, obs []extractors.Observation) ([]staged, error) {
	if runID == "" {
		return nil, invalid("observations without run id")
	}
	return normalise(sourceID, obs)
}

// normalise validates obs of sourceID and returns them as stored, one per
// key: exact duplicates once, two values for one key refused.
func normalise(sourceID string, obs []extractors.Observation) ([]staged, error) {
	if sourceID == "" {
		return nil, invalid("observations without source id")
	}
	seen := make(map[obsKey]int, len(obs)) // key -> its row
	rows := make([]staged, 0, len(obs))
	for i := range obs {
		o := obs[i]
		if o.SourceID == "" {
			o.SourceID = sourceID
		}
		o.PeriodStart, o.PeriodEnd = date(o.PeriodStart), date(o.PeriodEnd)
		if o.Missing {
			o.Value = 0
		}
		if err := validateObservation(sourceID, o); err != nil {
			return nil, fmt.Errorf("observation %d (%s): %w", i, o.Key(), err)
		}
		k := obsKey{o.SourceID, o.Destination, o.Citizenship, o.Metric, o.Measure, epochDay(o.PeriodStart), epochDay(o.PeriodEnd)}
		if j, dup := seen[k]; dup {
			if r := &rows[j]; r.Missing != o.Missing || r.Value != o.Value || r.Flags != o.Flags {
				return nil, fmt.Errorf("observation %d (%s): %w", i, o.Key(),
					invalid("published twice with different values"))
			}
			continue
		}
		seen[k] = len(rows)
		rows = append(rows, o)
	}
	return rows, nil
}

func validateObservation(sourceID string, o extractors.Observation) error {
	switch {
	case o.SourceID != sourceID:
		return invalid("source id %q, loading %q", o.SourceID, sourceID)
	case o.Destination == "" || o.Citizenship == "":
		return invalid("destination and citizenship are required")
	case !o.Metric.Valid():
		return invalid("unknown metric %q", o.Metric)
	case o.Metric == extractors.Statement && (!o.Measure.Valid() || o.Measure == extractors.Statement):
		return invalid("a statement needs the metric its figure counts as measure, got %q", o.Measure)
	case o.Metric != extractors.Statement && o.Measure != "":
		return invalid("measure %q on a %s observation: only statements have one", o.Measure, o.Metric)
	case o.PeriodStart.Year() < 1900 || o.PeriodEnd.Year() < 1900:
		return invalid("period %s..%s is not set", o.PeriodStart.Format(time.DateOnly), o.PeriodEnd.Format(time.DateOnly))
	case o.PeriodStart.After(o.PeriodEnd):
		return invalid("period starts after it ends")
	case o.IsStock() && !o.PeriodStart.Equal(o.PeriodEnd):
		return invalid("a stock has one reference date, got a period")
	case !o.Missing && !finite(o.Value):
		return invalid("value %v is not a finite number", o.Value)
	case o.Snapshot != "":
		if err := checkSHA256(o.Snapshot); err != nil {
			return invalid("%v", err)
		}
	}
	return nil
}

// CurrentObservations returns every current observation (the view
// observations_current) as the transaction sees it, ordered by key: what is
// loaded, including this run's merges and the numbers of sources that failed
// this run, so estimates are computed over everything known.
func CurrentObservations(ctx context.Context, tx *Tx) ([]extractors.Observation, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT source_id, destination, citizenship, metric, measure, period_start, period_end,
			value, missing, flags, snapshot_sha256
		FROM observations_current
		ORDER BY source_id, destination, citizenship, metric, measure, period_start, period_end`)
	if err != nil {
		return nil, fmt.Errorf("read current observations: %w", err)
	}
	defer rows.Close()
	var out []extractors.Observation
	for rows.Next() {
		var (
			o                    extractors.Observation
			metric               string
			measure, flags, snap sql.NullString
			value                sql.NullFloat64
		)
		if err := rows.Scan(&o.SourceID, &o.Destination, &o.Citizenship, &metric, &measure,
			&o.PeriodStart, &o.PeriodEnd, &value, &o.Missing, &flags, &snap); err != nil {
			return nil, fmt.Errorf("read current observations: %w", err)
		}
		o.Metric = extractors.Metric(metric)
		o.Measure = extractors.Metric(measure.String)
		o.Value = value.Float64
		o.Flags = flags.String
		o.Snapshot = snap.String
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read current observations: %w", err)
	}
	return out, nil
}
