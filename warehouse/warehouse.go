// Package warehouse holds the SQL that analysts see: the schema of the DuckDB
// warehouse as numbered migrations, the countries reference rows, the views,
// and example queries that each answer one question. The COMMENT ON
// statements in these files are the data dictionary.
//
// Package load applies the SQL: the migrations in order, each once, recorded
// in schema_migrations; then Views every time the warehouse is opened
// read-write. This package never imports a database driver: what it does
// with a database (the dictionary, the export) goes through database/sql on
// a connection the caller opened.
package warehouse

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed views.sql
var views string

//go:embed countries.sql
var countryRows string

//go:embed queries/*.sql
var queryFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int    // from the file name: 0001_init.sql is 1
	Name    string // from the file name: init
	SQL     string // the file's text
}

// Checksum is the hex SHA-256 of the migration's SQL. The loader stores it
// when it applies the migration and refuses a warehouse where it differs:
// a released migration must never be edited.
func (m Migration) Checksum() string {
	sum := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(sum[:])
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

var parsedMigrations = sync.OnceValues(func() ([]Migration, error) {
	return parseMigrations(migrationFiles, "migrations")
})

// parseMigrations reads NNNN_name.sql files from dir, ordered by version.
// Version 1 (which creates schema_migrations) must be there and no version
// may repeat. Gaps are allowed: two pieces of work may claim the next
// numbers at the same time, and a binary with 1 and 3 applies 2 once it
// arrives (load.Migrate applies whatever is missing, in number order), so
// migrations must not depend on a higher-numbered one.
func parseMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q: name must be NNNN_name.sql", e.Name())
		}
		v, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("migration file %q: %w", e.Name(), err)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: m[2], SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	if len(out) == 0 || out[0].Version != 1 {
		return nil, fmt.Errorf("migrations in %s: no 0001 (it creates schema_migrations)", dir)
	}
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %04d_%s and %04d_%s share a version", out[i-1].Version, out[i-1].Name, out[i].Version, out[i].Name)
		}
	}
	return out, nil
}

// Migrations returns the schema migrations in the order they apply. The
// embedded files are checked by this package's tests, so a malformed name is
// a build defect and panics.
func Migrations() []Migration {
	ms, err := parsedMigrations()
	if err != nil {
		panic("warehouse: " + err.Error())
	}
	return slices.Clone(ms)
}

// Views returns the repeatable SQL the loader runs after the migrations
// each time it opens the warehouse read-write: the countries reference rows
// (countries.sql, generated from internal/iso3166's code table), then every analyst
// view with its comments (views.sql).
func Views() string { return countryRows + "\n" + views }

// ViewNames lists the analyst views Views creates, in the order it creates
// them. Their columns are a contract: changes are additive only (a test
// pins them).
func ViewNames() []string {
	return []string{"observations_current", "observation_revisions", "latest_estimates", "estimate_history",
		"estimate_total", "source_health", "coverage_gaps"}
}

// Example is a query in warehouse/queries that answers one question an
// analyst would ask.
type Example struct {
	Name        string // file name without extension: top_destinations
	Description string // the leading comment, joined into one paragraph
	SQL         string // the whole file, comment included
}

// Examples returns the queries of warehouse/queries, ordered by name.
func Examples() []Example {
	entries, err := fs.ReadDir(queryFiles, "queries")
	if err != nil {
		panic("warehouse: read queries: " + err.Error())
	}
	var out []Example
	for _, e := range entries {
		b, err := fs.ReadFile(queryFiles, path.Join("queries", e.Name()))
		if err != nil {
			panic("warehouse: read query " + e.Name() + ": " + err.Error())
		}
		text := string(b)
		out = append(out, Example{
			Name:        strings.TrimSuffix(e.Name(), ".sql"),
			Description: leadingComment(text),
			SQL:         text,
		})
	}
	return out
}

// leadingComment joins the "--" lines at the top of a SQL file.
func leadingComment(sql string) string {
	var words []string
	for line := range strings.Lines(sql) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			break
		}
		if t := strings.TrimSpace(strings.TrimPrefix(line, "--")); t != "" {
			words = append(words, t)
		}
	}
	return strings.Join(words, " ")
}
