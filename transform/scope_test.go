package transform

import (
	"slices"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

// What counts toward the total (docs/method.md): statements read with their
// catalogue entries, sums of gross components, and the estimate at a
// reference date. Figures named after a country are the published ones the
// sample uses; the rest are hand-made and say so.

func entry(kind extractors.StatementKind, flow string, m extractors.Metric, ref, since, body string) *extractors.StatementEntry {
	e := &extractors.StatementEntry{Kind: kind, Flow: flow, Measure: m, RefDate: d(ref), Speaker: extractors.Speaker{Body: body}}
	if since != "" {
		e.Since = d(since)
	}
	return e
}

// statedStockObs is a statement of a stock as the mapping writes it: the
// reference date as both ends of the period.
func statedStockObs(src, dest string, m extractors.Metric, on string, v float64) extractors.Observation {
	return statementObs(src, dest, m, on, on, v)
}

func TestStockStatementAgainstAnEarlierBaseline(t *testing.T) {
	// Hand-made: a body said 20,000 residence permits at the end of 2021
	// (an earlier figure of the same series) and 30,000 in May 2023.
	const src = "xx-mup"
	st := entry(extractors.KindStock, "", extractors.PermitsValid, "2023-05-15", "", "Ministry")
	st.Earlier = []extractors.StatementEntry{*entry(extractors.KindStock, "", extractors.PermitsValid, "2021-12-31", "", "Ministry")}
	obs := []extractors.Observation{
		statedStockObs(src, "RS", extractors.PermitsValid, "2023-05-15", 30000),
		statedStockObs(src, "RS", extractors.PermitsValid, "2021-12-31", 20000),
	}
	e := only(t, obs, Options{Statements: map[string]*extractors.StatementEntry{src: st}})
	eq(t, "net", e.Net, 10000)
	eqp(t, "baseline", e.Baseline, 20000)
	if !e.InTotal || len(e.Flags) != 0 {
		t.Errorf("%v in total %v, want a change in the total", e.Result, e.InTotal)
	}

	// Without the earlier figure the same statement is a stock without a
	// baseline: its figure stays in net, out of the total.
	e = only(t, obs[:1], Options{Statements: map[string]*extractors.StatementEntry{src: st}})
	eq(t, "net", e.Net, 30000)
	if e.InTotal || !slices.Equal(e.Flags, []string{FlagStockWithoutBaseline}) {
		t.Errorf("%v in total %v, want stock_without_baseline out of the total", e.Result, e.InTotal)
	}
}

func TestChangeStatements(t *testing.T) {
	// Hand-made figures; the dates are those of real statements: people who
	// came after 24 February 2022 (within 3 months of W) and after the
	// mobilisation of 21 September 2022 (not).
	const src = "xx-consulate"
	for _, c := range []struct {
		since   string
		inTotal bool
	}{
		{"2022-02-24", true},
		{"2021-10-01", true},
		{"2022-04-01", true},
		{"2022-04-02", false},
		{"2022-09-21", false},
		{"2021-09-30", false},
	} {
		st := entry(extractors.KindChange, "", extractors.ResidentStock, "2023-12-31", c.since, "Consulate")
		e := only(t, []extractors.Observation{statedStockObs(src, "KZ", extractors.ResidentStock, "2023-12-31", 80000)},
			Options{Statements: map[string]*extractors.StatementEntry{src: st}})
		eq(t, "net", e.Net, 80000)
		day0(t, "period start", e.PeriodStart, c.since)
		if e.InTotal != c.inTotal || (c.inTotal == (len(e.Flags) != 0)) {
			t.Errorf("since %s: %v in total %v, want %v", c.since, e.Result, e.InTotal, c.inTotal)
		}
		if !c.inTotal && !e.HasFlag(FlagSinceFarFromWindow) {
			t.Errorf("since %s: flags %v, want since_far_from_window", c.since, e.Flags)
		}
	}
}

func TestFlowStatementsFromBodiesEachNamed(t *testing.T) {
	// Uzbekistan's statistics agency, one statement per year, each its own
	// source: arrivals of Russian citizens 2022, 2023 and 2024 (hand-made
	// figures). Named bodies: the three years are summed.
	sources := []string{"uz-2022", "uz-2023", "uz-2024"}
	statements := map[string]*extractors.StatementEntry{}
	var obs []extractors.Observation
	for i, src := range sources {
		y := 2022 + i
		from, to := date(y, 1, 1).Format(time.DateOnly), date(y, 12, 31).Format(time.DateOnly)
		statements[src] = entry(extractors.KindFlow, extractors.FlowArrivals, extractors.Immigration, to, from, "Statistics Agency")
		obs = append(obs, statementObs(src, "UZ", extractors.Immigration, from, to, float64(1000*(i+1))))
	}
	e := only(t, obs, Options{Statements: statements})
	eq(t, "net", e.Net, 6000)
	eqp(t, "arrivals", e.Arrivals, 6000)
	day0(t, "as_of", e.AsOf, "2024-12-31")
	if e.SourceID != "uz-2022,uz-2023,uz-2024" || !e.InTotal || !slices.Equal(e.Flags, []string{FlagGross}) {
		t.Errorf("%v in total %v, want the three years summed, gross, in the total", e.Result, e.InTotal)
	}

	// Without 2023 there is a gap: the row is the part from W up to the
	// gap (2022, in the total); 2022 + 2024 stays an alternative, flagged.
	e = only(t, []extractors.Observation{obs[0], obs[2]}, Options{Statements: statements})
	eq(t, "net", e.Net, 1000)
	day0(t, "as_of", e.AsOf, "2022-12-31")
	if !e.InTotal {
		t.Errorf("%v, want 2022 alone in the total", e.Result)
	}
	if gap := e.Alternatives[len(e.Alternatives)-1]; gap.InTotal || !gap.HasFlag(FlagGapInFlows) || gap.Net != 4000 {
		t.Errorf("alternative %v, want 2022 + 2024 with gap_in_flows", gap)
	}

	// Without a named speaker, sources are never added together.
	e = only(t, obs, Options{})
	if e.SourceID != "uz-2022" || e.Net != 1000 {
		t.Errorf("%v, want each source on its own (2022 from W)", e.Result)
	}
}

func TestFlowStatementKinds(t *testing.T) {
	// Argentina's migration directorate: entries minus exits of Russian
	// citizens since 1 January 2022 (a balance: net of returns, not gross).
	ar := entry(extractors.KindFlow, extractors.FlowBalance, extractors.BorderNet, "2023-06-30", "2022-01-01", "Dirección Nacional de Migraciones")
	e := only(t, []extractors.Observation{statementObs("ar", "AR", extractors.BorderNet, "2022-01-01", "2023-06-30", 9000)},
		Options{Statements: map[string]*extractors.StatementEntry{"ar": ar}})
	if !e.InTotal || len(e.Flags) != 0 || e.Arrivals != nil {
		t.Errorf("balance %v in total %v, want in the total, not gross", e.Result, e.InTotal)
	}
	// Cyprus: permits granted since 1 January 2023: 2022 is missing.
	cy := entry(extractors.KindFlow, extractors.FlowArrivals, extractors.PermitsFirst, "2024-08-26", "2023-01-01", "Deputy Ministry of Migration")
	e = only(t, []extractors.Observation{statementObs("cy", "CY", extractors.PermitsFirst, "2023-01-01", "2024-08-26", 33517)},
		Options{Statements: map[string]*extractors.StatementEntry{"cy": cy}})
	eq(t, "net", e.Net, 33517)
	if e.InTotal || !slices.Equal(e.Flags, []string{FlagGross, FlagGapInFlows}) {
		t.Errorf("%v in total %v, want gross and gap_in_flows", e.Result, e.InTotal)
	}
	// Departures alone say nothing about who stayed.
	dep := entry(extractors.KindFlow, extractors.FlowDepartures, extractors.Emigration, "2023-12-31", "2022-01-01", "Border Police")
	if est := Estimates([]extractors.Observation{statementObs("md", "MD", extractors.Emigration, "2022-01-01", "2023-12-31", 5)},
		Options{Statements: map[string]*extractors.StatementEntry{"md": dep}}); len(est) != 0 {
		t.Errorf("departures alone gave %v", est)
	}
}

func TestInTotalIsPreferred(t *testing.T) {
	// Kazakhstan: permits issued in the first quarter of 2022 (a flow from
	// W, in the total) and a consulate's later stock without a baseline.
	// The row is the one that measures a change since W; the stock widens
	// the range.
	statements := map[string]*extractors.StatementEntry{
		"kz-mia":       entry(extractors.KindFlow, extractors.FlowArrivals, extractors.PermitsFirst, "2022-03-31", "2022-01-01", "Ministry of Internal Affairs"),
		"kz-consulate": entry(extractors.KindStock, "", extractors.ResidentStock, "2023-12-31", "", "Consulate General of Russia"),
	}
	e := only(t, []extractors.Observation{
		statementObs("kz-mia", "KZ", extractors.PermitsFirst, "2022-01-01", "2022-03-31", 16800),
		statedStockObs("kz-consulate", "KZ", extractors.ResidentStock, "2023-12-31", 80000),
	}, Options{Statements: statements})
	if e.SourceID != "kz-mia" || !e.InTotal {
		t.Fatalf("chosen %v, want the flow in the total", e.Result)
	}
	eq(t, "low", e.Low, 16800)
	eq(t, "high", e.High, 80000)
}

func TestTotalsCountOnlyChanges(t *testing.T) {
	statements := map[string]*extractors.StatementEntry{
		"ae": entry(extractors.KindStock, "", extractors.ResidentStock, "2026-01-02", "", "Consulate General of Russia"),
	}
	obs := join(germany(), israel(), []extractors.Observation{statedStockObs("ae", "AE", extractors.ResidentStock, "2026-01-02", 150000)})
	est := Estimates(obs, Options{Statements: statements})
	tot := Totals(est)
	var sum, low float64
	for _, e := range est {
		if e.InTotal {
			sum += e.Net
			low += e.Low
		}
		if e.InTotal && e.HasFlag(FlagStockWithoutBaseline) {
			t.Errorf("%s in the total with stock_without_baseline", e.Destination)
		}
	}
	eq(t, "net = sum over in_total rows", tot.Net, sum)
	eq(t, "net", tot.Net, 34546+78616)
	eq(t, "low", tot.Low, low)
	eq(t, "high includes the stock", tot.High, 43631+78616+150000)
	eq(t, "not in total", tot.NotInTotal, 150000)
	eq(t, "gross", tot.Gross, 78616)
	if tot.Countries != 2 || tot.CountriesNotInTotal != 1 || tot.GrossCountries != 1 {
		t.Errorf("countries %d, not in total %d, gross %d; want 2, 1, 1", tot.Countries, tot.CountriesNotInTotal, tot.GrossCountries)
	}
	day0(t, "as_of of the rows in the total", tot.AsOf, "2024-01-01")
}

func TestSumOfComponents(t *testing.T) {
	// The United States' sum (docs/method.md): immigrant visas from two
	// files (the first to March 2024, the second from April 2024),
	// long-term nonimmigrant visas, and asylum applications (annual).
	// Hand-made monthly figures.
	comps := map[string]map[string]string{"US": {
		"us-iv": "immigrant visas", "us-iv-2024": "immigrant visas",
		"us-niv": "long-term nonimmigrant visas", "us-asylum": "asylum applications",
	}}
	var obs []extractors.Observation
	month := func(src string, m extractors.Metric, y int, mo time.Month, v float64) {
		start := date(y, mo, 1)
		obs = append(obs, flow(src, "US", m, start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly), v))
	}
	for m := date(2021, 12, 1); m.Before(date(2025, 6, 1)); m = m.AddDate(0, 1, 0) {
		src := "us-iv"
		if !m.Before(date(2024, 4, 1)) {
			src = "us-iv-2024"
		}
		month(src, extractors.PermitsFirst, m.Year(), m.Month(), 10)
		month("us-niv", extractors.PermitsFirst, m.Year(), m.Month(), 1)
	}
	obs = append(obs, annual("us-asylum", "US", extractors.AsylumApplications, 2021, 500, 1000)...)
	e := only(t, obs, Options{Components: comps})
	if e.Method != GrossFlows || !e.InTotal || !slices.Equal(e.Flags, []string{FlagGross}) {
		t.Fatalf("chosen %v in total %v, want a gross sum in the total", e.Result, e.InTotal)
	}
	months := 41.0 // January 2022 to May 2025
	eq(t, "net", e.Net, 10*months+months+1000)
	day0(t, "as_of", e.AsOf, "2025-05-31")
	if e.SourceID != "us-asylum,us-iv,us-iv-2024,us-niv" {
		t.Errorf("sources %q", e.SourceID)
	}
	if len(e.Alternatives) != 1 || e.Low != e.Net || e.High != e.Net {
		t.Errorf("alternatives %v low %v high %v: the parts are not methods", e.Alternatives, e.Low, e.High)
	}
	if len(e.Components) != 3 {
		t.Fatalf("components %+v, want 3", e.Components)
	}
	got := map[string]Component{}
	for _, c := range e.Components {
		got[c.Name] = c
	}
	iv := got["immigrant visas"]
	eq(t, "immigrant visas", iv.Value, 10*months)
	if !slices.Equal(iv.SourceIDs, []string{"us-iv", "us-iv-2024"}) || iv.Gap {
		t.Errorf("immigrant visas %+v, want both files, no gap", iv)
	}
	asylum := got["asylum applications"]
	eq(t, "asylum", asylum.Value, 1000)
	day0(t, "asylum ends with its year", asylum.PeriodEnd, "2022-12-31")

	// A component that starts after W leaves a gap: the sum is kept, out of
	// the total.
	var late []extractors.Observation
	for _, o := range obs {
		if o.SourceID != "us-iv" {
			late = append(late, o)
		}
	}
	e = only(t, late, Options{Components: comps})
	if e.InTotal || !e.HasFlag(FlagGapInFlows) {
		t.Errorf("%v in total %v, want gap_in_flows", e.Result, e.InTotal)
	}
}

func TestEstimateAtReferenceDates(t *testing.T) {
	// Georgia 2022-2024 (Geostat; 2024 as in the sample) and Germany with
	// the end-2024 valid permits: the estimate as of 31 December 2023 uses
	// 2022-2023 flows and the population of 1 January 2024.
	obs := join(
		annual(geostat, "GE", extractors.Immigration, 2022, 62304, 52627, 23574),
		annual(geostat, "GE", extractors.Emigration, 2022, 5935, 35344, 25612),
		germany(),
		[]extractors.Observation{stock(resvalid, "DE", extractors.PermitsValid, "2024-12-31", 225408)},
	)
	opt := Options{Priority: map[string]int{pop1ctz: 1, resvalid: 2}}
	series := Series(obs, opt)
	var dates []string
	for _, at := range series {
		dates = append(dates, at.RefDate.Format(time.DateOnly))
	}
	if !slices.Equal(dates, []string{"2022-12-31", "2023-12-31", "2024-12-31"}) {
		t.Fatalf("reference dates %v", dates)
	}
	at := func(ref, dest string) Estimate {
		for _, a := range series {
			if a.RefDate.Format(time.DateOnly) != ref {
				continue
			}
			for _, e := range a.Estimates {
				if e.Destination == dest {
					return e
				}
			}
		}
		t.Fatalf("no %s row at %s", dest, ref)
		return Estimate{}
	}
	ge := at("2023-12-31", "GE")
	eq(t, "Georgia at 2023-12-31", ge.Net, (62304+52627)-(5935+35344))
	day0(t, "Georgia as_of", ge.AsOf, "2023-12-31")
	de := at("2023-12-31", "DE")
	eq(t, "Germany at 2023-12-31", de.Net, 272362-237816)
	day0(t, "Germany as_of", de.AsOf, "2024-01-01")
	eq(t, "Germany's range leaves out end-2024 permits", de.Low, 31536)
	eq(t, "Germany at 2024-12-31, low", at("2024-12-31", "DE").Low, 10740)
	eq(t, "Georgia at 2022-12-31", at("2022-12-31", "GE").Net, 62304-5935)

	last := series[len(series)-1]
	whole := Totals(Estimates(obs, opt))
	if last.Total != whole {
		t.Errorf("the last reference date %+v differs from the estimate over everything %+v", last.Total, whole)
	}
	for _, a := range series {
		var sum float64
		for _, e := range a.Estimates {
			if e.InTotal {
				sum += e.Net
			}
		}
		eq(t, "total at "+a.RefDate.Format(time.DateOnly), a.Total.Net, sum)
	}
}

func TestRefDatesAndCutoff(t *testing.T) {
	got := RefDates(d("2022-01-01"), d("2026-01-02"))
	var s []string
	for _, r := range got {
		s = append(s, r.Format(time.DateOnly))
	}
	if want := []string{"2022-12-31", "2023-12-31", "2024-12-31", "2025-12-31", "2026-01-02"}; !slices.Equal(s, want) {
		t.Errorf("RefDates = %v, want %v", s, want)
	}
	if got := RefDates(d("2022-01-01"), d("2024-12-31")); len(got) != 3 || !got[2].Equal(d("2024-12-31")) {
		t.Errorf("RefDates ending on a year end = %v", got)
	}
	obs := []extractors.Observation{
		stock("x", "DE", extractors.ResidentStock, "2024-01-01", 1),
		stock("x", "DE", extractors.ResidentStock, "2024-01-02", 2),
		flow("x", "DE", extractors.Immigration, "2023-01-01", "2023-12-31", 3),
		flow("x", "DE", extractors.Immigration, "2024-01-01", "2024-01-01", 4),
		statementObs("y", "DE", extractors.ResidentStock, "2024-01-01", "2024-01-01", 5),
	}
	var kept []float64
	for _, o := range Upto(obs, d("2023-12-31")) {
		kept = append(kept, o.Value)
	}
	if !slices.Equal(kept, []float64{1, 3, 5}) {
		t.Errorf("Upto 2023-12-31 kept %v, want the stocks of 1 January and the 2023 flow", kept)
	}
}

func TestLowLeavesOutFiguresNotInTheTotal(t *testing.T) {
	// Georgia's net flows and the government's statement of 32,000 valid
	// residence permits in February 2026 (a stock without a baseline): the
	// stock is no change since W, so it may not lower the row's low.
	obs := append(georgia(), statedStockObs("ge-gov", "GE", extractors.PermitsValid, "2026-02-17", 32000))
	e := only(t, obs, Options{})
	if e.Method != NetFlows || !e.InTotal {
		t.Fatalf("chosen %v, want net_flows in the total", e.Result)
	}
	eq(t, "low", e.Low, 73652)
	eq(t, "high", e.High, 73652)
	if gov := alt(t, e, Statement, "ge-gov"); gov.InTotal || gov.Net != 32000 {
		t.Errorf("the statement %v, want kept as an alternative out of the total", gov)
	}
}

// TestAsylumStatementsMakeNoEstimate: asylum applications never make an
// estimate, as a dataset or as a statement (an application is not a stay).
func TestAsylumStatementsMakeNoEstimate(t *testing.T) {
	obs := []extractors.Observation{
		statementObs("kr-test-statement", "KR", extractors.AsylumApplications, "2022-01-01", "2022-12-31", 1038),
		statementObs("kr-test-statement", "KR", extractors.AsylumApplications, "2023-01-01", "2023-12-31", 5750),
	}
	if est := Estimates(obs, Options{Origin: "RU"}); len(est) != 0 {
		t.Errorf("asylum applications stated made an estimate: %+v", est[0].Result)
	}
}
