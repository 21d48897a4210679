package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/term"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

// offlineWarehouse publishes the embedded sample into a new warehouse and
// returns its path and the run's exit code.
func offlineWarehouse(t *testing.T, args ...string) (string, int) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	code, out, errs := run(t, append([]string{"run", "--offline", "--db", db}, args...)...)
	if _, err := os.Stat(db); err != nil || (code != exitOK && code != exitPartial) {
		t.Fatalf("run: exit %d, nothing published (%v)\n%s\n%s", code, err, out, errs)
	}
	return db, code
}

func queryInt(t *testing.T, path, q string, args ...any) int64 {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// The sample archive carries no Belarusian rows (the catalogue asks the
// publishers for Russian citizens): --origin BY must say there is no
// estimate, not show zeros or Russian figures, and must leave the Russian
// estimate as it was.
func TestOriginWithoutRowsGivesNoEstimate(t *testing.T) {
	t.Chdir(t.TempDir())
	db, _ := offlineWarehouse(t, "--source", "eurostat-migr_pop1ctz", "--source", "am-migration-service-statement-2024-08")
	ruEstimates := queryInt(t, db, `SELECT count(*) FROM latest_estimates WHERE citizenship = 'RU'`)
	if ruEstimates == 0 {
		t.Fatal("the RU run estimated nothing")
	}
	// The whole sample this time: no snapshot in it counts Belarusians.
	code, out, errs := run(t, "run", "--offline", "--db", db, "--origin", "BY")
	if code != exitOK && code != exitPartial {
		t.Fatalf("BY run: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "NO ESTIMATE for citizens of BY (Belarus)") || strings.Contains(out, "TOTAL") {
		t.Errorf("summary of the BY run:\n%s", out)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM observations WHERE citizenship = 'BY'`); n != 0 {
		t.Errorf("%d BY observations: the sample has some after all; document and test them", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM runs WHERE origin = 'BY'`); n != 1 {
		t.Errorf("%d BY runs recorded", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM estimates e JOIN runs r USING (run_id) WHERE r.origin = 'BY' OR e.citizenship = 'BY'`); n != 0 {
		t.Errorf("the BY run wrote %d estimates", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM estimate_total WHERE citizenship = 'BY'`); n != 0 {
		t.Errorf("estimate_total has a BY row")
	}
	if n := queryInt(t, db, `SELECT count(*) FROM latest_estimates WHERE citizenship = 'RU'`); n != ruEstimates {
		t.Errorf("after the BY run latest_estimates has %d RU rows, before %d", n, ruEstimates)
	}
}

// TestWarehouseCommands runs sql, its prompt and export against one
// warehouse published from a few sample sources.
func TestWarehouseCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	db, _ := offlineWarehouse(t, "--source", "eurostat-migr_pop1ctz", "--source", "ge-geostat-migration-citizenship",
		"--source", "am-migration-service-statement-2024-08")
	t.Run("sql formats", func(t *testing.T) { testSQLOutputFormats(t, db) })
	t.Run("sql prompt", func(t *testing.T) { testSQLPrompt(t, db) })
	t.Run("export", func(t *testing.T) { testExportCommand(t, db) })
}

func testSQLOutputFormats(t *testing.T, db string) {

	code, out, errs := run(t, "sql", "--db", db, "--format", "json",
		"select destination, net, as_of, flags, source_id from latest_estimates where citizenship = 'RU' order by destination")
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	if int64(len(rows)) != queryInt(t, db, `SELECT count(*) FROM latest_estimates WHERE citizenship = 'RU'`) || len(rows) == 0 {
		t.Fatalf("%d JSON rows", len(rows))
	}
	for _, r := range rows {
		if _, ok := r["net"].(float64); !ok {
			t.Errorf("net is %T in JSON, want a number", r["net"])
		}
		if _, ok := r["flags"].([]any); !ok {
			t.Errorf("flags is %T in JSON, want an array", r["flags"])
		}
		if s, _ := r["as_of"].(string); len(s) != len("2006-01-02") {
			t.Errorf("as_of %q in JSON, want a date", r["as_of"])
		}
	}
	if i, j := strings.Index(out, `"destination":`), strings.Index(out, `"net":`); i < 0 || j < i {
		t.Errorf("JSON keys are not in column order:\n%s", out[:min(len(out), 200)])
	}

	// A DATE and a midnight TIMESTAMPTZ look different; NULL is an empty CSV field.
	types := `select DATE '2024-01-01' as d, TIMESTAMPTZ '2024-01-01 00:00:00+00' as ts, NULL as n, 2.5::DOUBLE as x, ['a', 'b'] as l`
	if code, out, _ := run(t, "sql", "--db", db, "--format", "csv", types); code != exitOK || out != "d,ts,n,x,l\n2024-01-01,2024-01-01T00:00:00Z,,2.5,\"[a, b]\"\n" {
		t.Errorf("csv: exit %d, %q", code, out)
	}
	code, out, _ = run(t, "sql", "--db", db, types)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != exitOK || len(lines) != 2 ||
		strings.Index(lines[0], "ts") != strings.Index(lines[1], "2024-01-01T") || !strings.Contains(lines[1], "NULL") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "sql", "--db", db, "--format", "json", types); code != exitOK ||
		!strings.Contains(out, `{"d":"2024-01-01","ts":"2024-01-01T00:00:00Z","n":null,"x":2.5,"l":["a","b"]}`) {
		t.Errorf("json: exit %d, %s", code, out)
	}

	// The query on stdin (not a terminal: no prompt).
	f, err := os.CreateTemp(t.TempDir(), "query")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("-- a comment\nselect count(*) as n from runs;\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	defer func(old *os.File) { stdin = old }(stdin)
	stdin = f
	if code, out, _ := run(t, "sql", "--db", db, "--format", "csv"); code != exitOK || out != "n\n1\n" {
		t.Errorf("stdin: exit %d, %q", code, out)
	}
	stdin = os.Stdin

	if code, _, _ := run(t, "sql", "--db", db, "--format", "xml", "select 1"); code != exitUsage {
		t.Errorf("--format xml: exit %d", code)
	}
	if code, _, errs := run(t, "sql", "--db", db, "select * from no_such_table"); code != exitPartial || !strings.Contains(errs, "no_such_table") {
		t.Errorf("bad query: exit %d, %s", code, errs)
	}
}

// testSQLPrompt types into the prompt through x/term's terminal (the one
// the interactive mode runs), keys as a terminal sends them.
func testSQLPrompt(t *testing.T, path string) {
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	histFile := filepath.Join(t.TempDir(), "history")
	const up = "\x1b[A"
	keys := strings.Join([]string{
		"select 41 + 1 as answer;",
		up,                             // recall the query
		"select",                       // a statement over two lines
		"  'multi' as line;",           //
		"select * from no_such_table;", // an error does not end the session
		".format csv",                  //
		"select 'x' as y, 2 as z;",     //
		".describe latest_estimates",   //
		".run germany_net_since_2022",  //
		".nonsense",                    //
	}, "\r") + "\r"
	var screen bytes.Buffer
	terminal := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(keys), &screen}, "")
	terminal.History = openHistory(histFile)
	if err := prompt(context.Background(), db, terminal, "table"); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(screen.String(), "\r\n", "\n")
	if n := strings.Count(got, "answer\n42\n"); n != 2 {
		t.Errorf("the recalled query ran %d times, want 2:\n%s", n, got)
	}
	for _, want := range []string{"line\nmulti\n", "error:", "no_such_table", "y,z\nx,2\n", "destination_name", "Germany", "unknown command .nonsense"} {
		if !strings.Contains(got, want) {
			t.Errorf("the session lacks %q:\n%s", want, got)
		}
	}

	// The history outlives the session.
	b, err := os.ReadFile(histFile)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); lines[0] != "select 41 + 1 as answer;" || lines[len(lines)-1] != ".nonsense" {
		t.Errorf("history file:\n%s", b)
	}
	screen.Reset()
	again := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(strings.Repeat(up, 4) + "\r"), &screen}, "")
	again.History = openHistory(histFile)
	if err := prompt(context.Background(), db, again, "csv"); err != nil {
		t.Fatal(err)
	}
	// Four lines back: the CSV query of the first session.
	if !strings.Contains(strings.ReplaceAll(screen.String(), "\r\n", "\n"), "y,z\nx,2\n") {
		t.Errorf("a new session does not recall the last one:\n%s", screen.String())
	}
}

func TestDocsCommittedUpToDate(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", "..", "docs", "warehouse.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "warehouse.md")
	if code, _, errs := run(t, "docs", "--out", out); code != exitOK {
		t.Fatalf("docs: exit %d: %s", code, errs)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Error("docs/warehouse.md is stale: run `go run ./cmd/emigre docs` and commit it")
	}
	sources, err := os.ReadFile(filepath.Join(filepath.Dir(out), "sources.md"))
	if committed, _ := os.ReadFile(filepath.Join("..", "..", "docs", "sources.md")); err != nil || !bytes.Equal(sources, committed) {
		t.Errorf("docs/sources.md is stale or not written beside the dictionary (%v): run `go run ./cmd/emigre docs`", err)
	}
	for _, v := range warehouse.ViewNames() {
		if !bytes.Contains(fresh, []byte("### "+v+"\n")) {
			t.Errorf("the docs do not describe %s", v)
		}
	}
}

func testExportCommand(t *testing.T, db string) {
	out := filepath.Join(t.TempDir(), "export")
	code, stdout, errs := run(t, "export", "--db", db, "--out", out)
	if code != exitOK || !strings.Contains(stdout, "as parquet to") {
		t.Fatalf("export: exit %d\n%s\n%s", code, stdout, errs)
	}
	var m warehouse.Manifest
	b, err := os.ReadFile(filepath.Join(out, warehouse.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != "parquet" || m.Run == nil || m.EmigreVersion != version {
		t.Errorf("manifest: %v %+v", err, m)
	}
	for _, args := range [][]string{
		{"export", "--db", db},
		{"export", "--db", db, "--out", filepath.Join(t.TempDir(), "x"), "--format", "xlsx"},
	} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
