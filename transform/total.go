package transform

import "time"

// Total sums the chosen estimates of one origin (docs/method.md, "What the
// total means"): Net and Low over the rows in the total, High over every
// row, so the range stays honest about what is unknown.
type Total struct {
	Citizenship string
	// Net and Low sum the rows that measure a change since W (InTotal).
	Net, Low float64
	// High sums every row's high, those not in the total included.
	High float64
	// Countries counts the destinations in the total.
	Countries int
	// Gross sums the rows in the total flagged gross (returns unknown), and
	// GrossCountries counts them.
	Gross          float64
	GrossCountries int
	// NotInTotal sums the net of the rows not in the total, and
	// CountriesNotInTotal counts them.
	NotInTotal          float64
	CountriesNotInTotal int
	// AsOf is the latest as_of among the rows in the total.
	AsOf time.Time
}

// Totals sums the estimates of one origin, as Estimates returns them.
func Totals(est []Estimate) Total {
	var t Total
	for i, e := range est {
		if i == 0 {
			t.Citizenship = e.Citizenship
		}
		t.High += e.High
		if !e.InTotal {
			t.NotInTotal += e.Net
			t.CountriesNotInTotal++
			continue
		}
		t.Net += e.Net
		t.Low += e.Low
		t.Countries++
		if e.HasFlag(FlagGross) {
			t.Gross += e.Net
			t.GrossCountries++
		}
		if e.AsOf.After(t.AsOf) {
			t.AsOf = e.AsOf
		}
	}
	return t
}
