package catalogue_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/extractors/mapping"
)

const (
	cbpHost = "https://www.cbp.gov"
	cbpPage = cbpHost + "/document/stats/nationwide-encounters"
)

// cbpPageFixture is a TEST FIXTURE, not a recording of CBP's page: release
// links in the form public clients of the page read (relative hrefs under
// /sites/default/files/<YYYY-MM>/, the newest first, an "_0" copy, an
// end-of-year file without a month), here in an order that puts an older
// release first, with the state files, an archived release under
// assets/documents and a PDF that the source's rule must pass over.
const cbpPageFixture = `<!DOCTYPE html>
<html lang="en"><head><title>Nationwide Encounters</title></head><body><main>
<p><a href="/sites/default/files/2025-11/nationwide-encounters-fy22-fy25-aor.csv">FY22-FY25 (AOR)</a></p>
<p><a href="/sites/default/files/2026-08/nationwide-encounters-fy23-fy26-jul-state.csv">FY23-FY26 July (state)</a></p>
<p><a href="/sites/default/files/2026-08/nationwide-encounters-fy23-fy26-jul-aor.csv">FY23-FY26 July (AOR)</a></p>
<p><a href="/sites/default/files/2026-08/nationwide-encounters-fy23-fy26-jul-aor_0.csv">FY23-FY26 July (AOR, copy)</a></p>
<p><a href="/sites/default/files/2026-07/nationwide-encounters-fy23-fy26-jun-aor.csv">FY23-FY26 June (AOR)</a></p>
<p><a href="https://www.cbp.gov/sites/default/files/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor.csv">FY20-FY23</a></p>
<p><a href="/sites/default/files/2026-08/encounters-methodology.pdf">Methodology</a></p>
</main></body></html>`

// discoveryPublisher is a publisher of a discovery source: its data page
// at pagePath and, at any address ending in fileSuffix (under filePrefix),
// the file, recording the addresses asked for.
type discoveryPublisher struct {
	pagePath, pageType     string
	filePrefix, fileSuffix string
	fileType               string
	page, file             []byte
	mu                     sync.Mutex
	asked                  []string
}

func (p *discoveryPublisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.asked = append(p.asked, r.URL.Path)
	p.mu.Unlock()
	switch {
	case r.URL.Path == p.pagePath:
		w.Header().Set("Content-Type", p.pageType)
		_, _ = w.Write(p.page)
	case strings.HasPrefix(r.URL.Path, p.filePrefix) && strings.HasSuffix(r.URL.Path, p.fileSuffix):
		w.Header().Set("Content-Type", p.fileType)
		_, _ = w.Write(p.file)
	default:
		http.NotFound(w, r)
	}
}

// filesAsked counts the requests for files, and lists every address asked.
func (p *discoveryPublisher) filesAsked() (int, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, a := range p.asked {
		if strings.HasSuffix(a, p.fileSuffix) {
			n++
		}
	}
	return n, slices.Clone(p.asked)
}

// cbpPublisher serves CBP's data page and, at any CSV address, release
// (the sample's, CBP's real layout with the published Russian figures).
func cbpPublisher(page string, release []byte) *discoveryPublisher {
	return &discoveryPublisher{pagePath: "/document/stats/nationwide-encounters", pageType: "text/html; charset=UTF-8",
		fileSuffix: ".csv", fileType: "text/csv", page: []byte(page), file: release}
}

func cbpSource(t *testing.T) *extractors.Source {
	t.Helper()
	s, err := cat.Source("us-cbp-encounters")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Requests) != 1 || s.Requests[0].RoleOrData() != extractors.RoleDiscovery || s.Requests[0].URL != cbpPage {
		t.Fatalf("requests %+v, want one discovery request for the data page", s.Requests)
	}
	return s
}

// cbpRelease is the sample's CSV, the body a live release is read as.
func cbpRelease(t *testing.T) []byte {
	t.Helper()
	r := fetch.NewFetcher(replayConfig(sampleArchive(t)), nil).FetchAll(context.Background(), []*extractors.Source{cbpSource(t)})[0]
	if r.Err != nil || len(r.Responses) != 2 {
		t.Fatalf("sample replay: %v (%d responses)", r.Err, len(r.Responses))
	}
	return r.Responses[1].Body
}

func liveConfig(srv *httptest.Server) fetch.FetchConfig {
	return fetch.FetchConfig{
		UserAgent: fetch.UserAgent("test@example.org"),
		Timeout:   5 * time.Second,
		MaxBytes:  1 << 20,
		Mirrors:   map[string]string{cbpHost: srv.URL},
		Record:    true,
	}
}

// TestCBPFollowsTheNewestRelease runs the catalogue's CBP source against a
// publisher at CBP's addresses: the rule picks the newest release (newest
// upload folder, first of that folder on the page), that file is read as
// data, and an offline replay of the recorded archive follows the page to
// the same file.
func TestCBPFollowsTheNewestRelease(t *testing.T) {
	pub := cbpPublisher(cbpPageFixture, cbpRelease(t))
	srv := httptest.NewServer(pub)
	defer srv.Close()
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := cbpSource(t)
	r := fetch.NewFetcher(liveConfig(srv), arch).FetchAll(context.Background(), []*extractors.Source{s})[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	const newest = cbpHost + "/sites/default/files/2026-08/nationwide-encounters-fy23-fy26-jul-aor.csv"
	if len(r.Responses) != 2 || r.Responses[1].Request.URL != newest || r.Responses[1].Request.RoleOrData() != extractors.RoleData {
		t.Fatalf("followed %+v, want the page then %s read as data", r.Responses, newest)
	}
	if csvs, asked := pub.filesAsked(); csvs != 1 {
		t.Errorf("%d CSV files fetched (%v), want only the newest", csvs, asked)
	}
	obs, err := mapping.Extract(context.Background(), s, newest, r.Responses[1].Body, r.Responses[1].Entry.SHA256)
	if err != nil || len(obs) < 24 {
		t.Fatalf("the followed file reads to %d observations: %v", len(obs), err)
	}

	// Offline, the archived page leads to the archived file.
	again := fetch.NewFetcher(replayConfig(arch), arch).FetchAll(context.Background(), []*extractors.Source{s})[0]
	if again.Err != nil || len(again.Responses) != 2 || again.Responses[1].Request.URL != newest ||
		again.Responses[1].Entry.SHA256 != r.Responses[1].Entry.SHA256 {
		t.Errorf("replay: err %v, responses %d", again.Err, len(again.Responses))
	}
}

// TestCBPPageWithoutARelease fails the source, naming it, the page and the
// rule, when the page links no release (a redesign, or an error page with
// status 200): nothing is fetched and nothing read.
func TestCBPPageWithoutARelease(t *testing.T) {
	page := strings.NewReplacer("-aor.csv", "-aor.xlsx", "-aor_0.csv", "-aor_0.xlsx").Replace(cbpPageFixture)
	pub := cbpPublisher(page, []byte("Fiscal Year\n"))
	srv := httptest.NewServer(pub)
	defer srv.Close()
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := fetch.NewFetcher(liveConfig(srv), arch).FetchAll(context.Background(), []*extractors.Source{cbpSource(t)})[0]
	if r.Err == nil {
		t.Fatalf("no error; responses %+v", r.Responses)
	}
	for _, want := range []string{"us-cbp-encounters", "discovery page " + cbpPage, "no link matches", "nationwide-encounters-fy"} {
		if !strings.Contains(r.Err.Error(), want) {
			t.Errorf("error %q does not say %q", r.Err, want)
		}
	}
	if len(r.Responses) != 1 {
		t.Errorf("%d responses, want the page alone", len(r.Responses))
	}
}
