package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// publisherPage is a data page that links each release at a new address,
// as CBP's does, with a relative link, an absolute one and a decoy.
const publisherPage = `<!DOCTYPE html><html><body><main>
<a href="/files/encounters-fy23.csv">FY2023</a>
<a href="%[1]s/files/encounters-fy25.csv">FY2025 (latest)</a>
<a href="files/encounters-fy24.csv">FY2024</a>
<a href="/files/methodology.pdf">Methodology</a>
</main></body></html>`

func discoverySource(base string) *extractors.Source {
	return &extractors.Source{ID: "us-test-discovery", Requests: []extractors.Request{{
		Role: extractors.RoleDiscovery, URL: base + "/data/",
		Link: &extractors.LinkRule{Select: "main a[href]", Match: `encounters-fy(\d+)\.csv$`},
	}}}
}

func TestDiscoveryFetchesTheNewestLinkedFile(t *testing.T) {
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/data/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, publisherPage, srvURL)
		case "/files/encounters-fy25.csv":
			fmt.Fprint(w, "Fiscal Year,Encounter Count\n2025,7\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	srvURL = srv.URL
	arch := newArchive(t)
	r := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{discoverySource(srv.URL)})[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Responses) != 2 {
		t.Fatalf("%d responses, want the page and the file", len(r.Responses))
	}
	page, file := r.Responses[0], r.Responses[1]
	if page.Request.RoleOrData() != extractors.RoleDiscovery || file.Request.RoleOrData() != extractors.RoleData {
		t.Errorf("roles %q, %q", page.Request.Role, file.Request.Role)
	}
	if want := srv.URL + "/files/encounters-fy25.csv"; file.Request.URL != want || !strings.Contains(string(file.Body), "2025,7") {
		t.Errorf("fetched %s (%q), want the newest release %s", file.Request.URL, file.Body, want)
	}
	// Offline, the archived page leads to the archived file.
	replay := testFetchConfig()
	replay.Transport, replay.Record = archive.Replay{Archive: arch}, false
	again := NewFetcher(replay, arch).FetchAll(context.Background(), []*extractors.Source{discoverySource(srv.URL)})[0]
	if again.Err != nil || len(again.Responses) != 2 || again.Responses[1].Entry.SHA256 != file.Entry.SHA256 {
		t.Errorf("replay: err %v, %d responses", again.Err, len(again.Responses))
	}
}

func TestDiscoveryFailsWhenNoLinkMatches(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/data/" {
			fmt.Fprint(w, `<html><body><main><a href="/files/report.pdf">Report</a></main></body></html>`)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	cfg := testFetchConfig()
	cfg.Timeout = 5 * time.Second
	r := NewFetcher(cfg, newArchive(t)).FetchAll(context.Background(), []*extractors.Source{discoverySource(srv.URL)})[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), "no link matches") || !strings.Contains(r.Err.Error(), "us-test-discovery") {
		t.Errorf("err = %v, want the source named and 'no link matches'", r.Err)
	}
}
