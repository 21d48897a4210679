package catalogue_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/transform"
)

const (
	govukHost   = "https://www.gov.uk"
	govukAssets = "https://assets.publishing.service.gov.uk"
	govukPage   = govukHost + "/government/statistical-data-sets/immigration-system-statistics-data-tables"
	gbVisasID   = "gb-home-office-entry-clearance-visas"
)

// govukPageFixture is a TEST FIXTURE, not a recording of the Home Office's
// page: attachments as gov.uk renders an inline attachment link (a
// gem-c-attachment-link span around a govuk-link anchor to an absolute
// assets.publishing.service.gov.uk/media/<id>/<file> address, then its type
// and size), each followed by its table codes, as the page lists its detailed
// datasets. Besides the visas workbook it holds what the rule must pass over:
// other workbooks, the visas summary tables (ODS), an ODS copy, in-page and
// release links, and the previous quarter's workbook before the newest.
const govukPageFixture = `<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><title>Immigration system statistics data tables - GOV.UK</title></head>
<body class="govuk-template__body"><main class="govuk-main-wrapper" id="main-content">
<div class="govspeak">
<p><a class="govuk-link" href="/government/statistics/immigration-system-statistics-year-ending-march-2026">Immigration system statistics, year ending March 2026</a></p>
<h2 id="entry-clearance-visas-granted-outside-the-uk">Entry clearance visas granted outside the UK</h2>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/6a1d5a9f916cd732dcdaad11/visas-summary-mar-2026-tables.ods">Entry clearance visas summary tables, year ending March 2026</a> (<span class="gem-c-attachment-link__attribute"><abbr title="OpenDocument Spreadsheet" class="gem-c-attachment-link__abbr">ODS</abbr></span>, <span class="gem-c-attachment-link__attribute">95.2 KB</span>)</span></p>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/67bc8251d157fd4b79addd22/entry-clearance-visa-outcomes-datasets-dec-2025.xlsx">Entry clearance visa applications and outcomes detailed datasets, year ending December 2025</a> (<span class="gem-c-attachment-link__attribute"><abbr title="Office Open XML Spreadsheet" class="gem-c-attachment-link__abbr">MS Excel Spreadsheet</abbr></span>, <span class="gem-c-attachment-link__attribute">38.1 MB</span>)</span></p>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/6a1d5a9f916cd732dcdaad5c/entry-clearance-visa-outcomes-datasets-mar-2026.xlsx">Entry clearance visa applications and outcomes detailed datasets, year ending March 2026</a> (<span class="gem-c-attachment-link__attribute"><abbr title="Office Open XML Spreadsheet" class="gem-c-attachment-link__abbr">MS Excel Spreadsheet</abbr></span>, <span class="gem-c-attachment-link__attribute">39.4 MB</span>)</span></p>
<p>Vis_D01: Entry clearance visa applications, by nationality and visa type<br>Vis_D02: Outcomes of entry clearance visa applications, by nationality, visa type, and outcome</p>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/6a1d5a9f916cd732dcdaad77/entry-clearance-visa-outcomes-datasets-mar-2026.ods">Entry clearance visa applications and outcomes detailed datasets, year ending March 2026 (ODS)</a></span></p>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/6a1d5a9f916cd732dcdaad99/occupation-visas-datasets-mar-2026.xlsx">Sponsored work visas by occupation and industry detailed datasets, year ending March 2026</a></span></p>
<h2 id="asylum-and-resettlement">Asylum and resettlement</h2>
<p><span class="gem-c-attachment-link"><a class="govuk-link" href="https://assets.publishing.service.gov.uk/media/6a05e3b7ee62840dba48a233/asylum-claims-datasets-mar-2026.xlsx">Asylum claims and initial decisions detailed datasets, year ending March 2026</a></span></p>
<p><a class="govuk-link" href="#entry-clearance-visas-granted-outside-the-uk">Back to entry clearance</a></p>
</div></main></body></html>`

// govukPublisher serves the data-tables page and, at any .xlsx address
// under /media/, the made-up workbook.
func govukPublisher(page string, workbook []byte) *discoveryPublisher {
	return &discoveryPublisher{pagePath: "/government/statistical-data-sets/immigration-system-statistics-data-tables",
		pageType: "text/html; charset=utf-8", filePrefix: "/media/", fileSuffix: ".xlsx",
		fileType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", page: []byte(page), file: workbook}
}

func gbVisasWorkbook(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(catalogue.FixtureDir, cat.Entry(gbVisasID).LiveOnly.Fixture))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gbVisasFetch runs the catalogue's source for origin against pub, both
// gov.uk hosts mirrored to it, recording into a fresh archive.
func gbVisasFetch(t *testing.T, pub *discoveryPublisher, origin string) (*extractors.Source, fetch.SourceFetch, *archive.Archive) {
	t.Helper()
	srv := httptest.NewServer(pub)
	t.Cleanup(srv.Close)
	s, err := cat.Source(gbVisasID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Requests) != 1 || s.Requests[0].RoleOrData() != extractors.RoleDiscovery || s.Requests[0].URL != govukPage {
		t.Fatalf("requests %+v, want one discovery request for the data-tables page", s.Requests)
	}
	s, err = catalogue.ForRun(s, catalogue.RunParams{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := fetch.FetchConfig{
		UserAgent: fetch.UserAgent("test@example.org"),
		Timeout:   5 * time.Second,
		MaxBytes:  1 << 20,
		Mirrors:   map[string]string{govukHost: srv.URL, govukAssets: srv.URL},
		Record:    true,
	}
	return s, fetch.NewFetcher(cfg, arch).FetchAll(context.Background(), []*extractors.Source{s})[0], arch
}

// TestHomeOfficeVisasFollowTheNewestRelease runs the catalogue's Home Office
// source against a publisher at gov.uk's addresses: the rule picks the
// newest entry clearance workbook among the page's links, that workbook is
// read as data, its header found below the notes rows, and only the issued
// work, study and family visas of the run's origin are summed per quarter
// (the figures are the fixture's, MADE UP). An offline replay of what was
// recorded follows the page to the same file.
func TestHomeOfficeVisasFollowTheNewestRelease(t *testing.T) {
	pub := govukPublisher(govukPageFixture, gbVisasWorkbook(t))
	s, r, arch := gbVisasFetch(t, pub, "RU")
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	const newest = govukAssets + "/media/6a1d5a9f916cd732dcdaad5c/entry-clearance-visa-outcomes-datasets-mar-2026.xlsx"
	if len(r.Responses) != 2 || r.Responses[1].Request.URL != newest || r.Responses[1].Request.RoleOrData() != extractors.RoleData {
		var urls []string
		for _, resp := range r.Responses {
			urls = append(urls, string(resp.Request.RoleOrData())+" "+resp.Request.URL)
		}
		t.Fatalf("followed %q, want the page then %s read as data", urls, newest)
	}
	if workbooks, asked := pub.filesAsked(); workbooks != 1 {
		t.Errorf("%d workbooks fetched (%v), want only the newest", workbooks, asked)
	}
	obs, err := mapping.Extract(context.Background(), s, newest, r.Responses[1].Body, r.Responses[1].Entry.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, o := range canonical(t, s, obs) {
		if o.Citizenship != "RU" || o.Destination != "GB" || o.Metric != extractors.PermitsFirst || o.Missing {
			t.Errorf("observation %+v: want Russians' first permits in GB", o)
		}
		got[o.PeriodStart.Format(time.DateOnly)+".."+o.PeriodEnd.Format(time.DateOnly)] = o.Value
	}
	// Work 101+22, Study 203+4, Family 30 in 2022 Q1: refusals, visitors,
	// transit visas and Belarusians left out.
	want := map[string]float64{"2021-10-01..2021-12-31": 80, "2022-01-01..2022-03-31": 360, "2022-04-01..2022-06-30": 211}
	if len(got) != len(want) {
		t.Errorf("quarters %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}

	// The estimate: a gross inflow from the window's start, the quarter
	// before it left out.
	est := transform.Estimates(canonical(t, s, obs), transform.Options{Origin: "RU"})
	if len(est) != 1 || est[0].Destination != "GB" || est[0].Method != transform.GrossFlows ||
		!est[0].HasFlag(transform.FlagGross) || est[0].Net != 360+211 || !est[0].InTotal {
		t.Errorf("estimates %+v, want GB's gross flows of 571 since 2022-01-01, in the total", est)
	}

	again := fetch.NewFetcher(replayConfig(arch), arch).FetchAll(context.Background(), []*extractors.Source{s})[0]
	if again.Err != nil || len(again.Responses) != 2 || again.Responses[1].Request.URL != newest ||
		again.Responses[1].Entry.SHA256 != r.Responses[1].Entry.SHA256 {
		t.Errorf("replay: err %v, responses %d", again.Err, len(again.Responses))
	}
}

// TestHomeOfficeVisasAnotherOrigin: the same workbook read for Belarus
// keeps Belarusians' rows, written as the country table names them.
func TestHomeOfficeVisasAnotherOrigin(t *testing.T) {
	s, err := catalogue.ForRun(source(t, gbVisasID), catalogue.RunParams{Origin: "BY"})
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Map.Filter["nationality"]; f != "Belarus" {
		t.Fatalf("nationality filter %q, want Belarus", f)
	}
	body := gbVisasWorkbook(t)
	obs, err := mapping.Extract(context.Background(), s, "fixture.xlsx", body, archive.Sum(body))
	if err != nil {
		t.Fatal(err)
	}
	obs = canonical(t, s, obs)
	if len(obs) != 1 || obs[0].Citizenship != "BY" || obs[0].Value != 17 || obs[0].PeriodStart.Format(time.DateOnly) != "2022-01-01" {
		t.Errorf("observations %+v, want Belarusians' 17 work visas of 2022 Q1", obs)
	}
	// An origin the workbook does not spell as the table does matches
	// nothing: the source fails, saying so, rather than loading nothing.
	s, err = catalogue.ForRun(source(t, gbVisasID), catalogue.RunParams{Origin: "KZ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mapping.Extract(context.Background(), s, "fixture.xlsx", body, archive.Sum(body)); err == nil ||
		!strings.Contains(err.Error(), "none of") || !strings.Contains(err.Error(), "Kazakhstan") {
		t.Errorf("err = %v, want none of the cells matched, naming the filter", err)
	}
}

// TestHomeOfficeVisasPageWithoutTheWorkbook fails the source, naming it,
// the page and the rule, when the page links no entry clearance workbook
// (a redesign, a renamed file, an error page with status 200).
func TestHomeOfficeVisasPageWithoutTheWorkbook(t *testing.T) {
	page := strings.ReplaceAll(govukPageFixture, "entry-clearance-visa-outcomes-datasets-", "entry-clearance-visas-")
	pub := govukPublisher(page, gbVisasWorkbook(t))
	_, r, _ := gbVisasFetch(t, pub, "RU")
	if r.Err == nil {
		t.Fatalf("no error; %d responses", len(r.Responses))
	}
	for _, want := range []string{gbVisasID, "discovery page " + govukPage, "no link matches", "entry-clearance-visa-outcomes-datasets"} {
		if !strings.Contains(r.Err.Error(), want) {
			t.Errorf("error %q does not say %q", r.Err, want)
		}
	}
	if len(r.Responses) != 1 {
		t.Errorf("%d responses, want the page alone", len(r.Responses))
	}
}
