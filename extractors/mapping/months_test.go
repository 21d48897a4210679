package mapping_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	_ "github.com/emigre/emigre/extractors/formats" // the json-records reader
	"github.com/emigre/emigre/extractors/mapping"
)

// records is a JSON answer in the shape of UNHCR's API: two rows per year
// that differ only by a dimension the source does not keep.
const records = `{"page":1,"maxPages":1,"items":[
{"year":2022,"month":"OCT","coa_iso":"DEU","procedure_type":"G","applied":2851},
{"year":2022,"month":"OCT","coa_iso":"DEU","procedure_type":"U","applied":"10"},
{"year":2022,"month":"OCT","coa_iso":"USA","procedure_type":"G","applied":10105},
{"year":2022,"month":"OCT","coa_iso":"USA","procedure_type":"G","applied":8092},
{"year":2022,"month":"NOV","coa_iso":"FRA","procedure_type":"G","applied":null},
{"year":2022,"month":"NOV","coa_iso":"FRA","procedure_type":"U","applied":7}]}`

func recordsSource(sum bool) *extractors.Source {
	return &extractors.Source{
		ID: "test-records", Format: "json-records",
		Params: map[string]string{"records": "items", "page": "page", "page_count": "maxPages",
			"dim.fy": "year", "dim.month": "month", "dim.asylum": "coa_iso", "dim.procedure": "procedure_type", "value": "applied"},
		Map: extractors.Mapping{Time: "fy", Month: "month", FiscalYearStart: time.October, Destination: "asylum",
			FixedCitizenship: "RU", Sum: sum, Metric: extractors.AsylumApplications},
	}
}

// TestMappingSumsAndMonths runs the json-records reader and the mapping: the
// fiscal month becomes its calendar month, cells of one observation are
// added up, and a missing part makes the sum missing.
func TestMappingSumsAndMonths(t *testing.T) {
	obs, err := mapping.Extract(context.Background(), recordsSource(true), "records.json", []byte(records), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]extractors.Observation{}
	for _, o := range obs {
		got[o.Destination+" "+o.PeriodStart.Format(time.DateOnly)+" "+o.PeriodEnd.Format(time.DateOnly)] = o
	}
	if len(got) != 3 || len(obs) != 3 {
		t.Fatalf("%d observations, want 3: %+v", len(obs), obs)
	}
	if o := got["DEU 2021-10-01 2021-10-31"]; o.Value != 2861 || o.Missing {
		t.Errorf("DEU October 2021 (FY2022): %+v, want 2851 + 10", o)
	}
	if o := got["USA 2021-10-01 2021-10-31"]; o.Value != 18197 {
		t.Errorf("USA: %+v, want 10105 + 8092", o)
	}
	if o := got["FRA 2021-11-01 2021-11-30"]; !o.Missing {
		t.Errorf("FRA: %+v, want missing (one part is null)", o)
	}

	// Without Sum the two USA rows are two numbers for one key: the loader
	// refuses them, so the mapping must say how to combine them.
	obs, err = mapping.Extract(context.Background(), recordsSource(false), "records.json", []byte(records), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 6 {
		t.Errorf("without Sum: %d observations, want one per record", len(obs))
	}
}

func TestMappingMonthShapeAndErrors(t *testing.T) {
	s := recordsSource(true)
	s.Map.Month = "quarter"
	_, err := mapping.Extract(context.Background(), s, "records.json", []byte(records), "")
	if err == nil || !strings.Contains(err.Error(), `dimension "quarter" missing`) {
		t.Errorf("a month dimension the table lacks: %v, want a shape error", err)
	}
	bad := strings.Replace(records, `"NOV"`, `"N0V"`, 1)
	_, err = mapping.Extract(context.Background(), recordsSource(true), "records.json", []byte(bad), "")
	if err == nil || !strings.Contains(err.Error(), `month "N0V"`) {
		t.Errorf("a month that is not one: %v, want an error naming it", err)
	}
}
