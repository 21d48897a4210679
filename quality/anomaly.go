package quality

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// minHistory is how many earlier values a series needs before its newest
// value is judged against them.
const minHistory = 5

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
