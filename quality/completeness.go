package quality

import (
	"fmt"
	"maps"
	"slices"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// completeness: the source answered, with about as many rows as usual.
func (c *checker) completeness(s *extractors.Source) (load.QualityCheckRow, bool) {
	run, attempted := c.in.Runs[s.ID]
	if !attempted {
		return load.QualityCheckRow{}, false
	}
	if run.Status == load.SourceFailed {
		return c.measured(CheckCompleteness, RuleCompleteness, s.ID, "", 1,
			fmt.Sprintf("no answer: failed at the %s stage", run.Stage), []string{run.Error}), true
	}
	usual := c.in.UsualRows[s.ID]
	if len(usual) == 0 {
		observed := 0.0
		if run.Rows == 0 {
			observed = 1
		}
		return c.measured(CheckCompleteness, RuleCompleteness, s.ID, "", observed,
			fmt.Sprintf("%d rows (no earlier run to compare with)", run.Rows), nil), true
	}
	fs := make([]float64, len(usual))
	for i, n := range usual {
		fs[i] = float64(n)
	}
	typical := median(fs)
	observed := max(0, 1-float64(run.Rows)/typical)
	return c.measured(CheckCompleteness, RuleCompleteness, s.ID, "", observed,
		fmt.Sprintf("%d rows; usually %s (median of the last %d successful runs)", run.Rows, number(typical), len(usual)), nil), true
}

// destinations are the destinations of the attempted sources, sorted.
func (c *checker) destinations() []string {
	set := map[string]bool{}
	for _, s := range c.sources {
		if _, ok := c.in.Runs[s.ID]; ok && s.Destination != "" {
			set[s.Destination] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// coverage: every expected destination has data: the share of its
// attempted sources with no current figure for the origin.
func (c *checker) coverage(dest string) (load.QualityCheckRow, bool) {
	var ids, empty []string
	for _, s := range c.sources {
		if _, ok := c.in.Runs[s.ID]; !ok || s.Destination != dest {
			continue
		}
		ids = append(ids, s.ID)
		has := slices.ContainsFunc(c.current[s.ID], func(p Point) bool {
			return !p.Missing && p.Citizenship == c.in.Origin
		})
		if !has {
			empty = append(empty, "no current figure: "+s.ID)
		}
	}
	if len(ids) == 0 {
		return load.QualityCheckRow{}, false
	}
	observed := float64(len(empty)) / float64(len(ids))
	return c.measured(CheckCompleteness, RuleCoverage, "", dest, observed,
		fmt.Sprintf("%d of %d sources have current figures for %s citizens", len(ids)-len(empty), len(ids), c.in.Origin), empty), true
}
