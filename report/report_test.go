package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"

	_ "github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/internal/iso3166"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/report"
	"github.com/emigre/emigre/report/browsertest"
	"github.com/emigre/emigre/transform"
)

// offline builds, once per test binary, a warehouse from the embedded
// sample archive with the real pipeline, which also writes the reports.
var offline = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "emigre-report-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "emigre.duckdb")
	_, err = pipeline.Run(context.Background(), pipeline.Options{
		Warehouse: path, Offline: true, Version: "test",
		Fetch:    fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate: transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
	})
	return path, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if path, err := offline(); err == nil {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

func warehouse(t *testing.T) string {
	t.Helper()
	path, err := offline()
	if err != nil {
		t.Fatalf("offline run: %v", err)
	}
	return path
}

func build(t *testing.T, path string) *report.Report {
	t.Helper()
	r, err := report.Load(context.Background(), path, report.Options{Estimate: pipeline.EstimateOptions})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func queryOne[T any](t *testing.T, path, q string, args ...any) T {
	t.Helper()
	db, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestReportOfOfflineRun(t *testing.T) {
	path := warehouse(t)
	r := build(t, path)
	if !r.Sample || r.SampleNotice == "" {
		t.Fatal("a report of sample data must say so")
	}
	if r.Schema != report.SchemaVersion {
		t.Errorf("schema %q", r.Schema)
	}
	// The headline is the warehouse's own total.
	if want := queryOne[float64](t, path, `select net from estimate_total where citizenship = 'RU'`); r.Total.Net != want {
		t.Errorf("total %v, estimate_total says %v", r.Total.Net, want)
	}
	if want := queryOne[int](t, path, `select count(*) from latest_estimates where citizenship = 'RU'`); len(r.Estimates) != want || r.Total.Countries != want {
		t.Errorf("%d estimates (total of %d countries), latest_estimates has %d", len(r.Estimates), r.Total.Countries, want)
	}
	for i := 1; i < len(r.Estimates); i++ {
		if r.Estimates[i].Net > r.Estimates[i-1].Net {
			t.Errorf("estimates not sorted by net: %s before %s", r.Estimates[i-1].Destination, r.Estimates[i].Destination)
		}
	}
	// Each country carries the series its estimate used.
	for _, e := range r.Estimates {
		if len(e.Series) == 0 {
			t.Errorf("%s: no series", e.Destination)
		}
		if e.Country == e.Destination {
			t.Errorf("%s: no country name", e.Destination)
		}
	}
	// The total over time ends where the data ends: the last year end
	// covers every as_of, so it is the headline total.
	if len(r.TotalOverTime) == 0 {
		t.Fatal("no total over time")
	}
	last := r.TotalOverTime[len(r.TotalOverTime)-1]
	if last.AsOf[:4] != r.Total.AsOf[:4] || last.Net != r.Total.Net || last.Countries != r.Total.Countries {
		t.Errorf("last point %+v differs from the total %+v", last, r.Total)
	}
	for i := 1; i < len(r.TotalOverTime); i++ {
		if r.TotalOverTime[i].Countries < r.TotalOverTime[i-1].Countries {
			t.Errorf("fewer countries as time passes: %+v", r.TotalOverTime)
		}
	}
	// Every series (a source's figures for one destination) has a row and
	// one state per run; a source that answers for many countries has a
	// row per destination.
	if want := queryOne[int](t, path, `select count(*) from source_health`); len(r.Health.Sources) != want {
		t.Errorf("%d health rows, %d series", len(r.Health.Sources), want)
	}
	perSource := map[string]int{}
	for _, s := range r.Health.Sources {
		perSource[s.ID]++
		if s.States[len(s.States)-1] == "not_archived" {
			continue // a live-only source: not read, no checks
		}
		if len(s.States) != len(r.Health.Runs) || s.States[len(s.States)-1] == "" || s.Quality == "" {
			t.Errorf("%s %s: states %v, quality %q", s.ID, s.Destination, s.States, s.Quality)
		}
	}
	if perSource["eurostat-migr_pop1ctz"] < 25 {
		t.Errorf("migr_pop1ctz has %d rows in the grid, want one per reporting country with figures", perSource["eurostat-migr_pop1ctz"])
	}
	// Check counts add up to the stored checks.
	sum := 0
	for _, c := range r.Checks.ByCheck {
		sum += c.Pass + c.Warn + c.Fail
	}
	if want := queryOne[int](t, path, `select count(*) from quality_checks where run_id = ?`, r.Run.ID); sum != want || want == 0 {
		t.Errorf("check counts add up to %d, %d stored", sum, want)
	}
	for _, p := range r.Checks.Problems {
		if p.Outcome == "pass" || p.Summary == "" {
			t.Errorf("problem %+v", p)
		}
	}
	// Countries left out are named: the catalogue's gaps and destinations
	// whose sources gave nothing.
	names := map[string]report.Gap{}
	for _, g := range r.Gaps {
		if _, dup := names[g.Country]; dup {
			t.Errorf("gap %s listed twice", g.Country)
		}
		names[g.Country] = g
		if g.Name == "" || g.Reason == "" {
			t.Errorf("gap %+v is not named or explained", g)
		}
	}
	for _, g := range catalogue.MustDefault().Gaps() {
		if names[g.Country].Kind != "no_source" {
			t.Errorf("the catalogue's gap %s is not reported", g.Country)
		}
	}
	estimated := map[string]bool{}
	for _, e := range r.Estimates {
		estimated[e.Destination] = true
	}
	for _, s := range catalogue.MustDefault().Sources() {
		if _, err := iso3166.Code(s.Destination); err != nil {
			continue // a multi-country source
		}
		if _, gap := names[s.Destination]; !estimated[s.Destination] && !gap {
			t.Errorf("%s has sources but no estimate and is not reported as a gap", s.Destination)
		}
	}
}

// TestEveryRenderingSaysSampleFirst: the sample notice comes before
// anything else a reader sees, in every format, and the run wrote them all.
func TestEveryRenderingSaysSampleFirst(t *testing.T) {
	path := warehouse(t)
	r := build(t, path)
	for _, format := range report.Formats {
		var b bytes.Buffer
		if err := report.Write(&b, r, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		switch format {
		case "md":
			if !strings.HasPrefix(out, "> **SAMPLE DATA") {
				t.Errorf("Markdown does not start with the sample notice: %.80q", out)
			}
		case "html":
			notice, heading := strings.Index(out, `id="sample-notice"`), strings.Index(out, "<h1>")
			if notice < 0 || heading < 0 || notice > heading {
				t.Errorf("HTML: sample notice at %d, heading at %d", notice, heading)
			}
		case "json":
			var head struct {
				Schema       string `json:"schema"`
				Sample       bool   `json:"sample"`
				SampleNotice string `json:"sample_notice"`
			}
			if err := json.Unmarshal(b.Bytes(), &head); err != nil || !head.Sample || head.SampleNotice == "" || head.Schema != report.SchemaVersion {
				t.Errorf("JSON head %+v, %v", head, err)
			}
			if strings.Index(out, `"sample_notice"`) > strings.Index(out, `"run"`) {
				t.Error("JSON: the sample notice comes after the run")
			}
		}
		// The run wrote the same rendering beside the warehouse.
		written, err := os.ReadFile(filepath.Join(report.Dir(path), "report-"+r.Run.ID+"."+format))
		if err != nil {
			t.Fatalf("the run did not write its %s report: %v", format, err)
		}
		if !bytes.Contains(written, []byte(r.Run.ID)) {
			t.Errorf("%s report written by the run does not name the run", format)
		}
	}
	if err := report.Write(&bytes.Buffer{}, r, "pdf"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// TestHTMLIsSelfContained: nothing to fetch, so it works offline and as an
// e-mail attachment.
func TestHTMLIsSelfContained(t *testing.T) {
	r := build(t, warehouse(t))
	var b bytes.Buffer
	if err := report.WriteHTML(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	html := strings.ToLower(b.String())
	for _, bad := range []string{"<script", `src="http`, `src="//`, "url(http", "@import", `rel="stylesheet"`, "@font-face"} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML report loads something: %q", bad)
		}
	}
}

// TestSchemaIsDocumented: every field of the JSON rendering is described
// in docs/report-schema.md, which names the schema version.
func TestSchemaIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "report-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	if !strings.Contains(text, report.SchemaVersion) {
		t.Errorf("docs/report-schema.md does not name %s", report.SchemaVersion)
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, prefix string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || ty.PkgPath() != reflect.TypeOf(report.Report{}).PkgPath() || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			path := prefix + name
			if f.Type.Kind() == reflect.Slice {
				path += "[]"
			}
			if !strings.Contains(text, "`"+path+"`") {
				t.Errorf("docs/report-schema.md does not document `%s`", path)
			}
			walk(f.Type, path+".")
		}
	}
	walk(reflect.TypeOf(report.Report{}), "")
	clear(seen)
	walk(reflect.TypeOf(report.EstimatesAPI{}), "")
}

// TestReportInBrowser opens the HTML report in headless Chromium: no
// console errors, the charts drawn with one bar per country, one point per
// year end, one sparkline per country, one health cell per source and run.
func TestReportInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	path := warehouse(t)
	r := build(t, path)
	file := filepath.Join(t.TempDir(), "report.html")
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := b.Visit((&url.URL{Scheme: "file", Path: file}).String()); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	for sel, want := range map[string]int{
		"#chart-net rect.bar":       len(r.Estimates),
		"#chart-net .whisker":       countWhiskers(r),
		"#chart-total circle.point": len(r.TotalOverTime),
		"#country-table svg":        len(r.Estimates),
		"#chart-health rect.cell":   len(r.Health.Sources) * (len(r.Health.Runs) + 1),
		"#sample-notice":            1,
	} {
		if got := b.Count(sel); got != want {
			t.Errorf("%s: %d, want %d", sel, got, want)
		}
	}
	for _, sel := range []string{"#chart-net", "#chart-total", "#chart-health"} {
		if !b.Visible(sel) {
			t.Errorf("%s is not drawn", sel)
		}
	}
	if got := b.Text("#total-net"); got != formatCount(r.Total.Net) {
		t.Errorf("headline shows %q, want %s", got, formatCount(r.Total.Net))
	}
	if got := b.Text("#chart-net .x-axis .axis-label"); !strings.Contains(got, "persons") {
		t.Errorf("the bar chart's axis label %q names no unit", got)
	}
	b.Screenshot("report")
}

func countWhiskers(r *report.Report) int {
	n := 0
	for _, e := range r.Estimates {
		if e.Low != e.High {
			n++
		}
	}
	return n
}

// formatCount writes n with thousands separators, independently of the
// package's formatter.
func formatCount(n float64) string {
	digits := strconv.FormatInt(int64(math.Abs(n)), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
