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
		if problem := c.invalid(s, o); problem != "" {
			bad = append(bad, fmt.Sprintf("%s %s: %s", series(o), periodLabel(o), problem))
		}
	}
	observed := float64(len(bad)) / float64(len(obs))
	return c.measured(CheckValidity, RuleValidity, s.ID, "", observed,
		fmt.Sprintf("%d of %d rows invalid", len(bad), len(obs)), bad), true
}

// invalid says what is wrong with one observation, or "".
func (c *checker) invalid(s *extractors.Source, o extractors.Observation) string {
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
	for _, f := range strings.Fields(o.Flags) {
		if !c.knownFlag(s, o, f) {
			return fmt.Sprintf("unknown flag %q", o.Flags)
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

// knownFlag reports whether one flag of an observation is one the warehouse
// knows the meaning of: status letters (Eurostat's b, e, p ..., combined as
// "bep"), a tag the source's own mapping puts on a figure that stands in for
// another (its fallback codes: UNHCR's NR, new and repeat applications
// together), or, on a missing figure, the mark the publisher printed
// instead of it (":", "--": extractors.MissingSymbols, or the source's own
// missing= list).
func (c *checker) knownFlag(s *extractors.Source, o extractors.Observation, f string) bool {
	if strings.Trim(f, c.cfg.knownFlags()) == "" {
		return true
	}
	for _, alt := range s.Map.Fallback {
		for _, code := range alt {
			if f == code {
				return true
			}
		}
	}
	if !o.Missing {
		return false
	}
	symbols := extractors.MissingSymbols
	if list, ok := s.Params["missing"]; ok {
		symbols = strings.Split(list, ",")
	}
	for _, m := range symbols {
		if f == strings.TrimSpace(m) {
			return true
		}
	}
	return false
}
