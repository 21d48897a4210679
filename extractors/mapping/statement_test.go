package mapping

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/formats"
)

func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// A statement whose page gives two periods of one series: each figure is
// read by its own pattern from the same body, and a page that gives none
// of the figures is an error, not an empty answer. The page and its
// figures are made up for this test (never in the sample archive).
func TestStatementReadsEveryFigureOfItsPage(t *testing.T) {
	const page = "https://example.org/balance"
	s := &extractors.Source{ID: "xx-balance-statement", Destination: "AM", Format: formats.Statement,
		Requests: []extractors.Request{{URL: page}},
		Map:      extractors.Mapping{FixedCitizenship: "RU", Metric: extractors.Statement},
		Statement: &extractors.StatementEntry{Kind: extractors.KindFlow, Flow: extractors.FlowBalance,
			Measure: extractors.BorderNet, Since: day("2024-01-01"), RefDate: day("2024-07-31"),
			Pattern: `in 2024 by (\d[\d,]*)`,
			Earlier: []extractors.StatementEntry{{Kind: extractors.KindFlow, Flow: extractors.FlowBalance,
				Measure: extractors.BorderNet, Since: day("2023-01-01"), RefDate: day("2023-12-31"),
				Pattern: `in 2023 by (\d+) thousand`, Scale: 1000, URL: page}}}}
	body := []byte(`<p>Entries exceeded exits in 2023 by 21 thousand, in 2024 by 4,100.</p>`)
	obs, err := Extract(context.Background(), s, page, body, "sha")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, o := range obs {
		got[o.PeriodStart.Format(time.DateOnly)+"/"+o.PeriodEnd.Format(time.DateOnly)] = o.Value
	}
	want := map[string]float64{"2024-01-01/2024-07-31": 4100, "2023-01-01/2023-12-31": 21000}
	if len(got) != len(want) || got["2024-01-01/2024-07-31"] != 4100 || got["2023-01-01/2023-12-31"] != 21000 {
		t.Errorf("observations %v, want %v", got, want)
	}
	if _, err := Extract(context.Background(), s, "https://example.org/other", body, "sha"); err == nil ||
		!strings.Contains(err.Error(), "none of the statement's figures") {
		t.Errorf("a page giving no figure: %v", err)
	}
}
