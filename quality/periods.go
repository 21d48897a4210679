package quality

import (
	"slices"
	"time"

	"github.com/emigre/emigre/extractors"
)

// months is the length of a flow period in whole calendar months (a month
// 1, a quarter 3, a year 12), or 0 when the period is not a run of whole
// months (a statement's "since" span, a week).
func months(start, end time.Time) int {
	if start.Day() != 1 || !lastOfMonth(end) || end.Before(start) {
		return 0
	}
	return (end.Year()-start.Year())*12 + int(end.Month()-start.Month()) + 1
}

func lastOfMonth(t time.Time) bool { return t.AddDate(0, 0, 1).Day() == 1 }

// instant is the moment a stock's reference date denotes: 1 January of a
// year and 31 December of the year before are the same instant (the
// warehouse's convention), so a 1 January date becomes the day before.
func instant(d time.Time) time.Time {
	if d.Month() == time.January && d.Day() == 1 {
		return d.AddDate(0, 0, -1)
	}
	return d
}

// tile sums the flow points that exactly cover [from, to]: contiguous, not
// overlapping, starting at from and ending at to. ok is false when they do
// not (a part is missing, or two overlap). Points outside [from, to] are
// ignored.
func tile(points []Point, from, to time.Time) (sum float64, n int, ok bool) {
	var in []Point
	for _, p := range points {
		if !p.PeriodStart.Before(from) && !p.PeriodEnd.After(to) {
			in = append(in, p)
		}
	}
	if len(in) == 0 {
		return 0, 0, false
	}
	slices.SortFunc(in, func(a, b Point) int { return a.PeriodStart.Compare(b.PeriodStart) })
	next := from
	for _, p := range in {
		if !p.PeriodStart.Equal(next) || p.Missing {
			return 0, 0, false
		}
		sum += p.Value
		next = p.PeriodEnd.AddDate(0, 0, 1)
	}
	if !next.Equal(to.AddDate(0, 0, 1)) {
		return 0, 0, false
	}
	return sum, len(in), true
}

// byLength groups flow points by their length in months (0: not whole
// months), so that months, quarters and years of one series are tiled
// separately.
func byLength(points []Point) map[int][]Point {
	out := map[int][]Point{}
	for _, p := range points {
		m := months(p.PeriodStart, p.PeriodEnd)
		out[m] = append(out[m], p)
	}
	return out
}

// periodLabel is how a period reads in a check's sample rows.
func periodLabel(o extractors.Observation) string {
	if o.PeriodStart.Equal(o.PeriodEnd) {
		return o.PeriodEnd.Format(time.DateOnly)
	}
	return o.PeriodStart.Format(time.DateOnly) + ".." + o.PeriodEnd.Format(time.DateOnly)
}
