// Package warehouse holds the SQL that analysts see: the schema of the DuckDB
// warehouse as numbered migrations, the views, and example queries. The
// COMMENT ON statements in these files are the data dictionary.
//
// The package only carries text. Package load applies it: the migrations in
// order, each once, recorded in schema_migrations; then Views every time the
// warehouse is opened read-write.
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

//go:embed examples/*.sql
var exampleFiles embed.FS

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
// Versions must run 1, 2, 3, ... without gaps or repeats.
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
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: expected version %d (versions run 1, 2, 3, ... without gaps)", m.Version, m.Name, i+1)
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

// Views returns the SQL that (re)creates every analyst view with its
// comments. It is repeatable: the loader runs it after the migrations each
// time it opens the warehouse read-write.
func Views() string { return views }

// ViewNames lists the views Views creates, in the order it creates them.
func ViewNames() []string {
	return []string{"observations_current", "latest_estimates", "estimate_total", "source_health"}
}

// Example is a query for analysts, shipped as a starting point.
type Example struct {
	Name        string // file name without extension: revisions
	Description string // the leading comment, joined into one paragraph
	SQL         string // the whole file, comment included
}

// Examples returns the example queries, ordered by name.
func Examples() []Example {
	entries, err := fs.ReadDir(exampleFiles, "examples")
	if err != nil {
		panic("warehouse: read examples: " + err.Error())
	}
	var out []Example
	for _, e := range entries {
		b, err := fs.ReadFile(exampleFiles, path.Join("examples", e.Name()))
		if err != nil {
			panic("warehouse: read example " + e.Name() + ": " + err.Error())
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
