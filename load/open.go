package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/emigre/emigre/warehouse"
)

// Open opens the warehouse file at path read-write, creating it if needed,
// applies any pending migrations and recreates the views.
//
// A file open read-write in one process cannot be opened by any other, so
// the pipeline writes through Publish; Open is for tools and tests that own
// the file. Close the returned DB to release the file.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	db, err := openDB(ctx, path, "")
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db); err != nil {
		return nil, errors.Join(fmt.Errorf("open warehouse %s: %w", path, err), db.Close())
	}
	return db, nil
}

// OpenReadOnly opens the published warehouse at path for reading, with
// DuckDB's access_mode=READ_ONLY, so any number of processes can read it
// while Publish replaces it. The schema is not touched.
//
// Read-only means nothing beyond the warehouse either, by DuckDB's own
// settings rather than by screening SQL: no file or network access
// (enable_external_access=false: no COPY ... TO, read_csv, ATTACH or URL),
// no extension installed or loaded behind the query's back, and the
// configuration locked so a query cannot turn any of it back on. This is
// what `emigre sql`, the dashboard and the report read through.
//
// A reader keeps seeing the file it opened even after a new one is
// published. To see the new file, close the DB and open again. Within one
// process DuckDB hands every open of a path the same database while any of
// them is open, so every DB opened on the path must be closed first.
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open warehouse %s read-only: %w", path, err)
	}
	return openReader(ctx, path, lockedDown)
}

// OpenForExport opens the published warehouse read-only like OpenReadOnly
// but with file access, for the export, which writes Parquet and CSV files
// through DuckDB's COPY. Nothing else opens it this way.
func OpenForExport(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open warehouse %s read-only: %w", path, err)
	}
	return openReader(ctx, path, "autoinstall_known_extensions=false&autoload_known_extensions=false")
}

// openReader opens the published warehouse read-only, attaches the run log
// it declares and overlays its rows (see readerInit), then applies lock:
// settings, as name=value joined by &, that keep the reader inside what it
// was given. They are set after the attachment, which they would forbid.
func openReader(ctx context.Context, path, lock string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s read-only: %w", path, err)
	}
	return openConnector(ctx, path, readOnlyOptions+duckdbSettings(), readerInit(abs, lock))
}

const (
	readOnlyOptions = "access_mode=READ_ONLY"
	// lockedDown keeps a reader inside the warehouse file (see OpenReadOnly).
	lockedDown = "enable_external_access=false&autoinstall_known_extensions=false&autoload_known_extensions=false&lock_configuration=true"
)

// openDB opens a file-backed DuckDB through a connector of its own, so that
// closing the DB closes the connector and releases DuckDB's cached instance
// (and with it the file and its WAL).
func openDB(ctx context.Context, path, options string) (*sql.DB, error) {
	if options == "" {
		options = strings.TrimPrefix(duckdbSettings(), "&")
	} else {
		options += duckdbSettings()
	}
	return openConnector(ctx, path, options, nil)
}

// openConnector is openDB with init run on every new connection.
func openConnector(ctx context.Context, path, options string, init func(driver.ExecerContext) error) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("open warehouse: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		// DuckDB's DSN is path?options; these characters would be misread.
		return nil, fmt.Errorf("open warehouse %q: path must not contain '?' or '#'", path)
	}
	dsn := path
	if options != "" {
		dsn += "?" + options
	}
	connector, err := duckdb.NewConnector(dsn, init)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	// sql.DB.Close closes the connector (it implements io.Closer).
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open warehouse %s: %w", path, err), db.Close())
	}
	return db, nil
}

// Migrate applies the migrations of package warehouse that db has not
// applied yet, each in its own transaction together with its row in
// schema_migrations, then recreates the views. It is idempotent. It fails
// when an applied migration's checksum differs from the embedded file (a
// released migration was edited) or when db has migrations this binary does
// not know (the warehouse was written by a newer emigre).
func Migrate(ctx context.Context, db *sql.DB) error {
	applied, err := appliedMigrations(ctx, db)
	if err != nil {
		return err
	}
	// A new file gets the whole schema: not news. Upgrading a warehouse
	// that holds data is, one line per migration.
	fresh := len(applied) == 0
	known := map[int]bool{}
	for _, m := range warehouse.Migrations() {
		known[m.Version] = true
		if sum, ok := applied[m.Version]; ok {
			if sum != m.Checksum() {
				return fmt.Errorf("migration %04d_%s: applied with checksum %s, embedded file has %s: a released migration must not change",
					m.Version, m.Name, sum, m.Checksum())
			}
			continue
		}
		err := Update(ctx, db, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)`,
				m.Version, m.Name, m.Checksum())
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if fresh {
			slog.DebugContext(ctx, "created warehouse schema", "version", m.Version, "name", m.Name)
		} else {
			slog.InfoContext(ctx, "applied warehouse migration", "version", m.Version, "name", m.Name)
		}
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("warehouse has migration %d, unknown to this emigre: it was written by a newer version", v)
		}
	}
	err = Update(ctx, db, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, warehouse.Views())
		return err
	})
	if err != nil {
		return fmt.Errorf("create views: %w", err)
	}
	return nil
}

// appliedMigrations returns version -> checksum of the applied migrations;
// empty when the warehouse is new.
func appliedMigrations(ctx context.Context, db *sql.DB) (map[int]string, error) {
	var exists bool
	err := db.QueryRowContext(ctx, `
		SELECT count(*) > 0 FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main'
		  AND table_name = 'schema_migrations'`).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	applied := map[int]string{}
	if !exists {
		return applied, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT version, checksum FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}
