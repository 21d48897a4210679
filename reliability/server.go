package reliability

import (
	"fmt"
	"github.com/emigre/emigre/extractors/catalogue"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/sample"
)

// Answer is what the server answers a source's request with when nothing is
// injected: the archive's newest body for the request.
type Answer struct {
	Source      *extractors.Source
	Body        []byte
	ContentType string
}

// Handler answers one data request of a source instead of the healthy
// answer: a fault, or a revised body. (A source's metadata and discovery
// requests are always answered as archived.)
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
	hostHits  map[string]int // every request by the publisher's host, robots.txt under "robots.txt"
	onRequest func(source string)
	robots    string
	entries   []archive.Entry // the archive's manifest, read once
	perHost   map[string]*httptest.Server
}

// NewServer starts a server over the archive. Close it when done. Like
// httptest.NewServer, it panics when it cannot serve: here, when the
// archive's manifest cannot be read.
func NewServer(arch *archive.Archive) *Server {
	entries, err := arch.Entries()
	if err != nil {
		panic(fmt.Sprintf("reliability: reading the archive to serve: %v", err))
	}
	s := &Server{arch: arch, entries: entries, handlers: map[string]Handler{}, hits: map[string]int{}, hostHits: map[string]int{}}
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

// forSample is the source as a run of the sample's origin fetches it: the
// origin (Russian citizens) filled into its requests.
func forSample(src *extractors.Source) *extractors.Source {
	origin := src.Map.FixedCitizenship
	if origin == "" {
		origin = "RU"
	}
	r, err := catalogue.ForRun(src, catalogue.RunParams{Origin: origin})
	if err != nil {
		return src
	}
	return r
}

// Answer is the healthy answer to the source's first data request (for
// the sample's origin): not a table's metadata, and for a discovery page
// the file the page links.
func (s *Server) Answer(src *extractors.Source) (Answer, error) {
	e, ok := s.dataEntry(forSample(src))
	if !ok {
		return Answer{}, fmt.Errorf("source %s: the archive has no answer to a data request of it", src.ID)
	}
	body, err := s.arch.Object(e.SHA256)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Source: src, Body: body, ContentType: e.Header["Content-Type"]}, nil
}

// dataEntry is the archive's answer to the source's first data request,
// or, for a source that finds its file on a discovery page, the file
// archived beside the page.
func (s *Server) dataEntry(src *extractors.Source) (archive.Entry, bool) {
	for _, r := range src.Requests {
		if r.RoleOrData() == extractors.RoleData {
			return s.arch.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
		}
	}
	for _, e := range s.entries {
		if e.Source == src.ID && requestRole(src, e) == extractors.RoleData {
			return e, true
		}
	}
	return archive.Entry{}, false
}

// requestRole is the role of the source's request an archived answer
// answers; a file a discovery page linked is data.
func requestRole(src *extractors.Source, e archive.Entry) extractors.RequestRole {
	for _, r := range src.Requests {
		if r.MethodOrGet() == e.Method && r.URL == e.URL && archive.HashBytes([]byte(r.Body)) == e.RequestSHA256 {
			return r.RoleOrData()
		}
	}
	return extractors.RoleData
}

// Sources is the catalogue's sources whose every request (for Russian
// citizens) the archive answers: what a run against the server can load. A
// source the sample has no answer for (a live-only source) is left out.
func (s *Server) Sources() []*extractors.Source {
	var out []*extractors.Source
	for _, src := range catalogue.MustDefault().Sources() {
		answered := len(src.Requests) > 0
		for _, r := range forSample(src).Requests {
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
	for _, e := range s.entries {
		u, err := url.Parse(e.URL)
		if err != nil {
			continue
		}
		base := s.URL
		if hs, ok := s.perHost[u.Host]; ok {
			base = hs.URL
		}
		m[u.Scheme+"://"+u.Host] = base + "/" + u.Host
	}
	return m
}

// ServePerHost gives every publisher's host its own address (a port of
// its own), as the publishers have: a fetcher that takes one host at a time
// then fetches the publishers side by side, as it does live, instead of
// queueing every request behind one address. Call it before Mirrors or
// Config; Close stops them all.
func (s *Server) ServePerHost() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perHost != nil {
		return
	}
	s.perHost = map[string]*httptest.Server{}
	for _, e := range s.entries {
		u, err := url.Parse(e.URL)
		if err != nil || s.perHost[u.Host] != nil {
			continue
		}
		s.perHost[u.Host] = httptest.NewServer(http.HandlerFunc(s.serve))
	}
}

// Close stops the server and every host's own address.
func (s *Server) Close() {
	s.mu.Lock()
	hosts := s.perHost
	s.perHost = nil
	s.mu.Unlock()
	for _, hs := range hosts {
		hs.Close()
	}
	s.Server.Close()
}

// HostHits is how many requests the server has received per publisher's
// host (the first path segment of a mirrored URL), answered or not, and
// for robots.txt (under "robots.txt").
func (s *Server) HostHits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.hostHits)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	host, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	s.mu.Lock()
	s.hostHits[host]++
	s.mu.Unlock()
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
	src, err := catalogue.MustDefault().Source(e.Source)
	if err != nil {
		// An entry recorded under a source id the catalogue no longer
		// has: nothing can be injected into it; answer as recorded.
		Healthy(w, r, Answer{Body: body, ContentType: e.Header["Content-Type"]})
		return
	}
	a := Answer{Source: src, Body: body, ContentType: e.Header["Content-Type"]}
	if requestRole(src, e) != extractors.RoleData {
		// A table's metadata or a discovery page: faults and revisions
		// are made of data answers, so these are always answered as
		// archived and not counted.
		Healthy(w, r, a)
		return
	}
	s.mu.Lock()
	s.hits[e.Source]++
	h, hook := s.handlers[e.Source], s.onRequest
	s.mu.Unlock()
	if hook != nil {
		hook(e.Source)
	}
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
	for _, src := range catalogue.MustDefault().Sources() {
		if !answered[src.ID] {
			fmt.Fprintf(&b, "  - %q\n", src.ID)
		}
	}
	return b.String()
}
