package catalogue_test

import (
	"context"
	"encoding/csv"
	"html"
	"os"
	"regexp"
	"slices"
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

// TestSampleSnapshots checks the embedded archive holds one snapshot per
// request of every source, each honest about where its figures came from.
func TestSampleSnapshots(t *testing.T) {
	a := sampleArchive(t)
	perSource := map[string]int{}
	for _, e := range a.Entries() {
		perSource[e.Source]++
	}
	for _, s := range cat.Sources() {
		t.Run(s.ID, func(t *testing.T) {
			if cat.Entry(s.ID).LiveOnly != nil {
				if perSource[s.ID] != 0 {
					t.Errorf("live-only, yet %d snapshots in the sample", perSource[s.ID])
				}
				return
			}
			all := append(slices.Clone(s.Requests), linkedFiles(s)...)
			if perSource[s.ID] != len(all) {
				t.Errorf("%d snapshots for %d requests and linked files", perSource[s.ID], len(all))
			}
			delete(perSource, s.ID)
			for _, r := range all {
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

var tags = regexp.MustCompile(`<[^>]*>`)

// TestStatementQuotesOnPage checks each statement figure's quote is on the
// page it is read from.
func TestStatementQuotesOnPage(t *testing.T) {
	a := sampleArchive(t)
	for _, s := range cat.Sources() {
		if s.Statement == nil {
			continue
		}
		for _, r := range s.Requests {
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
	for _, s := range cat.SampleSources() {
		t.Run(s.ID, func(t *testing.T) {
			obs, snapshots := extractRequests(t, a, s)
			figures := 0
			for _, o := range obs {
				want := s.Destination
				if multiCountry(s) {
					// Publishers' codes (UNHCR's ISO alpha-3) become alpha-2
					// in the pipeline; a code that does not is an error.
					c, err := transform.Canonicalize(o)
					if err != nil {
						t.Errorf("observation %+v: %v", o, err)
						continue
					}
					o.Destination, want = c.Destination, c.Destination
					if !isoCode.MatchString(want) {
						t.Errorf("observation %+v: destination %q is not ISO alpha-2", o, want)
					}
				}
				if o.SourceID != s.ID || o.Destination != want || o.Citizenship != "RU" || !snapshots[o.Snapshot] {
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

// replayConfig fetches from the sample archive, as `emigre run --offline`.
func replayConfig(a *archive.Archive) fetch.FetchConfig {
	return fetch.FetchConfig{
		UserAgent: fetch.UserAgent("test"),
		Timeout:   10 * time.Second,
		Transport: archive.Replay{Archive: a},
	}
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

// extractRequests runs the source end to end over its sample answers,
// fetched through the real fetcher from the archive (a discovery page is
// followed to the file it links) and read as a run reads them: a metadata
// answer is handed to the data answers after it. It returns the
// observations and the snapshots read.
func extractRequests(t *testing.T, a *archive.Archive, s *extractors.Source) ([]extractors.Observation, map[string]bool) {
	t.Helper()
	r := fetch.NewFetcher(replayConfig(a), a).FetchAll(context.Background(), []*extractors.Source{s})[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	var obs []extractors.Observation
	var metadata []byte
	snapshots := map[string]bool{}
	for _, resp := range r.Responses {
		snapshots[resp.Entry.SHA256] = true
		switch resp.Request.RoleOrData() {
		case extractors.RoleMetadata:
			metadata = resp.Body
			continue
		case extractors.RoleDiscovery:
			continue
		}
		got, err := mapping.ExtractWithMetadata(context.Background(), s, resp.Request.URL, resp.Body, resp.Entry.SHA256, metadata)
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, got...)
	}
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

// checkAgainstShared checks every Eurostat figure of the sample is the
// shared extract's figure, and every ':' stays missing: nothing invented.
func checkAgainstShared(t *testing.T, s *extractors.Source, obs []extractors.Observation, shared sharedFigures) {
	t.Helper()
	name := transform.CountryName(s.Destination) // the extract's geo labels are English names
	if !shared.covers(s.Dataset, name) {
		return // figures of another origin: europe_test.go checks those
	}
	for _, o := range obs {
		y := o.PeriodStart.Year()
		if o.Metric == extractors.PermitsValid { // 31 December of the year
			y = o.PeriodEnd.Year()
		}
		v, ok := shared[s.Dataset+"|"+name+"|"+strconv.Itoa(y)]
		switch {
		case !ok:
			t.Errorf("%d: not in the shared extract", y)
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
	srcs := cat.SampleSources()
	for _, r := range fetch.NewFetcher(replayConfig(a), a).FetchAll(context.Background(), srcs) {
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
