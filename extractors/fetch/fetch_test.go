package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

func testFetchConfig() FetchConfig {
	return FetchConfig{
		UserAgent:   UserAgent("test@example.org"),
		Timeout:     5 * time.Second,
		MaxBytes:    1 << 20,
		Retries:     3,
		BackoffBase: 10 * time.Millisecond,
		BackoffMax:  200 * time.Millisecond,
		Record:      true,
	}
}

func testSource(id, url string) *extractors.Source {
	return &extractors.Source{ID: id, Requests: []extractors.Request{{URL: url}}}
}

func newArchive(t *testing.T) *archive.Archive {
	t.Helper()
	a, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestFetcherHonoursRobotsTxt(t *testing.T) {
	var dataHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		default:
			dataHits.Add(1)
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer srv.Close()
	f := NewFetcher(testFetchConfig(), newArchive(t))
	res := f.FetchAll(context.Background(), []*extractors.Source{
		testSource("allowed", srv.URL+"/public/data.json"),
		testSource("blocked", srv.URL+"/private/data.json"),
	})
	if res[0].Err != nil {
		t.Fatalf("allowed path failed: %v", res[0].Err)
	}
	if res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "robots.txt") {
		t.Fatalf("blocked path: err = %v, want a robots.txt refusal", res[1].Err)
	}
	if n := dataHits.Load(); n != 1 {
		t.Errorf("server saw %d data requests, want 1 (the disallowed one must not be sent)", n)
	}
}

func TestFetcherOneRequestAtATimePerHost(t *testing.T) {
	var mu sync.Mutex
	inFlight, maxInFlight := 0, 0
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		inFlight++
		if inFlight > maxInFlight {
			maxInFlight = inFlight
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		fmt.Fprint(w, r.URL.Path)
	})
	a, b := httptest.NewServer(handler), httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "other host")
	}))
	defer a.Close()
	defer b.Close()
	cfg := testFetchConfig()
	cfg.Delay = 5 * time.Millisecond
	f := NewFetcher(cfg, newArchive(t))
	var srcs []*extractors.Source
	for i := range 5 {
		srcs = append(srcs, testSource(fmt.Sprintf("a%d", i), fmt.Sprintf("%s/t%d", a.URL, i)))
	}
	srcs = append(srcs, testSource("b", b.URL+"/x"))
	for _, r := range f.FetchAll(context.Background(), srcs) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Source.ID, r.Err)
		}
	}
	if maxInFlight != 1 {
		t.Errorf("host saw %d concurrent requests, want 1", maxInFlight)
	}
}

func TestFetcherRetriesWithRetryAfter(t *testing.T) {
	var hits atomic.Int32
	var times []time.Time
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if hits.Add(1) <= 2 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "finally")
	}))
	defer srv.Close()
	cfg := testFetchConfig()
	cfg.BackoffMax = 2 * time.Second
	f := NewFetcher(cfg, newArchive(t))
	r := f.FetchAll(context.Background(), []*extractors.Source{testSource("s", srv.URL+"/d")})[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got := string(r.Responses[0].Body); got != "finally" {
		t.Errorf("body %q", got)
	}
	if r.Responses[0].Attempts != 3 {
		t.Errorf("attempts = %d, want 3", r.Responses[0].Attempts)
	}
	// Retry-After: 1 must be honoured over the 10 ms backoff.
	if gap := times[1].Sub(times[0]); gap < 900*time.Millisecond {
		t.Errorf("retried after %v, want >= 1s as the server asked", gap)
	}
}

func TestFetcherGivesUpAfterRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	f := NewFetcher(testFetchConfig(), newArchive(t))
	r := f.FetchAll(context.Background(), []*extractors.Source{testSource("s", srv.URL+"/d")})[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), "500") || !strings.Contains(r.Err.Error(), "s:") {
		t.Fatalf("err = %v, want a 500 naming the source", r.Err)
	}
	if hits.Load() != 4 {
		t.Errorf("server saw %d attempts, want 1 + 3 retries", hits.Load())
	}
}

func TestFetcherConditionalRequestAndNotModified(t *testing.T) {
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "payload")
	}))
	defer srv.Close()
	arch := newArchive(t)
	src := testSource("s", srv.URL+"/d")
	first := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{src})[0]
	if first.Err != nil || first.Unchanged() {
		t.Fatalf("first fetch: err %v unchanged %v", first.Err, first.Unchanged())
	}
	second := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{src})[0]
	if second.Err != nil {
		t.Fatal(second.Err)
	}
	if conditional.Load() != 1 {
		t.Errorf("server saw %d conditional requests, want 1", conditional.Load())
	}
	if !second.Unchanged() {
		t.Error("a 304 must read as unchanged")
	}
	if got := string(second.Responses[0].Body); got != "payload" {
		t.Errorf("a 304 must give the archived body, got %q", got)
	}
	if n := len(entries(t, arch)); n != 2 {
		t.Errorf("manifest has %d lines, want 2 (the 200 and the 304)", n)
	}
}

func TestFetcherBodyOverLimitIsAnError(t *testing.T) {
	big := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // no Content-Length: the limit must bite while reading
		}
		fmt.Fprint(w, big)
	}))
	defer srv.Close()
	for _, path := range []string{"/sized", "/chunked"} {
		src := testSource("s", srv.URL+path)
		src.MaxBytes = 1000
		r := NewFetcher(testFetchConfig(), newArchive(t)).FetchAll(context.Background(), []*extractors.Source{src})[0]
		if r.Err == nil || !errors.Is(r.Err, ErrBodyTooLarge) {
			t.Errorf("%s: err = %v, want ErrBodyTooLarge", path, r.Err)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, max := time.Second, 10*time.Second
	for _, c := range []struct {
		attempt int
		after   time.Duration
		want    time.Duration
	}{{1, 0, time.Second}, {2, 0, 2 * time.Second}, {4, 0, 8 * time.Second}, {5, 0, 10 * time.Second},
		{1, 5 * time.Second, 5 * time.Second}, {1, time.Hour, 10 * time.Second}} {
		if got := backoff(base, max, c.attempt, c.after); got != c.want {
			t.Errorf("backoff(attempt %d, after %v) = %v, want %v", c.attempt, c.after, got, c.want)
		}
	}
}

// A host that does not resolve (.invalid never does) fails at once: not
// retried, and the host's other sources fail with the same answer without
// asking the resolver again.
func TestUnresolvedHostIsNotRetried(t *testing.T) {
	cfg := testFetchConfig()
	cfg.Retries = 5
	cfg.BackoffBase, cfg.BackoffMax = time.Hour, time.Hour // a retry would hang the test
	f := NewFetcher(cfg, newArchive(t))
	res := f.FetchAll(context.Background(), []*extractors.Source{
		testSource("a", "http://nowhere.invalid/a.json"),
		testSource("b", "http://nowhere.invalid/b.json"),
	})
	for _, r := range res {
		var unresolved *UnresolvedError
		if !errors.As(r.Err, &unresolved) || unresolved.Host != "nowhere.invalid" || strings.Contains(r.Err.Error(), "attempts") {
			t.Errorf("%s: err = %v, want one attempt failing as an unresolved host", r.Source.ID, r.Err)
		}
	}
}

// The run's deadline cuts a request that never answers (robots.txt
// included) and fails the sources not fetched yet; the others keep what
// they fetched.
func TestDeadlineEndsTheFetching(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer ok.Close()
	cfg := testFetchConfig()
	cfg.Timeout = time.Hour
	cfg.Deadline = 300 * time.Millisecond
	f := NewFetcher(cfg, newArchive(t))
	res := f.FetchAll(context.Background(), []*extractors.Source{
		testSource("fine", ok.URL+"/data.json"),
		testSource("hangs", hang.URL+"/data.json"),
		testSource("queued", hang.URL+"/more.json"),
	})
	if res[0].Err != nil {
		t.Errorf("fine: %v", res[0].Err)
	}
	for _, r := range res[1:] {
		var d *DeadlineError
		if !errors.As(r.Err, &d) || d.Deadline != cfg.Deadline {
			t.Errorf("%s: err = %v, want the run's deadline", r.Source.ID, r.Err)
		}
	}
}

func TestUserAgentWithoutContact(t *testing.T) {
	if ua := UserAgent(""); strings.Contains(ua, "contact") || !strings.HasPrefix(ua, "emigre/") {
		t.Errorf("UserAgent(\"\") = %q", ua)
	}
	if ua := UserAgent("ops@example.org"); !strings.Contains(ua, "ops@example.org") {
		t.Errorf("UserAgent(contact) = %q", ua)
	}
}

// TestImmutableRequestIsFetchedOnce: a request whose address names one
// fixed version of its file is sent once; the next live run reads the
// archived answer and sends nothing (no conditional request either), and
// the archive gets no line for what was not fetched.
func TestImmutableRequestIsFetchedOnce(t *testing.T) {
	var data atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		data.Add(1)
		fmt.Fprint(w, "pinned payload")
	}))
	defer srv.Close()
	arch := newArchive(t)
	src := &extractors.Source{ID: "s", Requests: []extractors.Request{{URL: srv.URL + "/abc123/file.csv", Immutable: true}}}
	first := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{src})[0]
	if first.Err != nil || first.Unchanged() {
		t.Fatalf("first fetch: err %v unchanged %v", first.Err, first.Unchanged())
	}
	before := time.Now().UTC()
	second := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{src})[0]
	if second.Err != nil {
		t.Fatal(second.Err)
	}
	if n := data.Load(); n != 1 {
		t.Errorf("the server saw %d requests for the pinned file, want 1", n)
	}
	r := second.Responses[0]
	if !second.Unchanged() || string(r.Body) != "pinned payload" || r.Attempts != 0 {
		t.Errorf("second fetch: unchanged %v, body %q, attempts %d; want the archived body, unchanged, no attempt",
			second.Unchanged(), r.Body, r.Attempts)
	}
	if r.Entry.FetchedAt.Before(before) {
		t.Errorf("dated %v: the run judges the source as of now", r.Entry.FetchedAt)
	}
	if n := len(entries(t, arch)); n != 1 {
		t.Errorf("manifest has %d lines, want 1 (nothing was fetched the second time)", n)
	}

	// Replaying the archive (no recording) goes through the replay
	// transport as before.
	cfg := testFetchConfig()
	cfg.Record = false
	cfg.Transport = archive.Replay{Archive: arch}
	replayed := NewFetcher(cfg, arch).FetchAll(context.Background(), []*extractors.Source{src})[0]
	if replayed.Err != nil || string(replayed.Responses[0].Body) != "pinned payload" {
		t.Errorf("replay: %v %q", replayed.Err, replayed.Responses[0].Body)
	}
}

// entries is a.Entries(), failing the test on an error.
func entries(t *testing.T, a *archive.Archive) []archive.Entry {
	t.Helper()
	es, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}
