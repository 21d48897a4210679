package warehouse

import (
	"fmt"
	"strings"
)

// CountryRow is one row of the countries reference table.
type CountryRow struct {
	Code   string // ISO 3166-1 alpha-2
	Alpha3 string // ISO 3166-1 alpha-3
	Name   string // English short name
}

// CountriesSQL renders countries.sql: the statements that replace the rows
// of the countries table with rows. The committed file is generated from
// internal/iso3166's code table by
//
//	go test ./warehouse -run TestCountriesSQLIsGenerated -update
//
// and a test fails when the two differ. It is static text, embedded at build
// time, so no SQL is ever built from data at run time.
func CountriesSQL(rows []CountryRow) (string, error) {
	var b strings.Builder
	b.WriteString("-- countries.sql: the rows of the countries reference table.\n")
	b.WriteString("-- Code generated from internal/iso3166's country code table; DO NOT EDIT.\n")
	b.WriteString("-- Regenerate: go test ./warehouse -run TestCountriesSQLIsGenerated -update\n")
	b.WriteString("--\n")
	b.WriteString("-- The loader runs this before views.sql on every read-write open, in the\n")
	b.WriteString("-- same transaction, so the table always matches the binary's code table.\n")
	b.WriteString("DELETE FROM countries;\n")
	if len(rows) == 0 {
		return "", fmt.Errorf("countries.sql: no rows")
	}
	b.WriteString("INSERT INTO countries (code, alpha3, name) VALUES\n")
	for i, r := range rows {
		if len(r.Code) != 2 || len(r.Alpha3) != 3 || r.Name == "" {
			return "", fmt.Errorf("countries.sql: row %d %+v: want a 2-letter code, a 3-letter code and a name", i, r)
		}
		sep := ","
		if i == len(rows)-1 {
			sep = ";"
		}
		fmt.Fprintf(&b, "    (%s, %s, %s)%s\n", sqlString(r.Code), sqlString(r.Alpha3), sqlString(r.Name), sep)
	}
	return b.String(), nil
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes s as a SQL identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
