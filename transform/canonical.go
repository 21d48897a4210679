// Package transform turns observations into the estimate: canonical codes,
// de-duplication and the methods of docs/method.md.
package transform

import (
	"errors"
	"fmt"
	"math"

	"github.com/emigre/emigre/extractors"
)

// Canonicalize returns the observation with canonical country codes after
// checking it against the contract: a known metric, a whole non-negative
// value and a period that fits the metric.
func Canonicalize(o extractors.Observation) (extractors.Observation, error) {
	fail := func(format string, a ...any) (extractors.Observation, error) {
		return o, fmt.Errorf("source %s: %s", o.SourceID, fmt.Sprintf(format, a...))
	}
	if o.SourceID == "" {
		return o, errors.New("observation without source id")
	}
	dest, err := CountryCode(o.Destination)
	if err != nil {
		return fail("destination: %v", err)
	}
	cit, err := CountryCode(o.Citizenship)
	if err != nil {
		return fail("citizenship: %v", err)
	}
	o.Destination, o.Citizenship = dest, cit
	if !o.Metric.Valid() {
		return fail("unknown metric %q", o.Metric)
	}
	if o.Metric == extractors.Statement {
		if !o.Measure.Valid() || o.Measure == extractors.Statement {
			return fail("statement needs a measure saying what it counts, got %q", o.Measure)
		}
	} else if o.Measure != "" {
		return fail("measure %q set on metric %s (only statements have one)", o.Measure, o.Metric)
	}
	if o.PeriodStart.IsZero() || o.PeriodEnd.IsZero() {
		return fail("%s without a period", o.Metric)
	}
	if o.IsStock() {
		if !o.PeriodStart.Equal(o.PeriodEnd) {
			return fail("stock %s with period %s..%s: start and end must be the reference date",
				o.Metric, o.PeriodStart.Format("2006-01-02"), o.PeriodEnd.Format("2006-01-02"))
		}
	} else if o.PeriodStart.After(o.PeriodEnd) {
		return fail("flow %s with period start %s after end %s",
			o.Metric, o.PeriodStart.Format("2006-01-02"), o.PeriodEnd.Format("2006-01-02"))
	}
	if o.Missing {
		return o, nil // the value is meaningless: nothing more to check
	}
	switch v := o.Value; {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fail("%s value %v is not a number", o.Metric, v)
	case v < 0:
		return fail("%s value %v is negative", o.Metric, v)
	case v != math.Trunc(v):
		return fail("%s value %v is not a whole number of persons", o.Metric, v)
	}
	return o, nil
}
