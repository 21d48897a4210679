package warehouse

import (
	"flag"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/emigre/emigre/internal/iso3166"
)

var update = flag.Bool("update", false, "rewrite generated files (countries.sql, testdata/analyst_views.txt)")

func TestMigrationsParse(t *testing.T) {
	ms := Migrations()
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if i > 0 && m.Version <= ms[i-1].Version {
			t.Errorf("migration %d has version %d after %d", i, m.Version, ms[i-1].Version)
		}
		if strings.TrimSpace(m.SQL) == "" {
			t.Errorf("migration %d is empty", m.Version)
		}
		if len(m.Checksum()) != 64 {
			t.Errorf("migration %d: checksum %q", m.Version, m.Checksum())
		}
	}
	if ms[0].Name != "init" {
		t.Errorf("first migration is %q, want init", ms[0].Name)
	}
	// Migrations returns a copy.
	ms[0].SQL = ""
	if Migrations()[0].SQL == "" {
		t.Error("Migrations exposes its internal slice")
	}
}

func TestParseMigrationsRejects(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"bad name": {"m/0001_init.sql": {}, "m/2_more.sql": {}},
		"repeat":   {"m/0001_init.sql": {}, "m/0001_again.sql": {}},
		"no one":   {"m/0002_init.sql": {}},
		"none":     {"m/README": {}},
	} {
		if _, err := parseMigrations(files, "m"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Two pieces of work claim migration numbers concurrently: a binary may
// carry 0001 and 0003 before 0002 lands.
func TestParseMigrationsAllowsAGap(t *testing.T) {
	ms, err := parseMigrations(fstest.MapFS{
		"m/0003_countries.sql": {Data: []byte("c")},
		"m/0001_init.sql":      {Data: []byte("a")},
	}, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 3 || ms[1].Name != "countries" {
		t.Errorf("migrations %+v", ms)
	}
}

// countries.sql is generated from internal/iso3166's code table; this test fails
// when they differ and, with -update, rewrites the file.
func TestCountriesSQLIsGenerated(t *testing.T) {
	var rows []CountryRow
	for _, c := range iso3166.All() {
		rows = append(rows, CountryRow{Code: c.Alpha2, Alpha3: c.Alpha3, Name: c.Name})
	}
	want, err := CountriesSQL(rows)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("countries.sql", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if countryRows != want {
		t.Error("countries.sql differs from internal/iso3166's country table: run go test ./warehouse -run TestCountriesSQLIsGenerated -update")
	}
	if !strings.Contains(countryRows, "('DE', 'DEU', 'Germany')") {
		t.Error("countries.sql has no Germany row")
	}
	if _, err := CountriesSQL(nil); err == nil {
		t.Error("no rows: no error")
	}
	if _, err := CountriesSQL([]CountryRow{{Code: "DEU", Alpha3: "DEU", Name: "Germany"}}); err == nil {
		t.Error("a 3-letter code: no error")
	}
}

func TestCountriesSQLQuotes(t *testing.T) {
	got, err := CountriesSQL([]CountryRow{{Code: "CI", Alpha3: "CIV", Name: "Côte d'Ivoire"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "('CI', 'CIV', 'Côte d''Ivoire');") {
		t.Errorf("quoting: %s", got)
	}
}

func TestViewsCreateEveryView(t *testing.T) {
	v := Views()
	for _, name := range ViewNames() {
		if !strings.Contains(v, "CREATE OR REPLACE VIEW "+name+" AS") {
			t.Errorf("views.sql does not create %s", name)
		}
		if !strings.Contains(v, "COMMENT ON VIEW "+name+" IS") {
			t.Errorf("views.sql does not comment %s", name)
		}
	}
	if strings.Contains(v, "CREATE VIEW ") {
		t.Error("views.sql must use CREATE OR REPLACE VIEW: it runs on every open")
	}
}

func TestExamples(t *testing.T) {
	ex := Examples()
	if len(ex) == 0 {
		t.Fatal("no examples")
	}
	for _, e := range ex {
		if e.Description == "" {
			t.Errorf("query %s has no leading comment", e.Name)
		}
	}
}

// UpdateGolden exposes -update to the external tests of this directory.
var UpdateGolden = update
