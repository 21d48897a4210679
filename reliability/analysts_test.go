package reliability

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/emigre/emigre/pipeline"

	_ "github.com/duckdb/duckdb-go/v2" // an analyst's own client: the driver alone
)

// readerEnv tells the test binary, re-executed, to act as an analyst's
// reader process (see TestAnalystReaderProcess).
const readerEnv = "EMIGRE_RELIABILITY_READER"

// sighting is one query of a reader: what it saw of the published state.
type sighting struct {
	Runs      int64   `json:"runs"`
	Total     float64 `json:"total"`     // estimate_total.net
	RowsSum   float64 `json:"rows_sum"`  // sum of latest_estimates.net over the rows in the total
	RunSum    float64 `json:"run_sum"`   // sum of the latest run's estimates.net in the total
	Attempted int64   `json:"attempted"` // runs.sources_attempted of the latest run
	Outcomes  int64   `json:"outcomes"`  // sources with run_sources rows in the latest run
	Err       string  `json:"err,omitempty"`
}

// One query, so one snapshot: the headline, the rows it sums, the latest
// run's own estimates, and whether that run landed whole.
const sightingQuery = `
	WITH last AS (SELECT run_id, sources_attempted FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1)
	SELECT (SELECT count(*) FROM runs),
		(SELECT net FROM estimate_total WHERE citizenship = 'RU'),
		(SELECT sum(net) FROM latest_estimates WHERE citizenship = 'RU' AND in_total),
		(SELECT sum(net) FROM estimates WHERE citizenship = 'RU' AND in_total AND run_id = (SELECT run_id FROM last)),
		(SELECT sources_attempted FROM last),
		(SELECT count(DISTINCT source_id) FROM run_sources WHERE run_id = (SELECT run_id FROM last))`

func look(ctx context.Context, db *sql.DB) sighting {
	var s sighting
	err := db.QueryRowContext(ctx, sightingQuery).Scan(&s.Runs, &s.Total, &s.RowsSum, &s.RunSum, &s.Attempted, &s.Outcomes)
	if err != nil {
		s.Err = err.Error()
	}
	return s
}

// TestAnalystReaderProcess is not a test on its own: re-executed with
// readerEnv=hold or reopen and the warehouse path, it queries the published
// warehouse in a loop, one JSON line per query, until its stdin closes.
// hold keeps one read-only connection for the whole time; reopen opens the
// file afresh for every query.
func TestAnalystReaderProcess(t *testing.T) {
	mode := os.Getenv(readerEnv)
	if mode == "" {
		t.Skip("a helper process of TestAnalystsReadThroughRefreshes")
	}
	path := os.Getenv(readerEnv + "_PATH")
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
		close(done)
	}()
	out := json.NewEncoder(os.Stdout)
	var held *sql.DB
	if mode == "hold" {
		db, err := analystOpen(path)
		if err != nil {
			_ = out.Encode(sighting{Err: err.Error()}) // a lost line fails the parent's check
			return
		}
		defer db.Close()
		held = db
	}
	for {
		select {
		case <-done:
			return
		default:
		}
		var s sighting
		if held != nil {
			s = look(ctx, held)
		} else if db, err := analystOpen(path); err != nil {
			s.Err = err.Error()
		} else {
			s = look(ctx, db)
			if err := db.Close(); err != nil && s.Err == "" {
				s.Err = err.Error()
			}
		}
		_ = out.Encode(s) // a lost line fails the parent's check
		// An analyst's pace, not a busy loop: the refreshes need the CPU.
		time.Sleep(5 * time.Millisecond)
	}
}

// analystOpen opens the warehouse as an analyst's own DuckDB client does:
// read-only through the driver, one thread so the refreshes keep the CPU.
func analystOpen(path string) (*sql.DB, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY&threads=1")
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// reader is an analyst's process querying the published warehouse.
type reader struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	seen   chan sighting
	mode   string
	counts map[int64]int // runs seen -> queries
}

func startReader(t *testing.T, mode, path string) *reader {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAnalystReaderProcess$")
	cmd.Env = append(os.Environ(), readerEnv+"="+mode, readerEnv+"_PATH="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &reader{cmd: cmd, stdin: stdin, seen: make(chan sighting, 1024), mode: mode, counts: map[int64]int{}}
	go func() {
		defer close(r.seen)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var s sighting
			if json.Unmarshal(sc.Bytes(), &s) == nil {
				r.seen <- s
			}
		}
	}()
	return r
}

// TestAnalystsReadThroughRefreshes keeps two analysts' processes reading
// the published warehouse, one holding it open and one reopening it for
// every query, through consecutive refreshes that each revise a figure (3
// in the default run, 10 under -tags reliability).
// No query errs; every query sees one whole published state: its totals
// match their rows and the run's own estimates, the run has all its
// outcomes, and the pair (runs, total) is one that a refresh published.
func TestAnalystsReadThroughRefreshes(t *testing.T) {
	t.Parallel()
	const refreshes = analystRefreshes
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	opt := liveOptions(dir, srv)
	published := map[int64]float64{} // runs -> estimate_total.net
	refresh := func(i int) {
		sum, err := pipeline.Run(t.Context(), opt)
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		published[int64(i+1)] = sum.Total.Net
	}
	refresh(0)

	readers := []*reader{startReader(t, "hold", opt.Warehouse), startReader(t, "reopen", opt.Warehouse)}
	hold, reopen := readers[0], readers[1]
	validate := func(r *reader, s sighting) {
		t.Helper()
		r.counts[s.Runs]++
		switch want, known := published[s.Runs]; {
		case s.Err != "":
			t.Fatalf("%s reader: %s", r.mode, s.Err)
		case !known || s.Total != want:
			t.Fatalf("%s reader saw %d runs with total %v: not a published state (%v)", r.mode, s.Runs, s.Total, published)
		case s.Total != s.RowsSum || s.Total != s.RunSum:
			t.Fatalf("%s reader: total %v, its rows sum to %v, the run's estimates to %v", r.mode, s.Total, s.RowsSum, s.RunSum)
		case s.Outcomes != s.Attempted:
			t.Fatalf("%s reader: the latest run has %d of its %d outcomes", r.mode, s.Outcomes, s.Attempted)
		}
	}
	// check consumes a reader's sightings until one shows runs runs.
	check := func(r *reader, runs int64) {
		t.Helper()
		deadline := time.After(time.Minute) // a hung reader fails, it does not hang the suite
		for {
			select {
			case s, ok := <-r.seen:
				if !ok {
					t.Fatalf("%s reader exited", r.mode)
				}
				validate(r, s)
				if s.Runs >= runs {
					return
				}
			case <-deadline:
				t.Fatalf("%s reader: no sighting of %d runs", r.mode, runs)
			}
		}
	}
	check(hold, 1)
	check(reopen, 1)
	for i := 1; i <= refreshes; i++ {
		srv.Set("eurostat-migr_pop1ctz", Revised(100*i))
		refresh(i)
		// The reopening reader must see this refresh before the next
		// one starts, so it sees every published state.
		check(reopen, int64(i+1))
		check(hold, 1)
	}
	if len(published) != refreshes+1 {
		t.Fatalf("%d states published", len(published))
	}
	for _, r := range readers {
		r.stdin.Close()
		for s := range r.seen {
			validate(r, s)
		}
		if err := r.cmd.Wait(); err != nil {
			t.Errorf("%s reader: %v", r.mode, err)
		}
	}
	if len(hold.counts) != 1 {
		t.Errorf("the holding reader saw states %v, want only the one it opened", hold.counts)
	}
	if len(reopen.counts) != refreshes+1 {
		t.Errorf("the reopening reader saw states %v, want all %d", reopen.counts, refreshes+1)
	}
	var queries int
	for _, r := range readers {
		for _, n := range r.counts {
			queries += n
		}
	}
	t.Logf("%d refreshes; readers ran %d queries without an error (hold %v, reopen %v)", refreshes, queries, hold.counts, reopen.counts)
}
