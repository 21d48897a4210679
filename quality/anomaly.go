package quality

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

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
//
// A series breaks where its values stop being comparable with the earlier
// ones: at the window start (the event the estimate measures begins; the
// first value at or after it is compared with nothing before it) and where
// the publisher flags a break in series (Eurostat's b). The newest value is
// judged against the values since the series' latest break only; the first
// value after a break is the break itself, expected, and not an anomaly.
// Every series left unjudged is named in the detail with its break.
func (c *checker) anomaly(s *extractors.Source) (load.QualityCheckRow, bool) {
	points := c.current[s.ID]
	if !slices.ContainsFunc(points, func(p Point) bool { return !p.Missing }) {
		return load.QualityCheckRow{}, false
	}
	all, keys := seriesOf(points)
	worst, judged := 0.0, 0
	var flagged, unjudged []string
	atBreak, shortSince, gone := 0, 0, 0
	for _, k := range keys {
		// Flows of different lengths (months and years) are different series.
		groups := map[int][]Point{0: all[k]}
		if !k.metric.IsStock() && k.metric != extractors.Statement {
			groups = byLength(all[k])
		}
		for _, l := range slices.Sorted(maps.Keys(groups)) {
			pts := groups[l]
			if newest := pts[len(pts)-1]; newest.Missing {
				// The publisher's newest period has no figure (':'): the
				// series' last figure is not new, and there is nothing new
				// to judge (whether the series is stale is its state).
				gone++
				unjudged = append(unjudged, fmt.Sprintf("%s %s: not judged: published as missing (%s)",
					series(newest.Observation), periodLabel(newest.Observation), strings.TrimSpace(newest.Flags+" no figure")))
				continue
			}
			v := c.judgeNewest(s, k, present(pts))
			switch {
			case v.tooShort:
				continue
			case v.across:
				atBreak++
				unjudged = append(unjudged, fmt.Sprintf("%s %s: not judged: the first %s since %s, an expected break",
					series(v.newest), periodLabel(v.newest), v.what, v.brk))
				continue
			case v.brk != nil && v.history < minHistory:
				shortSince++
				unjudged = append(unjudged, fmt.Sprintf("%s %s: not judged: %d earlier %s since %s (%d needed)",
					series(v.newest), periodLabel(v.newest), v.history, plural(v.history, v.what), v.brk, minHistory))
				continue
			}
			judged++
			worst = max(worst, v.z)
			if v.z > c.cfg.limits(RuleAnomaly, s.ID).Warn {
				flagged = append(flagged, v.sample)
			}
		}
	}
	var why []string
	if n := atBreak + shortSince; n > 0 {
		why = append(why, fmt.Sprintf("%d across a break (the window start or a break flagged b): %d at the break, %d with fewer than %d values since",
			n, atBreak, shortSince, minHistory))
	}
	if gone > 0 {
		why = append(why, fmt.Sprintf("%d whose newest period is published as missing", gone))
	}
	notJudged := ""
	if len(why) > 0 {
		notJudged = fmt.Sprintf("; %d not judged: %s", atBreak+shortSince+gone, strings.Join(why, "; "))
	}
	if judged == 0 {
		summary := fmt.Sprintf("too little history: no series has %d earlier values", minHistory)
		if notJudged != "" {
			summary = "no series judged" + notJudged
		}
		return c.note(CheckAnomaly, s.ID, "", detail(summary, unjudged)), true
	}
	return c.measured(CheckAnomaly, RuleAnomaly, s.ID, "", worst,
		fmt.Sprintf("newest values of %d series vs their history: largest robust z %.1f%s", judged, worst, notJudged),
		append(flagged, unjudged...)), true
}

// verdict is how a series' newest value compares with its history.
type verdict struct {
	newest   extractors.Observation
	what     string // "value" (a flow's level) or "change" (a stock's)
	brk      *seriesBreak
	history  int  // comparable earlier values: since brk, or all of them
	across   bool // the newest value is the break itself (compared across it)
	tooShort bool // too little history, and no break to blame
	z        float64
	sample   string
}

// judgeNewest judges the newest point of one series (sorted by period end).
func (c *checker) judgeNewest(s *extractors.Source, k seriesKey, pts []Point) verdict {
	levels := make([]float64, len(pts))
	for i, p := range pts {
		levels[i] = p.Value
	}
	v := verdict{newest: pts[len(pts)-1].Observation, what: "value"}
	values := levels
	if k.metric.IsStock() || k.measure.IsStock() {
		values, v.what = diffs(levels), "change" // values[i] is pts[i+1] - pts[i]
	}
	if len(values) == 0 {
		v.tooShort = true
		return v
	}
	// The newest value's comparable history: the values since the latest
	// break at or before it. A flow's first value after a break, or a
	// stock's change from before the break to after it, is the break itself.
	history, x := values[:len(values)-1], values[len(values)-1]
	if at, b := c.latestBreak(pts); b != nil {
		v.brk = b
		// A flow's value at index at is the first after the break; a
		// stock's change at index at-1 spans it, so its comparable changes
		// start at index at too.
		if v.across = at == len(pts)-1; v.across {
			history = nil
		} else {
			history = values[at : len(values)-1]
		}
	}
	v.history = len(history)
	if v.across || v.history < minHistory {
		v.tooShort = v.brk == nil
		return v
	}
	absLevels := make([]float64, len(levels))
	for i, l := range levels {
		absLevels[i] = math.Abs(l)
	}
	z, center, scale := robustZ(x, history, max(1, 0.01*median(absLevels)))
	show := number
	if v.what == "change" {
		show = signed
	}
	since := ""
	if v.brk != nil {
		since = " since " + v.brk.String()
	}
	v.z = z
	v.sample = fmt.Sprintf("%s %s: %s %s vs median %s (robust sd %s over %d earlier%s): z %.1f",
		series(v.newest), periodLabel(v.newest), v.what, show(x), show(center), number(scale), len(history), since, z)
	return v
}

// seriesBreak is where a series stops being comparable with its past.
type seriesBreak struct {
	windowStart time.Time // set when the break is the window start
	flagged     time.Time // set when the publisher flags a break (b) there
}

func (b *seriesBreak) String() string {
	var parts []string
	if !b.windowStart.IsZero() {
		parts = append(parts, "the window start "+b.windowStart.Format(time.DateOnly))
	}
	if !b.flagged.IsZero() {
		parts = append(parts, "a break in series flagged b on "+b.flagged.Format(time.DateOnly))
	}
	return strings.Join(parts, " and ")
}

// latestBreak returns the index of the point that begins the newest
// comparable stretch of pts (the first point at or after the window start,
// or a point the publisher flags b, whichever is later) and the break; nil
// when the series has no break with something before it.
func (c *checker) latestBreak(pts []Point) (int, *seriesBreak) {
	ws := c.in.WindowStart
	for i := len(pts) - 1; i >= 0; i-- {
		b := &seriesBreak{}
		if !ws.IsZero() && !instant(pts[i].PeriodEnd).Before(ws) && (i == 0 || instant(pts[i-1].PeriodEnd).Before(ws)) {
			b.windowStart = ws
		}
		if flaggedBreak(pts[i].Flags) {
			b.flagged = pts[i].PeriodEnd
		}
		if i > 0 && (!b.windowStart.IsZero() || !b.flagged.IsZero()) {
			return i, b
		}
	}
	return 0, nil
}

// flaggedBreak reports whether a status carries Eurostat's b (break in
// series) among its flag letters ("b", "bep", "p b").
func flaggedBreak(flags string) bool {
	for _, f := range strings.Fields(flags) {
		if strings.ContainsRune(f, 'b') && strings.Trim(f, DefaultKnownFlags) == "" {
			return true
		}
	}
	return false
}

// present are the points with a figure.
func present(points []Point) []Point {
	var out []Point
	for _, p := range points {
		if !p.Missing {
			out = append(out, p)
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
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
