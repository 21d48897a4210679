package schedules

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"github.com/emigre/emigre/extractors/fetch"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	_ "github.com/emigre/emigre/extractors/formats" // jsonstat and statement readers
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

// The test catalogue: small Icelandic tables and a statement, served by a
// test publisher (the fetcher's Mirrors send their host to an httptest
// server) or replayed from an archive the test writes. Only these sources
// are registered in this test binary.
const testHost = "https://stats.example.org"

var (
	srcFresh     = annual("is-test-fresh", 6)
	srcLate      = annual("is-test-late", 6)
	srcSlow      = annual("is-test-slowlag", 10)
	srcEarly     = annual("is-test-early", 6)
	srcFlaky     = annual("is-test-flaky", 6)
	srcDrift     = annual("is-test-drift", 6)
	srcPanics    = annual("is-test-panics", 6)
	srcStatement = &extractors.Source{
		ID: "is-test-statement", Destination: "IS", Publisher: "Test Ministry", Dataset: "statement",
		Title: "Russian citizens in Iceland (test statement)", Homepage: testHost + "/news",
		Requests: []extractors.Request{{URL: testHost + "/news/statement.html"}}, Format: "statement",
		Map:     extractors.Mapping{FixedCitizenship: "RU", Metric: extractors.Statement},
		Cadence: extractors.AdHoc, Priority: 10, Licence: "test", Notes: "test statement",
		Statement: &extractors.StatementEntry{
			Measure: extractors.ResidentStock, RefDate: day("2024-03-01"), SaidOn: day("2024-03-05"),
			Kind: extractors.KindStock, Speaker: extractors.Speaker{Body: "A test minister"}, Quote: "about 1,234 Russian citizens live here", Translation: "the same",
			Pattern: `about (\d[\d,]*) Russian citizens`, Scale: 1,
		},
	}
)

func init() {
	srcPanics.Format = "test-panics"
	extractors.RegisterReader(panickingReader{})

}

func annual(id string, lag int) *extractors.Source {
	return &extractors.Source{
		ID: id, Destination: "IS", Publisher: "Test Statistics", Dataset: id, Title: "Immigration of Russians, " + id,
		Homepage: testHost + "/" + id, Requests: []extractors.Request{{URL: testHost + "/data/" + id + ".json"}},
		Format: "jsonstat", Map: extractors.Mapping{Time: "time", Citizenship: "citizen", Metric: extractors.Immigration},
		Cadence: extractors.Annual, LagMonths: lag, Priority: 10, Licence: "test", Notes: "test source",
	}
}

// panickingReader is a reader with a bug.
type panickingReader struct{}

func (panickingReader) Format() string   { return "test-panics" }
func (panickingReader) Params() []string { return nil }
func (panickingReader) Read(context.Context, extractors.Input, extractors.Emit) error {
	var m map[string]int
	m["boom"]++ //nolint:staticcheck // SA5000: a nil map write is the point, a real runtime panic
	return nil
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// table is a JSON-stat 2.0 answer with yearly immigration of Russians from
// 2019 through last.
func table(last int) []byte {
	var idx, vals []string
	for y := 2019; y <= last; y++ {
		idx = append(idx, fmt.Sprintf("%q:%d", fmt.Sprint(y), y-2019))
		vals = append(vals, fmt.Sprint(100+10*(y-2019)))
	}
	return []byte(fmt.Sprintf(`{"version":"2.0","class":"dataset","label":"test","id":["citizen","time"],"size":[1,%d],`+
		`"dimension":{"citizen":{"category":{"index":{"RU":0}}},"time":{"category":{"index":{%s}}}},"value":[%s]}`,
		len(vals), strings.Join(idx, ","), strings.Join(vals, ",")))
}

const statementPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head>` +
	`<body><p>The minister said about 1,234 Russian citizens live here.</p></body></html>`

// clock is an injected clock the test sets. With step set, every reading
// moves it on by step (runs that follow each other get distinct ids).
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// answer is what the test publisher serves for a path.
type answer struct {
	status      int
	contentType string
	body        []byte
}

// publisher is a test publisher: paths of testHost, answers the test sets.
type publisher struct {
	mu      sync.Mutex
	answers map[string]answer
	srv     *httptest.Server
}

func newPublisher(t *testing.T) *publisher {
	p := &publisher{answers: map[string]answer{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		a, ok := p.answers[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *publisher) set(s *extractors.Source, a answer) {
	path := strings.TrimPrefix(s.Requests[0].URL, testHost)
	p.mu.Lock()
	p.answers[path] = a
	p.mu.Unlock()
}

func jsonAnswer(last int) answer {
	return answer{status: 200, contentType: "application/json", body: table(last)}
}

func htmlAnswer(status int, body string) answer {
	return answer{status: status, contentType: "text/html; charset=utf-8", body: []byte(body)}
}

// refresher runs the pipeline with opt as the monitor's refresh, the way
// package refresher wires it (which these tests cannot import: it
// imports this package): package schedules itself never imports the
// pipeline, its tests drive the real one.
func refresher(opt pipeline.Options) Refresher {
	return func(ctx context.Context, sources []*extractors.Source, judge JudgeRun) error {
		o := opt
		o.Sources = sources
		chained := opt.AfterLoad
		o.AfterLoad = func(ctx context.Context, tx *load.Tx, s *pipeline.Summary) error {
			if chained != nil {
				if err := chained(ctx, tx, s); err != nil {
					return err
				}
			}
			run := Run{ID: s.RunID, Started: s.Started, Mode: s.Mode, Sample: s.Sample,
				Attempted: s.Attempted, Loaded: s.Loaded, Unchanged: s.Unchanged, Failed: s.Failed}
			for _, oc := range s.Outcomes {
				var fetched time.Time
				for _, r := range oc.Responses {
					fetched = later(fetched, r.Entry.FetchedAt)
				}
				// One attempt per series, as cmd/emigre describes a run.
				for _, sr := range oc.Series {
					a := Attempt{Source: oc.Source, Destination: sr.Destination, Status: sr.Status, Stage: oc.Stage,
						HTTPStatus: oc.HTTPStatus, Bytes: oc.Bytes, Rows: sr.Rows, Duration: oc.Duration, FetchedAt: fetched}
					if sr.Status != load.SourceAbsent {
						a.Err = oc.Err
					}
					run.Sources = append(run.Sources, a)
				}
			}
			return judge(ctx, tx, run)
		}
		_, err := pipeline.Run(ctx, o)
		return err
	}
}

// liveOptions fetch from the test publisher, with every clock injected, so
// fetched_at (and with it the judgement) is the test's chosen instant.
func liveOptions(t *testing.T, p *publisher, c *clock, srcs ...*extractors.Source) pipeline.Options {
	dir := t.TempDir()
	return pipeline.Options{
		Warehouse:  filepath.Join(dir, "emigre.duckdb"),
		ArchiveDir: filepath.Join(dir, "archive"),
		Sources:    srcs,
		Fetch: fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second, Record: true,
			Mirrors: map[string]string{testHost: p.srv.URL}, Now: c.Now},
		Estimate: transform.Options{Origin: "RU", WindowStart: day("2022-01-01")},
		Version:  "test",
		Now:      c.Now,
	}
}

// offlineOptions replay the archive in dir.
func offlineOptions(t *testing.T, dir string, c *clock, srcs ...*extractors.Source) pipeline.Options {
	return pipeline.Options{
		Warehouse:  filepath.Join(t.TempDir(), "emigre.duckdb"),
		Offline:    true,
		ArchiveDir: dir,
		Sources:    srcs,
		Fetch:      fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate:   transform.Options{Origin: "RU", WindowStart: day("2022-01-01")},
		Version:    "test",
		Now:        c.Now,
	}
}

// writeArchive records answers as fetched at the given instants.
func writeArchive(t *testing.T, entries map[*extractors.Source]struct {
	a  answer
	at time.Time
}) string {
	t.Helper()
	dir := t.TempDir()
	arch, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for s, e := range entries {
		_, err := arch.Put(e.a.body, archive.Entry{Source: s.ID, Method: "GET", URL: s.Requests[0].URL, Status: e.a.status,
			Header: map[string]string{"Content-Type": e.a.contentType}, FetchedAt: e.at,
			Provenance: &archive.Provenance{Kind: "recorded"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// receiver is a webhook endpoint that keeps the batches it received,
// verifying their signature.
type receiver struct {
	mu      sync.Mutex
	batches []Batch
	bodies  [][]byte
	srv     *httptest.Server
	fail    int // answer 500 to this many requests first
}

func newReceiver(t *testing.T, secret []byte) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.fail > 0 {
			rc.fail--
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		if secret != nil && !VerifySignature(secret, body, r.Header.Get(SignatureHeader)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var b Batch
		if err := json.Unmarshal(body, &b); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc.batches = append(rc.batches, b)
		rc.bodies = append(rc.bodies, body)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// events returns "event kind source" of every notification received.
func (rc *receiver) events() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, b := range rc.batches {
		for _, n := range b.Alerts {
			out = append(out, fmt.Sprintf("%s %s %s", n.Event, n.Kind, n.SourceID))
		}
	}
	return out
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.batches)
}

func testPolicy(t *testing.T) Policy {
	p := DefaultPolicy()
	p.FailingAfter = 2
	return p
}

func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryRows(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			switch x := v.(type) {
			case time.Time:
				parts = append(parts, x.UTC().Format(time.RFC3339))
			case nil:
				parts = append(parts, "NULL")
			default:
				parts = append(parts, fmt.Sprint(x))
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// helperEnv switches the test binary into a helper process (lock holder,
// daemon) for the tests that need a second real process.
const helperEnv = "EMIGRE_SCHEDULES_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "lock":
		os.Exit(lockHelper())
	case "daemon":
		os.Exit(daemonHelper())
	}
	os.Exit(m.Run())
}
