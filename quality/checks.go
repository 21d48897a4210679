package quality

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/calendar"
	"github.com/emigre/emigre/internal/numfmt"
	"github.com/emigre/emigre/load"
)

// Outcomes, as stored in quality_checks.outcome.
const (
	OutcomePass = load.OutcomePass
	OutcomeWarn = load.OutcomeWarn
	OutcomeFail = load.OutcomeFail
)

// maxSamples bounds the offending rows a check's detail lists.
const maxSamples = 5

// minHistory is how many earlier values a series needs before its newest
// value is judged against them.
const minHistory = 5

// Check runs every check over in and returns one row per check per subject
// (a source, or a destination for checks across sources), sources in id
// order, then destinations in code order.
func Check(in Input, cfg Config) []load.QualityCheckRow {
	c := newChecker(in, cfg)
	var out []load.QualityCheckRow
	for _, s := range c.sources {
		for _, check := range []func(*extractors.Source) (load.QualityCheckRow, bool){
			c.shape, c.completeness, c.validity, c.partsTotal, c.anomaly, c.revision, c.freshness,
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
		if p.RunID != c.in.RunID {
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

// partsTotal: where a source publishes a period and its sub-periods (a
// year and its quarters), the parts add up to the total.
func (c *checker) partsTotal(s *extractors.Source) (load.QualityCheckRow, bool) {
	all, keys := seriesOf(c.current[s.ID])
	worst, compared := 0.0, 0
	var samples []string
	for _, k := range keys {
		if k.metric.IsStock() || k.metric == extractors.Statement {
			continue
		}
		groups := byLength(all[k])
		for _, total := range all[k] {
			length := months(total.PeriodStart, total.PeriodEnd)
			if total.Missing || length < 2 {
				continue
			}
			for _, partLen := range slices.Sorted(maps.Keys(groups)) {
				if partLen == 0 || partLen >= length {
					continue
				}
				sum, n, ok := tile(groups[partLen], total.PeriodStart, total.PeriodEnd)
				if !ok {
					continue
				}
				compared++
				gap := relGap(sum, total.Value, 1)
				worst = max(worst, gap)
				if gap > c.cfg.limits(RulePartsTotal, s.ID).Warn {
					samples = append(samples, fmt.Sprintf("%s %s: total %s, its %d parts sum to %s (%.1f%% apart)",
						series(total.Observation), periodLabel(total.Observation), number(total.Value), n, number(sum), 100*gap))
				}
			}
		}
	}
	if compared == 0 {
		return load.QualityCheckRow{}, false
	}
	return c.measured(CheckConsistency, RulePartsTotal, s.ID, "", worst,
		fmt.Sprintf("parts vs totals: %d periods compared, largest gap %.1f%%", compared, 100*worst), samples), true
}

// stockFlows: where a destination has a stock series and both immigration
// and emigration from one source, the stock's change between two dates and
// immigration minus emigration over the same span agree within a tolerance.
// Only spans ending on or after the window start are judged.
func (c *checker) stockFlows(dest string) (load.QualityCheckRow, bool) {
	var points []Point
	for _, p := range c.in.Current {
		if p.Destination == dest && p.Citizenship == c.in.Origin && !p.Missing {
			points = append(points, p)
		}
	}
	type flows struct{ imm, emi []Point }
	flowBy := map[string]*flows{}
	stocks := map[string][]Point{} // "source metric" -> stock points
	for _, p := range points {
		switch {
		case p.Metric == extractors.Immigration || p.Metric == extractors.Emigration:
			f := flowBy[p.SourceID]
			if f == nil {
				f = &flows{}
				flowBy[p.SourceID] = f
			}
			if p.Metric == extractors.Immigration {
				f.imm = append(f.imm, p)
			} else {
				f.emi = append(f.emi, p)
			}
		case p.Metric.IsStock():
			k := p.SourceID + " " + string(p.Metric)
			stocks[k] = append(stocks[k], p)
		}
	}
	worst, compared := 0.0, 0
	var samples []string
	for _, sk := range slices.Sorted(maps.Keys(stocks)) {
		st := stocks[sk]
		slices.SortFunc(st, func(a, b Point) int { return instant(a.PeriodEnd).Compare(instant(b.PeriodEnd)) })
		for i := 1; i < len(st); i++ {
			from, to := instant(st[i-1].PeriodEnd), instant(st[i].PeriodEnd)
			if to.Before(c.in.WindowStart) {
				continue
			}
			change := st[i].Value - st[i-1].Value
			for _, fk := range slices.Sorted(maps.Keys(flowBy)) {
				f := flowBy[fk]
				imm, _, okI := tileAnyLength(f.imm, from.AddDate(0, 0, 1), to)
				emi, _, okE := tileAnyLength(f.emi, from.AddDate(0, 0, 1), to)
				if !okI || !okE {
					continue
				}
				compared++
				net := imm - emi
				// A change of a few people in a stock of thousands is noise:
				// judge gaps against at least 1% of the stock.
				gap := relGap(change, net, max(1, 0.01*st[i-1].Value))
				worst = max(worst, gap)
				if gap > c.cfg.limits(RuleStockFlows, "").Warn {
					samples = append(samples, fmt.Sprintf("%s %s..%s: stock change %s, net flows (%s) %s (%.0f%% apart)",
						sk, from.Format(time.DateOnly), to.Format(time.DateOnly), signed(change), fk, signed(net), 100*gap))
				}
			}
		}
	}
	if compared == 0 {
		return load.QualityCheckRow{}, false
	}
	return c.measured(CheckConsistency, RuleStockFlows, "", dest, worst,
		fmt.Sprintf("stock change vs net flows: %d spans compared, largest gap %.0f%%", compared, 100*worst), samples), true
}

// tileAnyLength tiles [from, to] with the flow points of one length,
// trying years, then halves, quarters and months.
func tileAnyLength(points []Point, from, to time.Time) (float64, int, bool) {
	groups := byLength(points)
	for _, l := range []int{12, 6, 3, 1} {
		if sum, n, ok := tile(groups[l], from, to); ok {
			return sum, n, true
		}
	}
	return 0, 0, false
}

// anomaly: the newest value of each series against the series' own
// history, in robust standard deviations (median and MAD, so that one
// earlier jump does not hide the next). A stock is judged by its change
// since the previous date, a flow by its level.
func (c *checker) anomaly(s *extractors.Source) (load.QualityCheckRow, bool) {
	var present []Point
	for _, p := range c.current[s.ID] {
		if !p.Missing {
			present = append(present, p)
		}
	}
	if len(present) == 0 {
		return load.QualityCheckRow{}, false
	}
	all, keys := seriesOf(present)
	worst, judged := 0.0, 0
	var samples []string
	for _, k := range keys {
		// Flows of different lengths (months and years) are different series.
		groups := map[int][]Point{0: all[k]}
		if !k.metric.IsStock() && k.metric != extractors.Statement {
			groups = byLength(all[k])
		}
		for _, l := range slices.Sorted(maps.Keys(groups)) {
			pts := groups[l]
			levels := make([]float64, len(pts))
			for i, p := range pts {
				levels[i] = p.Value
			}
			values, what := levels, "value"
			if k.metric.IsStock() || k.measure.IsStock() {
				values, what = diffs(levels), "change"
			}
			if len(values)-1 < minHistory {
				continue
			}
			history, x := values[:len(values)-1], values[len(values)-1]
			absLevels := make([]float64, len(levels))
			for i, v := range levels {
				absLevels[i] = math.Abs(v)
			}
			z, center, scale := robustZ(x, history, max(1, 0.01*median(absLevels)))
			judged++
			worst = max(worst, z)
			if z > c.cfg.limits(RuleAnomaly, s.ID).Warn {
				newest := pts[len(pts)-1].Observation
				show := number
				if what == "change" {
					show = signed
				}
				samples = append(samples, fmt.Sprintf("%s %s: %s %s vs median %s (robust sd %s over %d earlier): z %.1f",
					series(newest), periodLabel(newest), what, show(x), show(center), number(scale), len(history), z))
			}
		}
	}
	if judged == 0 {
		return c.note(CheckAnomaly, s.ID, "", fmt.Sprintf("too little history: no series has %d earlier values", minHistory)), true
	}
	return c.measured(CheckAnomaly, RuleAnomaly, s.ID, "", worst,
		fmt.Sprintf("newest values of %d series vs their history: largest robust z %.1f", judged, worst), samples), true
}

func diffs(xs []float64) []float64 {
	if len(xs) < 2 {
		return nil
	}
	out := make([]float64, len(xs)-1)
	for i := 1; i < len(xs); i++ {
		out[i-1] = xs[i] - xs[i-1]
	}
	return out
}

// revision: published numbers that changed since the last vintage, with
// old and new values.
func (c *checker) revision(s *extractors.Source) (load.QualityCheckRow, bool) {
	run, attempted := c.in.Runs[s.ID]
	if !attempted || run.Status == load.SourceFailed {
		return load.QualityCheckRow{}, false
	}
	worst, n := 0.0, 0
	var samples []string
	for _, r := range c.in.Revisions {
		if r.New.SourceID != s.ID {
			continue
		}
		n++
		var rel float64
		switch {
		case r.Old.Missing != r.New.Missing:
			rel = 1
		case !r.New.Missing:
			rel = math.Abs(r.New.Value-r.Old.Value) / max(math.Abs(r.Old.Value), 1)
		}
		worst = max(worst, rel)
		samples = append(samples, fmt.Sprintf("%s %s: %s -> %s (%+.1f%%)", series(r.New), periodLabel(r.New),
			revised(r.Old), revised(r.New), 100*signedRel(r)))
	}
	if n == 0 {
		return c.measured(CheckRevision, RuleRevision, s.ID, "", 0, "no published number changed", nil), true
	}
	return c.measured(CheckRevision, RuleRevision, s.ID, "", worst,
		fmt.Sprintf("%d published numbers changed; largest change %.1f%%", n, 100*worst), samples), true
}

func signedRel(r Revision) float64 {
	if r.Old.Missing || r.New.Missing {
		return 0
	}
	return (r.New.Value - r.Old.Value) / max(math.Abs(r.Old.Value), 1)
}

// revised shows one vintage: its value (or "missing") and flags.
func revised(o extractors.Observation) string {
	v := number(o.Value)
	if o.Missing {
		v = "missing"
	}
	if o.Flags != "" {
		v += " [" + o.Flags + "]"
	}
	return v
}

// freshness: the source's newest period is not older than its publication
// calendar allows (package extractors/calendar, the rule the schedules'
// staleness uses too), as of the day its bytes were fetched.
func (c *checker) freshness(s *extractors.Source) (load.QualityCheckRow, bool) {
	if _, attempted := c.in.Runs[s.ID]; !attempted {
		return load.QualityCheckRow{}, false
	}
	var newest time.Time
	for _, p := range c.current[s.ID] {
		if !p.Missing && p.PeriodEnd.After(newest) {
			newest = p.PeriodEnd
		}
	}
	if newest.IsZero() {
		return load.QualityCheckRow{}, false // no data at all: completeness and coverage say so
	}
	due, ok := calendar.Of(s).NextDue(newest)
	if !ok {
		return c.note(CheckFreshness, s.ID, "", fmt.Sprintf("newest figure dated %s; %s source: no publication calendar",
			newest.Format(time.DateOnly), cadenceName(s.Cadence))), true
	}
	at := c.in.Now
	if f := c.in.Fetched[s.ID]; !f.IsZero() {
		at = f
	}
	late := math.Round(monthsLate(due, at)*10) / 10
	return c.measured(CheckFreshness, RuleFreshness, s.ID, "", late,
		fmt.Sprintf("newest period %s; the next (%s, usual lag %d months) was due by %s: %.1f months overdue on %s",
			newest.Format(time.DateOnly), cadenceName(s.Cadence), s.LagMonths, due.Format(time.DateOnly), late,
			at.Format(time.DateOnly)), nil), true
}

func cadenceName(c extractors.Cadence) string {
	if c == "" {
		return "unknown cadence"
	}
	return string(c)
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

// number writes a count with thousands separators: 12,345.
func number(v float64) string { return numfmt.Count(v, false) }

// signed writes a change with its sign: +1,200 or -300.
func signed(v float64) string {
	if v > 0 {
		return "+" + number(v)
	}
	return number(v)
}
