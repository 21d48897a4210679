//go:build bench

// Command tsvbench measures the eurostat-tsv reader against DuckDB's
// read_csv on the same generated file, in one run: each contender runs in
// a child process of its own, so that its peak RSS is its own.
//
//	go run -tags bench ./extractors/formats/internal/tsvbench -size 1GB -dir /tmp
//
// The file is gentsv's (deterministic in seed and size) and is written
// once to -dir, with one a hundred times smaller for the reader's memory.
// DuckDB runs three queries: read_csv counting rows, read_csv reading every
// column, and the reader's whole job (unpivot the year columns, split the
// key and the value from its flags, count and sum), the last at DuckDB's
// default thread count and on one thread.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/emigre/emigre/extractors"
	_ "github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/extractors/formats/internal/gentsv"
)

// result is what a child reports.
type result struct {
	Cells   int64   `json:"cells"`
	Values  int64   `json:"values"`
	Sum     float64 `json:"sum"`
	Threads int     `json:"threads"`
}

func main() {
	size := flag.String("size", "1GB", "file size (KB, MB, GB)")
	seed := flag.Uint64("seed", 1, "generator seed")
	dir := flag.String("dir", os.TempDir(), "where the generated file goes")
	child := flag.String("child", "", "internal: run one contender (emigre, duckdb-scan, duckdb-read-all, duckdb-tidy, duckdb-tidy-1)")
	flag.Parse()
	if *child != "" {
		res, err := runChild(*child, flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	if err := compare(*size, *seed, *dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30} {
		if strings.HasSuffix(strings.ToUpper(s), suffix) {
			s, mult = s[:len(s)-len(suffix)], m
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

func compare(sizeFlag string, seed uint64, dir string) error {
	size, err := parseSize(sizeFlag)
	if err != nil {
		return fmt.Errorf("-size %q: %w", sizeFlag, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("gentsv-%d-%d.tsv", seed, size))
	big, err := generate(path, seed, size)
	if err != nil {
		return err
	}
	// The same content a hundred times smaller: the reader's memory must
	// not depend on the size.
	smallPath := filepath.Join(dir, fmt.Sprintf("gentsv-%d-%d.tsv", seed, size/100))
	small, err := generate(smallPath, seed, size/100)
	if err != nil {
		return err
	}
	fmt.Printf("file %s: %d bytes, %d rows, %d cells (%d missing); %s, %d CPUs\n\n", path, big.Bytes, big.Rows, big.Cells, big.Missing, runtime.Version(), runtime.NumCPU())
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "contender\tfile MB\tthreads\tseconds\tMB/s\tpeak RSS MB\tcells\tvalues\tsum agrees\t")
	for _, run := range []struct {
		c, path string
		st      gentsv.Stats
	}{{"emigre", smallPath, small}, {"emigre", path, big}, {"duckdb-scan", path, big}, {"duckdb-read-all", path, big},
		{"duckdb-tidy", path, big}, {"duckdb-tidy-1", path, big}} {
		c, st := run.c, run.st
		cmd := exec.Command(self, "-child", c, run.path)
		cmd.Stderr = os.Stderr
		start := time.Now()
		out, err := cmd.Output()
		wall := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		var res result
		if err := json.Unmarshal(out, &res); err != nil {
			return fmt.Errorf("%s: %q: %w", c, out, err)
		}
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		agrees := "-"
		if res.Values > 0 {
			agrees = strconv.FormatBool(relDiff(res.Sum, st.Sum) < 1e-9)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t%.2f\t%.1f\t%.0f\t%d\t%d\t%s\t\n", c, float64(st.Bytes)/(1<<20), res.Threads, wall.Seconds(),
			float64(st.Bytes)/(1<<20)/wall.Seconds(), float64(rss)/1024, res.Cells, res.Values, agrees)
	}
	return tw.Flush()
}

func relDiff(a, b float64) float64 {
	d := a - b
	if d < 0 {
		d = -d
	}
	if b == 0 {
		return d
	}
	return d / b
}

// generate writes the file unless a complete one is there already.
func generate(path string, seed uint64, size int64) (gentsv.Stats, error) {
	// The stats are cheap to recompute by generating into a counter.
	st, err := gentsv.Write(discard{}, seed, size)
	if err != nil {
		return st, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == st.Bytes {
		return st, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return st, err
	}
	if _, err := gentsv.Write(f, seed, size); err != nil {
		f.Close()
		return st, err
	}
	return st, f.Close()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func runChild(which, path string) (result, error) {
	switch which {
	case "emigre":
		return readEmigre(path)
	case "duckdb-scan":
		return queryDuckDB(path, 0, `SELECT count(*), 0, 0 FROM read_csv(?, delim='\t', header=true, all_varchar=true)`)
	case "duckdb-read-all":
		// Every column read and tested, so none is skipped.
		return queryDuckDB(path, 0, `SELECT count(*), 0, 0 FROM read_csv(?, delim='\t', header=true, all_varchar=true) WHERE COLUMNS(*) IS NOT NULL`)
	case "duckdb-tidy", "duckdb-tidy-1":
		threads := 0
		if which == "duckdb-tidy-1" {
			threads = 1
		}
		// The reader's job: one row per year cell, the key split into
		// its dimensions, the value parsed apart from its flags.
		keyColumn, _, _ := strings.Cut(gentsv.Header(), "\t")
		return queryDuckDB(path, threads, fmt.Sprintf(`
			WITH t AS (SELECT * FROM read_csv(?, delim='\t', header=true, all_varchar=true)),
			u AS (UNPIVOT t ON COLUMNS('^[0-9]') INTO NAME period VALUE cell),
			c AS (SELECT string_split("%s", ',') AS key, trim(period) AS period,
			             try_cast(split_part(trim(cell), ' ', 1) AS DOUBLE) AS v FROM u)
			SELECT count(*), count(v), sum(v) FROM c WHERE len(key) = 6`, keyColumn))
	}
	return result{}, fmt.Errorf("unknown contender %q", which)
}

func readEmigre(path string) (result, error) {
	f, err := os.Open(path)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	r, err := extractors.ReaderFor("eurostat-tsv")
	if err != nil {
		return result{}, err
	}
	res := result{Threads: 1}
	err = r.Read(context.Background(), extractors.Input{Name: path, Body: f}, func(c extractors.Cell) error {
		res.Cells++
		if !c.Missing {
			res.Values++
			res.Sum += c.Value
		}
		return nil
	})
	return res, err
}

func queryDuckDB(path string, threads int, query string) (result, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return result{}, err
	}
	defer conn.Close()
	if threads > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
			return result{}, err
		}
	}
	var res result
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&res.Threads); err != nil {
		return result{}, err
	}
	var sum sql.NullFloat64
	if err := conn.QueryRowContext(ctx, query, path).Scan(&res.Cells, &res.Values, &sum); err != nil {
		return result{}, err
	}
	res.Sum = sum.Float64
	return res, nil
}
