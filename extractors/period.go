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
)

// ParsePeriod reads a publisher's period code. For a flow it returns the
// period's first and last day. For a stock (stock true) it returns the
// instant the code denotes: a year means 1 January when stockAt is "start"
// (Eurostat's population on 1 January) and 31 December when it is "end"
// (permits valid at year end); a quarter or month means its last day unless
// stockAt is "start".
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
