package transform

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// Method names one way of estimating a destination's net arrivals; see
// docs/method.md.
type Method string

const (
	StockChange Method = "stock_change"
	NetFlows    Method = "net_flows"
	GrossFlows  Method = "gross_flows"
	Statement   Method = "statement"
)

// DefaultOrder is the method's order of preference (docs/method.md).
var DefaultOrder = []Method{StockChange, NetFlows, GrossFlows, Statement}

// Flags a result may carry. The last three say why a result is not in the
// total (Result.InTotal): it does not measure a change since W.
const (
	FlagGross    = "gross"    // returns unknown: net counts arrivals only
	FlagProrated = "prorated" // a period straddling W was pro-rated by days
	// FlagStockWithoutBaseline: a stated stock with no figure of the same
	// concept at W or up to 12 months before it; it includes people who
	// lived there before W.
	FlagStockWithoutBaseline = "stock_without_baseline"
	// FlagGapInFlows: flows (stated, or the parts of a sum) that do not
	// cover every period from W to as_of.
	FlagGapInFlows = "gap_in_flows"
	// FlagSinceFarFromWindow: a stated change since a date more than
	// ChangeTolerance away from W.
	FlagSinceFarFromWindow = "since_far_from_window"
	// FlagSeriesBreak: the stock series is flagged as broken (status b) at
	// a date after the baseline and up to as_of, so part of the change may
	// be a change of method, not of people.
	FlagSeriesBreak = "series_break"
)

// ChangeTolerance is how far from W a change statement's since-date may
// be and still count as a change since W (docs/method.md): 3 months.
const ChangeTolerance = 3 // months

// DefaultPriority is the priority of a source missing from Options.Priority.
const DefaultPriority = 100

// Options parameterise the estimate. The zero value means the method's
// defaults (docs/method.md).
type Options struct {
	Origin      string              // ISO alpha-2, default "RU"
	WindowStart time.Time           // W, default 2022-01-01
	MethodOrder map[string][]Method // per destination override of the default order
	Priority    map[string]int      // source id -> priority (lower preferred; missing = 100)
	// DestinationPriority overrides Priority for one destination of a
	// source that answers for many (source id -> destination -> priority):
	// Eurostat's first permits are preferred everywhere but in Finland.
	DestinationPriority map[string]map[string]int
	ProRate             map[string]bool // source ids that opt into pro-rating a straddling period
	// Statements holds each statement source's catalogue entry by source
	// id: what its figures count (kind stock, change or flow; the flow's
	// kind; the since-date; earlier figures, baselines among them) is in
	// the catalogue, not in the observations, which carry the measure and
	// the dates only. The pipeline fills it from the catalogue as it does
	// Priority. A statement source missing here is read from its
	// observations alone: a stock measure is a stock, border_net a
	// balance, emigration departures, any other measure arrivals.
	Statements map[string]*extractors.StatementEntry
	// Components names, by destination and source id, the part of the
	// destination's sum of gross components the source's series is (the
	// United States: immigrant visas, long-term nonimmigrant visas, asylum
	// applications). Such a series counts only in that sum, never as a
	// method of its own. The pipeline fills it from the catalogue's
	// sums.yaml.
	Components map[string]map[string]string
	// TrendStart and TrendEnd bound the pre-war period whose yearly average
	// gives the excess column: first and last day, default 2019-01-01 and
	// 2021-12-31.
	TrendStart, TrendEnd time.Time
}

// Result is one method applied to one source's series.
type Result struct {
	Method   Method
	SourceID string
	// Metric is the series' metric: the stock for stock_change, immigration
	// for net_flows, the summed flow for gross_flows, statement for
	// statement (then Measure says what the figure counts).
	Metric  extractors.Metric
	Measure extractors.Metric

	Arrivals, Returns *float64
	Net               float64
	// FlowSource is the net_flows source that Arrivals and Returns of a
	// stock_change come from, when one covers the same span.
	FlowSource string

	Baseline     *float64  // stock_change (and a statement of a stock with a baseline)
	BaselineDate time.Time // the baseline's reference date as published

	PeriodStart time.Time // first day summed, or the baseline's date
	AsOf        time.Time // end of the latest period, or the latest reference date
	Flags       []string  // FlagGross, FlagProrated, FlagStockWithoutBaseline, FlagSeriesBreak, ...

	// InTotal: the result measures a change since W (a stock against a
	// baseline, net or gross flows, a change since about W, flows with no
	// gap), so a row with it counts toward the total. Otherwise Flags says
	// why not.
	InTotal bool
	// Components are the parts of a sum of gross components, each summed
	// over its own whole periods; nil for every other result.
	Components []Component

	Trend     *float64 // yearly average over the trend period, same method and series
	NetExcess *float64 // Net - Trend * years(W, AsOf)
}

// HasFlag reports whether the result carries the flag.
func (r Result) HasFlag(f string) bool { return slices.Contains(r.Flags, f) }

// Estimate is the row of one destination.
type Estimate struct {
	Destination, Citizenship string
	Result                   // the chosen method's result
	Low, High                float64
	Alternatives             []Result // every result, the chosen one first
}

// Estimates applies every method each destination's series support and
// chooses one per destination. Observations that are missing, of another
// citizenship, or that fail Canonicalize are left out (run Canonicalize
// first to report the latter). The result is sorted by destination; a
// destination none of whose series supports a method has no row.
func Estimates(obs []extractors.Observation, opt Options) []Estimate {
	opt = opt.withDefaults()
	byDest := map[string]map[seriesKey]*series{}
	for i, o := range obs {
		if o.Missing {
			continue
		}
		o, err := Canonicalize(o)
		if err != nil || o.Citizenship != opt.Origin {
			continue
		}
		d := byDest[o.Destination]
		if d == nil {
			d = map[seriesKey]*series{}
			byDest[o.Destination] = d
		}
		k := seriesKey{o.SourceID, o.Metric}
		s := d[k]
		if s == nil {
			s = &series{key: k}
			d[k] = s
		}
		s.add(point{start: day(o.PeriodStart), end: day(o.PeriodEnd), value: o.Value, measure: o.Measure, flags: o.Flags, seq: i})
	}

	dests := make([]string, 0, len(byDest))
	for d := range byDest {
		dests = append(dests, d)
	}
	slices.Sort(dests)
	var out []Estimate
	for _, d := range dests {
		if e, ok := estimateDestination(d, byDest[d], opt); ok {
			out = append(out, e)
		}
	}
	return out
}

func (o Options) withDefaults() Options {
	if o.Origin == "" {
		o.Origin = "RU"
	}
	if c, err := CountryCode(o.Origin); err == nil {
		o.Origin = c
	}
	if o.WindowStart.IsZero() {
		o.WindowStart = date(2022, 1, 1)
	}
	o.WindowStart = day(o.WindowStart)
	if o.TrendStart.IsZero() {
		o.TrendStart = date(2019, 1, 1)
	}
	if o.TrendEnd.IsZero() {
		o.TrendEnd = date(2021, 12, 31)
	}
	o.TrendStart, o.TrendEnd = day(o.TrendStart), day(o.TrendEnd)
	return o
}

// priority is the source's priority for the destination (a multi-country
// source may set one per destination); for a result that combines sources
// (comma-separated), the most preferred of theirs.
func (o Options) priority(source, dest string) int {
	best := math.MaxInt
	for _, id := range strings.Split(source, ",") {
		p, ok := o.DestinationPriority[id][dest]
		if !ok {
			p, ok = o.Priority[id]
		}
		if !ok {
			p = DefaultPriority
		}
		best = min(best, p)
	}
	return best
}

// order is the destination's method order: its override first, then the
// default methods it leaves out, so a reorder never hides a destination.
func (o Options) order(dest string) []Method {
	ord := slices.Clone(o.MethodOrder[dest])
	for _, m := range DefaultOrder {
		if !slices.Contains(ord, m) {
			ord = append(ord, m)
		}
	}
	return ord
}

// seriesKey: destination and citizenship are fixed by the caller's grouping.
type seriesKey struct {
	source string
	metric extractors.Metric
}

type point struct {
	start, end time.Time
	value      float64
	measure    extractors.Metric
	flags      string // as published
	seq        int    // input order: a later duplicate supersedes an earlier one
}

type series struct {
	key    seriesKey
	points []point
}

// add keeps one point per period: a later observation of the same period
// (a revision) replaces the earlier one.
func (s *series) add(p point) {
	for i, q := range s.points {
		if q.start.Equal(p.start) && q.end.Equal(p.end) && q.measure == p.measure {
			s.points[i] = p
			return
		}
	}
	s.points = append(s.points, p)
}

// candidate is a result with what the choice and the stock/flow matching
// need to know.
type candidate struct {
	Result
	priority   int
	from, to   time.Time // covered span as instants, to exclusive
	contiguous bool      // the summed periods leave no gap in [from, to)
}

func estimateDestination(dest string, ss map[seriesKey]*series, opt Options) (Estimate, bool) {
	keys := make([]seriesKey, 0, len(ss))
	for k := range ss {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b seriesKey) int {
		return cmp.Or(cmp.Compare(a.source, b.source), cmp.Compare(a.metric, b.metric))
	})

	var cands []candidate
	var stated, parts []*series
	netSources := map[string]bool{}
	for _, k := range keys {
		if k.metric != extractors.Immigration || opt.Components[dest][k.source] != "" {
			continue
		}
		emi := ss[seriesKey{k.source, extractors.Emigration}]
		if emi == nil {
			continue
		}
		if c, ok := netFlows(ss[k], emi, opt); ok {
			cands = append(cands, c)
			netSources[k.source] = true
		}
	}
	for _, k := range keys {
		s := ss[k]
		if opt.Components[dest][k.source] != "" {
			parts = append(parts, s) // counted in the sum of components only
			continue
		}
		switch k.metric {
		case extractors.ResidentStock, extractors.PermitsValid:
			if c, ok := stockChange(s, opt); ok {
				cands = append(cands, c)
			}
		case extractors.PermitsFirst, extractors.Repatriation:
			if c, ok := grossFlows(s, opt); ok {
				cands = append(cands, c)
			}
		case extractors.Immigration:
			// Immigration alone only when the source cannot net it.
			if !netSources[k.source] {
				if c, ok := grossFlows(s, opt); ok {
					cands = append(cands, c)
				}
			}
		case extractors.Statement:
			stated = append(stated, s)
		}
	}
	cands = append(cands, statements(stated, opt)...)
	if c, ok := componentSum(parts, opt.Components[dest], opt); ok {
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		return Estimate{}, false
	}
	for i := range cands {
		cands[i].priority = opt.priority(cands[i].SourceID, dest)
	}

	rank := map[Method]int{}
	for i, m := range opt.order(dest) {
		rank[m] = i
	}
	// A result that measures a change since W comes first: the row is in
	// the total whenever the destination's data allow it.
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(
			compareBool(b.InTotal, a.InTotal),
			cmp.Compare(rank[a.Method], rank[b.Method]),
			cmp.Compare(a.priority, b.priority),
			b.AsOf.Compare(a.AsOf), // the latest first
			cmp.Compare(a.SourceID, b.SourceID),
			cmp.Compare(a.Metric, b.Metric),
		)
	})
	fillStockFlows(cands)

	// High ranges over every result; low, for a row in the total, only over
	// the results in it: a figure that is not a change since W (a stock
	// without a baseline) may widen the range upwards, never lower it.
	e := Estimate{Destination: dest, Citizenship: opt.Origin, Result: cands[0].Result,
		Low: math.Inf(1), High: math.Inf(-1)}
	for _, c := range cands {
		e.Alternatives = append(e.Alternatives, c.Result)
		if c.InTotal || !e.InTotal {
			e.Low = min(e.Low, c.Net)
		}
		e.High = max(e.High, c.Net)
	}
	return e, true
}

// fillStockFlows gives a stock_change the arrivals and returns of the best
// ranked net_flows (cands is sorted) whose whole, gap-free periods span
// exactly from the baseline to as_of. Pro-rated flows do not qualify.
func fillStockFlows(cands []candidate) {
	for i := range cands {
		s := &cands[i]
		if s.Method != StockChange {
			continue
		}
		for _, f := range cands {
			if f.Method == NetFlows && f.contiguous && !f.HasFlag(FlagProrated) &&
				f.from.Equal(s.from) && f.to.Equal(s.to) {
				s.Arrivals, s.Returns = ptr(*f.Arrivals), ptr(*f.Returns)
				s.FlowSource = f.SourceID
				break
			}
		}
	}
}

// --- stock_change ---

// instant maps a stock's reference date to an instant: 31 December Y is
// 1 January Y+1, so the two publishers' conventions meet.
func instant(d time.Time) time.Time {
	if d.Month() == time.December && d.Day() == 31 {
		return d.AddDate(0, 0, 1)
	}
	return d
}

// baseline is the stock at w, or else the latest one before w and no more
// than 12 months before it.
func baseline(pts []point, w time.Time) (point, bool) {
	var best point
	found := false
	earliest := w.AddDate(-1, 0, 0)
	for _, p := range pts {
		t := instant(p.end)
		if t.After(w) || t.Before(earliest) {
			continue
		}
		if !found || t.After(instant(best.end)) || (t.Equal(instant(best.end)) && p.seq > best.seq) {
			best, found = p, true
		}
	}
	return best, found
}

// stockPoints returns the stock series with one point per instant (the
// later observation wins when 31 Dec and 1 Jan both appear).
func stockPoints(s *series, measure extractors.Metric) []point {
	var pts []point
	for _, p := range s.points {
		if p.measure != measure {
			continue
		}
		i := slices.IndexFunc(pts, func(q point) bool { return instant(q.end).Equal(instant(p.end)) })
		switch {
		case i < 0:
			pts = append(pts, p)
		case p.seq > pts[i].seq:
			pts[i] = p
		}
	}
	slices.SortFunc(pts, func(a, b point) int { return instant(a.end).Compare(instant(b.end)) })
	return pts
}

// stockNet is net = stock(as_of) - baseline over pts; as_of is the latest
// point after w.
func stockNet(pts []point, w time.Time) (base, last point, ok bool) {
	base, ok = baseline(pts, w)
	if !ok || len(pts) == 0 {
		return point{}, point{}, false
	}
	last = pts[len(pts)-1]
	if !instant(last.end).After(w) {
		return point{}, point{}, false
	}
	return base, last, true
}

func stockChange(s *series, opt Options) (candidate, bool) {
	pts := stockPoints(s, "")
	base, last, ok := stockNet(pts, opt.WindowStart)
	if !ok {
		return candidate{}, false
	}
	c := candidate{
		Result: Result{
			Method: StockChange, SourceID: s.key.source, Metric: s.key.metric,
			Net:      last.value - base.value,
			Baseline: ptr(base.value), BaselineDate: base.end,
			PeriodStart: base.end, AsOf: last.end, InTotal: true,
		},
		from: instant(base.end), to: instant(last.end), contiguous: true,
	}
	if breakBetween(pts, base, last) {
		c.Flags = append(c.Flags, FlagSeriesBreak)
	}
	// Trend: the same method over the trend period, ending exactly at its end.
	trendEnd := opt.TrendEnd.AddDate(0, 0, 1)
	var pre []point
	for _, p := range pts {
		if !instant(p.end).After(trendEnd) {
			pre = append(pre, p)
		}
	}
	if tb, tl, ok := stockNet(pre, opt.TrendStart); ok && instant(tl.end).Equal(trendEnd) {
		t := (tl.value - tb.value) / years(instant(tb.end), trendEnd)
		c.setTrend(t, opt.WindowStart, c.to)
	}
	return c, true
}

// breakBetween reports whether a stock after the baseline, up to and
// including the last, carries a break-in-series flag: the level changed
// between it and the stock before, so the change may not be one of people.
func breakBetween(pts []point, base, last point) bool {
	for _, p := range pts {
		t := instant(p.end)
		if t.After(instant(base.end)) && !t.After(instant(last.end)) && isBreak(p.flags) {
			return true
		}
	}
	return false
}

// isBreak reports whether published status flags mark a break in series:
// Eurostat's b, alone or combined (be, bep: "break in time series,
// estimated, provisional"). Flags are letters, several attributes' flags
// joined with "," or " ".
func isBreak(flags string) bool {
	for _, f := range strings.FieldsFunc(flags, func(r rune) bool { return r == ',' || r == ' ' }) {
		if len(f) <= 4 && strings.ContainsRune(f, 'b') && strings.Trim(f, "abcdefghijklmnopqrstuvwxyz") == "" {
			return true
		}
	}
	return false
}

// --- flows ---

// flowPeriod is one period of one or more parallel flow series (immigration
// and emigration for net_flows), clipped to the span being summed.
type flowPeriod struct {
	from, to time.Time // instants, to exclusive
	vals     []float64
	prorated bool
	ref      int // the caller's index of the period's figure, kept through the sum
}

type flowSum struct {
	vals       []float64
	from, to   time.Time
	days       int
	prorated   bool
	contiguous bool
	chosen     []flowPeriod // the periods summed, in time order
}

// sumFlows sums the whole periods inside [from, to) (to zero: open). A
// period straddling a bound is left out unless prorate, then it counts
// the share of its days inside. Overlapping periods (a year and its
// months) are resolved by keeping the set that covers the most days,
// preferring whole periods and then fewer, coarser ones.
func sumFlows(periods []flowPeriod, from, to time.Time, prorate bool) (flowSum, bool) {
	var cs []flowPeriod
	for _, p := range periods {
		if !p.to.After(from) || (!to.IsZero() && !p.from.Before(to)) {
			continue
		}
		q := p
		if q.from.Before(from) {
			q.from = from
		}
		if !to.IsZero() && q.to.After(to) {
			q.to = to
		}
		if !q.from.Equal(p.from) || !q.to.Equal(p.to) {
			if !prorate {
				continue
			}
			share := float64(days(q.from, q.to)) / float64(days(p.from, p.to))
			q.vals = make([]float64, len(p.vals))
			for i, v := range p.vals {
				q.vals[i] = v * share
			}
			q.prorated = true
		}
		cs = append(cs, q)
	}
	if len(cs) == 0 {
		return flowSum{}, false
	}
	chosen := bestCover(cs)
	s := flowSum{vals: make([]float64, len(cs[0].vals)), contiguous: true}
	for i, p := range chosen {
		for j, v := range p.vals {
			s.vals[j] += v
		}
		s.days += days(p.from, p.to)
		s.prorated = s.prorated || p.prorated
		if i > 0 && !p.from.Equal(chosen[i-1].to) {
			s.contiguous = false
		}
	}
	s.from, s.to = chosen[0].from, chosen[len(chosen)-1].to
	s.chosen = chosen
	return s, true
}

type coverScore struct{ days, prorated, count int }

func (a coverScore) better(b coverScore) bool {
	if a.days != b.days {
		return a.days > b.days
	}
	if a.prorated != b.prorated {
		return a.prorated < b.prorated
	}
	return a.count < b.count
}

// bestCover picks non-overlapping periods by weighted interval scheduling
// and returns them in time order.
func bestCover(cs []flowPeriod) []flowPeriod {
	// Stable: of two equal periods (two sources of one span), the first
	// given is kept.
	slices.SortStableFunc(cs, func(a, b flowPeriod) int {
		return cmp.Or(a.to.Compare(b.to), a.from.Compare(b.from))
	})
	n := len(cs)
	best := make([]coverScore, n+1) // best[i]: over the first i periods
	take := make([]bool, n+1)
	prev := make([]int, n+1)
	for i := 1; i <= n; i++ {
		p := cs[i-1]
		j := i - 1
		for j > 0 && cs[j-1].to.After(p.from) {
			j--
		}
		prev[i] = j
		with := best[j]
		with.days += days(p.from, p.to)
		with.count++
		if p.prorated {
			with.prorated++
		}
		best[i] = best[i-1]
		if with.better(best[i-1]) {
			best[i], take[i] = with, true
		}
	}
	var out []flowPeriod
	for i := n; i > 0; {
		if take[i] {
			out = append(out, cs[i-1])
			i = prev[i]
		} else {
			i--
		}
	}
	slices.Reverse(out)
	return out
}

// flowPeriods turns a flow series into periods; instants make the end
// exclusive (a year is [1 Jan, next 1 Jan)).
func flowPeriods(s *series) map[[2]time.Time]float64 {
	m := map[[2]time.Time]float64{}
	for _, p := range s.points {
		m[[2]time.Time{p.start, p.end.AddDate(0, 0, 1)}] = p.value
	}
	return m
}

// summed is the main span (from W, open-ended) and the trend span of the
// same periods.
func summed(periods []flowPeriod, prorate bool, opt Options) (main, trend flowSum, ok, trendOK bool) {
	main, ok = sumFlows(periods, opt.WindowStart, time.Time{}, prorate)
	tEnd := opt.TrendEnd.AddDate(0, 0, 1)
	trend, trendOK = sumFlows(periods, opt.TrendStart, tEnd, prorate)
	trendOK = trendOK && trend.contiguous && trend.from.Equal(opt.TrendStart) && trend.to.Equal(tEnd)
	return
}

func netFlows(imm, emi *series, opt Options) (candidate, bool) {
	in, out := flowPeriods(imm), flowPeriods(emi)
	var periods []flowPeriod
	for k, a := range in {
		if r, ok := out[k]; ok { // both sides published, else left out of both
			periods = append(periods, flowPeriod{from: k[0], to: k[1], vals: []float64{a, r}})
		}
	}
	prorate := opt.ProRate[imm.key.source]
	m, t, ok, trendOK := summed(periods, prorate, opt)
	if !ok {
		return candidate{}, false
	}
	c := flowCandidate(NetFlows, imm.key, m)
	c.Arrivals, c.Returns = ptr(m.vals[0]), ptr(m.vals[1])
	c.Net = m.vals[0] - m.vals[1]
	if trendOK {
		c.setTrend((t.vals[0]-t.vals[1])/years(t.from, t.to), opt.WindowStart, m.to)
	}
	return c, true
}

func grossFlows(s *series, opt Options) (candidate, bool) {
	var periods []flowPeriod
	for k, v := range flowPeriods(s) {
		periods = append(periods, flowPeriod{from: k[0], to: k[1], vals: []float64{v}})
	}
	m, t, ok, trendOK := summed(periods, opt.ProRate[s.key.source], opt)
	if !ok {
		return candidate{}, false
	}
	c := flowCandidate(GrossFlows, s.key, m)
	c.Arrivals, c.Net = ptr(m.vals[0]), m.vals[0]
	c.Flags = append([]string{FlagGross}, c.Flags...)
	if trendOK {
		c.setTrend(t.vals[0]/years(t.from, t.to), opt.WindowStart, m.to)
	}
	return c, true
}

func flowCandidate(m Method, k seriesKey, s flowSum) candidate {
	c := candidate{
		Result: Result{Method: m, SourceID: k.source, Metric: k.metric,
			PeriodStart: s.from, AsOf: s.to.AddDate(0, 0, -1), InTotal: true},
		from: s.from, to: s.to, contiguous: s.contiguous,
	}
	if s.prorated {
		c.Flags = append(c.Flags, FlagProrated)
	}
	return c
}

// --- helpers ---

// setTrend records the yearly trend t and net_excess = net - t*years(w, to).
func (c *candidate) setTrend(t float64, w, to time.Time) {
	c.Trend = ptr(t)
	c.NetExcess = ptr(c.Net - t*years(w, to))
}

func ptr(v float64) *float64 { return &v }

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// day drops the time of day and the zone: periods are calendar dates.
func day(t time.Time) time.Time { return date(t.Year(), t.Month(), t.Day()) }

func days(a, b time.Time) int { return int(b.Sub(a).Round(time.Hour) / (24 * time.Hour)) }

// years is docs/method.md's years(a, b): days / 365.25.
func years(a, b time.Time) float64 { return float64(days(a, b)) / 365.25 }

// String helps test failures and logs.
func (r Result) String() string {
	s := fmt.Sprintf("%s %s net=%.0f as_of=%s", r.Method, r.SourceID, r.Net, r.AsOf.Format(time.DateOnly))
	if len(r.Flags) > 0 {
		s += " [" + strings.Join(r.Flags, ",") + "]"
	}
	return s
}
