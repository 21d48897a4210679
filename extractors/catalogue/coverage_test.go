package catalogue_test

import (
	"slices"
	"testing"
)

// estimableDestinations are the countries the catalogue covers with a source
// that feeds an estimate: each source's destination, or every country a
// multi-country answer covers, of the sources that count something other
// than asylum applications (those never make an estimate). This is the
// count `emigre sources` prints.
func estimableDestinations() map[string][]string {
	out := map[string][]string{}
	for _, s := range cat.Sources() {
		if !s.FeedsEstimate() {
			continue
		}
		for _, d := range s.Destinations() {
			out[d] = append(out[d], s.ID)
		}
	}
	return out
}

// TestDestinationsWithAnEstimableSource pins the destinations beyond the EU
// whose official series this catalogue registers, and counts them all.
func TestDestinationsWithAnEstimableSource(t *testing.T) {
	got := estimableDestinations()
	// Official series or releases outside the EU: TÜİK, CBS, e-Stat,
	// KOSIS, DHS, IRCC, Geostat, and the OECD's database for the OECD's
	// members in the Americas and Oceania.
	for _, d := range []string{"AU", "CA", "CL", "CO", "CR", "GE", "IL", "JP", "KR", "MX", "NZ", "TR", "US"} {
		if len(got[d]) == 0 {
			t.Errorf("%s: no source that feeds an estimate", d)
		}
	}
	for _, g := range cat.Gaps() {
		if g.Checked.IsZero() || g.Reason == "" {
			t.Errorf("gap %s: reason %q, checked %v", g.Country, g.Reason, g.Checked)
		}
	}
	names := make([]string, 0, len(got))
	for d := range got {
		names = append(names, d)
	}
	slices.Sort(names)
	if len(names) < 58 { // a floor against losing coverage, raised as sources land
		t.Errorf("%d destinations with a source that feeds an estimate, want at least 58: %v", len(names), names)
	}
	t.Logf("%d destinations with a source that feeds an estimate: %v", len(names), names)
}
