package catalogue_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/transform"
)

// TestLiveOnlyFixtures runs each live-only source's reader and mapping over
// its fixture: the publisher's real format, with figures that are MADE UP
// (the file is named *_madeup.*; none of it is in the sample archive). The
// figures checked are the fixture's, in live_only.expected: they prove the
// mapping picks the right cells, not what the publisher published.
func TestLiveOnlyFixtures(t *testing.T) {
	a := sampleArchive(t)
	n := 0
	for _, s := range cat.Sources() {
		lo := cat.Entry(s.ID).LiveOnly
		if lo == nil {
			continue
		}
		n++
		t.Run(s.ID, func(t *testing.T) {
			if !strings.Contains(lo.Fixture, "_madeup.") {
				t.Fatalf("fixture %s: its name must say its figures are made up", lo.Fixture)
			}
			body, err := os.ReadFile(filepath.Join(catalogue.FixtureDir, lo.Fixture))
			if err != nil {
				t.Fatal(err)
			}
			entries, err := a.Entries()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.SHA256 == archive.Sum(body) {
					t.Fatalf("the made-up fixture is in the sample archive (%s)", e.URL)
				}
			}
			r, err := catalogue.ForRun(s, catalogue.RunParams{Origin: "RU"})
			if err != nil {
				t.Fatal(err)
			}
			obs, err := mapping.Extract(context.Background(), r, dataURL(r), body, archive.Sum(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(obs) == 0 {
				t.Fatal("no observations from the fixture")
			}
			obs = canonical(t, s, obs)
			for _, o := range obs {
				if o.Citizenship != "RU" || (s.Destination != "" && o.Destination != s.Destination) {
					t.Errorf("observation %+v: want Russian citizens in %s", o, s.Destination)
				}
				if len(s.Covers) > 0 && !slices.Contains(s.Covers, o.Destination) {
					t.Errorf("observation %+v: %s is not in the source's covers", o, o.Destination)
				}
			}
			for _, w := range lo.Expected {
				checkExpected(t, obs, w)
			}
			t.Logf("%d observations read from %s (figures made up)", len(obs), lo.Fixture)
		})
	}
	if n == 0 {
		t.Skip("no live-only source in the catalogue")
	}
}

// dataURL is the address a source's data answer comes from: its data
// request, or (behind a discovery page) the discovery request's.
func dataURL(s *extractors.Source) string {
	for _, r := range s.Requests {
		if r.RoleOrData() != extractors.RoleMetadata {
			return r.URL
		}
	}
	return ""
}

// canonical writes destinations and citizenships in ISO alpha-2, as the
// pipeline does, so expected figures name them that way.
func canonical(t *testing.T, s *extractors.Source, obs []extractors.Observation) []extractors.Observation {
	t.Helper()
	out := make([]extractors.Observation, 0, len(obs))
	for _, o := range obs {
		c, err := transform.Canonicalize(o)
		if err != nil {
			t.Errorf("observation %+v: %v", o, err)
			continue
		}
		out = append(out, c)
	}
	return out
}
