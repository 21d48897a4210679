package catalogue_test

import (
	"context"
	"encoding/csv"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	_ "github.com/emigre/emigre/extractors/formats" // the readers
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/transform"
)

var (
	isoCode = regexp.MustCompile(`^[A-Z]{2}$`)
)

// cat is the embedded catalogue these tests run over.
var cat = catalogue.MustDefault()

// multiCountry reports whether the source covers several destinations, each
// observation naming its own.
func multiCountry(s *extractors.Source) bool { return s.MultiCountry() }

func sampleArchive(t *testing.T) *archive.Archive {
	t.Helper()
	a, err := archive.OpenFS(sample.FS())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// snapshot returns the sample body answering the source's first request.
func snapshot(t *testing.T, a *archive.Archive, s *extractors.Source) (archive.Entry, []byte) {
	t.Helper()
	return requestSnapshot(t, a, s.Requests[0])
}

// requestSnapshot returns the sample body answering one request.
func requestSnapshot(t *testing.T, a *archive.Archive, r extractors.Request) (archive.Entry, []byte) {
	t.Helper()
	e, ok := a.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
	if !ok {
		t.Fatalf("no sample snapshot for %s %s", r.MethodOrGet(), r.URL)
	}
	b, err := a.Object(e.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return e, b
}

// forRun is the source as a run for origin fetches it ({origin} filled).
func forRun(t *testing.T, s *extractors.Source, origin string) *extractors.Source {
	t.Helper()
	r, err := catalogue.ForRun(s, catalogue.RunParams{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// originOf is the citizenship a source counts when it counts one, else
// the sample's first origin.
func originOf(s *extractors.Source) string {
	if s.Map.FixedCitizenship != "" {
		return s.Map.FixedCitizenship
	}
	return "RU"
}

// sampleOrigins are the citizenships the sample holds answers for.
var sampleOrigins = []string{"RU", "UA"}

// absent reports whether the catalogue says the sample has no answer for
// the source (a live-only source).
func absent(s *extractors.Source) bool {
	e := cat.Entry(s.ID)
	return e != nil && e.LiveOnly != nil
}

// linkedFiles are the data files the sample's discovery pages link to.
func linkedFiles(s *extractors.Source) []extractors.Request {
	var out []extractors.Request
	for _, r := range s.Requests {
		if r.RoleOrData() == extractors.RoleDiscovery {
			out = append(out, extractors.Request{Role: extractors.RoleData, URL: cat.Entry(s.ID).Sample.Link})
		}
	}
	return out
}

// TestSampleSnapshots checks the embedded archive answers every request of
// every source for Russian citizens (a source the catalogue marks absent
// from the sample: none), and holds nothing else than those requests, their
// pages and their answers for the sample's other origin; each snapshot
// honest about where its figures came from.
func TestSampleSnapshots(t *testing.T) {
	a := sampleArchive(t)
	perSource := map[string][]archive.Entry{}
	entries, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		perSource[e.Source] = append(perSource[e.Source], e)
	}
	for _, s := range cat.Sources() {
		t.Run(s.ID, func(t *testing.T) {
			entries := perSource[s.ID]
			delete(perSource, s.ID)
			if absent(s) {
				if len(entries) > 0 {
					t.Errorf("%d snapshots of a source the catalogue says the sample lacks", len(entries))
				}
				return
			}
			known := map[string]bool{}
			origins := []string{originOf(s)}
			if s.OriginCode != "" {
				origins = sampleOrigins
			}
			for _, origin := range origins {
				for _, r := range forRun(t, s, origin).Requests {
					known[r.URL] = true
				}
			}
			for _, r := range linkedFiles(s) {
				known[r.URL] = true
			}
			for _, e := range entries {
				if !known[e.URL] && !known[firstPage(e.URL)] {
					t.Errorf("snapshot of %s: neither a request of the source nor a page of one", e.URL)
				}
			}
			for _, r := range append(forRun(t, s, originOf(s)).Requests, linkedFiles(s)...) {
				e, ok := a.Latest(r.MethodOrGet(), r.URL, archive.HashBytes([]byte(r.Body)))
				if !ok {
					t.Fatalf("no snapshot for %s %s", r.MethodOrGet(), r.URL)
				}
				if e.Source != s.ID || e.Status != 200 || e.Header["Content-Type"] == "" || e.FetchedAt.IsZero() {
					t.Errorf("entry: source %q status %d header %v fetched %v", e.Source, e.Status, e.Header, e.FetchedAt)
				}
				p := e.Provenance
				if p == nil || p.Kind != "reconstructed" || p.From == "" || p.Published == "" || p.Note == "" {
					t.Errorf("provenance %+v: want kind reconstructed with from, published and note", p)
				}
				if _, err := a.Object(e.SHA256); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for id := range perSource {
		t.Errorf("snapshot for unregistered source %s", id)
	}
}

// firstPage is a paged request's address with page=1 (UNHCR's).
func firstPage(u string) string {
	return regexp.MustCompile(`([?&]page=)\d+`).ReplaceAllString(u, "${1}1")
}

var tags = regexp.MustCompile(`<[^>]*>`)

// TestStatementQuotesOnPage checks each statement figure's quote is on the
// page it is read from.
func TestStatementQuotesOnPage(t *testing.T) {
	a := sampleArchive(t)
	for _, s := range cat.Sources() {
		if s.Statement == nil {
			continue
		}
		for _, r := range forRun(t, s, originOf(s)).Requests {
			_, b := requestSnapshot(t, a, r)
			text := strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(string(b), " "))), " ")
			for _, f := range s.StatementFigures(r.URL) {
				if !strings.Contains(text, f.Quote) {
					t.Errorf("%s: the quote of the figure of %s is not on the archived page %s", s.ID, f.RefDate.Format(time.DateOnly), r.URL)
				}
			}
		}
	}
}

// TestExtractSamples runs every source's reader and mapping over its sample
// snapshot, end to end, and checks concrete published figures.
func TestExtractSamples(t *testing.T) {
	a := sampleArchive(t)
	shared := loadShared(t)
	for _, s := range cat.Sources() {
		if absent(s) {
			continue
		}
		t.Run(s.ID, func(t *testing.T) {
			obs, snapshots := extractOrigin(t, a, s, originOf(s))
			figures := 0
			for _, o := range obs {
				want := s.Destination
				if multiCountry(s) {
					want = o.Destination
					if !isoCode.MatchString(want) {
						t.Errorf("observation %+v: destination %q is not ISO alpha-2", o, want)
					}
				}
				if o.SourceID != s.ID || o.Destination != want || o.Citizenship != originOf(s) || !snapshots[o.Snapshot] {
					t.Errorf("observation %+v: wrong source, destination, citizenship or snapshot", o)
				}
				if !o.Missing {
					figures++
					if o.Value < 0 || o.Value != float64(int64(o.Value)) {
						t.Errorf("%s %v: value %v is not a whole count", o.Metric, o.PeriodStart, o.Value)
					}
				}
				if s.Statement != nil && o.Measure != s.Statement.Measure {
					t.Errorf("statement measure %q, want %q", o.Measure, s.Statement.Measure)
				}
			}
			if figures == 0 {
				t.Fatal("no figures extracted")
			}
			for _, w := range cat.Entry(s.ID).Expected {
				checkExpected(t, obs, w)
			}
			if s.Publisher == "Eurostat" && shared != nil {
				checkAgainstShared(t, s, obs, shared)
			}
		})
	}
}

// TestExtractSamplesOfAnotherOrigin runs the sources that take the run's
// origin over the sample's answers for Ukrainian citizens: Eurostat's valid
// permits (Eurostat's own download) and the whole files of IRCC and the
// State Department; every observation counts Ukrainians.
func TestExtractSamplesOfAnotherOrigin(t *testing.T) {
	a := sampleArchive(t)
	answered := map[string]bool{}
	for _, s := range cat.Sources() {
		if s.OriginCode == "" || absent(s) {
			continue
		}
		r := forRun(t, s, "UA")
		if _, ok := a.Latest(r.Requests[0].MethodOrGet(), r.Requests[0].URL, archive.HashBytes([]byte(r.Requests[0].Body))); !ok {
			continue // not in the sample for this origin
		}
		answered[s.ID] = true
		obs, _ := extractOrigin(t, a, s, "UA")
		dests := map[string]bool{}
		for _, o := range obs {
			if o.Citizenship != "UA" {
				t.Errorf("%s: observation %+v counts %s", s.ID, o, o.Citizenship)
			}
			dests[o.Destination] = true
		}
		if s.ID == "eurostat-migr_resvalid" && len(dests) < 30 {
			t.Errorf("%s: %d destinations, want every reporting country of the download", s.ID, len(dests))
		}
	}
	for _, id := range []string{"eurostat-migr_resvalid", "ca-ircc-pr-citizenship", "us-dos-immigrant-visas"} {
		if !answered[id] {
			t.Errorf("%s: no answer for Ukrainian citizens in the sample", id)
		}
	}
}

// replayConfig fetches from the sample archive, as `emigre run --offline`.
func replayConfig(a *archive.Archive) fetch.FetchConfig {
	return fetch.FetchConfig{
		UserAgent: fetch.UserAgent("test"),
		Timeout:   10 * time.Second,
		Transport: archive.Replay{Archive: a},
	}
}

// extractRequests runs the source end to end for Russian citizens over the
// sample: the real fetcher replays the archive (pages included), the pages
// of an answer are read together as a run does, and the observations come
// back canonical (ISO codes), with the snapshots read.
func extractRequests(t *testing.T, a *archive.Archive, s *extractors.Source) ([]extractors.Observation, map[string]bool) {
	t.Helper()
	return extractOrigin(t, a, s, "RU")
}

func extractOrigin(t *testing.T, a *archive.Archive, s *extractors.Source, origin string) ([]extractors.Observation, map[string]bool) {
	t.Helper()
	run := forRun(t, s, origin)
	f := fetch.NewFetcher(replayConfig(a), a).FetchAll(context.Background(), []*extractors.Source{run})[0]
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	var obs []extractors.Observation
	snapshots := map[string]bool{}
	var pages []mapping.Page
	var metadata []byte
	read := func() {
		if len(pages) == 0 {
			return
		}
		got, err := mapping.ExtractPages(context.Background(), run, pages, metadata)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range got {
			c, err := transform.Canonicalize(o)
			if err != nil {
				t.Fatalf("observation %+v: %v", o, err)
			}
			obs = append(obs, c)
		}
		pages = nil
	}
	for _, r := range f.Responses {
		switch r.Request.RoleOrData() {
		case extractors.RoleMetadata:
			metadata = r.Body
			snapshots[r.Entry.SHA256] = true
			continue
		case extractors.RoleDiscovery:
			snapshots[r.Entry.SHA256] = true
			continue // a page meant to be HTML: the file it links follows
		}
		if r.Page <= 1 {
			read()
		}
		pages = append(pages, mapping.Page{Name: r.Request.URL, Body: r.Body, Snapshot: r.Entry.SHA256})
		snapshots[r.Entry.SHA256] = true
	}
	read()
	return obs, snapshots
}

// checkExpected finds the observation of an expected figure and checks its
// value (or that it was published as missing).
func checkExpected(t *testing.T, obs []extractors.Observation, w catalogue.Expected) {
	t.Helper()
	span := w.Period.Start.Format(time.DateOnly) + ".." + w.Period.End.Format(time.DateOnly)
	for _, o := range obs {
		if o.Metric == w.Metric && o.Destination == w.Destination && o.PeriodStart.Equal(w.Period.Start) && o.PeriodEnd.Equal(w.Period.End) {
			switch {
			case w.Missing && !o.Missing:
				t.Errorf("%s %s: want missing, have %v", w.Metric, span, o.Value)
			case !w.Missing && (o.Missing || o.Value != w.Value):
				t.Errorf("%s %s: want %v, have %v (missing %v)", w.Metric, span, w.Value, o.Value, o.Missing)
			}
			return
		}
	}
	t.Errorf("no %s observation in %s for %s", w.Metric, w.Destination, span)
}

// sharedFigures are the Russian-citizen figures of the shared Eurostat
// extract, by dataset, country label and year ("" for ':').
type sharedFigures map[string]string

const sharedCSV = "../../../shared/realdata/derived/russia__eurostat_KiraKicka_long.csv"

func loadShared(t *testing.T) sharedFigures {
	f, err := os.Open(sharedCSV)
	if err != nil {
		t.Logf("shared extract not available (%v): Eurostat figures are not cross-checked", err)
		return nil
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := sharedFigures{}
	for _, r := range recs[1:] { // source_file,eurostat_table,citizen,geo_label,year,value_raw,value
		if r[2] == "RU" {
			out[r[1]+"|"+r[3]+"|"+r[4]] = r[6]
		}
	}
	return out
}

// covers reports whether the extract has any year of the dataset for the
// country.
func (f sharedFigures) covers(dataset, name string) bool {
	for k := range f {
		if strings.HasPrefix(k, dataset+"|"+name+"|") {
			return true
		}
	}
	return false
}

// checkAgainstShared checks every Eurostat figure of the sample for a
// country the shared extract has is the extract's figure, and every ':'
// stays missing: nothing invented.
func checkAgainstShared(t *testing.T, s *extractors.Source, obs []extractors.Observation, shared sharedFigures) {
	t.Helper()
	for _, o := range obs {
		name := transform.CountryName(o.Destination) // the extract's geo labels are English names
		if !shared.covers(s.Dataset, name) {
			continue // figures of another origin: europe_test.go checks those
		}
		y := o.PeriodStart.Year()
		if o.Metric == extractors.PermitsValid { // 31 December of the year
			y = o.PeriodEnd.Year()
		}
		v, ok := shared[s.Dataset+"|"+name+"|"+strconv.Itoa(y)]
		switch {
		case !ok && o.Missing:
			// A year the answer has for another country: missing here.
		case !ok:
			t.Errorf("%s %d: not in the shared extract", name, y)
		case v == "" && !o.Missing:
			t.Errorf("%d: ':' in the shared extract, %v in the sample", y, o.Value)
		case v != "" && (o.Missing || strconv.FormatFloat(o.Value, 'f', -1, 64) != v):
			t.Errorf("%d: shared extract %s, sample %v (missing %v)", y, v, o.Value, o.Missing)
		}
	}
}

// TestOfflineReplay fetches every source through the real fetcher with the
// sample archive as the transport, as `emigre run --offline` does: the
// catalogue's requests (URL, method, body) must find their snapshots.
func TestOfflineReplay(t *testing.T) {
	a := sampleArchive(t)
	cfg := fetch.FetchConfig{
		UserAgent: fetch.UserAgent("test"),
		Timeout:   10 * time.Second,
		Transport: archive.Replay{Archive: a},
	}
	var srcs []*extractors.Source
	for _, s := range cat.Sources() {
		if !absent(s) {
			srcs = append(srcs, forRun(t, s, originOf(s)))
		}
	}
	for _, r := range fetch.NewFetcher(cfg, a).FetchAll(context.Background(), srcs) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source.ID, r.Err)
			continue
		}
		for _, resp := range r.Responses {
			if archive.Sum(resp.Body) != resp.Entry.SHA256 || resp.Entry.Provenance == nil {
				t.Errorf("%s: replayed body or provenance differs from the sample", r.Source.ID)
			}
		}
	}
}
