package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emigre/emigre/internal/numfmt"
)

// Scope is what a total counts, in figures: the rows in it, the gross part
// of them, and the rows left out with why (docs/method.md, "What counts
// toward the total"). Scope.Sentence says it in one sentence; the run
// summary, the report's headline and the README use it.
type Scope struct {
	WindowStart         string  `json:"window_start"`
	Net                 float64 `json:"net"`
	Countries           int     `json:"countries"`
	Gross               float64 `json:"gross"`           // of Net, from rows flagged gross
	GrossCountries      int     `json:"gross_countries"` // rows in the total flagged gross
	NotInTotal          float64 `json:"not_in_total"`
	CountriesNotInTotal int     `json:"countries_not_in_total"`
	// Left lists, per reason, the rows not in the total.
	Left []Left `json:"not_in_total_by_reason"`
}

// Left is the part of the rows not in the total that one reason (a flag)
// leaves out.
type Left struct {
	Flag      string  `json:"flag"`
	Net       float64 `json:"net"`
	Countries int     `json:"countries"`
}

// ScopeRow is what Scope needs of one destination's row.
type ScopeRow struct {
	Net     float64
	InTotal bool
	Flags   []string
}

// leftReasons are the flags that keep a row out of the total, in the order
// a row with several is filed under, with how the sentence says them.
var leftReasons = []struct{ flag, phrase string }{
	{"stock_without_baseline", "known only as stocks (no pre-war baseline)"},
	{"since_far_from_window", "stated as a change since a date far from the window start"},
	{"gap_in_flows", "whose stated flows leave a gap"},
}

// NewScope sums the rows of one total.
func NewScope(windowStart string, rows []ScopeRow) Scope {
	s := Scope{WindowStart: windowStart, Left: []Left{}}
	for _, r := range rows {
		if r.InTotal {
			s.Net += r.Net
			s.Countries++
			if slices.Contains(r.Flags, "gross") {
				s.Gross += r.Net
				s.GrossCountries++
			}
			continue
		}
		s.NotInTotal += r.Net
		s.CountriesNotInTotal++
		flag := "other"
		for _, lr := range leftReasons {
			if slices.Contains(r.Flags, lr.flag) {
				flag = lr.flag
				break
			}
		}
		i := slices.IndexFunc(s.Left, func(l Left) bool { return l.Flag == flag })
		if i < 0 {
			s.Left = append(s.Left, Left{Flag: flag})
			i = len(s.Left) - 1
		}
		s.Left[i].Net += r.Net
		s.Left[i].Countries++
	}
	slices.SortStableFunc(s.Left, func(a, b Left) int { return reasonRank(a.Flag) - reasonRank(b.Flag) })
	return s
}

func reasonRank(flag string) int {
	i := slices.IndexFunc(leftReasons, func(r struct{ flag, phrase string }) bool { return r.flag == flag })
	if i < 0 {
		return len(leftReasons)
	}
	return i
}

// Sentence says what the total counts: "net arrivals since 2022-01-01 in
// 24 countries, of which 190,000 in 12 countries gross (returns unknown);
// not in the total: 417,100 people in 6 countries known only as stocks (no
// pre-war baseline)".
func (s Scope) Sentence() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s net arrivals since %s in %s", numfmt.Count(s.Net, false), s.WindowStart, countries(s.Countries))
	if s.GrossCountries > 0 {
		fmt.Fprintf(&b, ", of which %s in %s gross (returns unknown)", numfmt.Count(s.Gross, false), countries(s.GrossCountries))
	}
	if s.CountriesNotInTotal == 0 {
		b.WriteString("; every country's figure is in the total.")
		return b.String()
	}
	b.WriteString("; not in the total: ")
	for i, l := range s.Left {
		if i > 0 {
			b.WriteString(", ")
		}
		who := "people"
		if i > 0 {
			who = ""
		}
		phrase := "for another reason"
		if r := reasonRank(l.Flag); r < len(leftReasons) {
			phrase = leftReasons[r].phrase
		}
		fmt.Fprintf(&b, "%s %s in %s %s", numfmt.Count(l.Net, false), who, countries(l.Countries), phrase)
	}
	b.WriteString(".")
	return strings.Join(strings.Fields(b.String()), " ")
}

func countries(n int) string {
	if n == 1 {
		return "1 country"
	}
	return fmt.Sprintf("%d countries", n)
}
