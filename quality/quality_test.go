package quality

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

const thisRun = "run-2"

func stockSource(id, dest string) *extractors.Source {
	return &extractors.Source{ID: id, Destination: dest, Format: "jsonstat", Cadence: extractors.Annual, LagMonths: 6,
		Map: extractors.Mapping{Time: "time", Citizenship: "citizen", Metric: extractors.ResidentStock, StockAt: "start"}}
}

func flowSource(id, dest string, metrics ...extractors.Metric) *extractors.Source {
	s := &extractors.Source{ID: id, Destination: dest, Format: "pxweb", Cadence: extractors.Annual, LagMonths: 6,
		Map: extractors.Mapping{Time: "Year", Citizenship: "Citizenship"}}
	if len(metrics) == 1 {
		s.Map.Metric = metrics[0]
		return s
	}
	s.Map.MetricDim = "Indicator"
	s.Map.Metrics = map[string]extractors.Metric{}
	for _, m := range metrics {
		s.Map.Metrics[string(m)] = m
	}
	return s
}

func ob(source, dest string, metric extractors.Metric, start, end string, value float64) extractors.Observation {
	return extractors.Observation{SourceID: source, Destination: dest, Citizenship: "RU", Metric: metric,
		PeriodStart: day(start), PeriodEnd: day(end), Value: value}
}

// yearly returns one flow observation per year from first, with values.
func yearly(source, dest string, metric extractors.Metric, first int, values ...float64) []extractors.Observation {
	var out []extractors.Observation
	for i, v := range values {
		y := first + i
		out = append(out, extractors.Observation{SourceID: source, Destination: dest, Citizenship: "RU", Metric: metric,
			PeriodStart: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), Value: v})
	}
	return out
}

// yearlyStock returns one stock on 1 January per year from first.
func yearlyStock(source, dest string, first int, values ...float64) []extractors.Observation {
	var out []extractors.Observation
	for i, v := range values {
		d := time.Date(first+i, 1, 1, 0, 0, 0, 0, time.UTC)
		out = append(out, extractors.Observation{SourceID: source, Destination: dest, Citizenship: "RU",
			Metric: extractors.ResidentStock, PeriodStart: d, PeriodEnd: d, Value: v})
	}
	return out
}

func points(run string, obs ...[]extractors.Observation) []Point {
	var out []Point
	for _, os := range obs {
		for _, o := range os {
			out = append(out, Point{Observation: o, RunID: run})
		}
	}
	return out
}

func input(sources ...*extractors.Source) Input {
	in := Input{RunID: thisRun, Origin: "RU", WindowStart: day("2022-01-01"), Now: day("2025-03-01"),
		Sources: sources, Parsed: map[string][]extractors.Observation{}, Runs: map[string]SourceRun{},
		UsualRows: map[string][]int{}}
	for _, s := range sources {
		in.Runs[s.ID] = SourceRun{Status: load.SourceOK, Rows: 1}
	}
	return in
}

// only returns the rows of check (and, when non-empty, of subject: a
// source id or a destination); it fails the test unless there is exactly
// one.
func only(t *testing.T, rows []load.QualityCheckRow, check, subject string) load.QualityCheckRow {
	t.Helper()
	var found []load.QualityCheckRow
	for _, r := range rows {
		if r.CheckName == check && (subject == "" || r.SourceID == subject || r.Destination == subject) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s row for %q, got %d: %+v", check, subject, len(found), found)
	}
	return found[0]
}

func wantOutcome(t *testing.T, r load.QualityCheckRow, want string, detailHas ...string) {
	t.Helper()
	if r.Outcome != want {
		t.Errorf("%s %s%s: outcome %s, want %s (observed %v, threshold %v)\n%s", r.CheckName, r.SourceID, r.Destination,
			r.Outcome, want, deref(r.Observed), deref(r.Threshold), r.Detail)
	}
	for _, s := range detailHas {
		if !strings.Contains(r.Detail, s) {
			t.Errorf("%s %s%s: detail lacks %q:\n%s", r.CheckName, r.SourceID, r.Destination, s, r.Detail)
		}
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func TestShape(t *testing.T) {
	geo := flowSource("ge-geo", "GE", extractors.Immigration, extractors.Emigration)
	imm := yearly("ge-geo", "GE", extractors.Immigration, 2022, 10, 20)
	emi := yearly("ge-geo", "GE", extractors.Emigration, 2022, 5, 6)

	in := input(geo)
	in.Parsed["ge-geo"] = append(imm, emi...)
	wantOutcome(t, only(t, Check(in, Config{}), CheckShape, "ge-geo"), OutcomePass, "2 of 2 expected series present")

	// The publisher renamed the "Emigrants" code: half the series vanish.
	in.Parsed["ge-geo"] = imm
	wantOutcome(t, only(t, Check(in, Config{}), CheckShape, "ge-geo"), OutcomeWarn,
		"1 of 2", "missing: GE RU emigration (declared by the catalogue)")

	// The citizenship code changed (RU became RUS upstream and maps to
	// nothing known): every declared and earlier series is gone.
	in.Parsed["ge-geo"] = []extractors.Observation{ob("ge-geo", "GE", extractors.Immigration, "2022-01-01", "2022-12-31", 10)}
	in.Parsed["ge-geo"][0].Citizenship = "XX"
	in.Current = points("run-1", yearly("ge-geo", "GE", extractors.Naturalisations, 2020, 1, 2))
	r := only(t, Check(in, Config{}), CheckShape, "ge-geo")
	wantOutcome(t, r, OutcomeFail, "0 of 3", "GE RU naturalisations (published before)")
	if *r.Observed != 1 {
		t.Errorf("observed %v, want every expected series missing (1)", *r.Observed)
	}

	// A reader that refused the answer (renamed dimension) fails shape with
	// the reader's words.
	in.Runs["ge-geo"] = SourceRun{Status: load.SourceFailed, Stage: load.StageParse,
		Error: `shape: dimension "Indicator" missing`}
	wantOutcome(t, only(t, Check(in, Config{}), CheckShape, "ge-geo"), OutcomeFail, `dimension "Indicator" missing`)
}

func TestCompleteness(t *testing.T) {
	de := stockSource("de-pop", "DE")
	cases := []struct {
		name  string
		run   SourceRun
		usual []int
		want  string
		has   string
	}{
		{"usual rows", SourceRun{Status: load.SourceOK, Rows: 27}, []int{27, 26, 27}, OutcomePass, "27 rows; usually 27"},
		{"a third missing", SourceRun{Status: load.SourceOK, Rows: 18}, []int{27, 27, 27}, OutcomeWarn, "18 rows"},
		{"zero rows from a source that usually has rows", SourceRun{Status: load.SourceUnchanged, Rows: 0}, []int{27, 27}, OutcomeFail, "0 rows"},
		{"first run", SourceRun{Status: load.SourceOK, Rows: 5}, nil, OutcomePass, "no earlier run"},
		{"failed", SourceRun{Status: load.SourceFailed, Stage: load.StageFetch, Error: "HTTP 404 Not Found"}, []int{27}, OutcomeFail, "HTTP 404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := input(de)
			in.Runs["de-pop"] = tc.run
			in.UsualRows["de-pop"] = tc.usual
			wantOutcome(t, only(t, Check(in, Config{}), CheckCompleteness, "de-pop"), tc.want, tc.has)
		})
	}
}

func TestCoverage(t *testing.T) {
	a, b := stockSource("de-a", "DE"), flowSource("de-b", "DE", extractors.Emigration)
	withData := points("run-1", yearlyStock("de-a", "DE", 2021, 10, 20))
	otherData := points("run-1", yearly("de-b", "DE", extractors.Emigration, 2021, 3))

	in := input(a, b)
	in.Current = append(withData, otherData...)
	wantOutcome(t, only(t, Check(in, Config{}), CheckCompleteness, "DE"), OutcomePass, "2 of 2 sources")

	in.Current = withData
	wantOutcome(t, only(t, Check(in, Config{}), CheckCompleteness, "DE"), OutcomeWarn, "no current figure: de-b")

	// Only missing cells and another citizenship: no figure at all.
	in.Current = points("run-1", yearlyStock("de-a", "DE", 2021, 10))
	in.Current[0].Missing = true
	in.Current = append(in.Current, Point{Observation: ob("de-b", "DE", extractors.Emigration, "2021-01-01", "2021-12-31", 3), RunID: "run-1"})
	in.Current[1].Citizenship = "UA"
	wantOutcome(t, only(t, Check(in, Config{}), CheckCompleteness, "DE"), OutcomeFail, "0 of 2")
}

func TestValidity(t *testing.T) {
	s := flowSource("fi-imm", "FI", extractors.Immigration)
	good := yearly("fi-imm", "FI", extractors.Immigration, 1925, make([]float64, 100)...)

	in := input(s)
	in.Parsed["fi-imm"] = good
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomePass, "0 of 100 rows invalid")

	// One unknown flag in a hundred rows: a warning.
	flagged := append([]extractors.Observation(nil), good...)
	flagged[3].Flags = "x"
	in.Parsed["fi-imm"] = flagged
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomeWarn, `unknown flag "x"`)
	// Eurostat's combined flags are known, one or several.
	flagged[3].Flags = "bep"
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomePass)
	flagged[3].Flags = "p b"
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomePass)
	// A publisher's mark for a missing figure (IRCC's "--" for 0 to 5) is
	// known on a missing figure, never on a number.
	flagged[3].Flags, flagged[3].Missing = "--", true
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomePass)
	flagged[3].Missing = false
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomeWarn, `unknown flag "--"`)
	// The tag the source's mapping puts on a figure standing in for
	// another (UNHCR's NR: new and repeat applications together) is known
	// for that source only.
	flagged[3].Flags = "NR"
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomeWarn, `unknown flag "NR"`)
	s.Map.Fallback = []map[string]string{{"application": "NR"}}
	wantOutcome(t, only(t, Check(in, Config{}), CheckValidity, "fi-imm"), OutcomePass)
	s.Map.Fallback = nil

	// Negative and fractional counts, a malformed period, a future period.
	bad := yearly("fi-imm", "FI", extractors.Immigration, 2010, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	bad[0].Value = -5
	bad[1].Value = 2.5
	bad[2].PeriodStart, bad[2].PeriodEnd = day("2012-01-15"), day("2012-02-14")
	bad[3].PeriodStart, bad[3].PeriodEnd = day("2030-01-01"), day("2030-12-31")
	in.Parsed["fi-imm"] = bad
	r := only(t, Check(in, Config{}), CheckValidity, "fi-imm")
	wantOutcome(t, r, OutcomeFail, "4 of 10 rows invalid", "value -5 is negative", "not a whole number",
		"not whole calendar months", "ends in the future")
	if *r.Observed != 0.4 {
		t.Errorf("observed %v, want 0.4", *r.Observed)
	}
}

func TestPartsTotal(t *testing.T) {
	s := flowSource("xx-q", "XX", extractors.Immigration)
	quarters := func(q1, q2, q3, q4 float64) []extractors.Observation {
		return []extractors.Observation{
			ob("xx-q", "XX", extractors.Immigration, "2022-01-01", "2022-03-31", q1),
			ob("xx-q", "XX", extractors.Immigration, "2022-04-01", "2022-06-30", q2),
			ob("xx-q", "XX", extractors.Immigration, "2022-07-01", "2022-09-30", q3),
			ob("xx-q", "XX", extractors.Immigration, "2022-10-01", "2022-12-31", q4),
		}
	}
	year := ob("xx-q", "XX", extractors.Immigration, "2022-01-01", "2022-12-31", 400)
	for _, tc := range []struct {
		name  string
		parts []extractors.Observation
		want  string
	}{
		{"parts add up", quarters(100, 100, 100, 100), OutcomePass},
		{"rounding apart", quarters(100, 100, 100, 97), OutcomePass},
		{"2.5% apart", quarters(100, 100, 100, 90), OutcomeWarn},
		{"a quarter lost", quarters(100, 100, 100, 0), OutcomeFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(s)
			in.Current = points(thisRun, tc.parts, []extractors.Observation{year})
			wantOutcome(t, only(t, Check(in, Config{}), CheckConsistency, "xx-q"), tc.want, "1 periods compared")
		})
	}
	// Three quarters do not tile the year: nothing to compare, no row.
	in := input(s)
	in.Current = points(thisRun, quarters(1, 1, 1, 1)[:3], []extractors.Observation{year})
	for _, r := range Check(in, Config{}) {
		if r.CheckName == CheckConsistency {
			t.Errorf("an incomplete set of parts was compared: %+v", r)
		}
	}
}

func TestStockFlows(t *testing.T) {
	stock, flows := stockSource("de-pop", "DE"), flowSource("de-mig", "DE", extractors.Immigration, extractors.Emigration)
	for _, tc := range []struct {
		name     string
		imm, emi float64
		want     string
	}{
		{"agree", 1500, 500, OutcomePass},
		{"30% apart", 1200, 500, OutcomeWarn},
		{"far apart", 700, 500, OutcomeFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(stock, flows)
			// 1 Jan 2022 -> 1 Jan 2023 is the year 2022 of the flows.
			in.Current = points("run-1", yearlyStock("de-pop", "DE", 2022, 10000, 11000),
				yearly("de-mig", "DE", extractors.Immigration, 2022, tc.imm),
				yearly("de-mig", "DE", extractors.Emigration, 2022, tc.emi))
			r := only(t, Check(in, Config{}), CheckConsistency, "DE")
			wantOutcome(t, r, tc.want, "1 spans compared")
			if tc.want != OutcomePass && !strings.Contains(r.Detail, "2021-12-31..2022-12-31: stock change +1,000") {
				t.Errorf("the offending span is not named:\n%s", r.Detail)
			}
		})
	}
}

func TestAnomaly(t *testing.T) {
	s := flowSource("fi-imm", "FI", extractors.Immigration)
	history := []float64{100, 104, 98, 101, 99, 103, 97, 102, 100, 101}
	for _, tc := range []struct {
		name   string
		newest float64
		want   string
	}{
		{"within history", 102, OutcomePass},
		{"unusual", 112, OutcomeWarn},
		{"far outside", 300, OutcomeFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(s)
			in.Current = points("run-1", yearly("fi-imm", "FI", extractors.Immigration, 2010, append(history, tc.newest)...))
			r := only(t, Check(in, Config{}), CheckAnomaly, "fi-imm")
			wantOutcome(t, r, tc.want, "1 series")
			// The z-score is the distance from the median in MADs.
			z := math.Abs(tc.newest-median(history)) / (madScale * mad(history))
			if math.Abs(*r.Observed-z) > 1e-9 {
				t.Errorf("observed %v, want robust z %v", *r.Observed, z)
			}
		})
	}
	// A stock is judged by its change: a steady climb is not an anomaly,
	// a jump in the climb is.
	st := stockSource("de-pop", "DE")
	in := input(st)
	in.Current = points("run-1", yearlyStock("de-pop", "DE", 2010, 1000, 1100, 1205, 1300, 1398, 1500, 1601, 1700))
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "de-pop"), OutcomePass)
	in.Current = points("run-1", yearlyStock("de-pop", "DE", 2010, 1000, 1100, 1205, 1300, 1398, 1500, 1601, 5000))
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "de-pop"), OutcomeFail, "change +3,399")

	// Too little history: a note, nothing measured.
	in.Current = points("run-1", yearlyStock("de-pop", "DE", 2020, 1, 2, 3))
	r := only(t, Check(in, Config{}), CheckAnomaly, "de-pop")
	wantOutcome(t, r, OutcomePass, "too little history")
	if r.Observed != nil {
		t.Errorf("observed %v with no history", *r.Observed)
	}
}

// A break in a series is expected, not an anomaly: the window start (the
// event the estimate measures begins there) and a break the publisher
// flags (b). The newest value is judged against the values since the
// latest break; each series not judged is named with its reason. The
// figures are made up.
func TestAnomalyAcrossBreaks(t *testing.T) {
	s := flowSource("xx-asy", "XX", extractors.AsylumApplications)
	in := input(s) // window start 2022-01-01
	// The first value after the window start jumps tenfold: the break.
	in.Current = points("run-1", yearly("xx-asy", "XX", extractors.AsylumApplications, 2012,
		10, 12, 9, 11, 10, 13, 8, 11, 10, 12, 140))
	r := only(t, Check(in, Config{}), CheckAnomaly, "xx-asy")
	wantOutcome(t, r, OutcomePass, "1 not judged",
		"XX RU asylum_applications 2022-01-01..2022-12-31: not judged: the first value since the window start 2022-01-01, an expected break")
	// The same jump before the window start is an anomaly.
	in.WindowStart = day("2023-01-01")
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-asy"), OutcomeFail, "value 140 vs median 11")
	in.WindowStart = day("2022-01-01")

	// Later values are judged against the values since the break once
	// there are enough of them, never against the years before it.
	in.Current = points("run-1", yearly("xx-asy", "XX", extractors.AsylumApplications, 2012,
		10, 12, 9, 11, 10, 13, 8, 11, 10, 12, 140, 150))
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-asy"), OutcomePass,
		"not judged: 1 earlier value since the window start 2022-01-01 (5 needed)")
	monthly := func(values ...float64) []extractors.Observation {
		var out []extractors.Observation
		for i, v := range values {
			start := time.Date(2021, time.Month(7+i), 1, 0, 0, 0, 0, time.UTC)
			out = append(out, extractors.Observation{SourceID: "xx-asy", Destination: "XX", Citizenship: "RU",
				Metric: extractors.AsylumApplications, PeriodStart: start, PeriodEnd: start.AddDate(0, 1, -1), Value: v})
		}
		return out
	}
	pre := []float64{10, 11, 9, 12, 10, 11}       // July to December 2021
	post := []float64{100, 104, 98, 101, 99, 103} // from January 2022
	in.Current = points("run-1", monthly(append(append(pre, post...), 102)...))
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-asy"), OutcomePass, "newest values of 1 series")
	in.Current = points("run-1", monthly(append(append(pre, post...), 400)...))
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-asy"), OutcomeFail,
		"value 400 vs median 101 (robust sd 3 over 6 earlier since the window start 2022-01-01)")

	// A stock's change across a break the publisher flags (b) is the break.
	st := stockSource("xx-pop", "XX")
	in = input(st)
	stocks := yearlyStock("xx-pop", "XX", 2010, 1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1100, 1110, 5000)
	stocks[len(stocks)-1].Flags = "b"
	in.WindowStart = time.Time{}
	in.Current = points("run-1", stocks)
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-pop"), OutcomePass,
		"XX RU resident_stock 2022-01-01: not judged: the first change since a break in series flagged b on 2022-01-01, an expected break")
	stocks[len(stocks)-1].Flags = ""
	in.Current = points("run-1", stocks)
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-pop"), OutcomeFail, "change +3,890")

	// A newest period published as missing holds no new figure.
	stocks[len(stocks)-1].Missing = true
	in.Current = points("run-1", stocks)
	wantOutcome(t, only(t, Check(in, Config{}), CheckAnomaly, "xx-pop"), OutcomePass,
		"XX RU resident_stock 2022-01-01: not judged: published as missing")
}

func TestRevision(t *testing.T) {
	s := stockSource("de-pop", "DE")
	old := ob("de-pop", "DE", extractors.ResidentStock, "2023-01-01", "2023-01-01", 1000)
	for _, tc := range []struct {
		name  string
		revs  []float64
		want  string
		has   string
		count int
	}{
		{"none", nil, OutcomePass, "no published number changed", 0},
		{"small", []float64{1030}, OutcomePass, "1,000 -> 1,030 (+3.0%)", 1},
		{"notable", []float64{1100}, OutcomeWarn, "1,000 -> 1,100 (+10.0%)", 1},
		{"doubled", []float64{2000, 1010}, OutcomeFail, "1,000 -> 2,000 (+100.0%)", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(s)
			for _, v := range tc.revs {
				n := old
				n.Value = v
				in.Revisions = append(in.Revisions, Revision{Old: old, New: n})
			}
			r := only(t, Check(in, Config{}), CheckRevision, "de-pop")
			wantOutcome(t, r, tc.want, tc.has)
		})
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("empty config: %v", err)
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Limits: map[string]Limits{"anomoly": {1, 2}}}, `unknown rule "anomoly"`},
		{Config{Limits: map[string]Limits{RuleAnomaly: {9, 2}}}, "warn 9 is above fail 2"},
		{Config{Sources: map[string]map[string]Limits{"de-x": {RuleShape: {-1, 2}}}}, "sources: de-x: shape"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want an error with %q", tc.cfg, err, tc.want)
		}
	}
}

func TestRobustZ(t *testing.T) {
	// One wild value in the history barely moves the median and the MAD.
	h := []float64{10, 11, 9, 10, 12, 8, 10, 1000}
	z, center, scale := robustZ(13, h, 0)
	if center != 10 || math.Abs(scale-madScale*1) > 1e-9 || math.Abs(z-3/madScale) > 1e-9 {
		t.Errorf("robustZ = %v, %v, %v; want z %v around 10 with scale %v", z, center, scale, 3/madScale, madScale)
	}
	// A flat history has MAD 0: the floor keeps z finite.
	z, _, _ = robustZ(12, []float64{10, 10, 10}, 1)
	if z != 2 {
		t.Errorf("flat history: z %v, want 2", z)
	}
}
