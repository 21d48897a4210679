package quality

import (
	"fmt"
	"math"
	"strings"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// validity: counts are whole and non-negative, flags are known, periods are
// well formed and not in the future.
func (c *checker) validity(s *extractors.Source) (load.QualityCheckRow, bool) {
	obs := c.in.Parsed[s.ID]
	if len(obs) == 0 {
		return load.QualityCheckRow{}, false
	}
	var bad []string
	for _, o := range obs {
		if problem := c.invalid(o); problem != "" {
			bad = append(bad, fmt.Sprintf("%s %s: %s", series(o), periodLabel(o), problem))
		}
	}
	observed := float64(len(bad)) / float64(len(obs))
	return c.measured(CheckValidity, RuleValidity, s.ID, "", observed,
		fmt.Sprintf("%d of %d rows invalid", len(bad), len(obs)), bad), true
}

// invalid says what is wrong with one observation, or "".
func (c *checker) invalid(o extractors.Observation) string {
	switch {
	case o.PeriodStart.Year() < 1900 || o.PeriodEnd.Year() < 1900:
		return "period not set"
	case o.PeriodStart.After(o.PeriodEnd):
		return "period starts after it ends"
	case o.IsStock() && !o.PeriodStart.Equal(o.PeriodEnd):
		return "a stock with a period instead of one reference date"
	case !o.IsStock() && o.Metric != extractors.Statement && months(o.PeriodStart, o.PeriodEnd) == 0:
		return "a flow period that is not whole calendar months"
	case !c.in.Now.IsZero() && o.PeriodEnd.After(c.in.Now):
		return "period ends in the future"
	}
	if f := strings.TrimSpace(o.Flags); f != "" {
		for _, r := range f {
			if !strings.ContainsRune(c.cfg.knownFlags(), r) {
				return fmt.Sprintf("unknown flag %q", o.Flags)
			}
		}
	}
	if o.Missing {
		return ""
	}
	switch v := o.Value; {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprintf("value %v is not a number", v)
	case v < 0:
		return fmt.Sprintf("value %s is negative", number(v))
	case v != math.Trunc(v):
		return fmt.Sprintf("value %v is not a whole number of persons", v)
	}
	return ""
}
