package extractors

import (
	"testing"
	"time"
)

// The key names a figure: its source, countries, metric, measure and
// period, in that order, as stored digests and revisions compare it.
func TestObservationKey(t *testing.T) {
	o := Observation{SourceID: "multi-eurostat-migr_pop1ctz", Destination: "AT", Citizenship: "RU", Metric: Statement,
		Measure: ResidentStock, PeriodStart: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)}
	want := "multi-eurostat-migr_pop1ctz|AT|RU|statement|resident_stock|2022-01-01|2022-12-31"
	if got := o.Key(); got != want {
		t.Errorf("Key() = %q, want %q", got, want)
	}
	o.Measure = ""
	if got := o.Key(); got != "multi-eurostat-migr_pop1ctz|AT|RU|statement||2022-01-01|2022-12-31" {
		t.Errorf("Key() without a measure = %q", got)
	}
}
