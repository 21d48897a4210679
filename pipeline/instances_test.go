package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/transform"
)

// keyedSource asks a local publisher for asylum applications of {origin}
// (alpha-3) with an application id from the environment; its answer's
// figures are made up for this test.
func keyedSource(host string) *extractors.Source {
	return &extractors.Source{
		ID: "is-test-keyed", Destination: "IS", Publisher: "Test Statistics", Dataset: "keyed", Title: "keyed test source",
		Format: "json-records", Cadence: extractors.Annual, Priority: 10, Licence: "test", Notes: "test",
		Params: map[string]string{"records": "items", "dim.year": "year", "dim.origin": "coo", "value": "n"},
		Map: extractors.Mapping{Time: "year", Citizenship: "origin", Filter: map[string]string{"origin": "{origin}"},
			Metric: extractors.AsylumApplications},
		OriginCode:  "alpha3",
		Credentials: []extractors.Credential{{Name: "key", Env: "EMIGRE_TEST_KEY"}},
		Requests:    []extractors.Request{{URL: host + "/api?coo={origin}&appId={key}"}},
	}
}

func TestCredentialsAndOriginReachTheRequest(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		asked = append(asked, r.URL.RawQuery)
		if r.URL.Query().Get("appId") != "k-123" {
			http.Error(w, "no key", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, `{"items":[{"year":2022,"coo":%q,"n":17}]}`, r.URL.Query().Get("coo"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	opt := Options{
		Warehouse: filepath.Join(dir, "w.duckdb"), ArchiveDir: filepath.Join(dir, "archive"),
		Catalogue: catalogue.MustDefault(), Sources: []*extractors.Source{keyedSource(srv.URL)},
		Fetch:    fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 5 * time.Second, Record: true},
		Estimate: transform.Options{Origin: "UA", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
		Version:  "test",
		Getenv:   func(string) string { return "" },
	}
	sum, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if o := sum.Outcomes[0]; o.Status != load.SourceNotConfigured || sum.Failed != 0 || sum.NotConfigured != 1 ||
		!strings.Contains(o.Err.Error(), "EMIGRE_TEST_KEY") || len(asked) != 0 {
		t.Fatalf("without the key: %s %v (failed %d), %d requests sent", o.Status, o.Err, sum.Failed, len(asked))
	}
	// The config names another variable; the run reads it.
	opt.Credentials = map[string]map[string]string{"is-test-keyed": {"key": "MY_KEY"}}
	opt.Getenv = func(v string) string {
		if v == "MY_KEY" {
			return "k-123"
		}
		return ""
	}
	sum, err = Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if o := sum.Outcomes[0]; o.Status != load.SourceOK || o.Rows != 1 {
		t.Fatalf("with the key: %s %v", o.Status, o.Err)
	}
	if len(asked) != 1 || asked[0] != "coo=UKR&appId=k-123" {
		t.Errorf("the publisher was asked %q, want coo=UKR (the origin in alpha-3) and the key", asked)
	}
}

func TestOfflineSourceNotInTheArchiveIsNotAFailure(t *testing.T) {
	opt := offlineOptions(filepath.Join(t.TempDir(), "w.duckdb"))
	s := keyedSource("https://stats.example.org")
	s.Credentials = nil
	opt.Sources = append(catalogue.MustDefault().Sources(), s)
	sum, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 || sum.NotArchived != 1+len(absentFromSample()) {
		t.Fatalf("failed %d, not archived %d: %+v", sum.Failed, sum.NotArchived, failures(sum))
	}
	db, err := load.OpenReadOnly(context.Background(), opt.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if msg := query[string](t, db, `SELECT error FROM run_sources WHERE source_id = 'is-test-keyed' AND status = 'not_archived'`); !strings.Contains(msg, "not in the sample archive") {
		t.Errorf("error %q", msg)
	}
}

// A statement counts its own citizenship: a run for another origin leaves it
// out instead of loading Russian figures.
func TestStatementsStayWithTheirOrigin(t *testing.T) {
	opt := offlineOptions(filepath.Join(t.TempDir(), "w.duckdb"))
	opt.Estimate.Origin = "BY"
	sum, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sum.Outcomes {
		if o.Source.Statement != nil {
			t.Fatalf("%s attempted in a run for BY", o.Source.ID)
		}
	}
}
