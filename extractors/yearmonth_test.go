package extractors_test

import (
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

func TestYearMonthCode(t *testing.T) {
	for _, c := range []struct {
		year, month string
		fiscal      time.Month
		want        string
	}{
		{"2023", "Mar", 0, "2023-03"},
		{"2023", "JAN", 0, "2023-01"},
		{"2023", "Sept.", 0, "2023-09"},
		{"2023", "december", 0, "2023-12"},
		{"2023", "7", 0, "2023-07"},
		{"2017-03-01", "2017-03-01", 0, "2017-03"},
		{"2023", "OCT", time.October, "2022-10"}, // US FY2023 starts in October 2022
		{"2023", "SEP", time.October, "2023-09"},
		{"2025 (FYTD)", "NOV", time.October, "2024-11"},
	} {
		got, err := extractors.YearMonthCode(c.year, c.month, c.fiscal)
		if err != nil || got != c.want {
			t.Errorf("YearMonthCode(%q, %q, %v) = %q, %v; want %q", c.year, c.month, c.fiscal, got, err, c.want)
		}
	}
	for _, c := range [][2]string{{"23", "Jan"}, {"2023", "Ma"}, {"2023", "13"}, {"2023", "Q1 Total"}, {"2023", "2017-03-15"}, {"FY", "Jan"}} {
		if got, err := extractors.YearMonthCode(c[0], c[1], 0); err == nil {
			t.Errorf("YearMonthCode(%q, %q) = %q, want an error", c[0], c[1], got)
		}
	}
}
