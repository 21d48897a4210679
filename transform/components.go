package transform

import (
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// A destination that publishes no residence figure by citizenship (the
// United States) is estimated as a documented sum of named gross
// components (docs/method.md, "A sum of gross components"): each source the
// catalogue names as a component (Options.Components) adds its whole
// periods from W on, a component's sources together (one component may be
// read from several files, each covering its own months). The sum is one
// gross_flows result; its parts are kept in Result.Components and never
// become methods of their own, so low and high stay a range over methods.

// Component is one part of a sum of gross components.
type Component struct {
	Name      string            // as the catalogue names it ("immigrant visas")
	SourceIDs []string          // the sources read, sorted
	Metric    extractors.Metric // the metric summed (comma-separated when the sources differ)
	Value     float64           // persons over [PeriodStart, PeriodEnd]
	// PeriodStart and PeriodEnd are the first and last day summed: each
	// component covers its own span, up to its newest whole period.
	PeriodStart, PeriodEnd time.Time
	// Gap: the component does not cover every period from W to
	// PeriodEnd, so the sum is flagged gap_in_flows.
	Gap bool
}

// componentSum sums the destination's component series; ok is false when
// the destination has none, or none has a whole period inside the window.
func componentSum(parts []*series, names map[string]string, opt Options) (candidate, bool) {
	byName := map[string][]*series{}
	var order []string
	for _, s := range parts {
		n := names[s.key.source]
		if s.key.metric.IsStock() || s.key.metric == extractors.Statement {
			continue // a sum of flows: a stock is not a part of one
		}
		if _, ok := byName[n]; !ok {
			order = append(order, n)
		}
		byName[n] = append(byName[n], s)
	}
	slices.Sort(order)
	var comps []Component
	var sources, metrics []string
	for _, n := range order {
		c, ok := component(n, byName[n], opt)
		if !ok {
			continue
		}
		comps = append(comps, c)
		sources = appendNew(sources, c.SourceIDs...)
		metrics = appendNew(metrics, strings.Split(string(c.Metric), ",")...)
	}
	if len(comps) == 0 {
		return candidate{}, false
	}
	slices.Sort(sources)
	slices.Sort(metrics)
	r := Result{Method: GrossFlows, SourceID: strings.Join(sources, ","),
		Metric: extractors.Metric(strings.Join(metrics, ",")), Flags: []string{FlagGross},
		InTotal: true, Components: comps}
	for i, c := range comps {
		r.Net += c.Value
		if i == 0 || c.PeriodStart.Before(r.PeriodStart) {
			r.PeriodStart = c.PeriodStart
		}
		if c.PeriodEnd.After(r.AsOf) {
			r.AsOf = c.PeriodEnd
		}
		if c.Gap && r.InTotal {
			r.InTotal = false
			r.Flags = append(r.Flags, FlagGapInFlows)
		}
	}
	r.Arrivals = ptr(r.Net)
	return candidate{Result: r, from: r.PeriodStart, to: r.AsOf.AddDate(0, 0, 1)}, true
}

// component sums one component's series: their periods together, overlaps
// resolved as for any flow (the set covering the most days).
func component(name string, ss []*series, opt Options) (Component, bool) {
	var periods []flowPeriod
	var sources, metrics []string
	for _, s := range ss { // sorted by source: an equal period of a later source is dropped
		var mine []flowPeriod
		for k, v := range flowPeriods(s) {
			mine = append(mine, flowPeriod{from: k[0], to: k[1], vals: []float64{v}})
		}
		slices.SortFunc(mine, func(a, b flowPeriod) int { return a.from.Compare(b.from) })
		periods = append(periods, mine...)
		sources = appendNew(sources, s.key.source)
		metrics = appendNew(metrics, string(s.key.metric))
	}
	sum, ok := sumFlows(periods, opt.WindowStart, time.Time{}, false)
	if !ok {
		return Component{}, false
	}
	slices.Sort(sources)
	slices.Sort(metrics)
	return Component{Name: name, SourceIDs: sources, Metric: extractors.Metric(strings.Join(metrics, ",")),
		Value: sum.vals[0], PeriodStart: sum.from, PeriodEnd: sum.to.AddDate(0, 0, -1),
		Gap: !sum.from.Equal(opt.WindowStart) || !sum.contiguous}, true
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
