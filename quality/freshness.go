package quality

import (
	"fmt"
	"math"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/calendar"
	"github.com/emigre/emigre/load"
)

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

// monthsLate is how many months (of 30.44 days) now is past due; 0 when it
// is not.
func monthsLate(due, now time.Time) float64 {
	if !now.After(due) {
		return 0
	}
	return now.Sub(due).Hours() / 24 / 30.44
}
