package transform

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// The statement method (docs/method.md, "Statements: what each one counts"):
// an official figure said by a named body on a date. What it counts is its
// kind, from the catalogue (Options.Statements):
//
//   - stock: people present at a date. Against a baseline of the same
//     concept from the same source (at W or up to 12 months before it) it
//     is a change since W; without one it is flagged stock_without_baseline
//     and is not in the total.
//   - change: people added since a date; in the total when that date is
//     within ChangeTolerance of W, else flagged since_far_from_window.
//   - flow: arrivals, departures or an entry-exit balance over a period.
//     Arrivals and balances of whole periods inside the window are summed
//     across the destination's statements of one measure (one body's, or
//     bodies each named); in the total only when they cover every period
//     from W to as_of, else flagged gap_in_flows. Departures alone say
//     nothing about who stayed and are left out.

// stated is one statement observation with what the catalogue says it
// counts.
type stated struct {
	point
	source string
	kind   extractors.StatementKind
	flow   string
	since  time.Time // change and flow: the first day counted
	body   string    // the speaker's body; "" when the catalogue does not say
}

// statedFigures reads every point of the statement series with its
// catalogue entry.
func statedFigures(ss []*series, opt Options) []stated {
	var out []stated
	for _, s := range ss {
		for _, p := range s.points {
			out = append(out, opt.stated(s.key.source, p))
		}
	}
	return out
}

// stated is p as the catalogue describes it: the figure of the source's
// entry (or of one of its earlier figures) whose reference date and measure
// are p's; inferred from p alone when the catalogue does not say.
func (o Options) stated(source string, p point) stated {
	st := stated{point: p, source: source}
	if f := figureAt(o.Statements[source], p.end, p.measure); f != nil {
		st.kind, st.flow, st.body = f.Kind, f.Flow, f.Speaker.Body
		if !f.Since.IsZero() {
			st.since = day(f.Since)
		}
	}
	if st.kind == "" {
		st.kind = extractors.KindFlow
		if p.measure.IsStock() {
			st.kind = extractors.KindStock
		}
	}
	if st.kind == extractors.KindFlow && st.flow == "" {
		switch p.measure {
		case extractors.BorderNet:
			st.flow = extractors.FlowBalance
		case extractors.Emigration:
			st.flow = extractors.FlowDepartures
		default:
			st.flow = extractors.FlowArrivals
		}
	}
	if st.since.IsZero() && st.kind != extractors.KindStock && p.start.Before(p.end) {
		st.since = p.start
	}
	if st.kind == extractors.KindFlow && !st.since.IsZero() {
		st.start = st.since // the period counted is [since, ref_date]
	}
	return st
}

// figureAt is the entry's figure (itself or an earlier one) of reference
// date ref and measure m; nil when none is.
func figureAt(e *extractors.StatementEntry, ref time.Time, m extractors.Metric) *extractors.StatementEntry {
	if e == nil {
		return nil
	}
	if day(e.RefDate).Equal(ref) && (e.Measure == m || e.Measure == "") {
		return e
	}
	for i := range e.Earlier {
		f := &e.Earlier[i]
		if day(f.RefDate).Equal(ref) && (f.Measure == m || f.Measure == "") {
			return f
		}
	}
	return nil
}

// statements returns the statement method's results for one destination's
// statement series: one per source for stocks and changes, one per flow
// kind and measure for flows (plus the latest flow alone when a longer,
// older statement covers the window better).
func statements(ss []*series, opt Options) []candidate {
	// Asylum applications never make an estimate, stated or published: an
	// application is not a stay (as the gross-flows method leaves the
	// asylum_applications metric out).
	figs := filterStated(statedFigures(ss, opt), func(f stated) bool { return f.measure != extractors.AsylumApplications })
	var out []candidate
	for _, src := range sourcesOf(figs) {
		mine := filterStated(figs, func(f stated) bool { return f.source == src })
		if c, ok := statedStock(mine, opt); ok {
			out = append(out, c)
		}
		if c, ok := statedChange(mine, opt); ok {
			out = append(out, c)
		}
	}
	for _, g := range flowGroups(figs) {
		out = append(out, statedFlows(g, opt)...)
	}
	return out
}

func sourcesOf(figs []stated) []string {
	var out []string
	for _, f := range figs {
		if !slices.Contains(out, f.source) {
			out = append(out, f.source)
		}
	}
	slices.Sort(out)
	return out
}

func filterStated(figs []stated, keep func(stated) bool) []stated {
	var out []stated
	for _, f := range figs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// latestStated is the figure with the latest reference date (the later
// observation on a tie).
func latestStated(figs []stated) (stated, bool) {
	var last stated
	for i, f := range figs {
		if i == 0 || f.end.After(last.end) || (f.end.Equal(last.end) && f.seq > last.seq) {
			last = f
		}
	}
	return last, len(figs) > 0
}

func statementResult(f stated) candidate {
	return candidate{Result: Result{Method: Statement, SourceID: f.source, Metric: extractors.Statement,
		Measure: f.measure, Net: f.value, PeriodStart: f.start, AsOf: f.end}}
}

// statedStock is the source's latest stated stock, less its baseline among
// the source's stocks of the same measure when there is one.
func statedStock(figs []stated, opt Options) (candidate, bool) {
	stocks := filterStated(figs, func(f stated) bool { return f.kind == extractors.KindStock })
	last, ok := latestStated(stocks)
	if !ok || !instant(last.end).After(opt.WindowStart) {
		return candidate{}, false
	}
	c := statementResult(last)
	c.from, c.to = instant(last.end), instant(last.end)
	var pts []point
	for _, f := range stocks {
		if f.measure == last.measure {
			pts = append(pts, f.point)
		}
	}
	s := &series{points: pts}
	if base, _, ok := stockNet(stockPoints(s, last.measure), opt.WindowStart); ok {
		c.Net = last.value - base.value
		c.Baseline, c.BaselineDate, c.PeriodStart = ptr(base.value), base.end, base.end
		c.from = instant(base.end)
		c.InTotal = true
	} else {
		c.Flags = append(c.Flags, FlagStockWithoutBaseline)
	}
	return c, true
}

// statedChange is the source's latest stated change: in the total when its
// since-date is within ChangeTolerance of W.
func statedChange(figs []stated, opt Options) (candidate, bool) {
	last, ok := latestStated(filterStated(figs, func(f stated) bool { return f.kind == extractors.KindChange }))
	if !ok || !last.end.After(opt.WindowStart) {
		return candidate{}, false
	}
	c := statementResult(last)
	since := last.since
	if since.IsZero() {
		since = last.start
	}
	c.PeriodStart = since
	c.from, c.to = since, last.end.AddDate(0, 0, 1)
	w := opt.WindowStart
	if !since.Before(w.AddDate(0, -ChangeTolerance, 0)) && !since.After(w.AddDate(0, ChangeTolerance, 0)) {
		c.InTotal = true
	} else {
		c.Flags = append(c.Flags, FlagSinceFarFromWindow)
	}
	return c, true
}

// flowGroups splits the flow statements into the sets that may be summed:
// one flow kind and measure, across sources whose speakers are named (a
// figure whose body the catalogue does not name is summed with its own
// source's figures only). Departures are left out.
func flowGroups(figs []stated) [][]stated {
	type key struct {
		flow    string
		measure extractors.Metric
		source  string // set only for figures without a named body
	}
	groups := map[key][]stated{}
	var keys []key
	for _, f := range figs {
		if f.kind != extractors.KindFlow || f.flow == extractors.FlowDepartures {
			continue
		}
		k := key{flow: f.flow, measure: f.measure}
		if f.body == "" {
			k.source = f.source
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.flow, b.flow), cmp.Compare(a.measure, b.measure), cmp.Compare(a.source, b.source))
	})
	out := make([][]stated, 0, len(keys))
	for _, k := range keys {
		out = append(out, groups[k])
	}
	return out
}

// statedFlows sums a group's whole periods inside the window (overlaps
// resolved as for flows: the set covering the most days). The sum is in
// the total when it starts at W and leaves no gap. When it has a gap, its
// part from W up to the gap is offered too (in the total, to an earlier
// as_of); when the latest figure is not in the sum, it also stands alone
// (flagged gap_in_flows unless it covers the window by itself).
func statedFlows(figs []stated, opt Options) []candidate {
	last, ok := latestStated(figs)
	if !ok || !last.end.AddDate(0, 0, 1).After(opt.WindowStart) {
		return nil
	}
	periods := make([]flowPeriod, 0, len(figs))
	for i, f := range figs {
		periods = append(periods, flowPeriod{from: f.start, to: f.end.AddDate(0, 0, 1), vals: []float64{f.value}, ref: i})
	}
	sum, ok := sumFlows(periods, opt.WindowStart, time.Time{}, false)
	if !ok {
		// Nothing lies whole inside the window (the figure straddles W):
		// the latest figure stands as stated, not in the total.
		c := flowResult(figs, []flowPeriod{{from: last.start, to: last.end.AddDate(0, 0, 1), vals: []float64{last.value}, ref: slices.Index(figs, last)}})
		c.Flags = append(c.Flags, FlagGapInFlows)
		return []candidate{c}
	}
	out := []candidate{flowsFromW(figs, sum.chosen, opt)}
	if !out[0].InTotal && sum.from.Equal(opt.WindowStart) {
		n := 1
		for n < len(sum.chosen) && sum.chosen[n].from.Equal(sum.chosen[n-1].to) {
			n++
		}
		out = append(out, flowsFromW(figs, sum.chosen[:n], opt))
	}
	if sum.to.Before(last.end.AddDate(0, 0, 1)) {
		if alone, ok := sumFlows([]flowPeriod{{from: last.start, to: last.end.AddDate(0, 0, 1), vals: []float64{last.value}, ref: slices.Index(figs, last)}},
			opt.WindowStart, time.Time{}, false); ok {
			out = append(out, flowsFromW(figs, alone.chosen, opt))
		}
	}
	return out
}

// flowsFromW is the result summing the chosen periods (in time order): in
// the total when they start at W and leave no gap.
func flowsFromW(figs []stated, chosen []flowPeriod, opt Options) candidate {
	c := flowResult(figs, chosen)
	contiguous := true
	for i := 1; i < len(chosen); i++ {
		contiguous = contiguous && chosen[i].from.Equal(chosen[i-1].to)
	}
	if chosen[0].from.Equal(opt.WindowStart) && contiguous {
		c.InTotal = true
	} else {
		c.Flags = append(c.Flags, FlagGapInFlows)
	}
	return c
}

// flowResult is a flow statement result summing the chosen periods of
// figs: arrivals of a gross measure are flagged gross; a balance is net of
// returns (arrivals and returns unknown).
func flowResult(figs []stated, chosen []flowPeriod) candidate {
	var ids []string
	var net float64
	for _, p := range chosen {
		ids = appendNew(ids, figs[p.ref].source)
		net += p.vals[0]
	}
	slices.Sort(ids)
	last := figs[chosen[len(chosen)-1].ref]
	from, to := chosen[0].from, chosen[len(chosen)-1].to
	c := statementResult(last)
	c.SourceID = strings.Join(ids, ",")
	c.Net, c.PeriodStart, c.AsOf = net, from, to.AddDate(0, 0, -1)
	c.from, c.to = from, to
	if last.flow == extractors.FlowArrivals && slices.Contains(grossMeasures, last.measure) {
		c.Arrivals = ptr(net)
		c.Flags = append(c.Flags, FlagGross)
	}
	return c
}

// grossMeasures are flows of arrivals only: a statement of one cannot see
// returns.
var grossMeasures = []extractors.Metric{extractors.PermitsFirst, extractors.Immigration,
	extractors.Repatriation, extractors.Naturalisations}
