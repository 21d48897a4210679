package warehouse_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // the independent reader opens the file through database/sql itself

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func testExport(t *testing.T, w *sampleWarehouse) {
	ctx := context.Background()
	before := fileSum(t, w.path)
	db, err := load.OpenForExport(ctx, w.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dir := t.TempDir()

	out := filepath.Join(dir, "parquet")
	m, err := warehouse.Export(ctx, db, warehouse.ExportOptions{Format: warehouse.FormatParquet, Dir: out, Warehouse: w.path, EmigreVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// The manifest on disk is the one returned.
	var onDisk warehouse.Manifest
	b, err := os.ReadFile(filepath.Join(out, warehouse.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	if len(onDisk.Objects) != len(m.Objects) || onDisk.Run == nil || onDisk.Run.RunID != w.second.RunID || onDisk.Run.Origin != "RU" {
		t.Fatalf("manifest: %d objects, run %+v", len(onDisk.Objects), onDisk.Run)
	}
	dict, err := warehouse.ReadDictionary(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Objects) != len(dict.Objects) {
		t.Errorf("exported %d objects, the warehouse has %d", len(m.Objects), len(dict.Objects))
	}
	for _, o := range onDisk.Objects {
		if len(o.Files) == 0 || len(o.Columns) == 0 || o.Comment == "" {
			t.Errorf("%s: %d files, %d columns, comment %q", o.Name, len(o.Files), len(o.Columns), o.Comment)
			continue
		}
		want := count(t, db, `SELECT count(*) FROM `+o.Name)
		glob := filepath.Join(out, o.Path, "*.parquet")
		if len(o.PartitionedBy) > 0 {
			glob = filepath.Join(out, o.Path, "*", "*.parquet")
		}
		got := count(t, db, `SELECT count(*) FROM read_parquet(?, hive_partitioning = true)`, glob)
		if o.Rows != want || got != want {
			t.Errorf("%s: manifest %d rows, files %d, warehouse %d", o.Name, o.Rows, got, want)
		}
	}
	obs := mustObject(t, onDisk, "observations")
	if len(obs.PartitionedBy) != 1 || obs.PartitionedBy[0] != "destination" {
		t.Errorf("observations partitioned by %v", obs.PartitionedBy)
	}
	if n := count(t, db, `SELECT count(DISTINCT destination) FROM observations`); int64(len(obs.Files)) != n {
		t.Errorf("observations: %d files for %d destinations", len(obs.Files), n)
	}
	// Every value survives, the partition column included.
	for _, q := range []string{
		`SELECT obs_id, source_id, destination, citizenship, metric, period_end, value, flags, superseded_by_run FROM observations
		 EXCEPT ALL SELECT obs_id, source_id, destination, citizenship, metric, period_end, value, flags, superseded_by_run
		 FROM read_parquet(?, hive_partitioning = true)`,
	} {
		if n := count(t, db, `SELECT count(*) FROM (`+q+`)`, filepath.Join(out, "observations", "*", "*.parquet")); n != 0 {
			t.Errorf("%d observations differ after the round trip", n)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM (SELECT * FROM latest_estimates EXCEPT ALL SELECT * FROM read_parquet(?))`,
		filepath.Join(out, "latest_estimates", "data.parquet")); n != 0 {
		t.Errorf("%d latest_estimates rows differ after the round trip", n)
	}

	// CSV: one file per object, with a header.
	csvOut := filepath.Join(dir, "csv")
	cm, err := warehouse.Export(ctx, db, warehouse.ExportOptions{Format: warehouse.FormatCSV, Dir: csvOut})
	if err != nil {
		t.Fatal(err)
	}
	est := mustObject(t, cm, "latest_estimates")
	if est.Path != "latest_estimates.csv" || len(est.PartitionedBy) != 0 {
		t.Errorf("latest_estimates.csv: %+v", est)
	}
	if n := count(t, db, `SELECT count(*) FROM read_csv(?, header = true)`, filepath.Join(csvOut, est.Path)); n != est.Rows || n == 0 {
		t.Errorf("latest_estimates.csv has %d rows, manifest %d", n, est.Rows)
	}
	head, err := os.ReadFile(filepath.Join(csvOut, est.Path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range est.Columns {
		names = append(names, c.Name)
	}
	if first, _, _ := strings.Cut(string(head), "\n"); first != strings.Join(names, ",") {
		t.Errorf("CSV header %q, want %q", first, strings.Join(names, ","))
	}

	// An export never mixes with older files, and bad formats are refused.
	if _, err := warehouse.Export(ctx, db, warehouse.ExportOptions{Format: warehouse.FormatCSV, Dir: csvOut}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("export into a full directory: %v", err)
	}
	if _, err := warehouse.Export(ctx, db, warehouse.ExportOptions{Format: "xlsx", Dir: filepath.Join(dir, "x")}); err == nil {
		t.Error("format xlsx: no error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("export left %d entries beside the exports (a staging folder?)", len(entries))
	}
	db.Close()
	if fileSum(t, w.path) != before {
		t.Error("the export changed the warehouse file")
	}
}

func mustObject(t *testing.T, m warehouse.Manifest, name string) warehouse.ExportedObject {
	t.Helper()
	for _, o := range m.Objects {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("manifest has no %s", name)
	return warehouse.ExportedObject{}
}

// readerResult is what the independent reader process reports.
type readerResult struct {
	Version, Storage string
	GermanyNet       float64
	ViewComment      string
	WriteError       string
}

const readerEnv = "EMIGRE_TEST_READONLY_CLIENT_DB"

// testIndependentReader opens the published file from another process,
// through database/sql and the DuckDB driver directly (none of the
// project's code), read-only, while this process holds it open read-only
// too. The README's compatibility statement must name what it reports.
func testIndependentReader(t *testing.T, w *sampleWarehouse) {
	held := openReadOnly(t, w.path)
	var net float64
	if err := held.QueryRow(`SELECT net FROM latest_estimates WHERE destination = 'DE' AND citizenship = 'RU'`).Scan(&net); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReadOnlyClientProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), readerEnv+"="+w.path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reader process: %v\n%s\n%s", err, out, stderr.String())
	}
	_, line, ok := strings.Cut(string(out), "RESULT ")
	if !ok {
		t.Fatalf("reader process said nothing:\n%s", out)
	}
	line, _, _ = strings.Cut(line, "\n")
	var r readerResult
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	if r.GermanyNet != net || !strings.Contains(r.ViewComment, "estimate per destination") {
		t.Errorf("the independent reader sees DE %v (want %v), comment %q", r.GermanyNet, net, r.ViewComment)
	}
	if !strings.Contains(r.WriteError, "read-only") {
		t.Errorf("a write through the read-only client: %q", r.WriteError)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	written := "DuckDB " + strings.TrimPrefix(r.Version, "v")
	readable := "DuckDB " + strings.TrimSuffix(strings.TrimPrefix(r.Storage, "v"), "+") + " and later"
	if !bytes.Contains(readme, []byte(written)) || !bytes.Contains(readme, []byte(readable)) {
		t.Errorf("README.md must say the file is written by %q and readable by %q", written, readable)
	}
	// The README answers the Germany question with the query that
	// TestSampleWarehouse/queries checks, not a copy that could drift.
	for _, e := range warehouse.Examples() {
		if e.Name != "germany_net_since_2022" {
			continue
		}
		var body []string
		for line := range strings.Lines(e.SQL) {
			if !strings.HasPrefix(line, "--") {
				body = append(body, line)
			}
		}
		if !bytes.Contains(readme, []byte(strings.Join(body, ""))) {
			t.Error("README.md must show warehouse/queries/germany_net_since_2022.sql (without its comment) as it is")
		}
	}
}

// TestReadOnlyClientProcess is the independent reader of
// testIndependentReader, run in a process of its own.
func TestReadOnlyClientProcess(t *testing.T) {
	path := os.Getenv(readerEnv)
	if path == "" {
		t.Skip("runs as a helper process of TestSampleWarehouse")
	}
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var r readerResult
	if err := db.QueryRow(`SELECT version(), tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()`).
		Scan(&r.Version, &r.Storage); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT net FROM latest_estimates WHERE destination = 'DE' AND citizenship = 'RU'`).Scan(&r.GermanyNet); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT comment FROM duckdb_views() WHERE view_name = 'latest_estimates'`).Scan(&r.ViewComment); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM runs`); err != nil {
		r.WriteError = err.Error()
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("RESULT " + string(b) + "\n")
}
