package load

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/emigre/emigre/warehouse"
)

// The run log: a refresh that cannot change any data (every source
// unchanged, failed, not configured or not archived) records its run in a
// small DuckDB file beside the warehouse instead of copying and republishing
// the warehouse. The warehouse declares that file (table run_log); the
// readers here attach it read-only and overlay its rows on the warehouse's.
// The next full Publish folds it into the warehouse. See the package
// documentation, "The run log".

// RunLogSuffix is appended to the published path to name the run log.
const RunLogSuffix = ".runlog"

// The catalog names the run log and the warehouse are attached under. A
// logged run's database is DuckDB's in-memory one with the working run log
// attached as runLogWorkCatalog: detaching it closes the file, which can
// then be renamed into place while the database closes (RunLog.Log).
const (
	runLogCatalog     = "emigre_run_log"
	runLogWorkCatalog = "emigre_run_log_work"
	warehouseCatalog  = "emigre_warehouse"
)

// appendedTables are the tables whose run-log rows add to the warehouse's;
// replacedTables, a state per alert or series, are replaced whole by the
// run log's copies.
var (
	appendedTables = []string{"runs", "run_sources", "source_states"}
	replacedTables = []string{"alerts", "series_health"}
)

// ErrPublishInFull is returned by LogRun when the published warehouse does
// not declare a run log (it was written before there was one, or there is
// no warehouse yet): the run must be published in full.
var ErrPublishInFull = errors.New("the warehouse declares no run log: publish in full")

// runLogName accepts the file name a warehouse declares: a plain name in
// the warehouse's own folder, never a path elsewhere.
var runLogName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)

// SchemaDigest is the SHA-256 of what this binary builds a warehouse with:
// its migrations, views and reference rows. A published file with another
// digest is published in full, never overlaid.
var SchemaDigest = sync.OnceValue(func() string {
	h := sha256.New()
	for _, m := range warehouse.Migrations() {
		fmt.Fprintf(h, "%d %s\n", m.Version, m.Checksum())
	}
	h.Write([]byte(warehouse.Views())) // a hash never returns an error
	return hex.EncodeToString(h.Sum(nil))
})

// Declaration is the published warehouse's run_log row.
type Declaration struct {
	File, Generation, SchemaDigest, CatalogueDigest string
}

// declarationQuery reads the run_log row of the warehouse in catalog (""
// for the default database).
func declarationQuery(catalog string) string {
	prefix := ""
	if catalog != "" {
		prefix = catalog + ".main."
	}
	return `SELECT file, generation, schema_digest, coalesce(catalogue_digest, '') FROM ` + prefix + `run_log`
}

// noRunLogTable reports an error saying the warehouse has no run_log table
// (written before there was a run log). Asking for the table and reading
// the catalog error costs one query where looking it up first cost two.
func noRunLogTable(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeCatalog
}

// readDeclaration reads the run_log row through q; nil when the warehouse
// has no such table or row. catalog qualifies the table ("" for the default
// database).
func readDeclaration(ctx context.Context, q Querier, catalog string) (*Declaration, error) {
	var d *Declaration
	err := ScanRows(ctx, q, declarationQuery(catalog), nil, func(rows *sql.Rows) error {
		d = &Declaration{}
		return rows.Scan(&d.File, &d.Generation, &d.SchemaDigest, &d.CatalogueDigest)
	})
	if noRunLogTable(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run_log: %w", err)
	}
	return d, nil
}

// runLogPath is the run log a declaration names, beside the warehouse; ""
// when the name is not a plain file name.
func runLogPath(warehousePath string, d *Declaration) string {
	if d == nil || !runLogName.MatchString(d.File) || d.File == "." || d.File == ".." {
		return ""
	}
	return filepath.Join(filepath.Dir(warehousePath), d.File)
}

// sqlString quotes s as an SQL string literal. Only paths this package
// derived from the warehouse's own path and a checked file name reach it:
// ATTACH takes no parameters.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// --- readers -----------------------------------------------------------------

// readerInit returns the per-connection initialiser of a reader of the
// published warehouse at path: on the first connection it attaches the run
// log the warehouse declares (when its generation matches) and then applies
// lock, the settings that keep the reader inside what it was given; on
// every connection it creates the temporary views that overlay the run
// log's rows on the warehouse's tables (a temporary object shadows the
// warehouse's own, in the warehouse's views too).
func readerInit(path, lock string) func(driver.ExecerContext) error {
	var once sync.Once
	var overlay []string // the temporary views' statements; nil without a run log
	var onceErr error
	return func(ex driver.ExecerContext) error {
		ctx := context.Background()
		conn, ok := ex.(interface {
			driver.ExecerContext
			driver.QueryerContext
		})
		if !ok {
			return fmt.Errorf("driver connection %T cannot query", ex)
		}
		once.Do(func() { overlay, onceErr = attachRunLog(ctx, conn, path, lock) })
		if onceErr != nil {
			return onceErr
		}
		for _, stmt := range overlay {
			if _, err := conn.ExecContext(ctx, stmt, nil); err != nil {
				return fmt.Errorf("overlay the run log of %s: %w", path, err)
			}
		}
		return nil
	}
}

// conn is a driver connection that runs statements and queries.
type rawConn interface {
	driver.ExecerContext
	driver.QueryerContext
}

// rawStrings runs a query on a driver connection and returns its rows as text.
func rawStrings(ctx context.Context, c rawConn, query string) ([][]string, error) {
	rows, err := c.QueryContext(ctx, query, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	vals := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(vals); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		rec := make([]string, len(vals))
		for i, v := range vals {
			if v != nil {
				rec[i] = fmt.Sprint(v)
			}
		}
		out = append(out, rec)
	}
}

// attachRunLog attaches the run log the warehouse declares, when it is
// there and extends this very file (same generation), locks the reader
// down, and returns the overlay views' statements (nil when nothing is
// overlaid).
func attachRunLog(ctx context.Context, c rawConn, path, lock string) ([]string, error) {
	exec := func(q string) error { _, err := c.ExecContext(ctx, q, nil); return err }
	attached, err := rawStrings(ctx, c, `SELECT count(*) FROM duckdb_databases() WHERE database_name = '`+runLogCatalog+`'`)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	cat, err := rawStrings(ctx, c, `SELECT current_database()`)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	locked, err := rawStrings(ctx, c, `SELECT current_setting('lock_configuration')`)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	if attached[0][0] != "0" {
		// The same database opened twice in one process: the first open
		// attached the run log already.
		return overlayViews(cat[0][0]), nil
	}
	if locked[0][0] == "true" {
		// Opened twice in one process, the first time without a run log:
		// the second sees what the first did (reopen to see more).
		return nil, nil
	}
	var overlay []string
	decl, err := declarationRaw(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	if log := runLogPath(path, decl); log != "" {
		if _, err := os.Stat(log); err == nil {
			if err := exec(`ATTACH ` + sqlString(log) + ` AS ` + runLogCatalog + ` (READ_ONLY)`); err != nil {
				return nil, fmt.Errorf("attach the run log %s: %w", log, err)
			}
			base, err := rawStrings(ctx, c, `SELECT generation FROM `+runLogCatalog+`.main.run_log_base`)
			if err == nil && len(base) == 1 && base[0][0] == decl.Generation {
				overlay = overlayViews(cat[0][0])
			} else if err := exec(`DETACH ` + runLogCatalog); err != nil {
				return nil, fmt.Errorf("detach the run log %s: %w", log, err)
			}
		}
	}
	for _, set := range strings.Split(lock, "&") {
		if set == "" {
			continue
		}
		if err := exec(`SET ` + set); err != nil {
			return nil, fmt.Errorf("open warehouse %s: %s: %w", path, set, err)
		}
	}
	return overlay, nil
}

// declarationRaw reads the run_log row on a driver connection.
func declarationRaw(ctx context.Context, c rawConn) (*Declaration, error) {
	rows, err := rawStrings(ctx, c, declarationQuery(""))
	if noRunLogTable(err) {
		return nil, nil
	}
	if err != nil || len(rows) != 1 {
		return nil, err
	}
	return &Declaration{File: rows[0][0], Generation: rows[0][1], SchemaDigest: rows[0][2], CatalogueDigest: rows[0][3]}, nil
}

// overlayViews are the temporary views that show the warehouse's tables
// with the run log's rows: appended for runs, run_sources and
// source_states, the run log's copies for alerts and series_health.
func overlayViews(warehouseCat string) []string {
	wh := `"` + strings.ReplaceAll(warehouseCat, `"`, `""`) + `".main.`
	var out []string
	for _, t := range appendedTables {
		// Positional: the log's tables were made from this very
		// version's (same generation); BY NAME costs a third more.
		out = append(out, `CREATE OR REPLACE TEMP VIEW `+t+` AS
			SELECT * FROM `+wh+t+` UNION ALL SELECT * FROM `+runLogCatalog+`.main.`+t)
	}
	for _, t := range replacedTables {
		out = append(out, `CREATE OR REPLACE TEMP VIEW `+t+` AS SELECT * FROM `+runLogCatalog+`.main.`+t)
	}
	return out
}

// --- writing the run log -----------------------------------------------------

// RunLog is the run log beside a published warehouse, opened for one run
// that may change no data. Opening it (starting DuckDB, attaching the
// warehouse, beginning the run's transaction) costs as much as the rest of
// such a run, and needs nothing from the run: OpenRunLog can run while the
// run's sources are fetched. Then either Log records the run, or Abandon
// lets it go (the run changes data and is published in full, or never
// finishes). It holds the warehouse's lock from OpenRunLog until Log or
// Abandon.
type RunLog struct {
	path, log, work string // the warehouse as given, the run log, its working file
	unlock          func()
	db              *sql.DB
	decl            *Declaration
	tx              *Tx  // the run's transaction, until it ends
	renamed         bool // the working file is in place: nothing to remove
}

// OpenRunLog opens the run log of the published warehouse at path for one
// logged run: it takes the warehouse's lock, copies the run log (when there
// is one) to its working file, opens that with the warehouse attached
// read-only, and begins the run's transaction, in which a new log's tables
// are made and the log's rows are overlaid on the warehouse's. It returns
// ErrPublishInFull, holding nothing, when there is no warehouse yet or it
// declares no run log (or another schema).
func OpenRunLog(ctx context.Context, path string) (_ *RunLog, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	l := &RunLog{path: path, log: abs + RunLogSuffix}
	l.work = l.log + WorkSuffix
	l.unlock = lockPath(abs)
	defer func() {
		if err != nil {
			if aerr := l.Abandon(); aerr != nil {
				err = errors.Join(err, aerr)
			}
		}
	}()
	if _, err := os.Stat(abs); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrPublishInFull
		}
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	if err := removeWork(l.work); err != nil {
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	if err := copyFile(l.log, l.work); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	var fresh bool
	if l.db, l.decl, fresh, err = openRunLog(ctx, abs, l.work); err != nil {
		if errors.Is(err, ErrPublishInFull) {
			return nil, err
		}
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	if l.tx, err = beginLoggedRun(ctx, l.db, l.decl, fresh); err != nil {
		return nil, fmt.Errorf("open the run log beside %s: %w", path, err)
	}
	return l, nil
}

// beginLoggedRun begins a logged run's transaction on the working run log
// db: one transaction makes a new log's tables (fresh) and records the
// run, so one commit writes the file.
func beginLoggedRun(ctx context.Context, db *sql.DB, decl *Declaration, fresh bool) (*Tx, error) {
	self := ""
	if err := db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&self); err != nil {
		return nil, err
	}
	tx, err := begin(ctx, db, Tx{catalog: self})
	if err != nil {
		return nil, err
	}
	if fresh {
		err = newRunLog(ctx, tx, decl.Generation)
	}
	if err == nil {
		err = overlayForWriting(ctx, tx, self)
	}
	if err != nil {
		return nil, tx.end(err)
	}
	return tx, nil
}

// Log records a run that changes no data in the run log, without rewriting
// the warehouse:
//
//  1. in the run's transaction (OpenRunLog), where the published warehouse
//     is attached read-only and the run log's rows are overlaid on its
//     tables, run build and then insert *run (as Publish does); build
//     writes run_sources, source_states and alerts, which land in the run
//     log; commit;
//  2. checkpoint and detach the working file (which closes it), fsync it,
//     rename it over the run log, fsync the folder; the database closes in
//     the background.
//
// Readers are never blocked: neither file is ever open read-write where
// they read it. A crash at any point leaves the run log as it was. build
// may return an error wrapping ErrPublishInFull (it found that the run
// changes data): nothing is written and Log returns it. build reads the
// published warehouse through tx (its tables are on the search path) and
// gets its declaration. Whatever Log returns, the run log is closed and
// the lock released.
func (l *RunLog) Log(ctx context.Context, run *Run, build func(ctx context.Context, tx *Tx, published *Declaration) error) (err error) {
	begun := time.Now()
	defer func() { err = errors.Join(err, l.Abandon()) }()
	if err := checkRun(l.path, run, "log"); err != nil {
		return err
	}
	if err := l.write(ctx, run, build); err != nil {
		if errors.Is(err, ErrPublishInFull) {
			return err
		}
		return fmt.Errorf("log run %s beside %s: %w", run.ID, l.path, err)
	}
	if l.renamed, err = commitWork(l.log, l.work); err != nil {
		return fmt.Errorf("log run %s beside %s: %w", run.ID, l.path, err)
	}
	l.closeInBackground()
	slog.InfoContext(ctx, "logged run beside the warehouse (no data changed)", "path", l.log, "run", run.ID,
		"duration", time.Since(begun).Round(time.Millisecond))
	return nil
}

// write runs build and the run's row in the run's transaction, commits,
// then checkpoints and detaches the working run log (closing the file).
func (l *RunLog) write(ctx context.Context, run *Run, build func(ctx context.Context, tx *Tx, published *Declaration) error) error {
	err := build(ctx, l.tx, l.decl)
	if err != nil {
		err = fmt.Errorf("build: %w", err)
	} else {
		if run.FinishedAt.IsZero() {
			run.FinishedAt = time.Now().UTC().Truncate(time.Microsecond)
		}
		err = InsertRun(ctx, l.tx, *run)
	}
	tx := l.tx
	l.tx = nil
	if err := tx.end(err); err != nil {
		return err
	}
	// Checkpointed and detached, the working file is whole and closed:
	// it can be renamed into place while the database is still closing.
	for _, q := range []string{`DROP VIEW temp.main.runs`, `DROP VIEW temp.main.run_sources`, `DROP VIEW temp.main.series_health`,
		`USE memory`, `DETACH ` + warehouseCatalog, `CHECKPOINT ` + runLogWorkCatalog, `DETACH ` + runLogWorkCatalog} {
		if _, err := l.db.ExecContext(context.WithoutCancel(ctx), q); err != nil {
			return fmt.Errorf("%s (%s): %w", q, l.work, err)
		}
	}
	return nil
}

// closeInBackground closes the run log's database, which holds no file any
// more, without waiting: closing a DuckDB database takes as long as a
// statement, and nothing waits for it.
func (l *RunLog) closeInBackground() {
	if db := l.takeDB(); db != nil {
		go func() {
			if err := db.Close(); err != nil {
				slog.Warn("could not close the run log's database", "error", err)
			}
		}()
	}
}

// closeDB closes the working run log's database, once.
func (l *RunLog) closeDB() error {
	if db := l.takeDB(); db != nil {
		if err := db.Close(); err != nil {
			return fmt.Errorf("close %s: %w", l.work, err)
		}
	}
	return nil
}

// takeDB hands over the run log's database to be closed, once; nil after.
func (l *RunLog) takeDB() *sql.DB {
	db := l.db
	l.db = nil
	return db
}

// Abandon closes the run log without recording a run (unless Log renamed
// it in place already): the working file is removed, the run log is as it
// was, and the warehouse's lock is released. It may be called more than
// once, and after Log, which calls it.
func (l *RunLog) Abandon() error {
	if l == nil || l.unlock == nil {
		return nil
	}
	defer func() {
		l.unlock()
		l.unlock = nil
	}()
	var err error
	if l.tx != nil {
		err = l.tx.rollback()
		l.tx = nil
	}
	err = errors.Join(err, l.closeDB())
	if !l.renamed {
		err = errors.Join(err, removeWork(l.work))
	}
	return err
}

// LogRun records run in the run log beside the published warehouse at
// path: OpenRunLog, then Log.
func LogRun(ctx context.Context, path string, run *Run, build func(ctx context.Context, tx *Tx, published *Declaration) error) error {
	l, err := OpenRunLog(ctx, path)
	if err != nil {
		return err
	}
	return l.Log(ctx, run, build)
}

// overlayForWriting sets the run log's connection up for a logged run:
// reads see the warehouse with the run log's rows; writes land in the run
// log's own tables (the overlay views are not tables: writers of runs and
// run_sources address the tables through the Appender). self is the run
// log's catalog.
func overlayForWriting(ctx context.Context, tx *Tx, self string) error {
	setup := []string{`SET search_path = 'main,` + warehouseCatalog + `.main'`}
	for _, t := range []string{"runs", "run_sources"} {
		setup = append(setup, `CREATE OR REPLACE TEMP VIEW `+t+` AS
			SELECT * FROM `+warehouseCatalog+`.main.`+t+` UNION ALL SELECT * FROM "`+self+`".main.`+t)
	}
	// The warehouse's views bind their tables in the warehouse's catalog,
	// before the search path: source_health must read the run log's
	// series_health, which replaces the warehouse's.
	setup = append(setup, `CREATE OR REPLACE TEMP VIEW series_health AS SELECT * FROM "`+self+`".main.series_health`)
	for _, q := range setup {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("overlay the run log: %w", err)
		}
	}
	return nil
}

// runLogOptions makes a new run log with 16 KiB blocks. A logged run adds
// a few hundred rows; with DuckDB's default 256 KiB blocks, committing,
// checkpointing and closing them zeroed and wrote megabytes (about 110 ms
// a run on the development machine, 2026-12-05; 37 ms with 16 KiB). The
// setting applies to files DuckDB creates: a copied log keeps its blocks.
const runLogOptions = "default_block_size=16384"

// openRunLog opens the working run log (one connection: the attachment,
// search path and overlay views are the connection's) with the published
// warehouse attached read-only, and returns the warehouse's declaration.
// fresh says the file is new: its tables are to be made (newRunLog). A
// copy that does not extend the published version (a log of an earlier
// version, whose runs that version folded in) gives way to a new file.
func openRunLog(ctx context.Context, published, work string) (_ *sql.DB, _ *Declaration, fresh bool, _ error) {
	_, statErr := os.Stat(work)
	copied := statErr == nil
	db, decl, base, err := openWorkingLog(ctx, published, work)
	if err != nil {
		return nil, nil, false, err
	}
	if base == decl.Generation {
		return db, decl, false, nil
	}
	if copied {
		if err := db.Close(); err != nil {
			return nil, nil, false, fmt.Errorf("close %s: %w", work, err)
		}
		if err := os.Remove(work); err != nil {
			return nil, nil, false, fmt.Errorf("start a new run log: %w", err)
		}
		if db, decl, _, err = openWorkingLog(ctx, published, work); err != nil {
			return nil, nil, false, err
		}
	}
	return db, decl, true, nil
}

// openWorkingLog opens work with the published warehouse attached and
// returns the warehouse's declaration and the version the log extends
// ("" for a new file). It returns ErrPublishInFull when the warehouse
// declares no run log or was built with another schema.
func openWorkingLog(ctx context.Context, published, work string) (_ *sql.DB, _ *Declaration, base string, err error) {
	db, err := openDB(ctx, ":memory:", runLogOptions)
	if err != nil {
		return nil, nil, "", err
	}
	db.SetMaxOpenConns(1)
	defer func() {
		if err != nil {
			err = errors.Join(err, db.Close())
		}
	}()
	// A logged run's queries are many and small: handing each one's memory
	// back to the system at once (the setting that keeps a full refresh's
	// footprint down, DSNOptions) cost more than the query itself, about
	// 8 ms a join or aggregate on the development machine. DuckDB's own
	// default keeps it for the next query.
	if _, err := db.ExecContext(ctx, `RESET allocator_bulk_deallocation_flush_threshold`); err != nil {
		return nil, nil, "", fmt.Errorf("open run log %s: %w", work, err)
	}
	for _, q := range []string{`ATTACH ` + sqlString(work) + ` AS ` + runLogWorkCatalog, `USE ` + runLogWorkCatalog} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, nil, "", fmt.Errorf("open run log %s: %w", work, err)
		}
	}
	if _, err := db.ExecContext(ctx, `ATTACH `+sqlString(published)+` AS `+warehouseCatalog+` (READ_ONLY)`); err != nil {
		return nil, nil, "", fmt.Errorf("attach %s: %w", published, err)
	}
	decl, err := readDeclaration(ctx, db, warehouseCatalog)
	if err != nil {
		return nil, nil, "", err
	}
	if decl == nil || decl.SchemaDigest != SchemaDigest() {
		return nil, nil, "", ErrPublishInFull
	}
	// A new file has no run_log_base: it extends nothing.
	_ = db.QueryRowContext(ctx, `SELECT generation FROM run_log_base`).Scan(&base)
	return db, decl, base, nil
}

// newRunLog makes the tables of a run log extending generation, in tx: the
// warehouse's tables' shapes, and its alerts and series_health as they are.
func newRunLog(ctx context.Context, tx *Tx, generation string) error {
	stmts := []string{`CREATE TABLE run_log_base (generation VARCHAR NOT NULL)`,
		`COMMENT ON TABLE run_log_base IS 'The warehouse version (its run_log.generation) this run log extends.'`}
	for _, t := range appendedTables {
		stmts = append(stmts, `CREATE TABLE main.`+t+` AS FROM `+warehouseCatalog+`.main.`+t+` LIMIT 0`,
			`COMMENT ON TABLE main.`+t+` IS 'Rows of runs that changed no data, to add to the warehouse''s `+t+`.'`)
	}
	stmts = append(stmts, `CREATE TABLE main.alerts AS FROM `+warehouseCatalog+`.main.alerts`,
		`ALTER TABLE main.alerts ADD PRIMARY KEY (alert_id)`,
		`COMMENT ON TABLE main.alerts IS 'Every alert as of the newest logged run: replaces the warehouse''s alerts.'`,
		`CREATE TABLE main.series_health AS FROM `+warehouseCatalog+`.main.series_health`,
		`COMMENT ON TABLE main.series_health IS 'Every series'' health as of the newest logged run: replaces the warehouse''s series_health.'`)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("start run log: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO run_log_base VALUES (?)`, generation); err != nil {
		return fmt.Errorf("start run log: %w", err)
	}
	return nil
}

// foldRunLog adds the run log's rows to the working copy of the warehouse
// (opened read-write as db, copied from the published file at published),
// when the log extends it: the next version holds every run.
func foldRunLog(ctx context.Context, db *sql.DB, published string) error {
	decl, err := readDeclaration(ctx, db, "")
	if err != nil || decl == nil {
		return err
	}
	log := runLogPath(published, decl)
	if log == "" {
		return nil
	}
	if _, err := os.Stat(log); err != nil {
		return nil // no run logged since the last publish
	}
	if _, err := db.ExecContext(ctx, `ATTACH `+sqlString(log)+` AS `+runLogCatalog+` (READ_ONLY)`); err != nil {
		return fmt.Errorf("attach run log %s: %w", log, err)
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DETACH `+runLogCatalog) //nolint:errcheck // best effort: the file closes with db
	var base string
	if err := db.QueryRowContext(ctx, `SELECT generation FROM `+runLogCatalog+`.main.run_log_base`).Scan(&base); err != nil || base != decl.Generation {
		return nil // a log of another version: its runs are in this file already
	}
	return Update(ctx, db, func(ctx context.Context, tx *Tx) error {
		var stmts []string
		for _, t := range appendedTables {
			stmts = append(stmts, `INSERT INTO main.`+t+` BY NAME SELECT * FROM `+runLogCatalog+`.main.`+t)
		}
		for _, t := range replacedTables {
			stmts = append(stmts, `DELETE FROM main.`+t,
				`INSERT INTO main.`+t+` BY NAME SELECT * FROM `+runLogCatalog+`.main.`+t)
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("fold the run log %s: %w", log, err)
			}
		}
		return nil
	})
}

// declare writes the warehouse's run_log row for a publish by run.
func declare(ctx context.Context, tx *Tx, published string, run *Run) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM run_log`); err != nil {
		return fmt.Errorf("declare the run log: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO run_log (file, generation, schema_digest, catalogue_digest) VALUES (?, ?, ?, ?)`,
		filepath.Base(published)+RunLogSuffix, run.ID, SchemaDigest(), nullString(run.CatalogueDigest))
	if err != nil {
		return fmt.Errorf("declare the run log: %w", err)
	}
	return nil
}
