package calendar

import (
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAnnualTableDueInJuneShowsLastYearFromJuly(t *testing.T) {
	cal := Calendar{Cadence: extractors.Annual, LagMonths: 6}
	for _, c := range []struct{ on, want string }{
		{"2025-06-29", "2023-12-31"},
		{"2025-06-30", "2023-12-31"}, // due by the end of 30 June
		{"2025-07-01", "2024-12-31"},
		{"2025-09-15", "2024-12-31"},
		{"2026-01-01", "2024-12-31"},
	} {
		ref, due, ok := cal.Expected(day(c.on))
		if !ok || ref.Format(time.DateOnly) != c.want {
			t.Errorf("on %s: expected %s (ok %v), want %s", c.on, ref.Format(time.DateOnly), ok, c.want)
		}
		if ok && !day(c.on).After(due) {
			t.Errorf("on %s: expected a period due %s, not yet due", c.on, due.Format(time.DateOnly))
		}
	}
}

func TestStocksDatedAtTheStartOfTheYear(t *testing.T) {
	// Eurostat's population on 1 January, ~14 months late: in a January 2026
	// download 1 January 2024 is there and 1 January 2025 is not.
	cal := Calendar{Cadence: extractors.Annual, LagMonths: 14, AtStart: true}
	ref, due, _ := cal.Expected(day("2026-01-15"))
	if ref.Format(time.DateOnly) != "2024-01-01" || due.Format(time.DateOnly) != "2025-03-31" {
		t.Errorf("expected %s due %s, want 2024-01-01 due 2025-03-31", ref.Format(time.DateOnly), due.Format(time.DateOnly))
	}
	if got := Of(&extractors.Source{Cadence: extractors.Annual, Map: extractors.Mapping{StockAt: "start"}}); !got.AtStart {
		t.Error("CalendarOf ignores StockAt=start")
	}
}

// Expected must agree with the plain definition, the newest reference date
// whose due date has passed, for every cadence, lag and day.
func TestExpectedAgreesWithASearchOverAllPeriods(t *testing.T) {
	for _, cad := range []extractors.Cadence{extractors.Annual, extractors.Semiannual, extractors.Quarterly, extractors.Monthly} {
		for _, atStart := range []bool{false, true} {
			for lag := 0; lag <= 30; lag += 5 {
				cal := Calendar{Cadence: cad, LagMonths: lag, AtStart: atStart}
				var refs []time.Time
				for m := 0; m < 12*12; m += cal.Months() {
					start := time.Date(2015, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
					if atStart {
						refs = append(refs, start)
					} else {
						refs = append(refs, start.AddDate(0, cal.Months(), -1))
					}
				}
				for on := day("2021-01-01"); on.Before(day("2024-01-01")); on = on.AddDate(0, 0, 5) {
					var want time.Time
					for _, r := range refs {
						if on.After(cal.Due(r)) && r.After(want) {
							want = r
						}
					}
					got, _, ok := cal.Expected(on.Add(13 * time.Hour))
					if !ok || !got.Equal(want) {
						t.Fatalf("%s lag %d start %v on %s: got %s, want %s", cad, lag, atStart, on.Format(time.DateOnly),
							got.Format(time.DateOnly), want.Format(time.DateOnly))
					}
				}
			}
		}
	}
	if _, _, ok := (Calendar{Cadence: extractors.AdHoc}).Expected(day("2025-01-01")); ok {
		t.Error("an ad hoc source has no calendar")
	}
}

func TestNextKeepsTheLastDayOfTheMonth(t *testing.T) {
	for _, c := range []struct {
		cal            Calendar
		ref, next, due string
	}{
		{Calendar{Cadence: extractors.Quarterly, LagMonths: 2}, "2024-03-31", "2024-06-30", "2024-08-31"},
		{Calendar{Cadence: extractors.Monthly, LagMonths: 1}, "2024-01-31", "2024-02-29", "2024-03-31"},
		{Calendar{Cadence: extractors.Annual, LagMonths: 14, AtStart: true}, "2024-01-01", "2025-01-01", "2026-03-31"},
		{Calendar{Cadence: extractors.Annual, LagMonths: 6}, "2023-12-31", "2024-12-31", "2025-06-30"},
		{Calendar{Cadence: extractors.Semiannual, LagMonths: 3}, "2024-06-30", "2024-12-31", "2025-03-31"},
	} {
		next, ok := c.cal.Next(day(c.ref))
		due, _ := c.cal.NextDue(day(c.ref))
		if !ok || next.Format(time.DateOnly) != c.next || due.Format(time.DateOnly) != c.due {
			t.Errorf("%+v after %s: next %s due %s, want %s due %s", c.cal, c.ref, next.Format(time.DateOnly),
				due.Format(time.DateOnly), c.next, c.due)
		}
	}
	if _, ok := (Calendar{Cadence: extractors.AdHoc}).NextDue(day("2024-01-01")); ok {
		t.Error("a statement has a next due date")
	}
}
