package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/emigre/emigre/refresher"
	"github.com/emigre/emigre/report"
	"github.com/emigre/emigre/report/browsertest"
	"github.com/emigre/emigre/schedules"
	"github.com/emigre/emigre/transform"
)

// offline builds, once per test binary, a warehouse from the embedded
// sample archive as emigre run does: the real pipeline, each series judged
// in the run's transaction, the reports written.
var offline = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "emigre-report-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "emigre.duckdb")
	opt := pipeline.Options{
		Warehouse: path, Offline: true, Version: "test",
		Fetch:    fetch.FetchConfig{UserAgent: "emigre-test", Timeout: 10 * time.Second},
		Estimate: transform.Options{Origin: "RU", WindowStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	m := &schedules.Monitor{Policy: schedules.DefaultPolicy(), Version: "test"}
	_, _, err = m.Refresh(context.Background(), catalogue.MustDefault().Sources(), refresher.Pipeline(opt, nil))
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
	r, err := report.Load(context.Background(), path, report.Options{})
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
	if want := queryOne[int](t, path, `select count(*) from latest_estimates where citizenship = 'RU'`); len(r.Estimates) != want {
		t.Errorf("%d estimates, latest_estimates has %d", len(r.Estimates), want)
	}
	if want := queryOne[int](t, path, `select countries from estimate_total where citizenship = 'RU'`); r.Total.Countries != want {
		t.Errorf("total of %d countries, estimate_total has %d", r.Total.Countries, want)
	}
	if want := queryOne[float64](t, path, `select not_in_total from estimate_total where citizenship = 'RU'`); r.Total.NotInTotal != want || want == 0 {
		t.Errorf("not in total %v, estimate_total has %v", r.Total.NotInTotal, want)
	}
	if !strings.Contains(r.Total.Summary, "net arrivals since "+r.Run.WindowStart) || !strings.Contains(r.Total.Summary, "not in the total") {
		t.Errorf("the headline sentence %q does not say what the total counts", r.Total.Summary)
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
	// The total over time is the run's stored series, read as it is; it
	// ends at the newest as_of, where it is the headline total. A year
	// that has not ended is labelled with its date, never as a year end.
	if len(r.TotalOverTime) == 0 {
		t.Fatal("no total over time")
	}
	if want := queryOne[int](t, path, `select count(*) from latest_estimate_total_series where citizenship = 'RU'`); len(r.TotalOverTime) != want {
		t.Errorf("%d points over time, latest_estimate_total_series has %d", len(r.TotalOverTime), want)
	}
	for _, p := range r.TotalOverTime {
		want := queryOne[float64](t, path, `select net from latest_estimate_total_series where citizenship = 'RU' and ref_date = ?`, p.AsOf)
		if p.Net != want {
			t.Errorf("%s: %v, the stored series %v", p.AsOf, p.Net, want)
		}
		if yearEnd := strings.HasSuffix(p.AsOf, "-12-31"); (yearEnd && p.Label != "end "+p.AsOf[:4]) || (!yearEnd && p.Label != p.AsOf) {
			t.Errorf("%s labelled %q", p.AsOf, p.Label)
		}
	}
	last := r.TotalOverTime[len(r.TotalOverTime)-1]
	if last.Net != r.Total.Net || last.Low != r.Total.Low || last.High != r.Total.High || last.Countries != r.Total.Countries ||
		last.NotInTotal != r.Total.NotInTotal {
		t.Errorf("last point %+v differs from the total %+v", last, r.Total)
	}
	for i := 1; i < len(r.TotalOverTime); i++ {
		if r.TotalOverTime[i].Countries < r.TotalOverTime[i-1].Countries {
			t.Errorf("fewer countries as time passes: %+v", r.TotalOverTime)
		}
	}
	// No point is dated after the data (the newest as_of of any row, in
	// the total or not): a year not over by then is labelled with the date
	// the data stops at, not a year end still to come.
	newest := r.Total.AsOf
	for _, e := range r.Estimates {
		newest = max(newest, e.AsOf)
	}
	for _, p := range r.TotalOverTime {
		if p.AsOf > newest {
			t.Errorf("a total-over-time point is dated %s, after the data (%s)", p.AsOf, newest)
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
		// A live-only source is not in the sample: not fetched, so not checked.
		if s.States[len(s.States)-1] == load.SourceNotArchived {
			continue
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
		written, err := os.ReadFile(filepath.Join(report.Dir(path), report.FileName(r.Run.ID, r.Run.Origin, format)))
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
	testReportLayout(t, b, r)
	b.Screenshot("report")
}

// testReportLayout checks what a reader sees: the bar chart fills its
// panel; no date in the country table breaks over two lines; the table
// is sorted by country code; the health grid's legend comes before its
// groups; the failed and warned checks come as one block per check and
// cause, its count first.
func testReportLayout(t *testing.T, b *browsertest.Browser, r *report.Report) {
	t.Helper()
	if !b.Eval(`(() => { const svg = document.querySelector('#chart-net'), panel = svg.parentElement;
		const inner = panel.clientWidth - 16; return svg.getBoundingClientRect().width >= 0.95 * inner })()`) {
		t.Error("the bar chart does not fill its panel")
	}
	// Every date in the table's text, measured where it is laid out.
	if !b.Eval(`(() => { const walk = document.createTreeWalker(document.querySelector('#country-table'), NodeFilter.SHOW_TEXT);
		let n = 0, whole = 0;
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			if (node.parentElement.closest('svg')) continue; // a chart's tooltip, not laid out
			for (const m of node.textContent.matchAll(/\d{4}-\d{2}(-\d{2})?/g)) {
				const range = document.createRange();
				range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
				n++; if (range.getClientRects().length === 1) whole++;
			}
		}
		return n > 0 && n === whole })()`) {
		t.Error("a date in the country table breaks over two lines")
	}
	if !b.Eval(`(() => { const codes = Array.from(document.querySelectorAll('#country-table tbody tr td:first-child'))
		.map(td => td.textContent.match(/\(([A-Z]{2})\)$/)[1]); return codes.every((c, i) => i === 0 || codes[i-1] < c) })()`) {
		t.Error("the country table is not sorted by country code")
	}
	if !b.Eval(`(() => { const legend = document.querySelector('#chart-health #health-legend'), group = document.querySelector('#chart-health details.health-group');
		return !!(legend && group && (legend.compareDocumentPosition(group) & Node.DOCUMENT_POSITION_FOLLOWING)) })()`) {
		t.Error("the health grid's legend does not come before its groups")
	}
	if got := b.Count("#chart-health details.health-group"); got < 2 || got > 5 {
		t.Errorf("%d health groups, want the sources grouped by state (2 to 5 groups)", got)
	}
	// A clean sample run may have no failed or warned check at all; then
	// the section says so (the grouping is TestChecksAreGroupedByCheckAndCause's).
	groups := b.Count("#problems details.problem-group")
	switch {
	case len(r.Checks.Problems) == 0 && !strings.Contains(b.Text("#checks ~ p"), "Every check passed"):
		t.Error("no check failed or warned, and the report does not say so")
	case len(r.Checks.Problems) > 0 && (groups == 0 || groups > len(r.Checks.Problems) || b.Count("#problems tr.problem") != len(r.Checks.Problems)):
		t.Errorf("%d problem groups for %d problems (%d rows): want them grouped by check and cause, every one listed",
			groups, len(r.Checks.Problems), b.Count("#problems tr.problem"))
	}
	if !b.Eval(`Array.from(document.querySelectorAll('#problems details.problem-group > summary')).every(s => /^\d+\s/.test(s.textContent.trim()))`) {
		t.Error("a group of checks does not start with its count")
	}
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

// Failed and warned checks come grouped by check, outcome and cause (the
// summary without its figures), failures first, each group's count first:
// not one block per source.
func TestChecksAreGroupedByCheckAndCause(t *testing.T) {
	obs := func(v float64) *float64 { return &v }
	r := &report.Report{Schema: report.SchemaVersion, Run: report.Run{ID: "r1", Origin: "RU", WindowStart: "2022-01-01"},
		Estimates: []report.Estimate{}, TotalOverTime: []report.TotalPoint{}}
	for i, id := range []string{"at-a", "be-a", "cy-a"} {
		r.Checks.Problems = append(r.Checks.Problems, report.Problem{Check: "freshness", Outcome: "fail", SourceID: id,
			Observed: obs(float64(7 + i)), Threshold: obs(6),
			Summary: fmt.Sprintf("newest period 2024-12-31; the next (annual, usual lag 4 months) was due by 2026-04-30: %d.9 months overdue on 2026-11-25", 6+i)})
	}
	r.Checks.Problems = append(r.Checks.Problems,
		report.Problem{Check: "anomaly", Outcome: "warn", SourceID: "de-b", Summary: "newest values of 1 series vs their history: largest robust z 6.6"},
		report.Problem{Check: "anomaly", Outcome: "fail", SourceID: "es-b", Summary: "newest values of 2 series vs their history: largest robust z 31.5"})
	var md bytes.Buffer
	if err := report.WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	fresh := strings.Index(out, "- **3 fail** freshness: newest period …; the next (annual, usual lag … months) was due by …: … months overdue on …")
	anomalyFail, anomalyWarn := strings.Index(out, "- **1 fail** anomaly"), strings.Index(out, "- **1 warn** anomaly")
	if fresh < 0 || anomalyFail < fresh || anomalyWarn < anomalyFail || !strings.Contains(out, "`at-a`, `be-a`, `cy-a`") {
		t.Errorf("Markdown groups:\n%s", out)
	}
	var html bytes.Buffer
	if err := report.WriteHTML(&html, r, nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(html.String(), `class="problem-group`); n != 3 {
		t.Errorf("%d groups in the HTML, want 3", n)
	}
	if n := strings.Count(html.String(), `<tr class="problem">`); n != 5 {
		t.Errorf("%d problem rows in the HTML, want every one of the 5", n)
	}
}
