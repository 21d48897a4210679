package transform

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

// --- builders ---

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func stock(src, dest string, m extractors.Metric, on string, v float64) extractors.Observation {
	return extractors.Observation{SourceID: src, Destination: dest, Citizenship: "RU", Metric: m,
		PeriodStart: d(on), PeriodEnd: d(on), Value: v}
}

func flow(src, dest string, m extractors.Metric, from, to string, v float64) extractors.Observation {
	return extractors.Observation{SourceID: src, Destination: dest, Citizenship: "RU", Metric: m,
		PeriodStart: d(from), PeriodEnd: d(to), Value: v}
}

// annual builds one calendar-year flow per value, from the first year on.
func annual(src, dest string, m extractors.Metric, first int, vals ...float64) []extractors.Observation {
	var out []extractors.Observation
	for i, v := range vals {
		y := first + i
		out = append(out, extractors.Observation{SourceID: src, Destination: dest, Citizenship: "RU",
			Metric: m, PeriodStart: date(y, 1, 1), PeriodEnd: date(y, 12, 31), Value: v})
	}
	return out
}

func statementObs(src, dest string, measure extractors.Metric, from, to string, v float64) extractors.Observation {
	o := flow(src, dest, extractors.Statement, from, to, v)
	o.Measure = measure
	return o
}

func citizens(cit string, obs ...extractors.Observation) []extractors.Observation {
	for i := range obs {
		obs[i].Citizenship = cit
	}
	return obs
}

func missing(o extractors.Observation) extractors.Observation {
	o.Missing = true
	return o
}

func join(sets ...[]extractors.Observation) []extractors.Observation { return slices.Concat(sets...) }

// --- the worked examples of docs/method.md ---

const (
	geostat  = "ge-geostat-migration"
	pop1ctz  = "eu-eurostat-migr_pop1ctz-de"
	resvalid = "eu-eurostat-migr_resvalid-de"
	resfirst = "eu-eurostat-migr_resfirst-de"
	esValid  = "eu-eurostat-migr_resvalid-es"
	esFirst  = "eu-eurostat-migr_resfirst-es"
	cbsAliya = "il-cbs-immigrants"
)

func georgia() []extractors.Observation {
	return join(
		annual(geostat, "GE", extractors.Immigration, 2022, 62304, 52627),
		annual(geostat, "GE", extractors.Emigration, 2022, 5935, 35344),
	)
}

func germany() []extractors.Observation {
	return join(
		[]extractors.Observation{
			stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 237816),
			stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 272362),
			stock(resvalid, "DE", extractors.PermitsValid, "2021-12-31", 214668),
			stock(resvalid, "DE", extractors.PermitsValid, "2023-12-31", 246204),
		},
		annual(resfirst, "DE", extractors.PermitsFirst, 2022, 19759, 23872),
	)
}

func spain() []extractors.Observation {
	return join(
		[]extractors.Observation{
			stock(esValid, "ES", extractors.PermitsValid, "2021-12-31", 72419),
			stock(esValid, "ES", extractors.PermitsValid, "2024-12-31", 107041),
		},
		annual(esFirst, "ES", extractors.PermitsFirst, 2022, 12494, 20412, 17111),
	)
}

func israel() []extractors.Observation {
	// 2022: about 45,500 of 74,714 olim were from Russia (60.9%).
	return annual(cbsAliya, "IL", extractors.Repatriation, 2022, 45500, 33116)
}

// only runs Estimates and returns the single destination's row.
func only(t *testing.T, obs []extractors.Observation, opt Options) Estimate {
	t.Helper()
	est := Estimates(obs, opt)
	if len(est) != 1 {
		t.Fatalf("got %d estimates, want 1: %+v", len(est), est)
	}
	return est[0]
}

func alt(t *testing.T, e Estimate, m Method, source string) Result {
	t.Helper()
	for _, r := range e.Alternatives {
		if r.Method == m && r.SourceID == source {
			return r
		}
	}
	t.Fatalf("%s: no %s result from %s in %v", e.Destination, m, source, e.Alternatives)
	return Result{}
}

func eq(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

func eqp(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.6f", what, want)
		return
	}
	eq(t, what, *got, want)
}

func isNil(t *testing.T, what string, got *float64) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want nil", what, *got)
	}
}

func day0(t *testing.T, what string, got time.Time, want string) {
	t.Helper()
	if !got.Equal(d(want)) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.DateOnly), want)
	}
}

func TestGeorgiaNetFlows(t *testing.T) {
	e := only(t, georgia(), Options{})
	if e.Destination != "GE" || e.Citizenship != "RU" || e.Method != NetFlows || e.SourceID != geostat {
		t.Fatalf("chosen %s %s for %s/%s, want net_flows from %s", e.Method, e.SourceID, e.Destination, e.Citizenship, geostat)
	}
	eqp(t, "arrivals", e.Arrivals, 114931)
	eqp(t, "returns", e.Returns, 41279)
	eq(t, "net", e.Net, 73652)
	day0(t, "as_of", e.AsOf, "2023-12-31")
	day0(t, "period start", e.PeriodStart, "2022-01-01")
	if len(e.Flags) != 0 {
		t.Errorf("flags %v, want none", e.Flags)
	}
	// Immigration that can be netted is not offered again as gross.
	if len(e.Alternatives) != 1 {
		t.Errorf("alternatives %v, want only net_flows", e.Alternatives)
	}
	eq(t, "low", e.Low, 73652)
	eq(t, "high", e.High, 73652)
	isNil(t, "trend without 2019-2021", e.Trend)
	isNil(t, "excess without 2019-2021", e.NetExcess)
}

func TestGermanyStockChange(t *testing.T) {
	e := only(t, germany(), Options{})
	if e.Method != StockChange || e.SourceID != pop1ctz || e.Metric != extractors.ResidentStock {
		t.Fatalf("chosen %v, want stock_change on %s", e.Result, pop1ctz)
	}
	eq(t, "net", e.Net, 34546)
	eqp(t, "baseline", e.Baseline, 237816)
	day0(t, "baseline date", e.BaselineDate, "2022-01-01")
	day0(t, "as_of", e.AsOf, "2024-01-01")
	isNil(t, "arrivals without flows", e.Arrivals)
	isNil(t, "returns without flows", e.Returns)

	permits := alt(t, e, StockChange, resvalid)
	eq(t, "valid permits net", permits.Net, 31536)
	day0(t, "valid permits as_of", permits.AsOf, "2023-12-31")
	day0(t, "valid permits baseline date", permits.BaselineDate, "2021-12-31")

	first := alt(t, e, GrossFlows, resfirst)
	eq(t, "first permits net", first.Net, 43631)
	eqp(t, "first permits arrivals", first.Arrivals, 43631)
	isNil(t, "first permits returns", first.Returns)
	if !first.HasFlag(FlagGross) {
		t.Errorf("first permits flags %v, want gross", first.Flags)
	}
	if len(e.Alternatives) != 3 || e.Alternatives[0].SourceID != pop1ctz {
		t.Errorf("alternatives %v, want 3 with the chosen first", e.Alternatives)
	}
	eq(t, "low", e.Low, 31536)
	eq(t, "high", e.High, 43631)
}

func TestGermanyEnd2024Permits(t *testing.T) {
	obs := append(germany(), stock(resvalid, "DE", extractors.PermitsValid, "2024-12-31", 225408))

	// Ranked by priority, the population register stays the chosen source.
	e := only(t, obs, Options{Priority: map[string]int{pop1ctz: 1, resvalid: 2}})
	eq(t, "chosen net", e.Net, 34546)
	permits := alt(t, e, StockChange, resvalid)
	eq(t, "valid permits net", permits.Net, 10740)
	day0(t, "valid permits as_of", permits.AsOf, "2024-12-31")
	eq(t, "low", e.Low, 10740)
	eq(t, "high", e.High, 43631)

	// At equal priority the later as_of wins.
	e = only(t, obs, Options{})
	if e.SourceID != resvalid {
		t.Errorf("chosen %v, want %s (later as_of)", e.Result, resvalid)
	}
	eq(t, "chosen net", e.Net, 10740)
}

func TestSpainPermits(t *testing.T) {
	e := only(t, spain(), Options{})
	if e.Method != StockChange || e.Metric != extractors.PermitsValid {
		t.Fatalf("chosen %v, want stock_change on valid permits", e.Result)
	}
	eq(t, "net", e.Net, 34622)
	day0(t, "as_of", e.AsOf, "2024-12-31")
	first := alt(t, e, GrossFlows, esFirst)
	eq(t, "first permits", first.Net, 50017)
	day0(t, "first permits as_of", first.AsOf, "2024-12-31")
	if !first.HasFlag(FlagGross) {
		t.Errorf("flags %v, want gross", first.Flags)
	}
	eq(t, "low", e.Low, 34622)
	eq(t, "high", e.High, 50017)
}

func TestIsraelRepatriation(t *testing.T) {
	e := only(t, israel(), Options{})
	if e.Method != GrossFlows || e.Metric != extractors.Repatriation {
		t.Fatalf("chosen %v, want gross_flows on repatriation", e.Result)
	}
	eqp(t, "arrivals", e.Arrivals, 78616)
	isNil(t, "returns", e.Returns)
	eq(t, "net", e.Net, 78616)
	day0(t, "as_of", e.AsOf, "2023-12-31")
	if !slices.Equal(e.Flags, []string{FlagGross}) {
		t.Errorf("flags %v, want [gross]", e.Flags)
	}
}

func TestTotals(t *testing.T) {
	est := Estimates(join(israel(), spain(), georgia(), germany()), Options{})
	var dests []string
	for _, e := range est {
		dests = append(dests, e.Destination)
	}
	if !slices.Equal(dests, []string{"DE", "ES", "GE", "IL"}) {
		t.Fatalf("destinations %v, want sorted DE ES GE IL", dests)
	}
	tot := Totals(est)
	eq(t, "net", tot.Net, 34546+34622+73652+78616)
	eq(t, "low", tot.Low, 31536+34622+73652+78616)
	eq(t, "high", tot.High, 43631+50017+73652+78616)
	if tot.Countries != 4 || tot.Citizenship != "RU" {
		t.Errorf("countries %d citizenship %q, want 4 RU", tot.Countries, tot.Citizenship)
	}
	day0(t, "as_of", tot.AsOf, "2024-12-31")
	if z := Totals(nil); z.Net != 0 || z.Countries != 0 {
		t.Errorf("Totals(nil) = %+v", z)
	}
}

// --- hand-made sets ---

func TestNegativeNet(t *testing.T) {
	obs := join(
		[]extractors.Observation{
			stock("lv-pmlp", "LV", extractors.PermitsValid, "2021-12-31", 1000),
			stock("lv-pmlp", "LV", extractors.PermitsValid, "2023-12-31", 900),
		},
		annual("lv-csp", "LV", extractors.Immigration, 2022, 50),
		annual("lv-csp", "LV", extractors.Emigration, 2022, 80),
	)
	e := only(t, obs, Options{})
	eq(t, "net", e.Net, -100)
	eq(t, "net flows", alt(t, e, NetFlows, "lv-csp").Net, -30)
	eq(t, "low", e.Low, -100)
	eq(t, "high", e.High, -30)
	tot := Totals([]Estimate{e, only(t, georgia(), Options{})})
	eq(t, "total net", tot.Net, 73652-100)
	eq(t, "total high", tot.High, 73652-30)
}

func TestBaselineRule(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stocks   map[string]float64
		want     float64 // net; NaN when there is no stock_change
		wantBase string
	}{
		{"at W", map[string]float64{"2022-01-01": 100, "2023-01-01": 150}, 50, "2022-01-01"},
		{"31 Dec is 1 Jan", map[string]float64{"2021-12-31": 100, "2023-12-31": 170}, 70, "2021-12-31"},
		{"latest before W", map[string]float64{"2021-06-30": 500, "2021-09-30": 600, "2023-12-31": 900}, 300, "2021-09-30"},
		{"W preferred over earlier", map[string]float64{"2021-06-30": 500, "2022-01-01": 700, "2023-12-31": 900}, 200, "2022-01-01"},
		{"12 months before W", map[string]float64{"2021-01-01": 80, "2023-12-31": 100}, 20, "2021-01-01"},
		{"31 Dec 12 months before", map[string]float64{"2020-12-31": 80, "2023-12-31": 100}, 20, "2020-12-31"},
		{"more than 12 months before", map[string]float64{"2020-12-30": 80, "2023-12-31": 100}, math.NaN(), ""},
		{"18 months before", map[string]float64{"2020-06-30": 80, "2023-12-31": 100}, math.NaN(), ""},
		{"no baseline at all", map[string]float64{"2022-06-30": 80, "2023-12-31": 100}, math.NaN(), ""},
		{"nothing after W", map[string]float64{"2021-06-30": 80, "2021-12-31": 100}, math.NaN(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var obs []extractors.Observation
			for on, v := range tc.stocks {
				obs = append(obs, stock("xx-stock", "AM", extractors.ResidentStock, on, v))
			}
			// First permits keep a row for the destination either way.
			obs = append(obs, annual("xx-first", "AM", extractors.PermitsFirst, 2022, 10)...)
			e := only(t, obs, Options{})
			if math.IsNaN(tc.want) {
				if e.Method != GrossFlows || len(e.Alternatives) != 1 {
					t.Errorf("got %v, want no stock_change", e.Alternatives)
				}
				return
			}
			if e.Method != StockChange {
				t.Fatalf("chosen %v, want stock_change", e.Result)
			}
			eq(t, "net", e.Net, tc.want)
			day0(t, "baseline date", e.BaselineDate, tc.wantBase)
		})
	}
	// A destination with no method at all has no row, not a zero.
	obs := []extractors.Observation{stock("xx-stock", "AM", extractors.ResidentStock, "2023-12-31", 100)}
	if est := Estimates(obs, Options{}); len(est) != 0 {
		t.Errorf("got %v, want no estimate", est)
	}
}

func TestStraddlingPeriod(t *testing.T) {
	const src = "au-fiscal"
	fy := func(from, to string, v float64) []extractors.Observation {
		return []extractors.Observation{flow(src, "AU", extractors.Immigration, from, to, v)}
	}
	straddle := join(fy("2021-07-01", "2022-06-30", 3650), fy("2022-07-01", "2023-06-30", 1000))

	e := only(t, straddle, Options{})
	eq(t, "left out", e.Net, 1000)
	day0(t, "period start", e.PeriodStart, "2022-07-01")
	day0(t, "as_of", e.AsOf, "2023-06-30")
	if e.HasFlag(FlagProrated) {
		t.Errorf("flags %v, want no prorated", e.Flags)
	}

	// Opted in: 181 of the period's 365 days fall on or after W.
	e = only(t, straddle, Options{ProRate: map[string]bool{src: true}})
	eq(t, "pro-rated", e.Net, 3650*181.0/365+1000)
	day0(t, "period start", e.PeriodStart, "2022-01-01")
	if !slices.Equal(e.Flags, []string{FlagGross, FlagProrated}) {
		t.Errorf("flags %v, want gross and prorated", e.Flags)
	}

	// Sub-periods that cover the part after W replace the straddling one.
	withSub := join(straddle, fy("2022-01-01", "2022-06-30", 1700))
	for _, opt := range []Options{{}, {ProRate: map[string]bool{src: true}}} {
		e = only(t, withSub, opt)
		eq(t, "with sub-period", e.Net, 2700)
		if e.HasFlag(FlagProrated) {
			t.Errorf("flags %v, want no prorated", e.Flags)
		}
	}

	// Net flows pro-rate both sides alike.
	nf := join(straddle,
		[]extractors.Observation{
			flow(src, "AU", extractors.Emigration, "2021-07-01", "2022-06-30", 730),
			flow(src, "AU", extractors.Emigration, "2022-07-01", "2023-06-30", 400),
		})
	e = only(t, nf, Options{ProRate: map[string]bool{src: true}})
	eqp(t, "arrivals", e.Arrivals, 1810+1000)
	eqp(t, "returns", e.Returns, 362+400)
	eq(t, "net", e.Net, 1810+1000-362-400)
	e = only(t, nf, Options{})
	eq(t, "net left out", e.Net, 600)
}

func TestOverlappingPeriods(t *testing.T) {
	const src = "kz-stat"
	obs := annual(src, "KZ", extractors.Immigration, 2022, 1200)
	for m := 1; m <= 12; m++ { // months of 2022 that disagree with the year
		obs = append(obs, extractors.Observation{SourceID: src, Destination: "KZ", Citizenship: "RU",
			Metric: extractors.Immigration, PeriodStart: date(2022, time.Month(m), 1),
			PeriodEnd: date(2022, time.Month(m)+1, 0), Value: 101})
	}
	for m := 1; m <= 3; m++ {
		obs = append(obs, extractors.Observation{SourceID: src, Destination: "KZ", Citizenship: "RU",
			Metric: extractors.Immigration, PeriodStart: date(2023, time.Month(m), 1),
			PeriodEnd: date(2023, time.Month(m)+1, 0), Value: 50})
	}
	e := only(t, obs, Options{})
	eq(t, "net: the year 2022 and three months of 2023", e.Net, 1350)
	day0(t, "as_of", e.AsOf, "2023-03-31")
}

func TestRevisionSupersedes(t *testing.T) {
	obs := append(israel(), annual(cbsAliya, "IL", extractors.Repatriation, 2023, 34000)...)
	eq(t, "net with revised 2023", only(t, obs, Options{}).Net, 45500+34000)
}

func TestMissingIgnored(t *testing.T) {
	obs := join(georgia(),
		[]extractors.Observation{
			// Both sides of 2024 missing, and a zero that is really ":".
			missing(flow(geostat, "GE", extractors.Immigration, "2024-01-01", "2024-12-31", 999)),
			missing(flow(geostat, "GE", extractors.Emigration, "2024-01-01", "2024-12-31", 0)),
			// 2025: only immigration published, so left out of both sides.
			flow(geostat, "GE", extractors.Immigration, "2025-01-01", "2025-12-31", 5000),
			missing(flow(geostat, "GE", extractors.Emigration, "2025-01-01", "2025-12-31", 0)),
		})
	e := only(t, obs, Options{})
	eq(t, "net", e.Net, 73652)
	day0(t, "as_of", e.AsOf, "2023-12-31")

	st := []extractors.Observation{
		stock("xx", "FI", extractors.ResidentStock, "2021-06-30", 400),
		missing(stock("xx", "FI", extractors.ResidentStock, "2022-01-01", 0)),
		stock("xx", "FI", extractors.ResidentStock, "2023-12-31", 1000),
		missing(stock("xx", "FI", extractors.ResidentStock, "2024-12-31", 0)),
	}
	e = only(t, st, Options{})
	eq(t, "net over the earlier baseline", e.Net, 600)
	day0(t, "baseline date", e.BaselineDate, "2021-06-30")
	day0(t, "as_of", e.AsOf, "2023-12-31")
}

func TestExcessOverTrend(t *testing.T) {
	trendYears := 1096 / 365.25 // 2019-01-01 .. 2022-01-01
	windowYears := 730 / 365.25 // 2022-01-01 .. 2024-01-01

	t.Run("net_flows", func(t *testing.T) {
		obs := join(georgia(),
			annual(geostat, "GE", extractors.Immigration, 2019, 10000, 10000, 10000),
			annual(geostat, "GE", extractors.Emigration, 2019, 4000, 4000, 4000))
		e := only(t, obs, Options{})
		eq(t, "net unchanged", e.Net, 73652)
		eqp(t, "trend", e.Trend, 18000/trendYears)
		eqp(t, "excess", e.NetExcess, 73652-18000*730.0/1096) // 61,662.95
		eqp(t, "excess by hand", e.NetExcess, 61662.948905)
	})
	t.Run("net_flows without 2019", func(t *testing.T) {
		obs := join(georgia(),
			annual(geostat, "GE", extractors.Immigration, 2020, 10000, 10000),
			annual(geostat, "GE", extractors.Emigration, 2020, 4000, 4000))
		e := only(t, obs, Options{})
		isNil(t, "trend", e.Trend)
		isNil(t, "excess", e.NetExcess)
	})
	t.Run("net_flows with a gap", func(t *testing.T) {
		obs := join(georgia(),
			annual(geostat, "GE", extractors.Immigration, 2019, 10000, 10000, 10000),
			annual(geostat, "GE", extractors.Emigration, 2019, 4000),
			annual(geostat, "GE", extractors.Emigration, 2021, 4000))
		isNil(t, "trend", only(t, obs, Options{}).Trend)
	})
	t.Run("stock_change", func(t *testing.T) {
		obs := append(germany(), stock(pop1ctz, "DE", extractors.ResidentStock, "2019-01-01", 230000))
		e := only(t, obs, Options{})
		eq(t, "net unchanged", e.Net, 34546)
		eqp(t, "trend", e.Trend, 7816/trendYears)
		eqp(t, "excess", e.NetExcess, 34546-7816/trendYears*windowYears) // 29,340.09
		eqp(t, "excess by hand", e.NetExcess, 29340.087591)
		isNil(t, "valid permits trend", alt(t, e, StockChange, resvalid).Trend)
		isNil(t, "first permits trend", alt(t, e, GrossFlows, resfirst).NetExcess)
	})
	t.Run("stock_change without the end of 2021", func(t *testing.T) {
		obs := []extractors.Observation{
			stock("xx", "FI", extractors.ResidentStock, "2019-01-01", 100),
			stock("xx", "FI", extractors.ResidentStock, "2021-06-30", 150),
			stock("xx", "FI", extractors.ResidentStock, "2023-12-31", 400),
		}
		e := only(t, obs, Options{})
		eq(t, "net over the mid-2021 baseline", e.Net, 250)
		isNil(t, "trend", e.Trend)
	})
	t.Run("gross_flows", func(t *testing.T) {
		obs := append(israel(), annual(cbsAliya, "IL", extractors.Repatriation, 2019, 3000, 3000, 3000)...)
		e := only(t, obs, Options{})
		eq(t, "net unchanged", e.Net, 78616)
		eqp(t, "trend", e.Trend, 9000/trendYears)
		eqp(t, "excess", e.NetExcess, 72621.474453)
	})
}

func TestOtherOrigin(t *testing.T) {
	by := citizens("BY",
		flow(geostat, "GE", extractors.Immigration, "2022-01-01", "2022-12-31", 1000),
		flow(geostat, "GE", extractors.Emigration, "2022-01-01", "2022-12-31", 100),
		stock("pl-udsc", "PL", extractors.PermitsValid, "2021-12-31", 20000),
		stock("pl-udsc", "PL", extractors.PermitsValid, "2023-12-31", 50000),
	)
	obs := join(georgia(), by)

	ru := Estimates(obs, Options{})
	if len(ru) != 1 || ru[0].Destination != "GE" || ru[0].Citizenship != "RU" {
		t.Fatalf("RU estimates %+v, want Georgia only", ru)
	}
	eq(t, "RU net", ru[0].Net, 73652)

	for _, origin := range []string{"BY", "BLR", "Belarus"} {
		est := Estimates(obs, Options{Origin: origin})
		if len(est) != 2 || est[0].Destination != "GE" || est[1].Destination != "PL" {
			t.Fatalf("%s estimates %+v, want GE and PL", origin, est)
		}
		if est[0].Citizenship != "BY" {
			t.Errorf("citizenship %q, want BY", est[0].Citizenship)
		}
		eq(t, "BY net in GE", est[0].Net, 900)
		eq(t, "BY net in PL", est[1].Net, 30000)
		if tot := Totals(est); tot.Citizenship != "BY" || tot.Net != 30900 {
			t.Errorf("BY total %+v, want 30,900", tot)
		}
	}
}

func TestMethodOrder(t *testing.T) {
	obs := join(germany(), israel())
	opt := Options{MethodOrder: map[string][]Method{"DE": {GrossFlows}, "IL": {Statement}}}
	est := Estimates(obs, opt)
	de, il := est[0], est[1]
	if de.Method != GrossFlows || de.Net != 43631 {
		t.Errorf("DE chosen %v, want gross_flows 43,631", de.Result)
	}
	var got []Method
	for _, r := range de.Alternatives {
		got = append(got, r.Method)
	}
	if !slices.Equal(got, []Method{GrossFlows, StockChange, StockChange}) {
		t.Errorf("DE alternatives %v, want the override first", got)
	}
	eq(t, "DE low", de.Low, 31536)
	eq(t, "DE high", de.High, 43631)
	// IL has no statement: the default order fills in.
	if il.Method != GrossFlows || il.Net != 78616 {
		t.Errorf("IL chosen %v, want gross_flows 78,616", il.Result)
	}
	// The default is untouched for other destinations.
	if e := only(t, germany(), Options{MethodOrder: opt.MethodOrder}); e.Method != GrossFlows {
		t.Errorf("chosen %v", e.Result)
	}
	if e := only(t, spain(), Options{MethodOrder: opt.MethodOrder}); e.Method != StockChange {
		t.Errorf("ES chosen %v, want the default stock_change", e.Result)
	}
}

func TestPriorityTieBreak(t *testing.T) {
	pair := func(src string, end string, last float64) []extractors.Observation {
		return []extractors.Observation{
			stock(src, "TR", extractors.ResidentStock, "2021-12-31", 100),
			stock(src, "TR", extractors.ResidentStock, end, last),
		}
	}
	ab := join(pair("tr-b", "2023-12-31", 300), pair("tr-a", "2023-12-31", 200))
	abc := join(ab, pair("tr-c", "2024-06-30", 400))
	for _, tc := range []struct {
		name string
		obs  []extractors.Observation
		prio map[string]int
		want string
	}{
		{"same priority and as_of: source id", ab, nil, "tr-a"},
		{"same priority: latest as_of", abc, nil, "tr-c"},
		{"priority before as_of", abc, map[string]int{"tr-b": 1}, "tr-b"},
		{"lower number preferred", abc, map[string]int{"tr-a": 5, "tr-b": 6, "tr-c": 7}, "tr-a"},
		{"missing priority is 100", abc, map[string]int{"tr-b": 101, "tr-c": 101}, "tr-a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := only(t, tc.obs, Options{Priority: tc.prio})
			if e.SourceID != tc.want {
				t.Errorf("chosen %s, want %s", e.SourceID, tc.want)
			}
			eq(t, "low", e.Low, 100)
		})
	}
}

func TestStatements(t *testing.T) {
	const src = "rs-mup"
	t.Run("stock without baseline", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs(src, "RS", extractors.PermitsValid, "2023-02-28", "2023-02-28", 23804),
		}, Options{})
		if e.Method != Statement || e.Measure != extractors.PermitsValid || e.Metric != extractors.Statement {
			t.Fatalf("chosen %+v, want statement of permits_valid", e.Result)
		}
		eq(t, "net", e.Net, 23804)
		isNil(t, "baseline", e.Baseline)
		if !slices.Equal(e.Flags, []string{FlagStockWithoutBaseline}) {
			t.Errorf("flags %v, want stock_without_baseline", e.Flags)
		}
	})
	t.Run("latest statement", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs(src, "RS", extractors.PermitsValid, "2024-06-30", "2024-06-30", 30000),
			statementObs(src, "RS", extractors.PermitsValid, "2023-02-28", "2023-02-28", 23804),
		}, Options{})
		eq(t, "net", e.Net, 30000)
		day0(t, "as_of", e.AsOf, "2024-06-30")
	})
	t.Run("stock with a baseline", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs("ee-ppa", "EE", extractors.PermitsValid, "2021-12-31", "2021-12-31", 87368),
			statementObs("ee-ppa", "EE", extractors.PermitsValid, "2024-02-15", "2024-02-15", 83507),
		}, Options{})
		eq(t, "net", e.Net, -3861)
		eqp(t, "baseline", e.Baseline, 87368)
		if len(e.Flags) != 0 {
			t.Errorf("flags %v, want none", e.Flags)
		}
	})
	t.Run("gross flow", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs("ae-ica", "AE", extractors.PermitsFirst, "2022-01-01", "2023-12-31", 60000),
		}, Options{})
		eqp(t, "arrivals", e.Arrivals, 60000)
		if !slices.Equal(e.Flags, []string{FlagGross}) || !e.InTotal {
			t.Errorf("flags %v, in total %v: want gross, in the total", e.Flags, e.InTotal)
		}
	})
	t.Run("a flow since a date after W leaves a gap", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs("ae-ica", "AE", extractors.PermitsFirst, "2022-02-24", "2023-12-31", 60000),
		}, Options{})
		eq(t, "net", e.Net, 60000)
		if !slices.Equal(e.Flags, []string{FlagGross, FlagGapInFlows}) || e.InTotal {
			t.Errorf("flags %v, in total %v: want gross and gap_in_flows, not in the total", e.Flags, e.InTotal)
		}
	})
	t.Run("flows stated period by period are summed", func(t *testing.T) {
		const cbs, ministry = "il-cbs", "il-ministry"
		y2022, y2023, ytd2022, otherSource := 45500.0, 33116.0, 19200.0, 19000.0
		e := only(t, []extractors.Observation{
			statementObs(cbs, "IL", extractors.Repatriation, "2023-01-01", "2023-12-31", y2023),
			statementObs(cbs, "IL", extractors.Repatriation, "2022-01-01", "2022-12-31", y2022),
			// Overlaps 2022: the full year covers more days and is kept.
			statementObs(cbs, "IL", extractors.Repatriation, "2022-01-01", "2022-07-26", ytd2022),
			// Another measure of the same source is another series.
			statementObs(cbs, "IL", extractors.Immigration, "2021-01-01", "2021-12-31", 1),
			// Another source is never added to this one.
			statementObs(ministry, "IL", extractors.Repatriation, "2022-01-01", "2022-07-26", otherSource),
		}, Options{Priority: map[string]int{cbs: 10, ministry: 10}})
		if e.Method != Statement || e.SourceID != cbs || e.Measure != extractors.Repatriation {
			t.Fatalf("chosen %v, want the CBS statements of repatriation", e.Result)
		}
		eq(t, "net", e.Net, y2022+y2023)
		eqp(t, "arrivals", e.Arrivals, y2022+y2023)
		isNil(t, "returns", e.Returns)
		day0(t, "period start", e.PeriodStart, "2022-01-01")
		day0(t, "as_of", e.AsOf, "2023-12-31")
		if !slices.Equal(e.Flags, []string{FlagGross}) {
			t.Errorf("flags %v, want gross", e.Flags)
		}
		eq(t, "low", e.Low, otherSource)
		eqp(t, "ministry alone", alt(t, e, Statement, ministry).Arrivals, otherSource)
	})
	t.Run("a flow statement straddling W is left out of the sum", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs(src, "RS", extractors.Immigration, "2021-07-01", "2022-06-30", 100),
			statementObs(src, "RS", extractors.Immigration, "2022-07-01", "2022-12-31", 50),
		}, Options{})
		eq(t, "net", e.Net, 50)
		day0(t, "period start", e.PeriodStart, "2022-07-01")
	})
	t.Run("the latest flow statement stands alone when an older one covers more", func(t *testing.T) {
		e := only(t, []extractors.Observation{
			statementObs(src, "RS", extractors.BorderNet, "2022-01-01", "2024-06-30", 900),
			statementObs(src, "RS", extractors.BorderNet, "2024-03-01", "2024-12-31", 300),
		}, Options{})
		// The older balance covers the window from W: it is chosen, in
		// the total. The latest alone starts after W: a gap.
		eq(t, "net", e.Net, 900)
		day0(t, "as_of", e.AsOf, "2024-06-30")
		if !e.InTotal || len(e.Flags) != 0 {
			t.Errorf("chosen %v in total %v, want the balance from W in the total", e.Result, e.InTotal)
		}
		if len(e.Alternatives) != 2 {
			t.Fatalf("alternatives %v, want the balance from W and the latest alone", e.Alternatives)
		}
		latest := e.Alternatives[1]
		eq(t, "latest alone", latest.Net, 300)
		day0(t, "latest as_of", latest.AsOf, "2024-12-31")
		if latest.InTotal || !latest.HasFlag(FlagGapInFlows) {
			t.Errorf("latest alone %v in total %v, want gap_in_flows", latest, latest.InTotal)
		}
	})
	t.Run("before W", func(t *testing.T) {
		obs := append(israel(), statementObs("il-x", "IL", extractors.ResidentStock, "2021-06-30", "2021-06-30", 1))
		if e := only(t, obs, Options{}); len(e.Alternatives) != 1 {
			t.Errorf("alternatives %v, want no statement", e.Alternatives)
		}
	})
	t.Run("last in order, in the range", func(t *testing.T) {
		obs := append(israel(), statementObs("il-x", "IL", extractors.ResidentStock, "2024-01-01", "2024-01-01", 100000))
		e := only(t, obs, Options{})
		if e.Method != GrossFlows {
			t.Errorf("chosen %v, want gross_flows before statement", e.Result)
		}
		eq(t, "high", e.High, 100000)
	})
}

func TestStockChangeArrivalsFromFlows(t *testing.T) {
	stocks := []extractors.Observation{
		stock("de-pop", "DE", extractors.ResidentStock, "2022-01-01", 1000),
		stock("de-pop", "DE", extractors.ResidentStock, "2023-01-01", 1100),
		stock("de-pop", "DE", extractors.ResidentStock, "2024-01-01", 1200),
	}
	obs := join(stocks,
		annual("de-flows", "DE", extractors.Immigration, 2022, 300, 250),
		annual("de-flows", "DE", extractors.Emigration, 2022, 90, 70))
	e := only(t, obs, Options{})
	if e.Method != StockChange || e.FlowSource != "de-flows" {
		t.Fatalf("chosen %+v, want stock_change with flows from de-flows", e.Result)
	}
	eq(t, "net", e.Net, 200)
	eqp(t, "arrivals", e.Arrivals, 550)
	eqp(t, "returns", e.Returns, 160)
	eq(t, "net flows", alt(t, e, NetFlows, "de-flows").Net, 390)

	// Flows that stop a year short do not cover the span.
	obs = join(stocks,
		annual("de-flows", "DE", extractors.Immigration, 2022, 300),
		annual("de-flows", "DE", extractors.Emigration, 2022, 90))
	e = only(t, obs, Options{})
	isNil(t, "arrivals", e.Arrivals)
	isNil(t, "returns", e.Returns)
}

func TestOptionsDefaults(t *testing.T) {
	// Another window start: the baseline moves with it.
	obs := []extractors.Observation{
		stock("xx", "FI", extractors.ResidentStock, "2021-12-31", 100),
		stock("xx", "FI", extractors.ResidentStock, "2022-12-31", 160),
		stock("xx", "FI", extractors.ResidentStock, "2023-12-31", 200),
	}
	e := only(t, obs, Options{WindowStart: d("2023-01-01")})
	eq(t, "net since 2023", e.Net, 40)
	// Codes are canonicalised before grouping: EL and GR are one country.
	obs = []extractors.Observation{
		stock("eu-x", "EL", extractors.ResidentStock, "2022-01-01", 10),
		stock("eu-x", "GR", extractors.ResidentStock, "2023-01-01", 25),
	}
	e = only(t, obs, Options{})
	if e.Destination != "GR" || e.Net != 15 {
		t.Errorf("got %s %v, want GR 15", e.Destination, e.Result)
	}
	// An observation that fails the contract is left out.
	bad := stock("eu-x", "GR", extractors.ResidentStock, "2024-01-01", -5)
	eq(t, "net without the invalid row", only(t, append(obs, bad), Options{}).Net, 15)
}

func TestDestinationPriority(t *testing.T) {
	// One multi-country source of first permits, preferred everywhere
	// (priority 10) but in Finland, where a national series is (priority
	// 10 against the source's 20 there).
	obs := join(
		annual("eurostat-migr_resfirst", "FI", extractors.PermitsFirst, 2022, 8183),
		annual("fi-statfin-muutl", "FI", extractors.Immigration, 2022, 6003),
		annual("eurostat-migr_resfirst", "EE", extractors.PermitsFirst, 2022, 633),
		annual("ee-other", "EE", extractors.Immigration, 2022, 500),
	)
	opt := Options{
		Priority:            map[string]int{"eurostat-migr_resfirst": 10, "fi-statfin-muutl": 10, "ee-other": 15},
		DestinationPriority: map[string]map[string]int{"eurostat-migr_resfirst": {"FI": 20}},
	}
	chosen := map[string]string{}
	for _, e := range Estimates(obs, opt) {
		chosen[e.Destination] = e.SourceID
	}
	if chosen["FI"] != "fi-statfin-muutl" || chosen["EE"] != "eurostat-migr_resfirst" {
		t.Errorf("chosen %v: want Statistics Finland in FI, Eurostat in EE", chosen)
	}
}

func TestSeriesBreakFlag(t *testing.T) {
	// Germany's population of Russian citizens as Eurostat published it
	// (migr_pop1ctz, realdata JSON-stat, updated 2025-12-04):
	// 1 January 2023 carries b (a break in series), between the baseline
	// (1 January 2022) and as_of (1 January 2024).
	withFlag := func(o extractors.Observation, f string) extractors.Observation { o.Flags = f; return o }
	de := []extractors.Observation{
		stock(pop1ctz, "DE", extractors.ResidentStock, "2021-01-01", 235469),
		stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 237816),
		withFlag(stock(pop1ctz, "DE", extractors.ResidentStock, "2023-01-01", 257565), "b"),
		stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 272362),
	}
	e := only(t, de, Options{})
	eq(t, "net", e.Net, 34546)
	if !e.HasFlag(FlagSeriesBreak) {
		t.Errorf("flags %v, want series_break", e.Flags)
	}
	// A break at the baseline itself is before the span: no flag. Nor is
	// a flag that is not a break (p provisional, e estimated). Made-up
	// figures: only the flags matter here.
	for name, obs := range map[string][]extractors.Observation{
		"at baseline":   {stock(pop1ctz, "DE", extractors.ResidentStock, "2021-01-01", 1), withFlag(stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 2), "b"), stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 5)},
		"not a break":   {stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 2), withFlag(stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 5), "ep")},
		"after as_of":   {stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 2), stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 5)},
		"combined flag": {stock(pop1ctz, "DE", extractors.ResidentStock, "2022-01-01", 2), withFlag(stock(pop1ctz, "DE", extractors.ResidentStock, "2024-01-01", 5), "bep")},
	} {
		got := only(t, obs, Options{}).HasFlag(FlagSeriesBreak)
		if want := name == "combined flag"; got != want {
			t.Errorf("%s: series_break %v, want %v", name, got, want)
		}
	}
}
