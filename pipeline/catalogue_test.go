package pipeline

import (
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
)

func TestSourceRow(t *testing.T) {
	s := &extractors.Source{ID: "ge-geostat-x", Destination: "GE", Publisher: "Geostat", Title: "T", Format: "pxweb",
		Map: extractors.Mapping{MetricDim: "flow", Metrics: map[string]extractors.Metric{
			"Immigrants": extractors.Immigration, "Emigrants": extractors.Emigration, "In": extractors.Immigration}}}
	for range 20 { // map order must not show: the label is the same every time
		if r := sourceRow(s); r.Metric != "emigration,immigration" || r.IsStatement {
			t.Fatalf("%+v", r)
		}
	}
	st := &extractors.Source{ID: "am-x", Destination: "AM", Statement: &extractors.StatementEntry{
		Measure: extractors.ResidentStock, Speaker: extractors.Speaker{Body: "Ministry", Person: "Minister"},
		RefDate: time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)}}
	if r := sourceRow(st); r.Metric != "statement" || !r.IsStatement || r.StatementMeasure != "resident_stock" || r.StatementSpeaker != "Minister, Ministry" {
		t.Errorf("%+v", r)
	}
}
