// Package load writes the DuckDB warehouse: it applies the schema of package
// warehouse, merges observations as vintages, records runs, estimates and
// checks, and publishes a run by atomic rename. It is the only package that
// imports the DuckDB driver (cgo).
//
// # Publishing
//
// Analysts keep the published file open read-only while the schedule
// refreshes it, and DuckDB lets a file be open read-write by one process or
// read-only by many, never both. Publish therefore copies the published file
// to path+".work", applies the migrations and views there, runs the caller's
// build and the run's own row in one transaction, commits, checkpoints and
// closes (no WAL may remain), fsyncs, and renames the working file over the
// published one. Readers holding the old file keep their consistent view
// until they reopen; a failure at any point removes the working file and
// leaves the published file untouched.
//
// # The run log
//
// A run that changes no data (every answer loads what was loaded already)
// does not copy the warehouse: its run, its series' outcomes and health and
// its alerts go to the run log, a small DuckDB file beside the warehouse
// (path+RunLogSuffix) that the warehouse declares in its run_log table.
// OpenRunLog copies the log to a working file, attaches it to DuckDB's
// in-memory database with the published warehouse (read-only), and begins
// the run's transaction: it makes a new log's tables (when the working
// file is new) and overlays the log's rows on the warehouse's tables with
// temporary views. It needs nothing from the run, so the pipeline calls it
// while the sources are fetched. RunLog.Log then runs the caller's build
// and the run's row, commits, checkpoints and detaches the working file
// (which closes it) and renames it into place, as Publish does with the
// warehouse; the database closes in the background, holding no file. A
// build that finds the run changes data returns an error
// wrapping ErrPublishInFull; Log then writes nothing, and the caller
// publishes in full. The RunLog holds the warehouse's lock from OpenRunLog
// until Log or Abandon. Readers (OpenReadOnly) attach the log the warehouse
// declares and see the same overlay; the next Publish folds the log's rows
// into the new warehouse.
//
// # One connection, one transaction, and the Appender
//
// DuckDB's Appender is the fast way to bulk insert, but it belongs to one
// driver connection and cannot be handed a database/sql *sql.Tx. A DuckDB
// transaction, however, belongs to the connection too: whatever runs on the
// connection between BEGIN and COMMIT is part of it, the Appender included.
// So a write transaction here is a *Tx: a *sql.Tx begun on a dedicated
// *sql.Conn, kept together with that connection. Statements go through the
// *sql.Tx; bulk rows go through an Appender created on the same connection
// (sql.Conn.Raw), so they commit or roll back with everything else. This is
// why the writers take a *Tx rather than a *sql.Tx, and why Publish's build
// receives one. Tx.SQL exposes the *sql.Tx for code written against
// database/sql.
//
// The Appender carries the large inserts (observations, through a staging
// table, run_sources, estimates, estimate_methods, quality_checks). Upserts
// (sources, alerts) and snapshots, which need ON CONFLICT, use a prepared
// statement in the transaction; they are a few hundred rows per run.
//
// # Errors inside a transaction
//
// DuckDB aborts a transaction at the first failed statement: nothing more
// can be done in it but roll back. The writers therefore validate their
// input in Go before touching the database. An error that wraps ErrInvalid
// means nothing was written and the transaction is still usable, so a
// caller can mark that source failed at the load stage and go on with the
// others. Any other error means the transaction is lost and the run with it,
// which is what "a run lands whole or not at all" asks for.
//
// No SQL text is ever built from data: values travel as parameters or
// through the Appender.
package load
