package quality

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

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
