package transform

import (
	"time"

	"github.com/emigre/emigre/extractors"
)

// At is the estimate as it stood on a reference date (docs/method.md, "The
// estimate at a reference date").
type At struct {
	RefDate   time.Time
	Estimates []Estimate
	Total     Total
}

// Series computes the estimate at every reference date of RefDates: from
// only the observations Upto that date. The last one is the estimate over
// every observation.
func Series(obs []extractors.Observation, opt Options) []At {
	opt = opt.withDefaults()
	var newest time.Time
	for _, e := range Estimates(obs, opt) {
		for _, r := range e.Alternatives {
			if r.AsOf.After(newest) {
				newest = r.AsOf
			}
		}
	}
	if newest.IsZero() {
		return nil
	}
	var out []At
	for _, ref := range RefDates(opt.WindowStart, newest) {
		est := Estimates(Upto(obs, ref), opt)
		if len(est) == 0 {
			continue
		}
		out = append(out, At{RefDate: ref, Estimates: est, Total: Totals(est)})
	}
	return out
}

// RefDates are every 31 December from the window start's year on that falls
// before newest, then newest itself: a year that has not ended is
// represented by the date its data stop at.
func RefDates(windowStart, newest time.Time) []time.Time {
	newest = day(newest)
	var out []time.Time
	for y := windowStart.Year(); ; y++ {
		end := date(y, time.December, 31)
		if !end.Before(newest) {
			break
		}
		if !end.Before(day(windowStart)) {
			out = append(out, end)
		}
	}
	return append(out, newest)
}

// Upto keeps the observations whose period ends, or whose reference date
// falls, on or before ref. A stock on 1 January Y describes the same
// instant as one on 31 December Y-1, so it counts on that date.
func Upto(obs []extractors.Observation, ref time.Time) []extractors.Observation {
	ref = day(ref)
	var out []extractors.Observation
	for _, o := range obs {
		end := day(o.PeriodEnd)
		if o.IsStock() && end.Month() == time.January && end.Day() == 1 {
			end = end.AddDate(0, 0, -1)
		}
		if !end.After(ref) {
			out = append(out, o)
		}
	}
	return out
}
