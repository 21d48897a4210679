package extractors

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Gap is a destination known to host many emigrants for which no source
// gives a usable figure: its status in the catalogue is "no source". Gaps
// are data, so that reports name them and nobody reads a missing country as
// a zero.
type Gap struct {
	Country string // ISO 3166-1 alpha-2
	// Reason says what was looked for and why nothing qualifies: no
	// publication, only border entries, only origin-side counts.
	Reason string
	// Evidence is why the country matters and what was checked: the pages or
	// datasets that show emigrants going there, separated by " ; ".
	Evidence string
	Checked  time.Time // when the search for a source was last done
}

// GapStatus is the catalogue status of a gap.
const GapStatus = "no source"

var (
	gaps      []Gap
	gapIdx    = map[string]bool{}
	reCountry = regexp.MustCompile(`^[A-Z]{2}$`)
)

// RegisterGap records a destination without a source. Gaps register
// themselves from init functions (see extractors/sources), like sources.
func RegisterGap(g Gap) {
	switch {
	case !reCountry.MatchString(g.Country):
		panic(fmt.Sprintf("extractors: gap country %q is not an ISO alpha-2 code", g.Country))
	case gapIdx[g.Country]:
		panic("extractors: gap registered twice: " + g.Country)
	case strings.TrimSpace(g.Reason) == "" || strings.TrimSpace(g.Evidence) == "" || g.Checked.IsZero():
		panic("extractors: gap " + g.Country + " without reason, evidence or date checked")
	}
	gaps = append(gaps, g)
	gapIdx[g.Country] = true
}

// Gaps returns the destinations without a source, ordered by country.
func Gaps() []Gap {
	out := slices.Clone(gaps)
	slices.SortFunc(out, func(a, b Gap) int { return strings.Compare(a.Country, b.Country) })
	return out
}
