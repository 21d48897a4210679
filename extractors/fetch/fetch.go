// Package fetch is the fetcher: one colly Collector per run, polite to each
// host, recording every answer in the archive and replaying it offline
// through the same code.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// FetchConfig is how the fetcher behaves on the network.
type FetchConfig struct {
	// UserAgent names the project and a contact address, so a publisher
	// who sees our traffic can reach us.
	UserAgent string
	// Delay is the pause between two requests to one host; requests to one
	// host are never concurrent, different hosts are fetched in parallel.
	Delay time.Duration
	// Timeout bounds one request, body included: a server that trickles
	// bytes is cut off, not waited for.
	Timeout time.Duration
	// MaxBytes bounds one response body unless the source sets its own.
	MaxBytes int64
	// Retries is how many times a request is retried after a 429, a 5xx, a
	// timeout or a broken connection; backoff starts at BackoffBase and
	// doubles up to BackoffMax, and a Retry-After header is honoured.
	Retries     int
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// IgnoreRobots turns off robots.txt checks. Off by default; colly's own
	// default is to ignore robots.txt.
	IgnoreRobots bool
	// Transport answers the requests: nil for the network (a clone of
	// http.DefaultTransport, so HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE
	// work), or archive.Replay for an offline run.
	Transport http.RoundTripper
	// Mirrors rewrites URL prefixes before a request is sent (a mirror, or
	// a local test server), while the archive keeps the catalogue's URL.
	Mirrors map[string]string
	// Deadline bounds the fetching of a whole run: when it passes, the
	// requests under way are cancelled and the sources not fetched yet fail
	// (DeadlineError), so that the run publishes what it has instead of
	// hanging on a network that does not answer. 0: no deadline.
	Deadline time.Duration
	// Record says whether responses are written to the archive (live runs).
	Record bool
	// Now is the clock, for tests.
	Now func() time.Time
}

// DefaultFetchConfig returns polite defaults for live runs.
func DefaultFetchConfig(contact string) FetchConfig {
	return FetchConfig{
		UserAgent:   UserAgent(contact),
		Delay:       2 * time.Second,
		Timeout:     60 * time.Second,
		MaxBytes:    64 << 20,
		Retries:     3,
		BackoffBase: 2 * time.Second,
		BackoffMax:  2 * time.Minute,
		Deadline:    DefaultDeadline,
		Record:      true,
	}
}

// DefaultDeadline is a live run's fetch deadline unless configured: a full
// refresh at the polite delay takes a few minutes; this is many times that.
const DefaultDeadline = 30 * time.Minute

// DeadlineError is why a source failed when the run's deadline for fetching
// (FetchConfig.Deadline) passed before it was fetched.
type DeadlineError struct{ Deadline time.Duration }

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("the run's fetch deadline (%s, config fetch.deadline) passed before this source was fetched", e.Deadline)
}

// UnresolvedError is the failure of a request whose host does not resolve
// (no such host, or no DNS at all): not retried, and the host's other
// requests in the run fail at once with it.
type UnresolvedError struct {
	Host string
	Err  error
}

func (e *UnresolvedError) Error() string {
	return fmt.Sprintf("host %s does not resolve (DNS), not retried: %v", e.Host, e.Err)
}

func (e *UnresolvedError) Unwrap() error { return e.Err }

// UserAgent is the User-Agent the fetcher sends: the project and what it
// does, and the operator's contact when one is configured. Without one it
// says no more than that (the run says once, at its start, how to set one).
func UserAgent(contact string) string {
	if contact == "" {
		return "emigre/0.1 (official migration statistics collector)"
	}
	return "emigre/0.1 (official migration statistics collector; " + contact + ")"
}

// Response is one archived answer to one of a source's requests.
type Response struct {
	Request   extractors.Request
	Entry     archive.Entry // the manifest line; for a 304 it names the unchanged body
	Body      []byte
	Unchanged bool // the server answered 304, or the same bytes as last time
	Attempts  int
	// Page is the page number of an answer to a paged request (1 for the
	// first); 0 for a request that is not paged. The pages of one request
	// are read together, as one answer.
	Page int
}

// SourceFetch is what fetching one source gave.
type SourceFetch struct {
	Source    *extractors.Source
	Responses []Response
	Err       error // nil when every request answered
	Status    int   // the last HTTP status seen
	Bytes     int64
	Duration  time.Duration
}

// Unchanged reports whether every response was unchanged since the archive's
// previous copy.
func (f SourceFetch) Unchanged() bool {
	if f.Err != nil || len(f.Responses) == 0 {
		return false
	}
	for _, r := range f.Responses {
		if !r.Unchanged {
			return false
		}
	}
	return true
}

// Fetcher fetches sources through one colly Collector per run: colly keeps
// its robots cache and visited set for the Collector's lifetime, so a fresh
// one per run sees a changed robots.txt.
type Fetcher struct {
	cfg     FetchConfig
	arch    *archive.Archive
	c       *colly.Collector
	limits  *bodyLimits
	delayed map[string]bool

	mu         sync.Mutex
	unresolved map[string]*UnresolvedError // hosts that did not resolve in this run
}

// NewFetcher builds the run's collector over the transport.
func NewFetcher(cfg FetchConfig, arch *archive.Archive) *Fetcher {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	limits := &bodyLimits{base: base, def: cfg.MaxBytes, byURL: map[string]int64{}}
	c := colly.NewCollector(colly.UserAgent(cfg.UserAgent), colly.AllowURLRevisit(), colly.ParseHTTPErrorResponse())
	c.IgnoreRobotsTxt = cfg.IgnoreRobots
	// colly's own limit cuts bodies silently; ours (in the transport) fails.
	c.MaxBodySize = 0
	c.WithTransport(limits)
	if cfg.Timeout > 0 {
		c.SetRequestTimeout(cfg.Timeout)
	}
	c.OnResponse(func(r *colly.Response) { r.Ctx.Put("response", r) })
	c.OnError(func(r *colly.Response, err error) {
		r.Ctx.Put("response", r)
		r.Ctx.Put("error", err)
	})
	return &Fetcher{cfg: cfg, arch: arch, c: c, limits: limits, delayed: map[string]bool{},
		unresolved: map[string]*UnresolvedError{}}
}

// FetchAll fetches the sources, hosts in parallel and each host's requests
// one at a time, and returns one result per source in the order given.
func (f *Fetcher) FetchAll(ctx context.Context, srcs []*extractors.Source) []SourceFetch {
	out := make([]SourceFetch, len(srcs))
	f.FetchEach(ctx, srcs, func(i int, sf SourceFetch) { out[i] = sf })
	return out
}

// FetchEach is FetchAll handing each source's fetch (srcs[i]'s) to done as
// soon as it is complete, so that parsing can overlap the fetching; done
// is called from several goroutines at once. It returns when every source
// is done.
func (f *Fetcher) FetchEach(ctx context.Context, srcs []*extractors.Source, done func(i int, sf SourceFetch)) {
	byHost := map[string][]int{}
	var hosts []string
	for i, s := range srcs {
		h := "-"
		if len(s.Requests) > 0 {
			if u, err := url.Parse(f.rewrite(s.Requests[0].URL)); err == nil {
				h = u.Host
			}
		}
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], i)
	}
	for _, h := range hosts {
		f.limitHost(h)
	}
	if f.cfg.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, f.cfg.Deadline, &DeadlineError{Deadline: f.cfg.Deadline})
		defer cancel()
	}
	// colly takes its stdlib context from the collector: set once, before
	// any request, so a cancelled run (or one past its deadline) stops
	// mid-request. colly's robots.txt requests do not carry it: the
	// transport under colly ties every request to it as well.
	f.c.Context = ctx
	f.limits.setRun(ctx)
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Add(1)
		go func(idx []int) {
			defer wg.Done()
			for _, i := range idx {
				done(i, f.fetchSource(ctx, srcs[i]))
			}
		}(byHost[h])
	}
	wg.Wait()
}

// limitHost installs colly's per-host rule: one request at a time, with the
// configured delay. colly sleeps the delay while holding the host's slot,
// which is exactly "one request per host, spaced".
func (f *Fetcher) limitHost(host string) {
	if f.delayed[host] || host == "-" {
		return
	}
	f.delayed[host] = true
	_ = f.c.Limit(&colly.LimitRule{
		DomainRegexp: "^" + regexp.QuoteMeta(host) + "$",
		Parallelism:  1,
		Delay:        f.cfg.Delay,
	})
}

// fetchSource fetches every request of one source.
func (f *Fetcher) fetchSource(ctx context.Context, s *extractors.Source) SourceFetch {
	start := f.cfg.Now()
	res := SourceFetch{Source: s}
	if len(s.Requests) == 0 {
		res.Err = fmt.Errorf("source %s has no request", s.ID)
		return res
	}
	if ctx.Err() != nil {
		res.Err = fmt.Errorf("source %s: not fetched: %w", s.ID, context.Cause(ctx))
		return res
	}
	for _, req := range s.Requests {
		r, ok := f.fetchInto(ctx, s, req, &res)
		if !ok {
			break
		}
		if req.Paging != nil && req.RoleOrData() == extractors.RoleData {
			if !f.fetchPages(ctx, s, req, r, &res) {
				break
			}
			continue
		}
		if req.RoleOrData() != extractors.RoleDiscovery {
			continue
		}
		// The page names the data file: fetch the link it gives.
		link, err := discover(req, r.Body)
		if err != nil {
			res.Err = fmt.Errorf("source %s: discovery page %s: %w", s.ID, req.URL, err)
			break
		}
		if _, ok := f.fetchInto(ctx, s, extractors.Request{Role: extractors.RoleData, URL: link}, &res); !ok {
			break
		}
	}
	res.Duration = f.cfg.Now().Sub(start)
	return res
}

// fetchPages fetches the pages after first, the answer to req, until the
// answer says it is the last; false when a page failed or the answers do
// not say where they are (res.Err says why).
func (f *Fetcher) fetchPages(ctx context.Context, s *extractors.Source, req extractors.Request, first Response, res *SourceFetch) bool {
	r := first
	res.Responses[len(res.Responses)-1].Page = 1
	for n := 1; ; n++ {
		page, pages, err := pageOf(req.Paging, r.Body)
		switch {
		case n == 1 && errors.Is(err, errNotJSONObject):
			// Not an answer of the API at all (an HTML error page, an
			// empty body): no pages to follow, and the reader fails it
			// saying what it is.
			return true
		case err != nil:
			res.Err = fmt.Errorf("source %s: %s: %w", s.ID, r.Request.URL, err)
			return false
		case page != n:
			res.Err = fmt.Errorf("source %s: %s: asked for page %d, the answer says it is page %d", s.ID, r.Request.URL, n, page)
			return false
		case page >= pages:
			return true
		case n >= maxPages:
			res.Err = fmt.Errorf("source %s: %s: more than %d pages", s.ID, req.URL, maxPages)
			return false
		}
		next, err := nextPage(req, n+1)
		if err != nil {
			res.Err = fmt.Errorf("source %s: %s: %w", s.ID, req.URL, err)
			return false
		}
		var ok bool
		if r, ok = f.fetchInto(ctx, s, next, res); !ok {
			return false
		}
		res.Responses[len(res.Responses)-1].Page = n + 1
	}
}

// fetchInto fetches one request into res; false when it failed (res.Err
// says why).
func (f *Fetcher) fetchInto(ctx context.Context, s *extractors.Source, req extractors.Request, res *SourceFetch) (Response, bool) {
	r, status, err := f.fetchOne(ctx, s, req)
	res.Status = status
	if err != nil {
		res.Err = fmt.Errorf("source %s: %s %s: %w", s.ID, req.MethodOrGet(), req.URL, err)
		return r, false
	}
	res.Bytes += int64(len(r.Body))
	res.Responses = append(res.Responses, r)
	return r, true
}

// retryable marks an attempt's failure as worth another try.
type retryable struct {
	err   error
	after time.Duration // from Retry-After; 0 when absent
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func (f *Fetcher) fetchOne(ctx context.Context, s *extractors.Source, req extractors.Request) (Response, int, error) {
	method := req.MethodOrGet()
	reqHash := archive.HashBytes([]byte(req.Body))
	prev, hasPrev := archive.Entry{}, false
	if f.arch != nil {
		prev, hasPrev = f.arch.Latest(method, req.URL, reqHash)
	}
	limit := s.MaxBytes
	if limit <= 0 {
		limit = f.cfg.MaxBytes
	}
	target := f.rewrite(req.Fill(req.URL))
	f.limits.set(target, limit)
	host := hostOf(target)
	if err := f.unresolvedHost(host); err != nil {
		return Response{}, 0, err
	}

	if r, ok := f.fromArchive(req, prev, hasPrev); ok {
		return r, r.Entry.Status, nil
	}
	var lastStatus int
	for attempt := 1; ; attempt++ {
		r, status, err := f.attempt(ctx, method, target, req, prev, hasPrev)
		lastStatus = status
		if err == nil {
			r.Attempts = attempt
			return f.record(s, req, reqHash, r, prev)
		}
		var rt *retryable
		err = scrubbed(req, err)
		var unresolved *UnresolvedError
		if errors.As(err, &unresolved) {
			f.markUnresolved(host, unresolved)
		}
		if ctx.Err() != nil {
			// Cancelled, or the run's deadline passed: say which.
			return Response{}, lastStatus, fmt.Errorf("%w (%v)", context.Cause(ctx), err)
		}
		if !errors.As(err, &rt) || attempt > f.cfg.Retries {
			if attempt > 1 {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return Response{}, lastStatus, err
		}
		wait := backoff(f.cfg.BackoffBase, f.cfg.BackoffMax, attempt, rt.after)
		slog.Warn("retrying", "source", s.ID, "url", req.URL, "attempt", attempt, "wait", wait, "error", err)
		select {
		case <-ctx.Done():
			return Response{}, lastStatus, context.Cause(ctx)
		case <-time.After(wait):
		}
	}
}

// fromArchive answers an immutable request whose answer the archive holds
// (its address names one fixed version of the file) as unchanged, without
// sending it: a live run does not ask a publisher again for what cannot
// have changed. The archive gets no new line (nothing was fetched);
// the response is dated now, the instant the run judges the source at.
// Attempts is 0: no request was sent.
func (f *Fetcher) fromArchive(req extractors.Request, prev archive.Entry, hasPrev bool) (Response, bool) {
	if !req.Immutable || !hasPrev || !f.cfg.Record || prev.SHA256 == "" {
		return Response{}, false
	}
	body, err := f.arch.Object(prev.SHA256)
	if err != nil {
		// The archive lost it: ask the publisher again.
		slog.Warn("immutable request's archived answer unreadable, fetching it", "url", req.URL, "error", err)
		return Response{}, false
	}
	slog.Debug("immutable request answered from the archive", "url", req.URL, "sha256", prev.SHA256)
	e := prev
	e.FetchedAt = f.cfg.Now().UTC()
	return Response{Request: req, Entry: e, Body: body, Unchanged: true}, true
}

// unresolvedHost is the error of a host that did not resolve earlier in
// the run, nil otherwise: its other requests fail at once.
func (f *Fetcher) unresolvedHost(host string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.unresolved[host]; ok {
		return e
	}
	return nil
}

func (f *Fetcher) markUnresolved(host string, e *UnresolvedError) {
	f.mu.Lock()
	f.unresolved[host] = e
	f.mu.Unlock()
}

func hostOf(target string) string {
	if u, err := url.Parse(target); err == nil {
		return u.Hostname()
	}
	return ""
}

// scrubbedError is an error whose text shows no secret of its request.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubbed hides the request's secrets in err's text, keeping what it wraps.
func scrubbed(req extractors.Request, err error) error {
	if len(req.Secrets) == 0 {
		return err
	}
	if msg := req.Scrub(err.Error()); msg != err.Error() {
		return &scrubbedError{msg: msg, err: err}
	}
	return err
}

// backoff is base*2^(attempt-1) capped at max, or the server's Retry-After
// when it asks for longer (also capped: a server asking for a day is a
// failure for this run, not a reason to hang).
func backoff(base, max time.Duration, attempt int, after time.Duration) time.Duration {
	d := base << (attempt - 1)
	if d <= 0 || d > max {
		d = max
	}
	if after > d {
		d = after
	}
	if d > max {
		d = max
	}
	return d
}

func (f *Fetcher) attempt(ctx context.Context, method, target string, req extractors.Request, prev archive.Entry, hasPrev bool) (Response, int, error) {
	hdr := http.Header{}
	for k, v := range req.Header {
		hdr.Set(k, req.Fill(v))
	}
	if hasPrev {
		if prev.ETag != "" {
			hdr.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			hdr.Set("If-Modified-Since", prev.LastModified)
		}
	}
	cctx := colly.NewContext()
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Fill(req.Body))
	}
	err := f.c.Request(method, target, body, cctx, hdr)
	resp, _ := cctx.GetAny("response").(*colly.Response)
	if e, ok := cctx.GetAny("error").(error); ok && err == nil {
		err = e
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if err != nil {
		if errors.Is(err, colly.ErrRobotsTxtBlocked) {
			return Response{}, status, fmt.Errorf("robots.txt disallows %s for our user agent", redacted(target))
		}
		if errors.Is(err, ErrBodyTooLarge) || ctx.Err() != nil || strings.Contains(err.Error(), "stopped after") {
			// too large, cancelled, or a redirect loop: trying again won't help
			return Response{}, status, err
		}
		if dns := (*net.DNSError)(nil); errors.As(err, &dns) {
			// No such host, or no DNS at all: retrying (and every other
			// request to the host) would only wait for the same answer.
			return Response{}, status, &UnresolvedError{Host: hostOf(target), Err: err}
		}
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			// Go words this several ways; say it once, with the limit.
			return Response{}, status, &retryable{err: fmt.Errorf("timed out: no complete answer within %s: %w", f.cfg.Timeout, err)}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// The connection closed before Content-Length bytes came.
			return Response{}, status, &retryable{err: fmt.Errorf("truncated body: the connection closed before the declared length arrived: %w", err)}
		}
		if status == 0 || isTransient(err) {
			return Response{}, status, &retryable{err: err}
		}
	}
	if resp == nil {
		return Response{}, status, errors.New("no response")
	}
	h := resp.Headers
	switch {
	case status == http.StatusNotModified:
		if !hasPrev {
			return Response{}, status, errors.New("304 Not Modified to an unconditional request")
		}
		return Response{Request: req, Unchanged: true, Entry: archive.Entry{Status: 304,
			ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}}, status, nil
	case status == http.StatusTooManyRequests || status >= 500:
		return Response{}, status, &retryable{err: fmt.Errorf("HTTP %d %s", status, http.StatusText(status)),
			after: retryAfter(h.Get("Retry-After"), f.cfg.Now())}
	case status >= 300 && status < 400 && h.Get("Location") != "":
		// colly hands back the last answer after 10 redirects.
		return Response{}, status, fmt.Errorf("HTTP %d %s: still redirected after 10 redirects (a redirect loop?), last to %q",
			status, http.StatusText(status), h.Get("Location"))
	case status < 200 || status >= 300:
		return Response{}, status, fmt.Errorf("HTTP %d %s", status, http.StatusText(status))
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n != int64(len(resp.Body)) && h.Get("Content-Encoding") == "" {
			return Response{}, status, &retryable{err: fmt.Errorf("truncated body: %d of %d bytes", len(resp.Body), n)}
		}
	}
	e := archive.Entry{Status: status, ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified"),
		Header: map[string]string{}}
	for _, k := range []string{"Content-Type", "Content-Disposition", "Date"} {
		if v := h.Get(k); v != "" {
			e.Header[k] = v
		}
	}
	return Response{Request: req, Entry: e, Body: resp.Body}, status, nil
}

// record writes a live answer to the archive, or, for a 304 or replay,
// loads the body the archive already holds.
func (f *Fetcher) record(s *extractors.Source, req extractors.Request, reqHash string, r Response, prev archive.Entry) (Response, int, error) {
	e := r.Entry
	e.Source, e.Method, e.URL, e.RequestSHA256 = s.ID, req.MethodOrGet(), req.URL, reqHash
	e.FetchedAt = f.cfg.Now().UTC()
	if r.Unchanged {
		e.SHA256, e.Size, e.Provenance = prev.SHA256, prev.Size, prev.Provenance
		if e.ETag == "" {
			e.ETag = prev.ETag
		}
		if e.LastModified == "" {
			e.LastModified = prev.LastModified
		}
		body, err := f.arch.Object(prev.SHA256)
		if err != nil {
			return Response{}, 304, err
		}
		r.Body = body
	} else {
		e.SHA256, e.Size = archive.Sum(r.Body), int64(len(r.Body))
		if prev.SHA256 == e.SHA256 {
			r.Unchanged = true // same bytes as last time: nothing new to parse
			e.Provenance = prev.Provenance
		}
	}
	if !f.cfg.Record || f.arch == nil {
		// Replaying: the manifest line is the archive's own.
		if prev.SHA256 != "" {
			e.FetchedAt, e.Provenance = prev.FetchedAt, prev.Provenance
		}
		r.Entry = e
		return r, e.Status, nil
	}
	if e.Provenance == nil || e.Provenance.Kind != "reconstructed" {
		e.Provenance = &archive.Provenance{Kind: "recorded"}
	}
	stored, err := f.arch.Put(r.Body, e)
	if err != nil {
		return Response{}, e.Status, fmt.Errorf("archiving: %w", err)
	}
	r.Entry = stored
	return r, e.Status, nil
}

func (f *Fetcher) rewrite(u string) string {
	for from, to := range f.cfg.Mirrors {
		if strings.HasPrefix(u, from) {
			return to + strings.TrimPrefix(u, from)
		}
	}
	return u
}

// redacted hides a password in a URL (a mirror's credentials) from errors
// and logs, as net/http does in its own errors.
func redacted(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func isTransient(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// ErrBodyTooLarge is the error of a response body over the source's limit.
var ErrBodyTooLarge = errors.New("response body over the size limit")

// bodyLimits is the transport under colly: it fails a body over its limit
// instead of cutting it (colly's MaxBodySize cuts silently), and marks every
// body as already decoded so colly never gunzips a body itself without a
// bound (a gzip bomb). Go's transport still decodes Content-Encoding: gzip,
// and the limit then applies to the decoded bytes.
type bodyLimits struct {
	base  http.RoundTripper
	def   int64
	mu    sync.Mutex
	byURL map[string]int64
	run   context.Context // cancels every request when the run ends; nil: none
}

func (b *bodyLimits) setRun(ctx context.Context) {
	b.mu.Lock()
	b.run = ctx
	b.mu.Unlock()
}

// withRun ties the request to the run's context too, so that a request
// made without it (colly's robots.txt) is cancelled with the run; release
// frees what it holds once the answer is read.
func (b *bodyLimits) withRun(req *http.Request) (*http.Request, func()) {
	b.mu.Lock()
	run := b.run
	b.mu.Unlock()
	if run == nil {
		return req, func() {}
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(run, func() { cancel(context.Cause(run)) })
	return req.WithContext(ctx), func() { stop(); cancel(nil) }
}

func (b *bodyLimits) set(u string, n int64) {
	b.mu.Lock()
	b.byURL[u] = n
	b.mu.Unlock()
}

func (b *bodyLimits) RoundTrip(req *http.Request) (*http.Response, error) {
	req, release := b.withRun(req)
	resp, err := b.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		release()
		return resp, err
	}
	b.mu.Lock()
	n, ok := b.byURL[req.URL.String()]
	b.mu.Unlock()
	if !ok {
		n = b.def
	}
	if resp.ContentLength > n {
		resp.Body.Close()
		release()
		return nil, fmt.Errorf("%w: Content-Length %d > %d bytes", ErrBodyTooLarge, resp.ContentLength, n)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: n, limit: n, release: release}
	resp.Uncompressed = true
	return resp, nil
}

type limitedBody struct {
	rc      io.ReadCloser
	left    int64
	limit   int64
	release func() // called once the body is closed
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		n, err := l.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, l.limit)
		}
		if err == nil {
			err = io.ErrNoProgress
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limitedBody) Close() error {
	err := l.rc.Close()
	if l.release != nil {
		l.release()
	}
	return err
}
