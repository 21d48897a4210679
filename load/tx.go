package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime/debug"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrInvalid marks input a writer refused before writing anything: the
// transaction is still usable (see the package documentation).
var ErrInvalid = errors.New("invalid input")

// invalid returns an error wrapping ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Tx is a write transaction on the warehouse: a *sql.Tx together with the
// one connection it runs on, so that the writers can also feed DuckDB's
// Appender inside the same transaction. Get one from Update or Publish; it
// is valid only inside their callback and must not be shared between
// goroutines.
type Tx struct {
	ctx  context.Context // the transaction's: database/sql rolls back when it ends
	conn *sql.Conn
	tx   *sql.Tx
	// private: the database is a working file no one else sees until
	// Publish renames it (Checkpoint may commit part of the run).
	private bool
	// catalog the writers' tables are in when not the default database's
	// search path: a run log's transaction (LogRun), where runs and
	// run_sources are also views over the warehouse's rows and the log's.
	catalog string
}

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

// PrepareContext prepares a statement in the transaction.
func (t *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

// Checkpoint commits what the run has written so far into Publish's
// working file, checkpoints it and begins the next transaction on the same
// connection: DuckDB holds a transaction's new rows and index entries in
// memory until it commits, so a large run that checkpoints after its bulk
// load holds less at once. The working file is the run's own until Publish
// renames it, so the run still lands whole or not at all; outside Publish
// (Update, LogRun) Checkpoint does nothing.
func (t *Tx) Checkpoint(ctx context.Context) error {
	if !t.private {
		return nil
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit the run so far: %w", err)
	}
	freeGoMemory()
	if _, err := t.conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint the run so far: %w", err)
	}
	next, err := t.conn.BeginTx(t.ctx, nil)
	if err != nil {
		return fmt.Errorf("begin the rest of the run: %w", err)
	}
	t.tx = next
	return nil
}

// SQL returns the underlying *sql.Tx for code written against
// database/sql. Do not commit or roll it back: Update and Publish do.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// Update runs fn in one write transaction on db and commits it when fn
// returns nil; otherwise, or if fn panics, it rolls back. fn's error is
// returned as is.
func Update(ctx context.Context, db *sql.DB, fn func(ctx context.Context, tx *Tx) error) (err error) {
	return update(ctx, db, Tx{}, fn)
}

// update is Update with the Tx's private and catalog fields from opts.
func update(ctx context.Context, db *sql.DB, opts Tx, fn func(ctx context.Context, tx *Tx) error) (err error) {
	tx, err := begin(ctx, db, opts)
	if err != nil {
		return err
	}
	ended := false
	defer func() {
		if !ended {
			// fn panicked: roll back, then let the panic go on.
			_ = tx.rollback()
		}
	}()
	err = fn(ctx, tx)
	ended = true
	return tx.end(err)
}

// begin starts a write transaction on a connection of its own from db,
// with the private and catalog fields from opts.
func begin(ctx context.Context, db *sql.DB, opts Tx) (*Tx, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("get warehouse connection: %w", err)
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("begin transaction: %w", err), conn.Close())
	}
	return &Tx{ctx: ctx, conn: conn, tx: sqlTx, catalog: opts.catalog, private: opts.private}, nil
}

// end commits the transaction when err is nil, rolls it back otherwise,
// and releases its connection. It returns err, or what failed in ending.
func (t *Tx) end(err error) error {
	if err != nil {
		return errors.Join(err, t.rollback())
	}
	if err := t.tx.Commit(); err != nil {
		return errors.Join(fmt.Errorf("commit: %w", err), t.conn.Close())
	}
	if err := t.conn.Close(); err != nil {
		return fmt.Errorf("release warehouse connection: %w", err)
	}
	return nil
}

// rollback rolls the transaction back and releases its connection; it
// returns what failed.
func (t *Tx) rollback() error {
	var err error
	if rerr := t.tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
		err = fmt.Errorf("roll back: %w", rerr)
	}
	if cerr := t.conn.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("release warehouse connection: %w", cerr))
	}
	return err
}

// appendRows appends rows to catalog.main.table (catalog "" is the
// database itself, "temp" its temporary tables) through a DuckDB Appender
// on the transaction's connection. The Appender runs on the connection that
// holds the open transaction, so the rows are part of it. columns names the
// columns each row gives, in order; the others take their defaults.
//
// A failure here can leave some rows appended: treat it as fatal to the
// transaction.
func (t *Tx) appendRows(ctx context.Context, catalog, table string, columns []string, rows [][]driver.Value) error {
	return t.appendEach(ctx, catalog, table, columns, len(rows), func(i int) []driver.Value { return rows[i] })
}

// appendEach is appendRows over n rows that row(i) produces, one at a time:
// a large load builds no slice of boxed rows (row may reuse its slice; the
// Appender copies the values).
func (t *Tx) appendEach(ctx context.Context, catalog, table string, columns []string, n int, row func(i int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	if catalog == "" {
		catalog = t.catalog
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	err := t.conn.Raw(func(dc any) error {
		// database/sql rolls the transaction back, asynchronously, when its
		// context ends, and it needs this connection's lock to do so, which
		// Raw holds now. If neither context has ended yet, the transaction
		// is still open and stays open until the Appender is done; if one
		// has, appending now could land outside any transaction.
		if err := errors.Join(ctx.Err(), t.ctx.Err()); err != nil {
			return err
		}
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not a DuckDB connection", dc)
		}
		a, err := duckdb.NewAppenderWithColumns(c, catalog, "main", table, columns)
		if err != nil {
			return err
		}
		for i := range n {
			if err := a.AppendRow(row(i)...); err != nil {
				return errors.Join(fmt.Errorf("row %d: %w", i, err), a.Clear(), a.Close())
			}
		}
		return a.CloseWithCancel(ctx)
	})
	if err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// freeGoMemory hands the Go heap's free pages back to the system before a
// checkpoint, DuckDB's peak: the parse's and the load's garbage need not
// sit beside it.
func freeGoMemory() { debug.FreeOSMemory() }
