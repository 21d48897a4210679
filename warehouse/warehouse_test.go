package warehouse

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrationsParse(t *testing.T) {
	ms := Migrations()
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d", i, m.Version)
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
		"gap":      {"m/0001_init.sql": {}, "m/0003_more.sql": {}},
		"repeat":   {"m/0001_init.sql": {}, "m/0001_again.sql": {}},
		"no one":   {"m/0002_init.sql": {}},
	} {
		if _, err := parseMigrations(files, "m"); err == nil {
			t.Errorf("%s: no error", name)
		}
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
			t.Errorf("example %s has no leading comment", e.Name)
		}
	}
}
