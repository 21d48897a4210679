package extractors

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Period is a closed interval of dates. A stock's period is one instant.
type Period struct{ Start, End time.Time }

var (
	reYear    = regexp.MustCompile(`^(\d{4})(?:A\d*)?$`)                  // 2022, 2022A00
	reQuarter = regexp.MustCompile(`^(\d{4})[-_ ]?[QK]([1-4])$`)          // 2022Q1, 2022-Q1, 2022K1 (Nordic)
	reMonth   = regexp.MustCompile(`^(\d{4})(?:M|-|M-)?(0[1-9]|1[0-2])$`) // 2022M03, 2022-03, 202203
	reHalf    = regexp.MustCompile(`^(\d{4})[-_ ]?[SHB]([12])$`)          // 2022S1, 2022H2
	reDate    = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)           // 2023-06-30
	reFiscal  = regexp.MustCompile(`^(\d{4})[-/](\d{2}|\d{4})$`)          // 2022-23, 2022/2023: not parsed (ambiguous)
	reSpace   = regexp.MustCompile(`\s+`)
	reDayOf   = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`) // stock_at 04-03: a day of the year
)

// ParsePeriod reads a publisher's period code. For a flow it returns the
// period's first and last day. For a stock (stock true) it returns the
// instant the code denotes: a year means 1 January when stockAt is "start"
// (Eurostat's population on 1 January) and 31 December when it is "end"
// (permits valid at year end); a quarter or month means its last day unless
// stockAt is "start". A stockAt of the form MM-DD ("04-03") is the day a
// year's stock refers to: a census year means its census night.
func ParsePeriod(code string, stock bool, stockAt string) (Period, error) {
	c := reSpace.ReplaceAllString(strings.TrimSpace(code), "")
	var start, end time.Time
	switch {
	case reYear.MatchString(c):
		y := atoi(reYear.FindStringSubmatch(c)[1])
		start, end = date(y, 1, 1), date(y, 12, 31)
	case reQuarter.MatchString(c):
		m := reQuarter.FindStringSubmatch(c)
		y, q := atoi(m[1]), atoi(m[2])
		start = date(y, time.Month(3*q-2), 1)
		end = start.AddDate(0, 3, -1)
	case reHalf.MatchString(c):
		m := reHalf.FindStringSubmatch(c)
		y, h := atoi(m[1]), atoi(m[2])
		start = date(y, time.Month(6*h-5), 1)
		end = start.AddDate(0, 6, -1)
	case reMonth.MatchString(c):
		m := reMonth.FindStringSubmatch(c)
		start = date(atoi(m[1]), time.Month(atoi(m[2])), 1)
		end = start.AddDate(0, 1, -1)
	case reDate.MatchString(c):
		t, err := time.Parse(time.DateOnly, c)
		if err != nil {
			return Period{}, fmt.Errorf("period %q: %w", code, err)
		}
		return Period{t, t}, nil
	case reFiscal.MatchString(c):
		return Period{}, fmt.Errorf("period %q: a split year is ambiguous; map it in the source", code)
	default:
		return Period{}, fmt.Errorf("period %q: not a year, half, quarter, month or date", code)
	}
	if !stock {
		return Period{start, end}, nil
	}
	if m := reDayOf.FindStringSubmatch(stockAt); m != nil {
		if start.Month() != time.January || end.Month() != time.December {
			return Period{}, fmt.Errorf("period %q: stock_at %s names a day of a year, not of a shorter period", code, stockAt)
		}
		t := date(start.Year(), time.Month(atoi(m[1])), atoi(m[2]))
		if t.Day() != atoi(m[2]) {
			return Period{}, fmt.Errorf("period %q: stock_at %s is not a day of %d", code, stockAt, start.Year())
		}
		return Period{t, t}, nil
	}
	if stockAt == "start" {
		return Period{start, start}, nil
	}
	return Period{end, end}, nil
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // callers pass regexp-checked digits
	return n
}

var (
	reLeadingYear = regexp.MustCompile(`^(\d{4})(?:$|\D)`) // 2023, "2025 (FYTD)"
	monthNames    = []string{"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"}
)

// YearMonthCode joins a year and a month published in two columns into a
// period code ParsePeriod reads ("2023" and "Mar" give "2023-03"). year may
// carry a note after its digits ("2025 (FYTD)"); month is an English name,
// its first three letters in any case ("Jan", "JAN", "Sept" too), a
// number 1-12, or the month's first day ("2017-03-01": then year and month
// may name the same column). With fiscalStart set, year is a fiscal year that begins in
// that month of the calendar year before: a month at or after fiscalStart
// belongs to year-1 (US federal FY 2023 OCT is October 2022).
func YearMonthCode(year, month string, fiscalStart time.Month) (string, error) {
	ym := reLeadingYear.FindStringSubmatch(strings.TrimSpace(year))
	if ym == nil {
		return "", fmt.Errorf("year %q: not a four-digit year", year)
	}
	m, err := monthNumber(month)
	if err != nil {
		return "", err
	}
	y := atoi(ym[1])
	if fiscalStart > time.January && m >= fiscalStart {
		y--
	}
	return fmt.Sprintf("%04d-%02d", y, int(m)), nil
}

func monthNumber(s string) (time.Month, error) {
	t := strings.ToLower(strings.TrimRight(strings.TrimSpace(s), "."))
	if d := reDate.FindStringSubmatch(t); d != nil {
		// A month written as its first day ("2017-03-01"): any other day
		// is a date, not a month.
		if d[3] != "01" {
			return 0, fmt.Errorf("month %q: a date that is not the first of a month", s)
		}
		t = d[2]
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n >= 1 && n <= 12 {
			return time.Month(n), nil
		}
		return 0, fmt.Errorf("month %q: not 1-12", s)
	}
	if len(t) >= 3 {
		for i, name := range monthNames {
			if strings.HasPrefix(name, t) {
				return time.Month(i + 1), nil
			}
		}
	}
	return 0, fmt.Errorf("month %q: not an English month name or number", s)
}

// ValidStockAt reports whether s says which instant a stock's period
// denotes: "start", "end", or a day of the year as MM-DD.
func ValidStockAt(s string) bool { return s == "start" || s == "end" || reDayOf.MatchString(s) }
