// Package pipeline runs one refresh: fetch (or replay) every source, parse
// its bytes into observations, load them into a working copy of the
// warehouse, estimate over everything the warehouse holds, and publish.
// Every stage reads only what the previous one produced; a source that
// fails at any stage is recorded and skipped, never stopping the others and
// never erasing what earlier runs loaded for it.
package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/quality"
	"github.com/emigre/emigre/transform"
)

// Options configures one refresh.
type Options struct {
	Warehouse string // the published DuckDB file
	// Offline replays an archive instead of the network: ArchiveDir, or
	// the sample archive embedded in the binary when ArchiveDir is "".
	Offline    bool
	ArchiveDir string
	// Catalogue is every source there is (the embedded one when nil);
	// Sources the ones this run fetches (nil: all of them).
	Catalogue *catalogue.Catalogue
	Sources   []*extractors.Source
	// Credentials names, per source id and credential, the environment
	// variable that holds it when not the catalogue's default (config).
	Credentials map[string]map[string]string
	// Getenv reads credentials in a live run; os.Getenv when nil.
	Getenv   func(string) string
	Fetch    fetch.FetchConfig
	Estimate transform.Options
	Version  string
	Now      func() time.Time
	Quality  quality.Config // thresholds of the data-quality checks
	// AfterLoad, when set, runs inside the publishing transaction once the
	// run's sources, observations and estimates are written, so what it
	// writes (source states, alerts) lands with the run or not at all. An
	// error abandons the run.
	AfterLoad func(ctx context.Context, tx *load.Tx, sum *Summary) error
}

// Outcome is what happened to one source in a run.
type Outcome struct {
	Source     *extractors.Source
	Status     string // ok, unchanged or failed
	Stage      string // where it failed: fetch, parse, load
	HTTPStatus int
	Bytes      int64
	Rows       int // observations parsed
	Inserted   int // new or revised observation rows
	Duration   time.Duration
	Err        error
	Responses  []fetch.Response
	// Series are the outcome per destination: one for a one-country
	// source, one per destination of a multi-country source's answer (and
	// per destination its earlier answers held).
	Series []Series
	obs    []extractors.Observation
	// answer is obs summarised for the no-change check (nil when obs do
	// not load: the merge then fails the source, saying why).
	answer *load.Answer
}

// Summary is what a run did.
type Summary struct {
	RunID                                string
	Started, Finished                    time.Time
	Mode                                 string    // live or offline
	Sample                               bool      // the data came from the embedded sample
	WindowStart                          time.Time // W: the estimate counts moves since this date
	Warehouse, Archive                   string
	Attempted, Loaded, Unchanged, Failed int
	// NotConfigured and NotArchived count sources not fetched: a live run
	// without a credential they need, an offline replay without their
	// answer. Neither is a failure; neither is in Attempted.
	NotConfigured, NotArchived int
	// OtherOrigin counts catalogue sources that count another citizenship
	// than the run's origin (statements, fixed tables): not attempted.
	OtherOrigin int
	Rows        int
	Outcomes    []Outcome
	Estimates   []transform.Estimate
	Total       transform.Total
	Checks      []load.QualityCheckRow // the data-quality checks stored with the run
	Reports     []string               // report files written after publishing (reports/ beside the warehouse)
	// DataUnchanged: no answer could change the data, so the run was
	// recorded in the run log beside the warehouse, which was left as
	// PublishedRun published it (no estimates, checks or report).
	DataUnchanged bool
	PublishedRun  string
}

// openArchive returns the archive a run reads (and, live, writes).
func openArchive(opt Options) (*archive.Archive, string, bool, error) {
	switch {
	case opt.Offline && opt.ArchiveDir == "":
		a, err := archive.OpenFS(sample.FS())
		return a, "(embedded sample archive)", true, err
	case opt.Offline:
		// A replay creates nothing: a mistyped folder is an error, not an
		// empty archive that fails every source.
		a, err := archive.OpenReplay(opt.ArchiveDir)
		return a, opt.ArchiveDir, false, err
	default:
		a, err := archive.Open(opt.ArchiveDir)
		return a, opt.ArchiveDir, false, err
	}
}

// collect fetches and parses every source. It never fails as a whole: each
// source's failure is kept in its outcome.
func collect(ctx context.Context, opt Options, arch *archive.Archive) []Outcome {
	cfg := opt.Fetch
	if opt.Offline {
		cfg.Transport = archive.Replay{Archive: arch}
		cfg.Record = false
		cfg.Delay = 0
		cfg.Retries = 0
		cfg.Mirrors = nil
	}
	runnable, out := instantiate(opt, arch)
	// Parsing is CPU-bound and each source's is its own: one worker per
	// CPU, each taking a source as soon as its fetch is done, while the
	// others are still being fetched (politely, one request per host at a
	// time, which leaves the CPUs idle).
	fetched := make([]fetch.SourceFetch, len(runnable))
	parsed := make([]Outcome, len(runnable))
	cache := newParsedCache(opt.Warehouse)
	ready := make(chan int, len(runnable)) // never blocks a fetch
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range ready {
				parsed[i] = parseFetched(ctx, fetched[i], opt.Estimate.Origin, cache)
			}
		})
	}
	fetch.NewFetcher(cfg, arch).FetchEach(ctx, runnable, func(i int, sf fetch.SourceFetch) {
		fetched[i] = sf
		ready <- i
	})
	close(ready)
	wg.Wait()
	return append(out, parsed...)
}

// parseFetched turns one source's fetch into its outcome: parsed (or read
// from the cache, when the answers are the ones last parsed), or failed at
// the fetch or the parse.
func parseFetched(ctx context.Context, f fetch.SourceFetch, origin string, cache *parsedCache) Outcome {
	o := Outcome{Source: f.Source, HTTPStatus: f.Status, Bytes: f.Bytes, Duration: f.Duration, Responses: f.Responses}
	if f.Err != nil {
		o.Status, o.Stage, o.Err = "failed", "fetch", f.Err
	} else if kept, ok := cache.get(f, origin); ok && notErrorPages(&o) == nil {
		o.Status, o.obs, o.Rows, o.answer = "ok", kept.Obs, len(kept.Obs), kept.Answer
	} else if err := parseRecovered(ctx, &o, origin); err != nil {
		o.Status, o.Stage, o.Err = "failed", "parse", err
		o.obs = nil
	} else {
		o.Status = "ok"
		o.answer, _ = load.Summarise(o.Source.ID, o.obs) // nil for figures the load refuses
		cache.put(f, origin, o.obs, o.answer)
	}
	if o.Err != nil {
		slog.Error("source failed", "source", o.Source.ID, "stage", o.Stage, "error", o.Err)
	} else if o.answer == nil {
		o.answer, _ = load.Summarise(o.Source.ID, o.obs)
	}
	// Read: the bytes are in the archive. Kept until the publish, every
	// source's answers would be in memory at once.
	for i := range o.Responses {
		o.Responses[i].Body = nil
	}
	return o
}

// instantiate readies the run's sources for its origin and credentials
// (catalogue.ForRun). It returns those to fetch, and the outcomes of those
// that will not be: not configured, or (offline) not in the archive.
// Sources that count another citizenship are left out.
func instantiate(opt Options, arch *archive.Archive) ([]*extractors.Source, []Outcome) {
	p := catalogue.RunParams{Origin: opt.Estimate.Origin, EnvNames: opt.Credentials}
	if !opt.Offline {
		p.Env = opt.Getenv
		if p.Env == nil {
			p.Env = os.Getenv
		}
	}
	var runnable []*extractors.Source
	var skipped []Outcome
	for _, s := range opt.Sources {
		r, err := catalogue.ForRun(s, p)
		var nc *catalogue.NotConfiguredError
		switch {
		case errors.Is(err, catalogue.ErrOtherOrigin):
			continue
		case errors.As(err, &nc):
			slog.Info("source not configured", "source", s.ID, "env", nc.Env)
			skipped = append(skipped, Outcome{Source: s, Status: load.SourceNotConfigured, Err: err})
		case err != nil:
			skipped = append(skipped, Outcome{Source: s, Status: load.SourceFailed, Stage: load.StageFetch, Err: err})
		case opt.Offline && !archived(arch, r):
			skipped = append(skipped, Outcome{Source: s, Status: load.SourceNotArchived, Err: notArchivedError(opt, r)})
		default:
			runnable = append(runnable, r)
		}
	}
	return runnable, skipped
}

// archived reports whether the archive answers the source's first request.
func archived(arch *archive.Archive, s *extractors.Source) bool {
	if len(s.Requests) == 0 {
		return false
	}
	r := s.Requests[0]
	_, ok := arch.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
	return ok
}

func notArchivedError(opt Options, s *extractors.Source) error {
	if opt.ArchiveDir == "" {
		return fmt.Errorf("source %s: not in the sample archive (a live run fetches it)", s.ID)
	}
	return fmt.Errorf("source %s: not in the archive %s (no live run recorded it)", s.ID, opt.ArchiveDir)
}

// parseRecovered is parse with a panic in the source's reader or mapping
// turned into that source's failure: one bad reader must not stop the run.
func parseRecovered(ctx context.Context, o *Outcome, origin string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("source %s: panic while parsing: %v", o.Source.ID, p)
			slog.Error("source panicked while parsing", "source", o.Source.ID, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return parse(ctx, o, origin)
}

// parse runs the source's reader over each of its answers: a response, or
// the pages of a paged request read together.
func parse(ctx context.Context, o *Outcome, origin string) error {
	start := time.Now()
	defer func() { o.Duration += time.Since(start) }()
	var metadata []byte
	var pages []mapping.Page
	read := func() error {
		if len(pages) == 0 {
			return nil
		}
		obs, err := mapping.ExtractPages(ctx, o.Source, pages, metadata)
		name := map[string]string{} // a page's URL by its snapshot, for errors
		for _, p := range pages {
			name[p.Snapshot] = p.Name
		}
		pages = nil
		if err != nil {
			return err
		}
		for _, ob := range obs {
			c, err := transform.Canonicalize(ob)
			if err != nil {
				return fmt.Errorf("%s: %w", name[ob.Snapshot], err)
			}
			o.obs = append(o.obs, c)
		}
		return nil
	}
	for _, r := range o.Responses {
		switch r.Request.RoleOrData() {
		case extractors.RoleMetadata:
			metadata = r.Body // for the data answers after it
			continue
		case extractors.RoleDiscovery:
			continue // a page meant to be HTML; the file it links follows
		}
		if err := notAnErrorPage(o.Source, r); err != nil {
			return err
		}
		if r.Page <= 1 { // a new answer: read the one before
			if err := read(); err != nil {
				return err
			}
		}
		pages = append(pages, mapping.Page{Name: r.Request.URL, Body: r.Body, Snapshot: r.Entry.SHA256})
	}
	if err := read(); err != nil {
		return err
	}
	o.Rows = len(o.obs)
	return nil
}

// notErrorPages checks each data answer of the outcome with notAnErrorPage.
func notErrorPages(o *Outcome) error {
	for _, r := range o.Responses {
		if r.Request.RoleOrData() == extractors.RoleData {
			if err := notAnErrorPage(o.Source, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// notAnErrorPage fails a source whose data answer is an HTML page: sites
// answer bot challenges and errors with status 200, and a reader must never
// turn that into "no data".
func notAnErrorPage(s *extractors.Source, r fetch.Response) error {
	if s.Format == formats.Statement || s.Format == formats.HTMLTable {
		return nil
	}
	head := bytes.ToLower(bytes.TrimSpace(r.Body[:min(len(r.Body), 512)]))
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		strings.Contains(strings.ToLower(r.Entry.Header["Content-Type"]), "text/html") {
		return fmt.Errorf("source %s: %s: expected %s, got an HTML page (an error page or a bot challenge?)", s.ID, r.Request.URL, s.Format)
	}
	return nil
}

// errNoSources is returned when the selection is empty.
var errNoSources = errors.New("no sources selected")
