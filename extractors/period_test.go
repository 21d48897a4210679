package extractors

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	cases := []struct {
		code       string
		stock      bool
		at         string
		start, end string
	}{
		{"2022", false, "", "2022-01-01", "2022-12-31"},
		{"2022", true, "start", "2022-01-01", "2022-01-01"}, // population on 1 January
		{"2021", true, "end", "2021-12-31", "2021-12-31"},   // permits valid on 31 December
		{"2022Q2", false, "", "2022-04-01", "2022-06-30"},
		{"2022K4", false, "", "2022-10-01", "2022-12-31"}, // Nordic quarters
		{"2022-Q1", false, "", "2022-01-01", "2022-03-31"},
		{"2022M02", false, "", "2022-02-01", "2022-02-28"},
		{"2024-02", false, "", "2024-02-01", "2024-02-29"},
		{"2023S2", false, "", "2023-07-01", "2023-12-31"},
		{"2023-06-30", true, "", "2023-06-30", "2023-06-30"},
		{" 2022 ", false, "", "2022-01-01", "2022-12-31"},
		{"2022Q3", true, "end", "2022-09-30", "2022-09-30"},
		{"2022", true, "04-03", "2022-04-03", "2022-04-03"},  // a census year: its census night
		{"2022", false, "04-03", "2022-01-01", "2022-12-31"}, // a flow keeps its year
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.code, c.stock, c.at)
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if !p.Start.Equal(d(c.start)) || !p.End.Equal(d(c.end)) {
			t.Errorf("%q (stock %v %s) = %s..%s, want %s..%s", c.code, c.stock, c.at,
				p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly), c.start, c.end)
		}
	}
	for _, bad := range []string{"", "22", "2022Q5", "2022M13", "2022-23", "last year"} {
		if _, err := ParsePeriod(bad, false, ""); err == nil {
			t.Errorf("%q must not parse", bad)
		}
	}
	// A day of the year fits a year only, and must exist in it.
	for _, c := range [][2]string{{"2022Q2", "04-03"}, {"2022M04", "04-03"}, {"2023", "02-29"}} {
		if p, err := ParsePeriod(c[0], true, c[1]); err == nil {
			t.Errorf("%q at %s = %v, want an error", c[0], c[1], p)
		}
	}
	for at, want := range map[string]bool{"start": true, "end": true, "04-03": true, "4-3": false, "13-01": false, "": false, "census": false} {
		if ValidStockAt(at) != want {
			t.Errorf("ValidStockAt(%q) = %v", at, !want)
		}
	}
}
