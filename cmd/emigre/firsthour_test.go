package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emigre/emigre/schedules"
)

// The tests of issue 16, "a new user's first hour": each runs the built
// binary the way the reproduction did.

// someSources are two sample sources that make a quick warehouse with an
// estimate (Germany's Eurostat stock and Armenia's statement).
var someSources = []string{"--source", "eurostat-migr_pop1ctz", "--source", "am-migration-service-statement-2024-08"}

// Flags go before or after the arguments, as with pflag-style parsers:
// `sql "..." --db other.duckdb` queries other.duckdb, never ./emigre.duckdb
// with "--db ..." swallowed into the SQL as a comment; "--" ends the flags.
func TestFlagsBeforeAndAfterArguments(t *testing.T) {
	dir := t.TempDir()
	sampleWarehouse(t, dir, "emigre.duckdb", someSources...)
	other := sampleWarehouse(t, dir, "other.duckdb", someSources...)

	for _, args := range [][]string{
		{"sql", "select current_database() as db", "--db", other, "--format", "csv"},
		{"sql", "--format", "csv", "select current_database() as db", "--db=" + other},
		{"sql", "--db", other, "--format", "csv", "--", "select current_database() as db"},
	} {
		code, out, errs := cli(t, dir, nil, args...)
		if code != exitOK || out != "db\nother\n" {
			t.Errorf("%q: exit %d, output %q (want CSV naming other.duckdb's database)\n%s", args, code, out, errs)
		}
	}
	// After "--", what looks like a flag is the query's: here a comment.
	code, out, errs := cli(t, dir, nil, "sql", "--format", "csv", "--", "select 1 as n", "--format", "json")
	if code != exitOK || out != "n\n1\n" {
		t.Errorf("-- did not end the flags: exit %d, %q\n%s", code, out, errs)
	}
	// Any command: status and sources take their flags after stray words too.
	if code, out, errs := cli(t, dir, nil, "sources", "--json", "--db", other); code != exitOK || !strings.HasPrefix(out, "[") {
		t.Errorf("sources --json --db: exit %d\n%.200s\n%s", code, out, errs)
	}
	// A flag the command does not have: one error line, naming it.
	code, _, errs = cli(t, dir, nil, "sql", "select 1", "--no-such-flag")
	if code != exitUsage || strings.Count(errs, "no-such-flag") != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("unknown flag: exit %d, stderr %q: want exit 2 and one line naming it", code, errs)
	}
}

// sql opens the warehouse so that nothing beyond it can be reached, by
// DuckDB's own settings: no file written or read, no extension loaded, no
// setting changed back; export, which writes files, still works.
func TestSQLIsReadOnlyBeyondTheWarehouse(t *testing.T) {
	dir := t.TempDir()
	db := sampleWarehouse(t, dir, "w.duckdb", someSources...)
	written := filepath.Join(dir, "x.csv")
	outside := filepath.Join(dir, "outside.csv")
	if err := os.WriteFile(outside, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"COPY (select 1) TO '" + written + "'",
		"select * from read_csv('" + outside + "')",
		"ATTACH '" + filepath.Join(dir, "new.duckdb") + "'",
		"SET enable_external_access = true",
		"LOAD httpfs",
		"select * from 'https://example.org/data.parquet'",
	} {
		code, out, errs := cli(t, dir, nil, "sql", "--db", db, q)
		if code == exitOK {
			t.Errorf("%s: exit 0, output %q: read-only sql reached beyond the warehouse", q, out)
		} else if !strings.Contains(errs, "disabled") && !strings.Contains(errs, "locked") {
			t.Errorf("%s: refused for another reason than DuckDB's settings: %s", q, errs)
		}
	}
	for _, p := range []string{written, filepath.Join(dir, "new.duckdb")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("read-only sql wrote %s", p)
		}
	}
	if code, out, errs := cli(t, dir, nil, "sql", "--db", db, "--format", "csv", "select count(*) > 0 as some from latest_estimates"); code != exitOK || out != "some\ntrue\n" {
		t.Errorf("a plain query: exit %d, %q\n%s", code, out, errs)
	}
	if code, out, errs := cli(t, dir, nil, "export", "--db", db, "--format", "csv", "--out", filepath.Join(dir, "export")); code != exitOK || !strings.Contains(out, "exported") {
		t.Errorf("export: exit %d\n%s\n%s", code, out, errs)
	}
}

// A run for another origin with no estimate says so in words, writes its
// own report files, and never hides the Russian report: `emigre report`
// shows the configured origin's latest run.
func TestReportsArePerOrigin(t *testing.T) {
	dir := t.TempDir()
	db := sampleWarehouse(t, dir, "w.duckdb", someSources...)
	code, out, errs := cli(t, dir, nil, "run", "--offline", "--db", db, "--origin", "BY")
	if code != exitOK && code != exitPartial {
		t.Fatalf("BY run: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = cli(t, dir, nil, "report", "--db", db, "--format", "md")
	if code != exitOK || !strings.Contains(out, "Citizens of Russia") || !strings.Contains(out, "**Total: ") || strings.Contains(out, "Total: 0 ") {
		t.Errorf("report after a BY run: exit %d, want the Russian report\n%.600s\n%s", code, out, errs)
	}
	code, out, _ = cli(t, dir, nil, "report", "--db", db, "--format", "md", "--origin", "BY")
	if code != exitOK || !strings.Contains(out, "NO ESTIMATE for citizens of BY (Belarus)") || strings.Contains(out, "**Total:") {
		t.Errorf("report --origin BY: exit %d, want words, not a total of zero\n%.600s", code, out)
	}
	reports := filepath.Join(dir, "reports")
	for origin, want := range map[string]string{"RU": "Citizens of Russia", "BY": "NO ESTIMATE for citizens of BY"} {
		for _, format := range []string{"html", "json", "md"} {
			want := want
			if format == "json" {
				want = `"origin": "` + origin + `"`
			}
			b, err := os.ReadFile(filepath.Join(reports, "latest-"+origin+"."+format))
			if err != nil || !strings.Contains(string(b), want) {
				t.Errorf("reports/latest-%s.%s: %v, want it to say %q", origin, format, err, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(reports, "latest.html")); err == nil {
		t.Error("reports/latest.html is still written: one run's latest hides another origin's")
	}
	var rep struct {
		NoEstimate string `json:"no_estimate"`
	}
	b, _ := os.ReadFile(filepath.Join(reports, "latest-BY.json"))
	if json.Unmarshal(b, &rep) != nil || !strings.Contains(rep.NoEstimate, "no current observation counts them") {
		t.Errorf("latest-BY.json no_estimate = %q", rep.NoEstimate)
	}
	// The configured origin decides the default.
	cfg := filepath.Join(dir, "by.yaml")
	if err := os.WriteFile(cfg, []byte("origin: BY\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := cli(t, dir, nil, "report", "--db", db, "--format", "md", "--config", cfg); code != exitOK || !strings.Contains(out, "NO ESTIMATE for citizens of BY") {
		t.Errorf("report with origin: BY configured: exit %d\n%.300s", code, out)
	}
}

// An offline archive that does not exist, or is a folder without a
// manifest, is a usage error before any work: nothing created, no run
// recorded, no alert opened for the warehouse's sources.
func TestOfflineArchiveThatIsNotOneIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	db := sampleWarehouse(t, dir, "h.duckdb", someSources...)
	runs := queryInt(t, db, `SELECT count(*) FROM runs`)
	alerts := queryInt(t, db, `SELECT count(*) FROM alerts`)
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, archiveDir := range []string{filepath.Join(dir, "typo", "dir"), empty} {
		code, out, errs := cli(t, dir, nil, "run", "--offline", "--archive", archiveDir, "--db", db)
		if code != exitUsage || !strings.Contains(errs, archiveDir) || strings.Contains(out+errs, "HTTP 404") {
			t.Errorf("--archive %s: exit %d, want 2 naming the folder\n%s\n%s", archiveDir, code, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "typo")); err == nil {
		t.Error("the mistyped archive folder was created")
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("the empty folder got %d entries", len(entries))
	}
	if n := queryInt(t, db, `SELECT count(*) FROM runs`); n != runs {
		t.Errorf("%d runs recorded, was %d", n, runs)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM alerts`); n != alerts {
		t.Errorf("%d alerts, was %d", n, alerts)
	}
}

// Stray arguments, reader parameters a reader does not take, and source ids
// the catalogue does not hold in exclude: or quality: sources: are named,
// exit 2.
func TestMistakesAreNamed(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join("..", "..", "extractors", "formats", "testdata", "tempus_es_population_tipAM_reconstructed.json")
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	badExclude := filepath.Join(dir, "exclude.yaml")
	if err := os.WriteFile(badExclude, []byte("exclude:\n  - eurostat-migr_pop1ctz\n  - no-such-source\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badQuality := filepath.Join(dir, "quality.yaml")
	if err := os.WriteFile(badQuality, []byte("quality:\n  sources:\n    fi-no-such-source:\n      anomaly: {warn: 5, fail: 12}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--offline", "extra"}, []string{`"extra"`}},
		{[]string{"status", "foo"}, []string{`"foo"`}},
		{[]string{"sources", "bar"}, []string{`"bar"`}},
		{[]string{"parse", "--format", "tempus", "--param", "foo=bar", abs}, []string{"foo", "tempus"}},
		{[]string{"run", "--offline", "--config", badExclude}, []string{"exclude.yaml line 3", `"no-such-source"`}},
		{[]string{"status", "--config", badQuality}, []string{"quality.yaml line 3", `"fi-no-such-source"`}},
	} {
		code, _, errs := cli(t, dir, nil, c.args...)
		ok := code == exitUsage
		for _, w := range c.want {
			ok = ok && strings.Contains(errs, w)
		}
		if !ok {
			t.Errorf("%q: exit %d, stderr %q: want exit 2 naming %q", c.args, code, errs, c.want)
		}
	}
	// The same file with parameters the reader takes is read.
	if code, out, errs := cli(t, dir, nil, "parse", abs, "--format", "tempus", "--param", "max_cells=1000000"); code != exitOK || !strings.Contains(out, "value") {
		t.Errorf("parse with a known parameter: exit %d\n%.200s\n%s", code, out, errs)
	}
	// A catalogue folder's source with a parameter its reader does not take.
	files := map[string]string{}
	for k, v := range userCatalogue {
		files[k] = v
	}
	files["sources/xk-interior-statement-2024.yaml"] = strings.Replace(files["sources/xk-interior-statement-2024.yaml"],
		"format: statement\n", "format: statement\nparams: {sacle: '1000'}\n", 1)
	cat := writeCatalogue(t, files)
	if code, _, errs := cli(t, dir, nil, "sources", "--catalogue", cat); code != exitUsage || !strings.Contains(errs, "sacle") || !strings.Contains(errs, "params") {
		t.Errorf("a source's unknown reader parameter: exit %d, stderr %q", code, errs)
	}
}

// A warehouse path that is a folder is refused before any work (no lock
// file, no archive), and a warehouse locked by another writer exits with
// its own code.
func TestWarehousePathCheckedFirstAndLockedHasItsOwnExitCode(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "warehouse-folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli(t, dir, nil, "run", "--offline", "--db", folder)
	if code != exitUsage || !strings.Contains(errs, folder) || strings.Contains(errs, "copy_file_range") {
		t.Errorf("--db a folder: exit %d, stderr %q", code, errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the refused run left %d entries in its folder, want only the folder it was given", len(entries))
	}
	db := filepath.Join(dir, "w.duckdb")
	lock, err := schedules.AcquireLock(db, "emigre schedule")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Release() }()
	code, _, errs = cli(t, dir, nil, "run", "--offline", "--db", db)
	if code != exitLocked || !strings.Contains(errs, fmt.Sprintf("PID %d", os.Getpid())) {
		t.Errorf("a locked warehouse: exit %d (want %d), stderr %q", code, exitLocked, errs)
	}
}

// Config mistakes are told in the file's terms: the file, the line, the
// key and what is accepted, never Go's types; origin from the file is the
// config key, not --origin.
func TestConfigErrorsNameFileLineKeyAndWhatIsAccepted(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		yaml string
		want []string
	}{
		{"fetch: {dealy: 2s}\n", []string{"line 1", "fetch.dealy", "delay, timeout, max_bytes, retries, deadline"}},
		{"warehouse: w.duckdb\norigin: XX\n", []string{"line 2", "origin", `"XX"`, "alpha-2"}},
		{"fetch:\n  retries: many\n", []string{"line 2", "fetch.retries", `"many"`, "whole number"}},
		{"fetch:\n  delay: soon\n", []string{"line 2", "fetch.delay", `"soon"`, "30d"}},
		{"quality:\n  limits:\n    anomly: {warn: 4, fail: 10}\n", []string{"line 3", "quality.limits.anomly", "anomaly, completeness"}},
		{"exlude: [x]\n", []string{"line 1", "exlude", "exclude"}},
		{"window_start: 2022\n", []string{"line 1", "window_start", "YYYY-MM-DD"}},
	} {
		cfg := filepath.Join(dir, "emigre.yaml")
		if err := os.WriteFile(cfg, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := cli(t, dir, nil, "run", "--offline")
		ok := code == exitUsage && strings.Contains(errs, "emigre.yaml")
		for _, w := range c.want {
			ok = ok && strings.Contains(errs, w)
		}
		for _, goism := range []string{"main.", "struct", "!!str", "int64", "--origin", "unmarshal"} {
			ok = ok && !strings.Contains(errs, goism)
		}
		if !ok {
			t.Errorf("%q: exit %d, stderr %q: want exit 2 naming %q in the file's terms", c.yaml, code, errs, c.want)
		}
	}
}

// The hints point where the user is: status on a damaged file does not
// send them to publish a run; a run into another warehouse hints at the
// query with its --db; `emigre docs` outside the repository asks for
// --out and migrates nothing the user owns; `help run` is run's help;
// an unknown flag is said once.
func TestHintsPointWhereTheUserIs(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.duckdb")
	if err := os.WriteFile(corrupt, []byte(strings.Repeat("not a database\n", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli(t, dir, nil, "status", "--db", corrupt)
	if code == exitOK || strings.Contains(errs, "publish") || !strings.Contains(errs, "corrupt.duckdb") {
		t.Errorf("status on a damaged file: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := cli(t, dir, nil, "status", "--db", filepath.Join(dir, "none.duckdb")); code == exitOK || !strings.Contains(errs, "emigre run") {
		t.Errorf("status with no warehouse: exit %d, stderr %q: want the hint to publish one", code, errs)
	}

	code, out, errs := cli(t, dir, nil, append([]string{"run", "--offline", "--db", "other/x.duckdb"}, someSources...)...)
	if code != exitOK || !strings.Contains(out, `query it:  emigre sql --db other/x.duckdb "select`) {
		t.Errorf("run --db other/x.duckdb: exit %d, summary ends:\n%s\n%s", code, lastLines(out, 3), errs)
	}
	// The hint works as printed.
	if code, _, errs := cli(t, dir, nil, "sql", "--db", "other/x.duckdb", "select * from latest_estimates order by net desc"); code != exitOK {
		t.Errorf("the hinted query: exit %d: %s", code, errs)
	}

	code, _, errs = cli(t, dir, nil, "docs")
	if code != exitUsage || !strings.Contains(errs, "--out") {
		t.Errorf("docs outside the repository: exit %d, stderr %q: want exit 2 asking for --out", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs")); err == nil {
		t.Error("docs outside the repository wrote ./docs")
	}
	code, out, errs = cli(t, dir, nil, "docs", "--out", "-")
	if code != exitOK || !strings.HasPrefix(out, "# The emigre warehouse") || strings.Contains(errs, "applied warehouse migration") {
		t.Errorf("docs --out -: exit %d, stderr %q (it migrates a scratch schema, not the user's warehouse)", code, errs)
	}

	code, out, _ = cli(t, dir, nil, "help", "run")
	if code != exitOK || !strings.Contains(out, "-offline") || !strings.Contains(out, "emigre run") || strings.Contains(out, "Commands:") {
		t.Errorf("help run: exit %d, printed:\n%s", code, out)
	}
	code, _, errs = cli(t, dir, nil, "run", "--offline", "--bogus")
	if code != exitUsage || strings.Count(errs, "bogus") != 1 {
		t.Errorf("an unknown flag: exit %d, said %d times:\n%s", code, strings.Count(errs, "bogus"), errs)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
