package quality

import (
	"fmt"
	"maps"
	"slices"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// shape: the series the source is known to publish are in this answer.
// Known means declared by the catalogue (its metrics for its destination and
// citizenship) or published by an earlier run: a renamed dimension fails the
// reader, a vanished code shows here as a missing series.
func (c *checker) shape(s *extractors.Source) (load.QualityCheckRow, bool) {
	run, attempted := c.in.Runs[s.ID]
	if !attempted || c.in.Parsed == nil {
		return load.QualityCheckRow{}, false
	}
	switch {
	case run.Status != load.SourceFailed || run.Stage == load.StageLoad:
		// Read: judge what was parsed.
	case run.Stage == load.StageFetch:
		return load.QualityCheckRow{}, false // nothing was read: completeness reports it
	default:
		return c.measured(CheckShape, RuleShape, s.ID, "", 1,
			fmt.Sprintf("the answer could not be read (%s stage)", run.Stage), []string{run.Error}), true
	}
	expected := map[string]string{} // series -> why it is expected
	for _, o := range declaredSeries(s, c.in.Origin) {
		expected[series(o)] = "declared by the catalogue"
	}
	for _, p := range c.current[s.ID] {
		// Another origin's series are another run's answer to another
		// request: a run for UA expects none of what the RU run loaded.
		if p.RunID != c.in.RunID && p.Citizenship == c.in.Origin {
			if _, ok := expected[series(p.Observation)]; !ok {
				expected[series(p.Observation)] = "published before"
			}
		}
	}
	if len(expected) == 0 {
		return c.note(CheckShape, s.ID, "", "no series known to expect"), true
	}
	got := map[string]bool{}
	for _, o := range c.in.Parsed[s.ID] {
		got[series(o)] = true
	}
	var missing []string
	for _, k := range slices.Sorted(maps.Keys(expected)) {
		if !got[k] {
			missing = append(missing, fmt.Sprintf("missing: %s (%s)", k, expected[k]))
		}
	}
	observed := float64(len(missing)) / float64(len(expected))
	return c.measured(CheckShape, RuleShape, s.ID, "", observed,
		fmt.Sprintf("%d of %d expected series present", len(expected)-len(missing), len(expected)), missing), true
}

// declaredSeries are the series the catalogue says a source publishes, as
// observations with only the series' identity set. A source that counts
// several destinations (Map.Destination set) declares none: its list of
// destinations is the publisher's.
func declaredSeries(s *extractors.Source, origin string) []extractors.Observation {
	if s.Map.Destination != "" {
		return nil
	}
	cit := s.Map.FixedCitizenship
	if cit == "" {
		cit = origin
	}
	base := extractors.Observation{Destination: s.Destination, Citizenship: cit}
	if s.Statement != nil {
		base.Metric, base.Measure = extractors.Statement, s.Statement.Measure
		return []extractors.Observation{base}
	}
	var out []extractors.Observation
	if s.Map.MetricDim == "" {
		base.Metric = s.Map.Metric
		return append(out, base)
	}
	for _, m := range slices.Sorted(maps.Values(s.Map.Metrics)) {
		o := base
		o.Metric = m
		if !slices.ContainsFunc(out, func(x extractors.Observation) bool { return x.Metric == m }) {
			out = append(out, o)
		}
	}
	return out
}
