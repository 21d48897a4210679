package catalogue_test

import (
	"slices"
	"testing"
)

// TestDestinationsWithAnEstimableSource pins the destinations beyond the EU
// whose official series this catalogue registers, and counts them all.
func TestDestinationsWithAnEstimableSource(t *testing.T) {
	got := cat.EstimableDestinations()
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
	if len(names) < 49 { // a floor against losing coverage, raised as sources land
		t.Errorf("%d destinations with a source that feeds an estimate, want at least 49: %v", len(names), names)
	}
	t.Logf("%d destinations with a source that feeds an estimate: %v", len(names), names)
}
