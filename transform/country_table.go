package transform

import (
	"slices"
	"strings"
)

// Country is one row of the country code table, as the warehouse's
// countries reference table carries it.
type Country struct {
	Alpha2 string // ISO 3166-1 alpha-2 (XK for Kosovo)
	Alpha3 string // ISO 3166-1 alpha-3 (XKX for Kosovo)
	Name   string // common English short name, as in reports
}

// Countries returns the code table ordered by alpha-2 code: every ISO
// 3166-1 country plus Kosovo. Publisher aliases (EL, UK) are not rows.
func Countries() []Country {
	out := make([]Country, 0, len(countries))
	for _, c := range countries {
		out = append(out, Country{Alpha2: c.a2, Alpha3: c.a3, Name: c.name})
	}
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Alpha2, b.Alpha2) })
	return out
}
