package report_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/emigre/emigre/report"
	"github.com/emigre/emigre/report/browsertest"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestDashboardBeforeAnyRun: no warehouse yet is "unavailable", not a crash.
func TestDashboardBeforeAnyRun(t *testing.T) {
	srv := httptest.NewServer(report.NewDashboard(filepath.Join(t.TempDir(), "none.duckdb"), report.Options{}, nil))
	defer srv.Close()
	for _, p := range []string{"/healthz", "/", "/api/estimates"} {
		if code, _, body := get(t, srv.URL+p); code != http.StatusServiceUnavailable {
			t.Errorf("%s: %d %s, want 503", p, code, body)
		}
	}
}

func TestDashboardEndpoints(t *testing.T) {
	path := warehouse(t)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "emigre_test 1\n") })
	srv := httptest.NewServer(report.NewDashboard(path, report.Options{}, metrics))
	defer srv.Close()
	want := build(t, path)

	code, _, body := get(t, srv.URL+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, want.Run.ID) {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, ctype, body := get(t, srv.URL+"/api/estimates")
	var api report.EstimatesAPI
	if err := json.Unmarshal([]byte(body), &api); code != http.StatusOK || ctype != "application/json" || err != nil {
		t.Fatalf("/api/estimates: %d %s %v", code, ctype, err)
	}
	if api.Run.ID != want.Run.ID || !reflect.DeepEqual(api.Total, want.Total) || len(api.Estimates) != len(want.Estimates) || !api.Sample {
		t.Errorf("/api/estimates: run %s total %+v, %d estimates; want %s %+v, %d", api.Run.ID, api.Total,
			len(api.Estimates), want.Run.ID, want.Total, len(want.Estimates))
	}
	for i, e := range api.Estimates {
		if e.Destination != want.Estimates[i].Destination || e.Net != want.Estimates[i].Net {
			t.Errorf("/api/estimates row %d: %s %v, want %s %v", i, e.Destination, e.Net, want.Estimates[i].Destination, want.Estimates[i].Net)
		}
	}
	for p, wantType := range map[string]string{"/report.json": "application/json", "/report.md": "text/markdown",
		"/metrics": "", "/sources/no-such-source": "text/plain"} {
		code, ctype, body := get(t, srv.URL+p)
		switch {
		case p == "/sources/no-such-source":
			if code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, code)
			}
		case code != http.StatusOK || !strings.HasPrefix(ctype, wantType):
			t.Errorf("%s: %d %s", p, code, ctype)
		case p == "/metrics" && body != "emigre_test 1\n":
			t.Errorf("/metrics is not the given handler: %q", body)
		}
	}
	if code, _, _ := get(t, srv.URL+"/nowhere"); code != http.StatusNotFound {
		t.Errorf("/nowhere: %d", code)
	}
	if code := post(t, srv.URL+"/api/estimates"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST answered %d: the dashboard takes no writes", code)
	}
	// Read-only: the published file is untouched and no WAL appeared.
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Error("serving changed the warehouse file")
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Error("serving left a WAL beside the warehouse")
	}
}

func post(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDashboardInBrowser opens every dashboard page in headless Chromium.
func TestDashboardInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	path := warehouse(t)
	srv := httptest.NewServer(report.NewDashboard(path, report.Options{}, nil))
	defer srv.Close()
	want := build(t, path)
	source := want.Estimates[0].SourceID

	pages := []struct {
		path, name, h1 string
		counts         map[string]int
	}{
		{"/", "dashboard-overview", "net of returns", map[string]int{"#chart-net rect.bar": len(want.Estimates),
			"#chart-total circle.point": len(want.TotalOverTime), "#sample-notice": 1, "nav a": 4}},
		{"/sources", "dashboard-sources", "Sources", map[string]int{"#sources-table tbody tr": len(want.Health.Sources)}},
		{"/sources/" + source, "dashboard-source", source, map[string]int{"#source-history tbody tr": 1,
			"#source-snapshots tbody tr": 1, "svg .spark-last": 1}},
		// The report itself has its own browser test: here only its nav and charts.
		{"/report", "", "net of returns", map[string]int{"#chart-net rect.bar": len(want.Estimates),
			"#chart-health rect.cell": len(want.Health.Sources) * (len(want.Health.Runs) + 1)}},
	}
	for _, p := range pages {
		if errs := b.Visit(srv.URL + p.path); len(errs) > 0 {
			t.Errorf("%s: console errors %v", p.path, errs)
		}
		for sel, n := range p.counts {
			if got := b.Count(sel); got != n {
				t.Errorf("%s: %s: %d, want %d", p.path, sel, got, n)
			}
		}
		if got := b.Text("h1"); !strings.Contains(got, p.h1) {
			t.Errorf("%s: heading %q, want it to say %q", p.path, got, p.h1)
		}
		if p.name != "" {
			b.Screenshot(p.name)
		}
	}
}
