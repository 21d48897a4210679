package formats

import (
	"strings"
	"testing"
)

// nivParams read the State Department's monthly nonimmigrant issuances as
// a public repository parsed them (one JSON object per line).
var nivParams = map[string]string{
	"name_dim.month":  `(\d{4}-\d{2}-01)\.jsonl$`,
	"dim.citizenship": "Nationality",
	"dim.visa_class":  "Visa Class",
	"value":           "Issuances",
	"decimal":         ".",
}

func TestJSONLinesReadsTheRepositorysMonthlyFiles(t *testing.T) {
	const rel = "../realdata/chapmanjacobd-us_visa_statistics__nonimmigrant_data_RU/2023-06-01.jsonl"
	cells := readShared(t, JSONLines, rel, nivParams)
	byClass := map[string]float64{}
	for _, c := range cells {
		if m, _ := c.Code("month"); m != "2023-06-01" {
			t.Fatalf("month %q, want the file's 2023-06-01", m)
		}
		class, _ := c.Code("visa_class")
		byClass[class] = c.Value
	}
	// MANIFEST.tsv: Russia B1/B2 June 2023 = 4,370, F1 = 576 (a thousands
	// separator inside a string).
	if byClass["B1/B2"] != 4370 || byClass["F1"] != 576 {
		t.Errorf("B1/B2 %v, F1 %v; want 4370 and 576", byClass["B1/B2"], byClass["F1"])
	}
}

func TestJSONLinesStrayNullMemberIsNotAValue(t *testing.T) {
	// Some files carry the PDF's header read as a member that is always
	// null: a column nobody reads.
	const rel = "../realdata/chapmanjacobd-us_visa_statistics__nonimmigrant_data_RU/2024-11-01.jsonl"
	cells := readShared(t, JSONLines, rel, nivParams)
	for _, c := range cells {
		if c.Missing {
			t.Errorf("cell %+v missing", c)
		}
	}
	if len(cells) < 20 {
		t.Errorf("%d cells", len(cells))
	}
}

func TestJSONLinesProblems(t *testing.T) {
	good := `{"Nationality":"Russia","Visa Class":"F1","Issuances":"576"}` + "\n"
	name := "https://example.org/nonimmigrant_data/2023-06-01.jsonl"
	for _, c := range []struct {
		what, body, name, position string
		params                     map[string]string
		says                       []string
	}{
		{what: "a line that is not an object", body: good + "\n[1,2]\n", name: name, position: "line 3", params: nivParams,
			says: []string{"not a JSON object"}},
		{what: "a truncated line", body: good + `{"Nationality":"Russia","Visa Cl`, name: name, position: "line 2", params: nivParams,
			says: []string{"not a JSON object"}},
		{what: "a name without the month", body: good, name: "https://example.org/latest.jsonl", params: nivParams,
			says: []string{"does not match parameter name_dim.month"}},
		{what: "a text value", body: `{"Nationality":"Russia","Visa Class":"F1","Issuances":"many"}`, name: name, params: nivParams,
			position: "line 1.Issuances"},
		{what: "an HTML page", body: "<!DOCTYPE html><html><body>Rate limited</body></html>", name: name, params: nivParams,
			says: []string{"HTML page"}},
		{what: "an empty body", body: "\n\n", name: name, params: nivParams, says: []string{"no records"}},
	} {
		t.Run(c.what, func(t *testing.T) {
			cells, err := readBody(t, JSONLines, c.name, []byte(c.body), c.params)
			if err == nil {
				t.Fatalf("no error; %d cells", len(cells))
			}
			wantFormatError(t, err, c.position, c.says...)
		})
	}
	t.Run("a member the name fills", func(t *testing.T) {
		_, err := readBody(t, JSONLines, name, []byte(`{"name_dim.month":"x","Nationality":"Russia","Visa Class":"F1","Issuances":"1"}`), nivParams)
		if err == nil || !strings.Contains(err.Error(), "name_dim.month") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("dim and name_dim for one dimension", func(t *testing.T) {
		p := map[string]string{"dim.month": "Visa Class"}
		for k, v := range nivParams {
			p[k] = v
		}
		if _, err := readBody(t, JSONLines, name, []byte(good), p); err == nil || !strings.Contains(err.Error(), "comes from one of them") {
			t.Errorf("err = %v", err)
		}
	})
}
