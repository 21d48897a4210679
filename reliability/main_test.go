package reliability

import (
	"context"
	"fmt"
	"github.com/emigre/emigre/extractors/fetch"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

// logs records what the runs of this test binary log, so a test can check
// that a failed source is named in the log with its reason.
var logs = &logRecorder{}

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(logs))
	os.Exit(m.Run())
}

type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

type logRecorder struct {
	mu   sync.Mutex
	recs []logRecord
}

func (*logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler     { return l }
func (l *logRecorder) WithGroup(string) slog.Handler          { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, rec)
	l.mu.Unlock()
	return nil
}

// reset forgets what was logged.
func (l *logRecorder) reset() {
	l.mu.Lock()
	l.recs = nil
	l.mu.Unlock()
}

// sourceFailure returns the logged error of a failed source matching reason.
func (l *logRecorder) sourceFailure(source string, reason *regexp.Regexp) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.recs {
		if r.level >= slog.LevelError && r.attrs["source"] == source && reason.MatchString(r.attrs["error"]) {
			return r.attrs["error"], true
		}
	}
	return "", false
}

// containing returns every logged message and attribute holding s.
func (l *logRecorder) containing(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		line := fmt.Sprint(r.msg, " ", r.attrs)
		if regexp.MustCompile(regexp.QuoteMeta(s)).MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

// testCredential is every credential's value in the live runs: the
// GENESIS source's user name and password headers carry it.
const testCredential = "reliability-test-credential"

// liveOptions is a live run against srv into dir of every source the server
// answers: a fetcher with a short timeout, one retry with a short backoff,
// and a 1 MiB body limit, so that every fault resolves in seconds.
func liveOptions(dir string, srv *Server) pipeline.Options {
	return pipeline.Options{
		Warehouse:  filepath.Join(dir, "emigre.duckdb"),
		ArchiveDir: filepath.Join(dir, "archive"),
		Fetch: fetch.FetchConfig{
			UserAgent:   fetch.UserAgent("reliability-test@example.org"),
			Timeout:     time.Second,
			MaxBytes:    1 << 20,
			Retries:     1,
			BackoffBase: 10 * time.Millisecond,
			BackoffMax:  50 * time.Millisecond,
			Record:      true,
			Mirrors:     srv.Mirrors(),
		},
		Sources:  srv.Sources(),
		Estimate: transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:  "reliability-test",
		// Sources that need an account (GENESIS) are configured, so the
		// faults reach them; the local server asks for no credential.
		Getenv: func(string) string { return testCredential },
	}
}

// baseline is a healthy live run of every source: the warehouse and archive
// that each fault's run starts from.
type baseline struct {
	dir     string
	state   State
	alloc   uint64               // bytes the healthy run allocated
	sources []*extractors.Source // the sources of the run
	answers map[string]Answer    // their healthy answers, by source id
}

func newBaseline(t *testing.T) baseline {
	t.Helper()
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	opt := liveOptions(dir, srv)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	sum, err := pipeline.Run(t.Context(), opt)
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 || sum.Loaded != sum.Attempted {
		t.Fatalf("healthy baseline: %d loaded, %d failed of %d: %v", sum.Loaded, sum.Failed, sum.Attempted, failures(sum))
	}
	st, err := ReadState(t.Context(), filepath.Join(dir, "emigre.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]Answer{}
	for _, s := range opt.Sources {
		if answers[s.ID], err = srv.Answer(s); err != nil {
			t.Fatal(err)
		}
	}
	return baseline{dir: dir, state: st, alloc: m1.TotalAlloc - m0.TotalAlloc, sources: opt.Sources, answers: answers}
}

// copyTo copies the baseline's warehouse and archive into a new directory.
func (b baseline) copyTo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(b.dir)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// askedAgain are the sources a run after the baseline sends requests for:
// not those whose every request is pinned (immutable, read from the
// archive once it holds the answer), which no fault of the publisher's
// can reach.
func askedAgain(srcs []*extractors.Source) []*extractors.Source {
	var out []*extractors.Source
	for _, s := range srcs {
		for _, r := range s.Requests {
			if !r.Immutable {
				out = append(out, s)
				break
			}
		}
	}
	return out
}
