package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/emigre/emigre/load"
)

// Scan reads every row and column of every table and view of the published
// warehouse at path, opened read-only, and returns the row count of each
// table. DuckDB has no integrity-check pragma; it verifies a block's
// checksum when it reads it, so reading everything is the check.
func Scan(ctx context.Context, path string) (map[string]int64, error) {
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return ScanDB(ctx, db)
}

// ScanDB is Scan over an open database.
func ScanDB(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary
		UNION ALL
		SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	type relation struct{ name, kind string }
	var rels []relation
	for rows.Next() {
		var r relation
		if err := rows.Scan(&r.name, &r.kind); err != nil {
			rows.Close()
			return nil, err
		}
		rels = append(rels, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, r := range rels {
		// hash(COLUMNS(*)) makes DuckDB read every column of every row.
		q := fmt.Sprintf(`SELECT count(*), COALESCE(sum(hash(COLUMNS(*))), 0) FROM %q`, r.name)
		rs, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("scan %s %s: %w", r.kind, r.name, err)
		}
		cols, _ := rs.Columns()
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(any)
		}
		var n int64
		for rs.Next() {
			if err := rs.Scan(dest...); err != nil {
				rs.Close()
				return nil, fmt.Errorf("scan %s %s: %w", r.kind, r.name, err)
			}
			n = toInt64(*dest[0].(*any))
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, fmt.Errorf("scan %s %s: %w", r.kind, r.name, err)
		}
		if r.kind == "table" {
			counts[r.name] = n
		}
	}
	if len(counts) == 0 {
		return nil, fmt.Errorf("the warehouse has no tables")
	}
	return counts, nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return -1
}

// State is what a published warehouse holds, in terms that do not depend on
// when a run happened: rows per table, the current observations and the
// latest estimates. Two warehouses built by the same runs have equal States.
type State struct {
	Counts       map[string]int64
	Observations map[string]string // key -> value, missing, flags, snapshot
	Estimates    map[string]string // destination/citizenship -> net, low, high, method, source, as of
	Runs         []string          // run statuses, oldest first
}

// Equal reports whether two states are the same, and if not, how they differ.
func (s State) Equal(o State) (bool, string) {
	switch {
	case !maps.Equal(s.Counts, o.Counts):
		return false, fmt.Sprintf("row counts %v vs %v", s.Counts, o.Counts)
	case !maps.Equal(s.Observations, o.Observations):
		return false, fmt.Sprintf("current observations differ (%d vs %d)", len(s.Observations), len(o.Observations))
	case !maps.Equal(s.Estimates, o.Estimates):
		return false, fmt.Sprintf("latest estimates differ: %v vs %v", s.Estimates, o.Estimates)
	case !slices.Equal(s.Runs, o.Runs):
		return false, fmt.Sprintf("runs %v vs %v", s.Runs, o.Runs)
	}
	return true, ""
}

// ReadState scans the published warehouse (every table and view) and reads
// its state.
func ReadState(ctx context.Context, path string) (State, error) {
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return State{}, err
	}
	defer db.Close()
	var s State
	if s.Counts, err = ScanDB(ctx, db); err != nil {
		return s, err
	}
	if s.Observations, err = keyed(ctx, db, `
		SELECT concat_ws('|', source_id, destination, citizenship, metric, measure, period_start, period_end),
			concat_ws('|', value, missing, flags, snapshot_sha256)
		FROM observations_current`); err != nil {
		return s, err
	}
	if s.Estimates, err = keyed(ctx, db, `
		SELECT destination || '/' || citizenship, concat_ws('|', net, low, high, method, source_id, as_of)
		FROM latest_estimates`); err != nil {
		return s, err
	}
	runs, err := keyed(ctx, db, `SELECT run_id, status FROM runs`)
	if err != nil {
		return s, err
	}
	ids := slices.Sorted(maps.Keys(runs))
	for _, id := range ids {
		s.Runs = append(s.Runs, runs[id])
	}
	return s, nil
}

func keyed(ctx context.Context, db *sql.DB, q string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(strings.Fields(q), " "), err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// Text is every row of every table of the published warehouse at path, as
// text: what a test searches for something that must never be stored.
func Text(ctx context.Context, path string) (string, error) {
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	tables, err := ScanDB(ctx, db)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, table := range slices.Sorted(maps.Keys(tables)) {
		// A row cast to text holds every column.
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT t::VARCHAR FROM %q AS t`, table))
		if err != nil {
			return "", fmt.Errorf("read %s: %w", table, err)
		}
		for rows.Next() {
			var row string
			if err := rows.Scan(&row); err != nil {
				rows.Close()
				return "", fmt.Errorf("read %s: %w", table, err)
			}
			b.WriteString(row)
			b.WriteByte('\n')
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", table, err)
		}
	}
	return b.String(), nil
}
