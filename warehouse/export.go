package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Export formats.
const (
	FormatParquet = "parquet"
	FormatCSV     = "csv"
)

// ManifestName is the file Export writes beside the data.
const ManifestName = "manifest.json"

// partitionBy names the objects Export partitions in Parquet, and by what:
// the observations are the one large table, and engines that read a
// Hive-style layout (destination=DE/) skip the countries a query filters out.
var partitionBy = map[string][]string{
	"observations":         {"destination"},
	"observations_current": {"destination"},
}

// ExportOptions configures Export.
type ExportOptions struct {
	Format        string // FormatParquet or FormatCSV
	Dir           string // the export directory: created; if it exists it must be empty
	Warehouse     string // the warehouse file read, recorded in the manifest
	EmigreVersion string
	Now           func() time.Time // the export time; time.Now when nil
}

// Manifest describes an export: what was exported from which run, how many
// rows each object has and its schema. It is written as manifest.json.
type Manifest struct {
	Format         string           `json:"format"`
	ExportedAt     time.Time        `json:"exported_at"`
	Warehouse      string           `json:"warehouse"`
	EmigreVersion  string           `json:"emigre_version"`
	DuckDBVersion  string           `json:"duckdb_version"`
	StorageVersion string           `json:"storage_version"`
	Run            *ManifestRun     `json:"run"` // the newest run in the warehouse; null when it has none
	Objects        []ExportedObject `json:"objects"`
}

// ManifestRun is the newest run of the exported warehouse.
type ManifestRun struct {
	RunID         string     `json:"run_id"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	Mode          string     `json:"mode"`
	Status        string     `json:"status"`
	Origin        string     `json:"origin"`
	WindowStart   string     `json:"window_start"`
	Sample        bool       `json:"sample"`
	EmigreVersion *string    `json:"emigre_version"`
}

// ExportedObject is one table or view in an export.
type ExportedObject struct {
	Object
	Rows          int64    `json:"rows"`
	Path          string   `json:"path"`                     // relative to the export directory
	PartitionedBy []string `json:"partitioned_by,omitempty"` // Hive-style key=value folders under Path
	Files         []string `json:"files"`                    // every data file, relative to the export directory
}

// Export writes every table and view of the database q reads to
// opt.Dir, in Parquet (one folder per object, observations partitioned by
// destination) or CSV (one file per object, with a header), and a
// manifest.json. It only reads: give it a warehouse opened read-only.
//
// Everything is read in one transaction, so the export is one consistent
// state. It is built in a hidden folder beside opt.Dir and renamed into
// place at the end: a failed export leaves nothing behind, and a reader
// never sees half of one.
func Export(ctx context.Context, db *sql.DB, opt ExportOptions) (m Manifest, err error) {
	if opt.Format != FormatParquet && opt.Format != FormatCSV {
		return m, fmt.Errorf("export: format %q: want %s or %s", opt.Format, FormatParquet, FormatCSV)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	if err := emptyOrAbsent(dir); err != nil {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	staging, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".export-*")
	if err != nil {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	defer func() {
		if rerr := os.RemoveAll(staging); rerr != nil && err == nil {
			err = fmt.Errorf("export to %s: remove staging folder: %w", opt.Dir, rerr)
		}
	}()

	conn, err := db.Conn(ctx)
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	defer conn.Close()
	// Times in CSV are written in the session's zone: make it UTC, as the
	// warehouse's comments promise.
	if _, err := conn.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return m, fmt.Errorf("export: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep or lose

	dict, err := ReadDictionary(ctx, tx)
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	m = Manifest{
		Format: opt.Format, ExportedAt: opt.Now().UTC().Truncate(time.Second), Warehouse: opt.Warehouse,
		EmigreVersion: opt.EmigreVersion, DuckDBVersion: dict.DuckDBVersion, StorageVersion: dict.StorageVersion,
	}
	if _, ok := dict.Lookup("runs"); ok {
		if m.Run, err = newestRun(ctx, tx); err != nil {
			return m, fmt.Errorf("export: %w", err)
		}
	}
	for _, o := range dict.Objects {
		e, err := exportObject(ctx, tx, staging, opt.Format, o)
		if err != nil {
			return m, fmt.Errorf("export %s %s: %w", o.Kind, o.Name, err)
		}
		m.Objects = append(m.Objects, e)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(staging, ManifestName), append(b, '\n'), 0o644); err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	// The staging folder was made private by MkdirTemp: open it like any.
	if err := os.Chmod(staging, 0o755); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	if err := os.Rename(staging, dir); err != nil {
		return m, fmt.Errorf("export to %s: %w", opt.Dir, err)
	}
	return m, nil
}

// exportObject writes one table or view under dir.
func exportObject(ctx context.Context, tx *sql.Tx, dir, format string, o Object) (ExportedObject, error) {
	e := ExportedObject{Object: o}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+sqlIdent(o.Name)).Scan(&e.Rows); err != nil {
		return e, fmt.Errorf("count rows: %w", err)
	}
	var target, options string
	switch {
	case format == FormatCSV:
		e.Path = o.Name + ".csv"
		target, options = e.Path, "FORMAT CSV, HEADER"
	case len(partitionBy[o.Name]) > 0 && e.Rows > 0:
		// An empty partitioned COPY writes no file at all, and with it no
		// schema: an empty object gets the plain layout instead.
		e.Path, e.PartitionedBy = o.Name, partitionBy[o.Name]
		var cols []string
		for _, c := range e.PartitionedBy {
			cols = append(cols, sqlIdent(c))
		}
		target, options = e.Path, "FORMAT PARQUET, PARTITION_BY ("+strings.Join(cols, ", ")+")"
	default:
		e.Path = o.Name
		if err := os.Mkdir(filepath.Join(dir, o.Name), 0o755); err != nil {
			return e, err
		}
		target, options = filepath.Join(o.Name, "data.parquet"), "FORMAT PARQUET"
	}
	// Names come from DuckDB's catalogue and the path from the caller:
	// both are quoted, never pasted.
	var copied int64
	stmt := fmt.Sprintf("COPY (SELECT * FROM %s) TO %s (%s)", sqlIdent(o.Name), sqlString(filepath.Join(dir, target)), options)
	if err := tx.QueryRowContext(ctx, stmt).Scan(&copied); err != nil {
		return e, err
	}
	if copied != e.Rows {
		return e, fmt.Errorf("copied %d rows of %d", copied, e.Rows)
	}
	files, err := dataFiles(dir, e.Path)
	if err != nil {
		return e, err
	}
	e.Files = files
	return e, nil
}

// dataFiles lists the files under rel (a file or a folder) in dir, relative
// to dir with forward slashes, sorted.
func dataFiles(dir, rel string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(r))
		return nil
	})
	slices.Sort(out)
	return out, err
}

// newestRun reads the newest run, nil when there is none.
func newestRun(ctx context.Context, tx *sql.Tx) (*ManifestRun, error) {
	var r ManifestRun
	var finished sql.NullTime
	var version sql.NullString
	var window time.Time
	err := tx.QueryRowContext(ctx, `SELECT run_id, started_at, finished_at, mode, status, origin, window_start, sample, emigre_version
		FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1`).
		Scan(&r.RunID, &r.StartedAt, &finished, &r.Mode, &r.Status, &r.Origin, &window, &r.Sample, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("newest run: %w", err)
	}
	r.StartedAt = r.StartedAt.UTC()
	if finished.Valid {
		t := finished.Time.UTC()
		r.FinishedAt = &t
	}
	if version.Valid {
		r.EmigreVersion = &version.String
	}
	r.WindowStart = window.Format(time.DateOnly)
	return &r, nil
}

// emptyOrAbsent fails when dir exists and is not an empty directory: an
// export never mixes with older files.
func emptyOrAbsent(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: export writes a fresh directory (remove it or choose another)", dir)
	}
	return nil
}
