package reliability

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

// No catalogue source reads an HTML table yet, so this test registers one:
// a statistics office's page whose table lists the valid permits of Russian
// citizens per year. It is not in the sample archive, so the other tests'
// runs (srv.Sources) never attempt it.
var htmlTableSource = &extractors.Source{
	ID: "is-test-html-table", Destination: "IS", Publisher: "Test Statistics Office", Dataset: "permits",
	Title:    "Valid residence permits of Russian citizens (test page)",
	Homepage: "https://tables.example.org/permits",
	Requests: []extractors.Request{{URL: "https://tables.example.org/permits.html"}},
	Format:   formats.HTMLTable,
	Params:   map[string]string{"caption": "russian citizens", "dim.year": "Year", "value": "Permits"},
	Map: extractors.Mapping{Time: "year", FixedCitizenship: "RU", Metric: extractors.PermitsValid,
		StockAt: "end"},
	Cadence: extractors.Annual, LagMonths: 6, Priority: 10, Licence: "test",
	Notes: "registered by reliability/htmltable_test.go",
}

const permitsPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Residence permits</title></head><body>
<h1>Residence permits</h1>
<table><caption>Valid residence permits held by Russian citizens, 31 December</caption>
<thead><tr><th>Year</th><th>Permits</th></tr></thead>
<tbody><tr><td>2022</td><td>1 200</td></tr><tr><td>2023</td><td>1 450</td></tr></tbody>
</table></body></html>`

const challengePage = `<!DOCTYPE html><html><head><title>Just a moment...</title></head>` +
	`<body>Checking your browser before accessing tables.example.org.</body></html>`

// refreshHTMLTable runs the html-table source alone, live, against a server
// answering page with status 200 and Content-Type text/html.
func refreshHTMLTable(t *testing.T, page string) pipeline.Outcome {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/permits.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	defer srv.Close()
	dir := t.TempDir()
	sum, err := pipeline.Run(t.Context(), pipeline.Options{
		Warehouse:  filepath.Join(dir, "emigre.duckdb"),
		ArchiveDir: filepath.Join(dir, "archive"),
		Sources:    []*extractors.Source{htmlTableSource},
		Fetch: fetch.FetchConfig{UserAgent: fetch.UserAgent("reliability-test@example.org"),
			Timeout: 5 * time.Second, Record: true, Mirrors: map[string]string{"https://tables.example.org": srv.URL}},
		Estimate: transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:  "reliability-test",
	})
	if err != nil {
		t.Fatalf("the run must complete and publish: %v", err)
	}
	return outcome(sum, htmlTableSource.ID)
}

// The refresh fails a source whose data answer is an HTML page (an error
// page or a bot challenge sent with status 200), except for the readers
// whose answers are pages: statement and html-table. An html-table source
// answered with its page loads.
func TestHTMLTableSourceLoadsItsPage(t *testing.T) {
	o := refreshHTMLTable(t, permitsPage)
	if o.Err != nil || o.Status != load.SourceOK {
		t.Fatalf("the html-table source: %s at %q: %v", o.Status, o.Stage, o.Err)
	}
	if o.Rows != 2 {
		t.Errorf("%d observations, want 2 (2022 and 2023)", o.Rows)
	}
}

// The exemption leaves the error-page check to the reader: an html-table
// source answered with a bot challenge (status 200, text/html, no table)
// still fails at the parse stage, with the reader's reason.
func TestHTMLTableSourceRefusesAChallengePage(t *testing.T) {
	o := refreshHTMLTable(t, challengePage)
	if o.Err == nil || o.Status != load.SourceFailed || o.Stage != load.StageParse {
		t.Fatalf("the html-table source answered with a bot challenge: %s at %q: %v, want failed at parse", o.Status, o.Stage, o.Err)
	}
	if msg := o.Err.Error(); !strings.Contains(msg, htmlTableSource.ID) || !strings.Contains(msg, "HTML page") && !strings.Contains(msg, "no tables") {
		t.Errorf("reason %q does not name the source and the page", msg)
	}
}
