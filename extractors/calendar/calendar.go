// Package calendar is a source's publication calendar: from its cadence and
// usual lag, when each period is due and which period should be out by a
// given day. It imports nothing but extractors, so that the run's quality
// checks (which the pipeline runs) and package schedules (which runs the
// pipeline) judge freshness by one rule.
package calendar

import (
	"time"

	"github.com/emigre/emigre/extractors"
)

// Calendar is when a source publishes: a new period every cadence, each
// about LagMonths after the date it refers to.
type Calendar struct {
	Cadence   extractors.Cadence
	LagMonths int
	// AtStart: the source's figures are dated at the start of their period
	// (a stock on 1 January); otherwise at its end (a year's flow, a stock
	// on 31 December).
	AtStart bool
}

// Of returns the source's publication calendar.
func Of(s *extractors.Source) Calendar {
	return Calendar{Cadence: s.Cadence, LagMonths: s.LagMonths, AtStart: s.Map.StockAt == "start"}
}

// Months is the length of one period in months; 0 when the source has no
// calendar (statements are ad hoc).
func (c Calendar) Months() int {
	switch c.Cadence {
	case extractors.Annual:
		return 12
	case extractors.Semiannual:
		return 6
	case extractors.Quarterly:
		return 3
	case extractors.Monthly:
		return 1
	}
	return 0
}

// Due is the date by which the period dated ref should be out: the last day
// of the month LagMonths after ref's month. An annual table with a 6-month
// lag is due by 30 June for the year before.
func (c Calendar) Due(ref time.Time) time.Time {
	first := time.Date(ref.Year(), ref.Month()+time.Month(c.LagMonths)+1, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, -1)
}

// Next is the date of the period after the one dated ref: one cadence on,
// keeping a month's last day its last day (31 March, then 30 June). ok is
// false without a calendar.
func (c Calendar) Next(ref time.Time) (next time.Time, ok bool) {
	step := c.Months()
	if step == 0 {
		return time.Time{}, false
	}
	if ref.AddDate(0, 0, 1).Day() == 1 { // the last day of its month
		first := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, step+1, -1), true
	}
	return ref.AddDate(0, step, 0), true
}

// NextDue is when the period after the newest one published is due: the
// date from which a source whose newest period is dated newest is late.
func (c Calendar) NextDue(newest time.Time) (due time.Time, ok bool) {
	next, ok := c.Next(newest)
	if !ok {
		return time.Time{}, false
	}
	return c.Due(next), true
}

// Expected returns the date of the newest period that should be published
// by the day `on` (in UTC), and when it was due: the newest period whose
// due date is before that day. ok is false for a source without a
// calendar.
func (c Calendar) Expected(on time.Time) (ref, due time.Time, ok bool) {
	step := c.Months()
	if step == 0 || c.LagMonths < 0 {
		return time.Time{}, time.Time{}, false
	}
	day := DayOf(on)
	// The period that holds `on`, then back one period at a time: at most
	// LagMonths/step+2 steps reach one that is due.
	start := time.Date(day.Year(), time.Month((int(day.Month())-1)/step*step+1), 1, 0, 0, 0, 0, time.UTC)
	for range c.LagMonths/step + 3 {
		ref = start
		if !c.AtStart {
			ref = start.AddDate(0, step, -1)
		}
		if due = c.Due(ref); day.After(due) {
			return ref, due, true
		}
		start = start.AddDate(0, -step, 0)
	}
	return time.Time{}, time.Time{}, false // unreachable: the loop bound covers the lag
}

// DayOf is the UTC calendar date of t, at midnight.
func DayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
