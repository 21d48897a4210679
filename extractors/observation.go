// Package extractors turns publishers' bytes into observations: the source
// registry, the fetcher, the raw archive and its replay, the format readers
// and the per-source mappings over them.
package extractors

import (
	"time"
)

// Metric names what a number counts. The set is the data contract between
// extractors and transform (see ../shared/DESIGN.md, "Observations").
type Metric string

const (
	ResidentStock      Metric = "resident_stock"      // people resident at a date
	PermitsValid       Metric = "permits_valid"       // valid residence permits at a date
	PermitsFirst       Metric = "permits_first"       // first permits issued over a period
	Immigration        Metric = "immigration"         // arrivals over a period
	Emigration         Metric = "emigration"          // departures over a period
	AsylumApplications Metric = "asylum_applications" // asylum applications over a period
	Repatriation       Metric = "repatriation"        // return migration (aliyah) over a period
	Naturalisations    Metric = "naturalisations"     // acquisitions of citizenship over a period
	BorderNet          Metric = "border_net"          // entries minus exits over a period
	Statement          Metric = "statement"           // a figure from an official statement
)

// Metrics lists every metric of the contract, in a stable order.
var Metrics = []Metric{ResidentStock, PermitsValid, PermitsFirst, Immigration, Emigration,
	AsylumApplications, Repatriation, Naturalisations, BorderNet, Statement}

// IsStock reports whether the metric counts people at a date rather than
// events over a period.
func (m Metric) IsStock() bool { return m == ResidentStock || m == PermitsValid }

// Valid reports whether m is part of the contract.
func (m Metric) Valid() bool {
	for _, k := range Metrics {
		if k == m {
			return true
		}
	}
	return false
}

// MissingSymbols are the marks publishers print instead of a figure
// (Eurostat's ':', the dots of national offices, IRCC's '--' for 0 to 5,
// dashes, x): a reader that meets one in a value cell makes the
// observation Missing and keeps the mark as its flag (unless a source's
// reader parameter missing= names its own).
var MissingSymbols = []string{":", ".", "..", "...", "…", "-", "--", "–", "—", "x", "X", "/", "*", "n/a", "N/A"}

// Observation is one number a source published: one row of the contract.
type Observation struct {
	SourceID    string
	Destination string // ISO 3166-1 alpha-2 of the country that counts
	Citizenship string // ISO 3166-1 alpha-2 of the people counted
	Metric      Metric
	// Measure says what a statement's figure counts (a stock or a flow
	// metric); empty for every other metric.
	Measure     Metric
	PeriodStart time.Time // a stock has start == end == the reference date
	PeriodEnd   time.Time
	Value       float64 // persons; meaningless when Missing
	Missing     bool    // published as missing (":", "..", null): never zero
	Flags       string  // as published: p, e, b, c, ...
	Snapshot    string  // SHA-256 of the archived bytes it came from
}

// Key identifies the series point an observation belongs to, so a later
// vintage of the same number can supersede it.
func (o Observation) Key() string {
	// Appended, not formatted: a parse computes one per figure it reads.
	b := make([]byte, 0, 64)
	for _, s := range []string{o.SourceID, o.Destination, o.Citizenship, string(o.Metric), string(o.Measure)} {
		b = append(append(b, s...), '|')
	}
	b = append(o.PeriodStart.AppendFormat(b, time.DateOnly), '|')
	return string(o.PeriodEnd.AppendFormat(b, time.DateOnly))
}

// IsStock reports whether the observation counts people at a date.
func (o Observation) IsStock() bool {
	if o.Metric == Statement {
		return o.Measure.IsStock()
	}
	return o.Metric.IsStock()
}
