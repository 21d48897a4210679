package extractors

import "time"

// Gap is a destination known to host many emigrants for which no source
// gives a usable figure: its status in the catalogue is "no source". Gaps
// are data (extractors/catalogue), so that reports name them and nobody
// reads a missing country as a zero.
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
