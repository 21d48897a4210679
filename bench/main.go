// Command bench measures emigre against the physical floor on the same
// machine, side by side in one run, and prints a table of figures and
// ratios. These machines are noisy, so every figure is a median of several
// repetitions and every target is a ratio to something measured in the
// same run, never an absolute time asserted in a test.
//
//	go run ./bench                               # from the repository root
//	go run ./bench -quick                        # fewer repetitions
//	go run ./bench -only politeness -tsv ""      # one part
package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	_ "github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/reliability"
	"github.com/emigre/emigre/warehouse"
)

// row is one line of the printed table.
type row struct{ what, measured, floor, ratio, target string }

func main() {
	quick := flag.Bool("quick", false, "fewer repetitions")
	appendRows := flag.Int("rows", 500_000, "observations for the load benchmark")
	tsvSize := flag.String("tsv", "1GB", "size of the generated Eurostat TSV for the reader benchmark (\"\" skips it)")
	only := flag.String("only", "", "comma-separated parts to run: refresh, unchanged, scheduled, load, growth, politeness, coldstart (default all)")
	threads := flag.Int("threads", 0, "DuckDB threads for emigre and the floors alike (default: one per CPU)")
	memLimit := flag.String("memory-limit", "", "DuckDB memory limit for emigre and the floors alike (default "+load.DefaultMemoryLimit+")")
	flag.Parse()
	check(load.Configure(load.Settings{Threads: *threads, MemoryLimit: *memLimit}))
	if os.Getenv("EMIGRE_BENCH_FLOOR") != "" { // the floor runs in a child process of its own, for its RSS
		if err := floorLoad(os.Args[len(os.Args)-2], os.Args[len(os.Args)-1]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	reps := 5
	if *quick {
		reps = 2
	}
	tmp, err := os.MkdirTemp("", "emigre-bench-")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "emigre")
	build := exec.Command("go", "build", "-o", bin, "./cmd/emigre")
	build.Stderr = os.Stderr
	check(build.Run())

	var rows []row
	var growth []growthRow
	want := func(part string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), part) }
	if want("refresh") {
		rows = append(rows, benchRefresh(bin, tmp, reps)...)
	}
	if want("unchanged") {
		rows = append(rows, benchUnchanged(bin, tmp, reps))
	}
	if want("scheduled") {
		rows = append(rows, benchScheduled(bin, tmp, reps))
	}
	if want("load") {
		rows = append(rows, benchAppender(tmp, *appendRows, reps))
	}
	if want("growth") {
		growth = benchGrowth(bin, tmp, reps)
	}
	if want("politeness") {
		rows = append(rows, benchPoliteness()...)
	}
	if want("coldstart") {
		rows = append(rows, benchColdStart(bin, reps)...)
	}

	settings := load.CurrentSettings()
	fmt.Printf("emigre bench on %s/%s, %d CPUs, %s; load average %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(),
		time.Now().Format(time.DateOnly), loadAverage())
	fmt.Printf("DuckDB threads %d, memory_limit %s (emigre and the floors alike); GOGC=%s GOMEMLIMIT=%s; %d repetitions, medians\n\n",
		settings.Threads, settings.MemoryLimit, envOr("GOGC", "100 (unset)"), envOr("GOMEMLIMIT", "off (unset)"), reps)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "what\tmeasured\tfloor / reference\tratio\ttarget\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.what, r.measured, r.floor, r.ratio, r.target)
	}
	tw.Flush()
	if len(growth) > 0 {
		printGrowth(growth, filesystem(tmp), reps)
	}

	if *tsvSize != "" {
		// The Eurostat TSV reader against DuckDB's read_csv on one generated
		// file, each contender in a child process for its own peak RSS.
		fmt.Printf("\nEurostat bulk TSV reader vs DuckDB read_csv, generated %s file:\n\n", *tsvSize)
		cmd := exec.Command("go", "run", "-tags", "bench", "./extractors/formats/internal/tsvbench", "-size", *tsvSize, "-dir", tmp)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		check(cmd.Run())
	}
}

// run executes a command and returns its wall time and peak RSS.
func run(name string, args ...string) (time.Duration, int64) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		// A benchmark of a run that did not load everything measures
		// nothing: say what failed.
		tail := out.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		check(fmt.Errorf("%s %v: %w\n%s", name, args, err, tail))
	}
	return wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// benchRefresh: a full offline refresh of the sample archive into a new
// warehouse, against the floor: DuckDB opening a new file, creating the
// same schema and loading the same observation rows with read_csv, in a
// process of its own, under the same DuckDB threads and memory limit.
func benchRefresh(bin, tmp string, reps int) []row {
	var walls []time.Duration
	var rss []int64
	db := filepath.Join(tmp, "full.duckdb")
	cfg := filepath.Join(tmp, "offline.yaml")
	check(os.WriteFile(cfg, []byte(duckdbConfig()), 0o644))
	for range reps {
		os.Remove(db)
		os.RemoveAll(filepath.Join(tmp, "reports"))
		w, r := run(bin, "run", "--offline", "--db", db, "--config", cfg)
		walls = append(walls, w)
		rss = append(rss, r)
	}
	obsCSV := filepath.Join(tmp, "observations.csv")
	exportObservations(db, obsCSV)
	self, err := os.Executable()
	check(err)
	var floorWalls []time.Duration
	var floorRSS []int64
	for i := range reps {
		fdb := filepath.Join(tmp, fmt.Sprintf("floor%d.duckdb", i))
		cmd := exec.Command(self, "floor", obsCSV, fdb)
		cmd.Env = append(os.Environ(), "EMIGRE_BENCH_FLOOR=1", "EMIGRE_BENCH_SETTINGS="+duckdbDSN())
		cmd.Stderr = os.Stderr
		start := time.Now()
		check(cmd.Run())
		floorWalls = append(floorWalls, time.Since(start))
		floorRSS = append(floorRSS, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss*1024)
	}
	w, f := median(walls), median(floorWalls)
	r, fr := medianInt(rss), medianInt(floorRSS)
	return []row{
		{"full offline refresh, wall", ms(w), ms(f) + " (new file, schema, read_csv)", ratio(w, f), "<= 3x floor, <= 2 s"},
		{"full offline refresh, peak RSS", mb(r), mb(fr) + " (DuckDB's own load of the same rows)",
			fmt.Sprintf("%.2fx", float64(r)/float64(fr)), "<= 1.5x"},
	}
}

func medianInt(xs []int64) int64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// duckdbDSN is the DuckDB settings in force as DSN options: the floors
// open their databases exactly as emigre does.
func duckdbDSN() string { return load.DSNOptions() }

func exportObservations(db, out string) {
	conn, err := load.OpenReadOnly(context.Background(), db)
	check(err)
	defer conn.Close()
	rows, err := conn.Query(`select * exclude (obs_id) from observations`)
	check(err)
	defer rows.Close()
	cols, _ := rows.Columns()
	f, err := os.Create(out)
	check(err)
	w := csv.NewWriter(f)
	check(w.Write(cols))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		check(rows.Scan(ptrs...))
		rec := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
			case time.Time:
				rec[i] = x.Format(time.DateOnly)
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		check(w.Write(rec))
	}
	check(rows.Err())
	w.Flush()
	check(w.Error())
	check(f.Close())
}

// floorLoad is the floor: open a new DuckDB file, create the warehouse
// schema, load the observations with DuckDB's own CSV reader, close.
func floorLoad(csvPath, dbPath string) error {
	db, err := sql.Open("duckdb", dbPath+"?"+os.Getenv("EMIGRE_BENCH_SETTINGS"))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range warehouse.Migrations() {
		if _, err := db.Exec(m.SQL); err != nil {
			return fmt.Errorf("migration %d: %w", m.Version, err)
		}
	}
	f, _ := os.Open(csvPath)
	head, _ := csv.NewReader(f).Read()
	f.Close()
	_, err = db.Exec(fmt.Sprintf(`insert into observations (obs_id, %s)
		select row_number() over (), * from read_csv(%s, header = true)`,
		strings.Join(head, ", "), quote(csvPath)))
	if err != nil {
		return err
	}
	_, err = db.Exec("CHECKPOINT")
	return err
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// benchUnchanged: a live refresh against a local server that serves the
// sample archive with ETags, then the same refresh again, where every
// source answers 304.
func benchUnchanged(bin, tmp string, reps int) row {
	srv := sampleServer()
	defer srv.Close()
	cfg := filepath.Join(tmp, "bench.yaml")
	check(os.WriteFile(cfg, []byte(liveConfig(srv, tmp)), 0o644))
	var full, again []time.Duration
	var newObjects, newRows int
	for i := range reps {
		dir := filepath.Join(tmp, fmt.Sprintf("live%d", i))
		db, arch := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "archive")
		w, _ := run(bin, "run", "--config", cfg, "--db", db, "--archive", arch)
		full = append(full, w)
		objs, obs := countObjects(arch), countRows(db, "observations")
		w, _ = run(bin, "run", "--config", cfg, "--db", db, "--archive", arch)
		again = append(again, w)
		newObjects += countObjects(arch) - objs
		newRows += countRows(db, "observations") - obs
	}
	f, u := median(full), median(again)
	return row{"unchanged refresh (all 304), wall", ms(u), ms(f) + " (full live refresh)", ratio(u, f),
		fmt.Sprintf("<= 0.2x (new snapshots %d, new rows %d: want 0, 0)", newObjects, newRows)}
}

// liveConfig is the configuration of a live refresh against srv (the
// reliability suite's: every publisher mirrored there, the live-only
// sources excluded) with the bench's DuckDB settings; each run names its
// warehouse and archive with --db and --archive.
func liveConfig(srv *reliability.Server, tmp string) string {
	return srv.Config(filepath.Join(tmp, "emigre.duckdb"), filepath.Join(tmp, "archive")) + duckdbConfig()
}

// sampleServer serves the sample archive as the publishers would (the
// reliability suite's server), each publisher's host at an address of its
// own, with ETags and conditional requests honoured, so a second live
// refresh sees every source answer 304.
func sampleServer() *reliability.Server {
	srv, err := reliability.NewSampleServer()
	check(err)
	srv.ServePerHost()
	setETags(srv)
	return srv
}

// setETags makes every source answer with an ETag and honour If-None-Match.
func setETags(srv *reliability.Server) {
	for _, src := range srv.Sources() {
		srv.Set(src.ID, func(w http.ResponseWriter, r *http.Request, a reliability.Answer) {
			etag := `"` + archive.Sum(a.Body)[:16] + `"`
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			reliability.Healthy(w, r, a)
		})
	}
}

func countObjects(dir string) int {
	n := 0
	// A folder that is not there (nothing archived yet) counts 0.
	_ = filepath.WalkDir(filepath.Join(dir, "objects"), func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func countRows(db, table string) int {
	conn, err := load.OpenReadOnly(context.Background(), db)
	check(err)
	defer conn.Close()
	var n int
	check(conn.QueryRow("select count(*) from " + table).Scan(&n))
	return n
}

// benchAppender: n observations loaded into a new warehouse through
// load.MergeObservations (a source's first load: the Appender into a
// staging table, one insert, publish) against DuckDB's own read_csv insert
// of the same rows into a new file with the same schema, checkpointed, in
// the same process under the same DuckDB threads and memory limit.
func benchAppender(tmp string, n, reps int) row {
	ctx := context.Background()
	obs := make([]extractors.Observation, n)
	day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range obs {
		d := day.AddDate(0, 0, i)
		obs[i] = extractors.Observation{SourceID: "bench", Destination: "DE", Citizenship: "RU",
			Metric: extractors.Immigration, PeriodStart: d, PeriodEnd: d, Value: float64(i % 100000),
			Snapshot: strings.Repeat("a", 64)}
	}
	csvPath := filepath.Join(tmp, "append.csv")
	writeObservationsCSV(csvPath, obs)
	var ours, floor []time.Duration
	for i := range reps {
		path := filepath.Join(tmp, fmt.Sprintf("append%d.duckdb", i))
		run := &load.Run{ID: "bench", StartedAt: time.Now(), Mode: load.ModeOffline, Origin: "RU",
			WindowStart: day, Status: load.RunOK}
		start := time.Now()
		check(load.Publish(ctx, path, run, func(ctx context.Context, tx *load.Tx) error {
			_, err := load.MergeObservations(ctx, tx, "bench", "bench", obs)
			return err
		}))
		ours = append(ours, time.Since(start))
		fpath := filepath.Join(tmp, fmt.Sprintf("readcsv%d.duckdb", i))
		start = time.Now()
		check(readCSVLoad(csvPath, fpath))
		floor = append(floor, time.Since(start))
		os.Remove(path)
		os.Remove(fpath)
	}
	o, f := median(ours), median(floor)
	return row{fmt.Sprintf("load %d observations (Appender, first load, publish)", n),
		fmt.Sprintf("%.0f rows/s (%s)", float64(n)/o.Seconds(), ms(o)),
		fmt.Sprintf("%.0f rows/s (%s) DuckDB read_csv insert, new file", float64(n)/f.Seconds(), ms(f)),
		fmt.Sprintf("%.2fx", f.Seconds()/o.Seconds()), ">= 0.5x"}
}

// writeObservationsCSV writes obs as the floor's CSV: the observation
// columns the merge loads.
func writeObservationsCSV(path string, obs []extractors.Observation) {
	f, err := os.Create(path)
	check(err)
	w := csv.NewWriter(f)
	check(w.Write([]string{"source_id", "destination", "citizenship", "metric", "period_start", "period_end",
		"value", "missing", "snapshot_sha256", "run_id"}))
	for _, o := range obs {
		check(w.Write([]string{o.SourceID, o.Destination, o.Citizenship, string(o.Metric),
			o.PeriodStart.Format(time.DateOnly), o.PeriodEnd.Format(time.DateOnly),
			strconv.FormatFloat(o.Value, 'f', -1, 64), "false", o.Snapshot, "bench"}))
	}
	w.Flush()
	check(w.Error())
	check(f.Close())
}

// readCSVLoad is the load floor: a new file, the warehouse schema, the rows
// inserted by DuckDB's read_csv, checkpointed and closed.
func readCSVLoad(csvPath, dbPath string) error {
	db, err := sql.Open("duckdb", dbPath+"?"+duckdbDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range warehouse.Migrations() {
		if _, err := db.Exec(m.SQL); err != nil {
			return fmt.Errorf("migration %d: %w", m.Version, err)
		}
	}
	if _, err := db.Exec(`INSERT INTO observations (source_id, destination, citizenship, metric, period_start,
		period_end, value, missing, snapshot_sha256, run_id) SELECT * FROM read_csv(` + quote(csvPath) + `, header = true)`); err != nil {
		return err
	}
	_, err = db.Exec("CHECKPOINT")
	return err
}

// benchPoliteness: a live fetch of the whole catalogue, each publisher's
// host served by a local server of its own (as each publisher is its own
// host), with a per-host delay, against the politeness bound: the busiest
// host's requests x delay. It also reports the requests each host received.
func benchPoliteness() []row {
	// Long enough that the bound is politeness, not the fixed cost of
	// starting 30 hosts' fetches.
	delay := 200 * time.Millisecond
	srv := sampleServer()
	defer srv.Close()
	arch, err := archive.Open(filepath.Join(os.TempDir(), fmt.Sprintf("emigre-bench-polite-%d", os.Getpid())))
	check(err)
	defer os.RemoveAll(arch.Dir())
	var srcs []*extractors.Source
	// Live-only sources have no snapshot for the servers to answer.
	for _, s := range catalogue.MustDefault().SampleSources() {
		r, err := catalogue.ForRun(s, catalogue.RunParams{Origin: sampleOrigin(s)})
		check(err)
		srcs = append(srcs, r)
	}
	cfg := fetch.FetchConfig{UserAgent: "emigre-bench", Delay: delay, Timeout: 10 * time.Second, Mirrors: srv.Mirrors(), Record: true}
	start := time.Now()
	res := fetch.NewFetcher(cfg, arch).FetchAll(context.Background(), srcs)
	wall := time.Since(start)
	for _, r := range res {
		check(r.Err)
	}
	perHost := srv.HostHits()
	delete(perHost, "robots.txt") // asked once per host, apart
	busiest, total := 0, 0
	for _, n := range perHost {
		busiest = max(busiest, n)
		total += n
	}
	bound := time.Duration(busiest) * delay
	var counts []string
	for _, h := range slices.SortedFunc(maps.Keys(perHost), func(a, b string) int {
		return cmp.Or(perHost[b]-perHost[a], strings.Compare(a, b))
	}) {
		if perHost[h] > 1 {
			counts = append(counts, fmt.Sprintf("%s %d", h, perHost[h]))
		}
	}
	return []row{
		{fmt.Sprintf("live fetch, %d hosts, %v delay", len(perHost), delay), ms(wall),
			ms(bound) + " (busiest host's requests x delay)", ratio(wall, bound), "<= 1.2x"},
		{"live fetch, requests per host", fmt.Sprintf("%d requests; %s; every other host 1", total, strings.Join(counts, ", ")),
			"", "", "one per dataset per publisher, plus pages"},
	}
}

// sampleOrigin is the citizenship the sample answers a source for: its
// own when it counts one, else Russian citizens.
func sampleOrigin(s *extractors.Source) string {
	if s.Map.FixedCitizenship != "" {
		return s.Map.FixedCitizenship
	}
	return "RU"
}

func benchColdStart(bin string, reps int) []row {
	var out []row
	for _, args := range [][]string{{"--version"}, {"sources"}} {
		var ws []time.Duration
		for range reps * 2 {
			w, _ := run(bin, args...)
			ws = append(ws, w)
		}
		out = append(out, row{"cold start: emigre " + strings.Join(args, " "), ms(median(ws)), "", "", "<= 100 ms"})
	}
	return out
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}
func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
func ratio(a, b time.Duration) string {
	return fmt.Sprintf("%.2fx", a.Seconds()/b.Seconds())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(name, unset string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return unset
}

// loadAverage is the machine's 1, 5 and 15 minute load: other work on
// the machine skews every figure.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
