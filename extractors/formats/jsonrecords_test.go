package formats

import (
	"context"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

func readRecords(t *testing.T, body string, params map[string]string) ([]extractors.Cell, error) {
	t.Helper()
	var cells []extractors.Cell
	err := jsonRecordsReader{}.Read(context.Background(),
		extractors.Input{Name: "answer.json", Body: strings.NewReader(body), Params: params},
		func(c extractors.Cell) error { cells = append(cells, c); return nil })
	return cells, err
}

// unhcrParams lay out an answer of UNHCR's population statistics API.
func unhcrParams() map[string]string {
	return map[string]string{"records": "items", "page": "page", "page_count": "maxPages",
		"dim.year": "year", "dim.asylum": "coa_iso", "value": "applied"}
}

func TestJSONRecords(t *testing.T) {
	// Zero as the string "0" and "-" for not available, as UNHCR writes them;
	// a record without the value member; members in another order.
	body := `{"page":1,"maxPages":1,"total":{"applied":2861},"items":[
		{"year":2022,"coo_iso":"RUS","coa_iso":"DEU","applied":2851},
		{"applied":"0","coa_iso":"ARE","year":2022},
		{"year":2021,"coa_iso":"USA","applied":"-"},
		{"year":2020,"coa_iso":"FRA"}]}`
	cells, err := readRecords(t, body, unhcrParams())
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 3 {
		t.Fatalf("%d cells, want 3 (a record without its value is skipped): %+v", len(cells), cells)
	}
	if got := cells[0].Table.Dims; strings.Join(got, ",") != "year,asylum" {
		t.Errorf("dims %v", got)
	}
	want := []struct {
		year, asylum string
		value        float64
		missing      bool
		status       string
	}{{"2022", "DEU", 2851, false, ""}, {"2022", "ARE", 0, false, ""}, {"2021", "USA", 0, true, "-"}}
	for i, w := range want {
		c := cells[i]
		if c.Codes[0] != w.year || c.Codes[1] != w.asylum || c.Value != w.value || c.Missing != w.missing || c.Status != w.status {
			t.Errorf("cell %d: %+v, want %+v", i, c, w)
		}
	}

	// The document itself is the array; nested paths work.
	arr := `[{"y":"2023","n":5}]`
	if cells, err := readRecords(t, arr, map[string]string{"dim.y": "y", "value": "n"}); err != nil || len(cells) != 1 || cells[0].Value != 5 {
		t.Errorf("top-level array: %v %+v", err, cells)
	}
	nested := `{"data":{"rows":[{"y":"2023","n":5}]}}`
	if cells, err := readRecords(t, nested, map[string]string{"records": "data.rows", "dim.y": "y", "value": "n"}); err != nil || len(cells) != 1 {
		t.Errorf("nested path: %v %+v", err, cells)
	}
}

func TestJSONRecordsErrors(t *testing.T) {
	for _, c := range []struct {
		name, body string
		params     map[string]string
		want       string
	}{
		{"not the last page", `{"page":1,"maxPages":3,"items":[{"year":2022,"coa_iso":"DEU","applied":1}]}`, unhcrParams(), "page 1 of 3"},
		{"no page number", `{"maxPages":1,"items":[]}`, unhcrParams(), `$.page: missing`},
		{"records path absent", `{"message":"Invalid parameter coo"}`, unhcrParams(), `no member "items"`},
		{"records not an array", `{"page":1,"maxPages":1,"items":{"year":2022}}`, unhcrParams(), "want an array of records"},
		{"a record not an object", `{"page":1,"maxPages":1,"items":[5]}`, unhcrParams(), "$.items[0]: is a number, want a record"},
		{"an HTML error page", "<!DOCTYPE html><html><body>Service unavailable</body></html>", unhcrParams(), "HTML page"},
		{"truncated JSON", `{"page":1,"maxPages":1,"items":[{"year":2022`, unhcrParams(), "not valid JSON"},
		{"no records", `{"page":1,"maxPages":1,"items":[]}`, unhcrParams(), "no data rows"},
		{"a value that is text", `{"page":1,"maxPages":1,"items":[{"year":2022,"coa_iso":"DEU","applied":"many"}]}`, unhcrParams(),
			"$.items[0].applied"},
		{"a field the answer lacks", `{"page":1,"maxPages":1,"items":[{"year":2022,"applied":1}]}`, unhcrParams(), `no column "coa_iso"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := readRecords(t, c.body, c.params)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
