package transform

import (
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

func TestCanonicalize(t *testing.T) {
	base := extractors.Observation{SourceID: "eu-eurostat-migr_pop1ctz", Destination: "DE", Citizenship: "RU",
		Metric: extractors.ResidentStock, PeriodStart: d("2022-01-01"), PeriodEnd: d("2022-01-01"), Value: 237816}
	with := func(f func(*extractors.Observation)) extractors.Observation {
		o := base
		f(&o)
		return o
	}
	ok := []struct {
		name      string
		in        extractors.Observation
		dest, cit string
	}{
		{"canonical", base, "DE", "RU"},
		{"EL is Greece", with(func(o *extractors.Observation) { o.Destination = "EL" }), "GR", "RU"},
		{"UK is the United Kingdom", with(func(o *extractors.Observation) { o.Destination = "UK" }), "GB", "RU"},
		{"alpha-3 citizenship", with(func(o *extractors.Observation) { o.Citizenship = "RUS" }), "DE", "RU"},
		{"names", with(func(o *extractors.Observation) { o.Destination, o.Citizenship = "georgia", "Russian Federation" }), "GE", "RU"},
		{"Kosovo kept", with(func(o *extractors.Observation) { o.Destination = "XK" }), "XK", "RU"},
		{"missing value not checked", with(func(o *extractors.Observation) { o.Missing, o.Value = true, -1.5 }), "DE", "RU"},
		{"flow", with(func(o *extractors.Observation) {
			o.Metric, o.PeriodStart, o.PeriodEnd = extractors.Immigration, d("2022-01-01"), d("2022-12-31")
		}), "DE", "RU"},
		{"statement of a stock", with(func(o *extractors.Observation) {
			o.Metric, o.Measure = extractors.Statement, extractors.ResidentStock
		}), "DE", "RU"},
	}
	for _, tc := range ok {
		got, err := Canonicalize(tc.in)
		if err != nil {
			t.Errorf("%s: unexpected error %v", tc.name, err)
			continue
		}
		if got.Destination != tc.dest || got.Citizenship != tc.cit {
			t.Errorf("%s: got %s/%s, want %s/%s", tc.name, got.Destination, got.Citizenship, tc.dest, tc.cit)
		}
	}

	bad := []struct {
		name string
		in   extractors.Observation
		want string // part of the error
	}{
		{"negative", with(func(o *extractors.Observation) { o.Value = -3 }), "negative"},
		{"fractional", with(func(o *extractors.Observation) { o.Value = 45499.5 }), "whole"},
		{"unknown destination", with(func(o *extractors.Observation) { o.Destination = "ZZ" }), `destination: unknown country "ZZ"`},
		{"unknown citizenship", with(func(o *extractors.Observation) { o.Citizenship = "SU" }), "citizenship"},
		{"unknown metric", with(func(o *extractors.Observation) { o.Metric = "population" }), `unknown metric "population"`},
		{"stock over a period", with(func(o *extractors.Observation) { o.PeriodEnd = d("2022-12-31") }), "start and end"},
		{"flow ending before it starts", with(func(o *extractors.Observation) {
			o.Metric, o.PeriodStart, o.PeriodEnd = extractors.Emigration, d("2023-01-01"), d("2022-12-31")
		}), "after end"},
		{"no period", with(func(o *extractors.Observation) { o.PeriodStart, o.PeriodEnd = time.Time{}, time.Time{} }), "without a period"},
		{"statement without measure", with(func(o *extractors.Observation) { o.Metric = extractors.Statement }), "measure"},
		{"measure on a dataset metric", with(func(o *extractors.Observation) { o.Measure = extractors.Immigration }), "only statements"},
	}
	for _, tc := range bad {
		_, err := Canonicalize(tc.in)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.in.SourceID) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q should name the source and contain %q", tc.name, err, tc.want)
		}
	}
}
