package reliability

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/sample"
	_ "github.com/emigre/emigre/extractors/sources" // the catalogue the archive's answers belong to
)

// Answer is what the server answers a source's request with when nothing is
// injected: the archive's newest body for the request.
type Answer struct {
	Source      *extractors.Source
	Body        []byte
	ContentType string
}

// Handler answers one data request of a source instead of the healthy
// answer: a fault, or a revised body.
type Handler func(w http.ResponseWriter, r *http.Request, a Answer)

// Server serves an archive as the publishers would. The fetcher reaches it
// through FetchConfig.Mirrors (see Mirrors): the first path segment names the
// publisher's host, so the archive's URLs and keys stay the real ones.
// robots.txt is absent (allow all). Per source, a Handler can replace the
// healthy answer.
type Server struct {
	*httptest.Server
	arch *archive.Archive

	mu        sync.Mutex
	handlers  map[string]Handler
	hits      map[string]int
	onRequest func(source string)
	robots    string
}

// NewServer starts a server over the archive. Close it when done.
func NewServer(arch *archive.Archive) *Server {
	s := &Server{arch: arch, handlers: map[string]Handler{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewSampleServer starts a server over the sample archive embedded in the
// binary: one healthy answer per catalogue source.
func NewSampleServer() (*Server, error) {
	a, err := archive.OpenFS(sample.FS())
	if err != nil {
		return nil, err
	}
	return NewServer(a), nil
}

// Set makes h answer the source's requests; a nil h restores the healthy
// answer.
func (s *Server) Set(sourceID string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, sourceID)
		return
	}
	s.handlers[sourceID] = h
}

// Inject makes the source's requests meet the fault.
func (s *Server) Inject(sourceID string, f Fault) { s.Set(sourceID, f.Serve) }

// Hits is how many data requests of the source the server has received.
func (s *Server) Hits(sourceID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[sourceID]
}

// TotalHits is how many data requests the server has received.
func (s *Server) TotalHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

// OnRequest calls fn with the source's id as each data request arrives,
// before it is answered (a test's signal that a run is fetching).
func (s *Server) OnRequest(fn func(sourceID string)) {
	s.mu.Lock()
	s.onRequest = fn
	s.mu.Unlock()
}

// SetRobots makes /robots.txt answer text ("" answers 404: allow all).
func (s *Server) SetRobots(text string) {
	s.mu.Lock()
	s.robots = text
	s.mu.Unlock()
}

// Answer is the healthy answer to the source's first request.
func (s *Server) Answer(src *extractors.Source) (Answer, error) {
	if len(src.Requests) == 0 {
		return Answer{}, fmt.Errorf("source %s has no request", src.ID)
	}
	r := src.Requests[0]
	e, ok := s.arch.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
	if !ok {
		return Answer{}, fmt.Errorf("source %s: the archive has no answer to %s", src.ID, r.URL)
	}
	body, err := s.arch.Object(e.SHA256)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Source: src, Body: body, ContentType: e.Header["Content-Type"]}, nil
}

// Sources is the catalogue's sources whose every request the archive
// answers: what a run against the server can load. (A source added to the
// catalogue before its sample snapshot is the completeness tests' concern.)
func (s *Server) Sources() []*extractors.Source {
	var out []*extractors.Source
	for _, src := range extractors.Sources() {
		answered := len(src.Requests) > 0
		for _, r := range src.Requests {
			if _, ok := s.arch.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body))); !ok {
				answered = false
			}
		}
		if answered {
			out = append(out, src)
		}
	}
	return out
}

// Mirrors maps every host of the archive's URLs to this server, for
// FetchConfig.Mirrors and the config file's mirrors.
func (s *Server) Mirrors() map[string]string {
	m := map[string]string{}
	for _, e := range s.arch.Entries() {
		u, err := url.Parse(e.URL)
		if err != nil {
			continue
		}
		m[u.Scheme+"://"+u.Host] = s.URL + "/" + u.Host
	}
	return m
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		s.mu.Lock()
		robots := s.robots
		s.mu.Unlock()
		if robots == "" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(robots))
		return
	}
	host, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	orig := "https://" + host + "/" + rest
	if r.URL.RawQuery != "" {
		orig += "?" + r.URL.RawQuery
	}
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e, ok := s.arch.Latest(r.Method, orig, archive.HashBytes(reqBody))
	if !ok {
		http.Error(w, "no such thing: "+r.Method+" "+orig, http.StatusNotFound)
		return
	}
	body, err := s.arch.Object(e.SHA256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	src, err := extractors.SourceByID(e.Source)
	if err != nil {
		// An entry recorded under a source id the catalogue no longer
		// has: nothing can be injected into it; answer as recorded.
		Healthy(w, r, Answer{Body: body, ContentType: e.Header["Content-Type"]})
		return
	}
	s.mu.Lock()
	s.hits[e.Source]++
	h, hook := s.handlers[e.Source], s.onRequest
	s.mu.Unlock()
	if hook != nil {
		hook(e.Source)
	}
	a := Answer{Source: src, Body: body, ContentType: e.Header["Content-Type"]}
	if h != nil {
		h(w, r, a)
		return
	}
	Healthy(w, r, a)
}

// Healthy writes the answer as archived.
func Healthy(w http.ResponseWriter, _ *http.Request, a Answer) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	_, _ = w.Write(a.Body)
}

// Config is an emigre.yaml for live runs against the server: the warehouse
// and archive paths, every host mirrored here, a fetcher that resolves
// faults fast (no delay, a 1 s timeout, no retry, a 1 MiB body limit), and
// the sources the archive cannot answer excluded.
func (s *Server) Config(warehouse, archiveDir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "warehouse: %q\narchive: %q\ncontact: reliability-test@example.org\n", warehouse, archiveDir)
	b.WriteString("fetch:\n  delay: 1ms\n  timeout: 1s\n  max_bytes: 1048576\n  retries: 0\nmirrors:\n")
	for from, to := range s.Mirrors() {
		fmt.Fprintf(&b, "  %q: %q\n", from, to)
	}
	answered := map[string]bool{}
	for _, src := range s.Sources() {
		answered[src.ID] = true
	}
	b.WriteString("exclude:\n")
	for _, src := range extractors.Sources() {
		if !answered[src.ID] {
			fmt.Fprintf(&b, "  - %q\n", src.ID)
		}
	}
	return b.String()
}
