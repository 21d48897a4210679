package pipeline

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/transform"
)

// etagAnswer is etagPublisher's table; its figure is made up for these tests.
const etagAnswer = `{"items":[{"year":2022,"coo":"UKR","n":17}]}`

// etagPublisher answers etagAnswer with an ETag, and 304 to a request that
// names it.
func etagPublisher(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, etagAnswer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// etagOptions is a live run of etagSource, against a new etagPublisher,
// into the warehouse at path (its archive beside it).
func etagOptions(t *testing.T, path string) Options {
	srv := etagPublisher(t)
	return Options{
		Warehouse: path, ArchiveDir: filepath.Join(filepath.Dir(path), "archive"),
		Catalogue: catalogue.MustDefault(), Sources: []*extractors.Source{etagSource(srv.URL)},
		Fetch:    fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 5 * time.Second, Record: true},
		Estimate: transform.Options{Origin: "UA", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:  "test",
	}
}

func etagSource(host string) *extractors.Source {
	s := keyedSource(host)
	s.ID, s.Credentials = "is-test-etag", nil
	s.Requests = []extractors.Request{{URL: host + "/api?coo={origin}"}}
	return s
}

func currentValue(t *testing.T, path, source string) float64 {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return query[float64](t, db, `SELECT value FROM observations_current WHERE source_id = ?`, source)
}

// rewriteParsed changes the figures (and key) a parsed file holds.
func rewriteParsed(t *testing.T, path string, change func(*parsedFile)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pf parsedFile
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&pf); err != nil {
		t.Fatal(err)
	}
	change(&pf)
	var out bytes.Buffer
	if err := gob.NewEncoder(&out).Encode(pf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A refresh that gets the answer it parsed before (here a 304) takes the
// figures it kept, without reading the answer again; a kept file whose key
// does not match, or that cannot be read, is read again from the answer.
func TestAnAnswerParsedBeforeIsNotReadAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	opt := etagOptions(t, path)
	run := func(want float64) *Summary {
		t.Helper()
		sum, err := Run(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed != 0 {
			t.Fatalf("the source failed: %v", sum.Outcomes[0].Err)
		}
		if v := currentValue(t, path, "is-test-etag"); v != want {
			t.Fatalf("the warehouse holds %v, want %v", v, want)
		}
		return sum
	}
	run(17)
	kept := filepath.Join(path+ParsedSuffix, "is-test-etag.UA.gob")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("the parsed answer was not kept: %v", err)
	}

	// The publisher answers 304: the kept figures are taken as they are
	// (altered here, so that the warehouse shows which were used).
	rewriteParsed(t, kept, func(pf *parsedFile) {
		pf.Obs[0].Value = 99
		pf.Answer, _ = load.Summarise(pf.Obs[0].SourceID, pf.Obs)
	})
	if s := run(99); s.Outcomes[0].HTTPStatus != http.StatusNotModified {
		t.Fatalf("the publisher answered %d, want 304", s.Outcomes[0].HTTPStatus)
	}
	// Their summary is kept with them and taken too: a summary that says
	// the figures differ from what is loaded makes the run publish, though
	// the figures are the same.
	if s := run(99); !s.DataUnchanged {
		t.Fatal("the same kept figures again: the run should change no data")
	}
	rewriteParsed(t, kept, func(pf *parsedFile) {
		for c, d := range pf.Answer.Digests {
			d.Sum = "altered"
			pf.Answer.Digests[c] = d
		}
	})
	if s := run(99); s.DataUnchanged {
		t.Error("a kept summary that differs from what is loaded: the run should publish, it was logged")
	}

	// Kept under another key (another build, another answer): read again.
	rewriteParsed(t, kept, func(pf *parsedFile) { pf.Key = "another build" })
	run(17)

	// Unreadable: read again, and the run goes on.
	if err := os.WriteFile(kept, []byte("not a parsed answer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := run(17); !s.DataUnchanged {
		t.Error("the answer read again loads what the warehouse holds: the run should change no data")
	}
}

// A kept answer is still an answer: an HTML page where data should be is
// refused, though its bytes were parsed before.
func TestAKeptAnswerIsStillCheckedForAnErrorPage(t *testing.T) {
	src := etagSource("https://stats.example.org")
	body := []byte(`<!doctype html><p>Please verify you are human</p>`)
	f := fetch.SourceFetch{Source: src, Responses: []fetch.Response{{
		Request: src.Requests[0], Body: body, Unchanged: true,
		Entry: archive.Entry{URL: src.Requests[0].URL, SHA256: archive.Sum(body), Header: map[string]string{"Content-Type": "text/html"}},
	}}}
	cache := &parsedCache{dir: t.TempDir(), build: "test"}
	cache.put(f, "UA", []extractors.Observation{{SourceID: src.ID, Destination: "IS", Citizenship: "UA", Value: 1}}, nil)
	if _, ok := cache.get(f, "UA"); !ok {
		t.Fatal("the answer just kept is not found")
	}
	o := parseFetched(context.Background(), f, "UA", cache)
	if o.Err == nil || !strings.Contains(o.Err.Error(), "HTML page") {
		t.Errorf("an error page with kept figures: %v, want it refused as an HTML page", o.Err)
	}
}

// The key changes with what the parse reads, and not with a request's
// secrets, which no file should hold even hashed.
func TestParsedKey(t *testing.T) {
	cache := &parsedCache{dir: t.TempDir(), build: "test"}
	src := etagSource("https://stats.example.org")
	fetched := func(src *extractors.Source, sha string) fetch.SourceFetch {
		return fetch.SourceFetch{Source: src, Responses: []fetch.Response{{Request: src.Requests[0],
			Entry: archive.Entry{URL: src.Requests[0].URL, SHA256: sha}}}}
	}
	base := cache.key(fetched(src, "aa"), "UA")
	secret := *src
	secret.Requests = []extractors.Request{src.Requests[0]}
	secret.Requests[0].Secrets = map[string]string{"key": "k-123"}
	if cache.key(fetched(&secret, "aa"), "UA") != base {
		t.Error("a request's secret changed the key")
	}
	other := *src
	other.Map.Filter = map[string]string{"origin": "RUS"}
	// A source that does not encode (here a NaN) keys nothing, and so is
	// never kept or taken.
	odd := *src
	odd.Statement = &extractors.StatementEntry{Scale: math.NaN()}
	if k := cache.key(fetched(&odd, "aa"), "UA"); k != "" {
		t.Errorf("a source that does not encode has the key %q", k)
	}
	cache.put(fetched(&odd, "aa"), "UA", []extractors.Observation{{SourceID: odd.ID}}, nil)
	if _, ok := cache.get(fetched(&odd, "aa"), "UA"); ok {
		t.Error("figures kept for a source that does not encode")
	}
	for what, k := range map[string]string{
		"the bytes":  cache.key(fetched(src, "bb"), "UA"),
		"the origin": cache.key(fetched(src, "aa"), "RU"),
		"the source": cache.key(fetched(&other, "aa"), "UA"),
		"the build":  (&parsedCache{build: "other"}).key(fetched(src, "aa"), "UA"),
	} {
		if k == base {
			t.Errorf("changing %s kept the key", what)
		}
	}
}

// Once a source is read its answers' bytes are let go (they are in the
// archive): a refresh does not hold every answer until it publishes. The
// snapshots still record each answer's size.
func TestAnswersAreLetGoOnceRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	sum, err := Run(context.Background(), etagOptions(t, path))
	if err != nil {
		t.Fatal(err)
	}
	o := sum.Outcomes[0]
	if o.Err != nil || len(o.Responses) != 1 {
		t.Fatalf("outcome: %v, %d responses", o.Err, len(o.Responses))
	}
	if o.Responses[0].Body != nil {
		t.Error("the answer's bytes are still held after the source was read")
	}
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := query[int64](t, db, `SELECT size FROM snapshots WHERE source_id = 'is-test-etag'`); n != int64(len(etagAnswer)) {
		t.Errorf("snapshot size %d, want the answer's %d bytes", n, len(etagAnswer))
	}
}
