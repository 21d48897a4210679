package quality

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/internal/numfmt"
	"github.com/emigre/emigre/load"
)

// Each check family has its file: shape.go, completeness.go (with
// coverage), validity.go, consistency.go (parts_total and stock_flows),
// anomaly.go, revision.go. This file runs them and holds what
// they share: the row builders and the naming of series in sample rows.

// Outcomes, as stored in quality_checks.outcome.
const (
	OutcomePass = load.OutcomePass
	OutcomeWarn = load.OutcomeWarn
	OutcomeFail = load.OutcomeFail
)

// maxSamples bounds the offending rows a check's detail lists.
const maxSamples = 5

// Check runs every check over in and returns one row per check per subject
// (a source, or a destination for checks across sources), sources in id
// order, then destinations in code order.
func Check(in Input, cfg Config) []load.QualityCheckRow {
	c := newChecker(in, cfg)
	var out []load.QualityCheckRow
	for _, s := range c.sources {
		for _, check := range []func(*extractors.Source) (load.QualityCheckRow, bool){
			c.shape, c.completeness, c.validity, c.partsTotal, c.anomaly, c.revision,
		} {
			if r, ok := check(s); ok {
				out = append(out, r)
			}
		}
	}
	for _, d := range c.destinations() {
		for _, check := range []func(string) (load.QualityCheckRow, bool){c.coverage, c.stockFlows} {
			if r, ok := check(d); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

type checker struct {
	in      Input
	cfg     Config
	sources []*extractors.Source
	current map[string][]Point // by source id
}

func newChecker(in Input, cfg Config) *checker {
	c := &checker{in: in, cfg: cfg, current: map[string][]Point{}}
	c.sources = slices.Clone(in.Sources)
	slices.SortFunc(c.sources, func(a, b *extractors.Source) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range in.Current {
		c.current[p.SourceID] = append(c.current[p.SourceID], p)
	}
	return c
}

// measured builds the row of a check that measured something.
func (c *checker) measured(check, rule, source, dest string, observed float64, summary string, samples []string) load.QualityCheckRow {
	outcome, threshold := judge(observed, c.cfg.limits(rule, source))
	return load.QualityCheckRow{SourceID: source, Destination: dest, CheckName: check,
		Observed: &observed, Threshold: &threshold, Outcome: outcome,
		Detail: detail(summary, samples), Sample: c.in.Sample}
}

// note builds the row of a check that had nothing to measure: it passes and
// says why.
func (c *checker) note(check, source, dest, why string) load.QualityCheckRow {
	return load.QualityCheckRow{SourceID: source, Destination: dest, CheckName: check,
		Outcome: OutcomePass, Detail: why, Sample: c.in.Sample}
}

// detail is the summary line, then up to maxSamples offending rows, one
// per line.
func detail(summary string, samples []string) string {
	lines := []string{summary}
	for i, s := range samples {
		if i == maxSamples {
			lines = append(lines, fmt.Sprintf("... and %d more", len(samples)-maxSamples))
			break
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// series names a series in sample rows: DE RU resident_stock (statement
// measure in brackets).
func series(o extractors.Observation) string {
	s := o.Destination + " " + o.Citizenship + " " + string(o.Metric)
	if o.Measure != "" {
		s += "[" + string(o.Measure) + "]"
	}
	return s
}

// seriesKey groups a source's current points into series.
type seriesKey struct {
	dest, cit       string
	metric, measure extractors.Metric
}

func keyOf(o extractors.Observation) seriesKey {
	return seriesKey{o.Destination, o.Citizenship, o.Metric, o.Measure}
}

// seriesOf groups points by series, each sorted by period end.
func seriesOf(points []Point) (map[seriesKey][]Point, []seriesKey) {
	out := map[seriesKey][]Point{}
	for _, p := range points {
		out[keyOf(p.Observation)] = append(out[keyOf(p.Observation)], p)
	}
	keys := slices.SortedFunc(maps.Keys(out), func(a, b seriesKey) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	for _, k := range keys {
		slices.SortFunc(out[k], func(a, b Point) int {
			if c := a.PeriodEnd.Compare(b.PeriodEnd); c != 0 {
				return c
			}
			return a.PeriodStart.Compare(b.PeriodStart)
		})
	}
	return out, keys
}

// number writes a count with thousands separators: 12,345.
func number(v float64) string { return numfmt.Count(v, false) }

// signed writes a change with its sign: +1,200 or -300.
func signed(v float64) string {
	if v > 0 {
		return "+" + number(v)
	}
	return number(v)
}
