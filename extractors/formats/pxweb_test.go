package formats

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// queryItems returns, per variable code, the values of the item filters
// of a PxWeb v1 query body (and the filter name of the others).
func queryItems(t *testing.T, rel string) (map[string][]string, map[string]string) {
	t.Helper()
	var q struct {
		Query []struct {
			Code      string
			Selection struct {
				Filter string
				Values []string
			}
		}
		Response struct{ Format string }
	}
	if err := json.Unmarshal(sharedBytes(t, rel), &q); err != nil {
		t.Fatal(err)
	}
	if q.Response.Format != "json-stat2" {
		t.Errorf("%s asks for %q", rel, q.Response.Format)
	}
	items, filters := map[string][]string{}, map[string]string{}
	for _, v := range q.Query {
		filters[v.Code] = v.Selection.Filter
		if v.Selection.Filter == "item" {
			items[v.Code] = v.Selection.Values
		}
	}
	return items, filters
}

// checkQueryAnswered checks that the answer's categories are exactly what
// the query selected, in the order asked, and that a variable selected by
// a value set without values was eliminated.
func checkQueryAnswered(t *testing.T, query, response string) {
	t.Helper()
	items, filters := queryItems(t, query)
	d := decodeShared(t, response)[0]
	for code, values := range items {
		i := slices.IndexFunc(d.dims, func(dim jsDim) bool { return dim.id == code })
		if i < 0 {
			t.Errorf("%s: no dimension %s", response, code)
			continue
		}
		if !slices.Equal(d.dims[i].codes, values) {
			t.Errorf("%s: %s = %q, query asked %q", response, code, d.dims[i].codes, values)
		}
	}
	for code, f := range filters {
		if f != "item" && slices.ContainsFunc(d.dims, func(dim jsDim) bool { return dim.id == code }) {
			t.Errorf("%s: %s (filter %s) not eliminated", response, code, f)
		}
	}
}

func notData(t *testing.T, rel, position string, says ...string) {
	t.Helper()
	cells, err := readBody(t, "pxweb", rel, sharedBytes(t, rel), nil)
	wantFormatError(t, err, position, says...)
	if len(cells) != 0 {
		t.Errorf("%d cells emitted", len(cells))
	}
}

func TestPxWebSharedFiles(t *testing.T) {
	const (
		fi    = "pxweb/stefur-pxwebpy__response_fi.json"
		no    = "pxweb/stefur-pxwebpy__response_no.json"
		se    = "pxweb/stefur-pxwebpy__response_se.json"
		tab64 = "pxweb/stefur-pxwebpy__TAB6471_data.json"
	)
	sharedChecks(t, "pxweb", map[string]func(t *testing.T, rel string){
		"stefur-pxwebpy__response_fi.json": func(t *testing.T, rel string) {
			cells := readShared(t, "pxweb", rel, nil)
			wantDims(t, cells, 90, "Vuosi", "Sukupuoli", "Ikä", "Tiedot")
			wantCell(t, cells, 0, 308410, "2020", "SSS", "20-24", "vaesto")
			wantValues(t, cells, 1, 352990, 355067, 363694)
			wantCell(t, cells, 89, 181956, "2022", "2", "65-69", "vaesto")
			d := decodeShared(t, rel)[0]
			if d.dims[1].label != "Kön" || d.dims[1].labels["SSS"] != "Totalt" || d.dims[2].labels["20-24"] != "20 - 24" ||
				d.dims[3].labels["vaesto"] != "Befolkning 31.12." {
				t.Errorf("labels of the first row: %q %q %q", d.dims[1].labels, d.dims[2].labels["20-24"], d.dims[3].labels)
			}
			if r := cells[0].Table.Roles; r["Vuosi"] != "time" || r["Tiedot"] != "metric" {
				t.Errorf("roles %v", r)
			}
		},
		"stefur-pxwebpy__query_fi.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "a PxWeb query (3 variables)")
			checkQueryAnswered(t, rel, fi)
		},
		"stefur-pxwebpy__response_no.json": func(t *testing.T, rel string) {
			cells := readShared(t, "pxweb", rel, nil)
			wantDims(t, cells, 288, "Region", "Boligtype", "ContentsCode", "Tid")
			// Eneboliger, Hele landet, Prisindeks for brukte boliger:
			for i, v := range []float64{136.2, 144.5, 140.5, 134.7, 136.2} {
				q := []string{"2022K1", "2022K2", "2022K3", "2022K4", "2023K1"}[i]
				wantCell(t, cells, i, v, "TOTAL", "01", "Boligindeks", q)
			}
			missing := 0
			for i, c := range cells { // null exactly where status is ".."
				if c.Missing != (c.Status == "..") {
					t.Fatalf("cell %d: missing %v status %q", i, c.Missing, c.Status)
				}
				if c.Missing {
					missing++
				}
			}
			if missing != 24 {
				t.Errorf("%d missing, want 24", missing)
			}
			d := decodeShared(t, rel)[0]
			if d.dims[0].labels["TOTAL"] != "Hele landet" || d.dims[1].labels["01"] != "Eneboliger" ||
				d.dims[2].labels["Boligindeks"] != "Prisindeks for brukte boliger" {
				t.Errorf("labels %q %q %q", d.dims[0].labels["TOTAL"], d.dims[1].labels["01"], d.dims[2].labels)
			}
		},
		"stefur-pxwebpy__query_no.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "a PxWeb query (4 variables)")
			checkQueryAnswered(t, rel, no)
		},
		"stefur-pxwebpy__response_se.json": func(t *testing.T, rel string) {
			cells := readShared(t, "pxweb", rel, nil)
			wantDims(t, cells, 9, "Kon", "Alder", "ContentsCode", "Tid")
			// män, kvinnor, totalt x 2020-2022
			wantValues(t, cells, 0, 332.8, 343.9, 359.9, 254.6, 263, 277.3, 291.9, 301.5, 316.6)
			wantCell(t, cells, 8, 316.6, "1+2", "tot16+", "HE0110J8", "2022")
			d := decodeShared(t, rel)[0]
			if !slices.Equal(d.dims[0].codes, []string{"1", "2", "1+2"}) || d.dims[0].labels["1+2"] != "totalt" ||
				d.dims[1].labels["tot16+"] != "totalt 16+ år" || d.dims[2].labels["HE0110J8"] != "Medianinkomst, tkr" {
				t.Errorf("Kon %q %q", d.dims[0].codes, d.dims[0].labels)
			}
		},
		"stefur-pxwebpy__query_se.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "a PxWeb query (5 variables)")
			checkQueryAnswered(t, rel, se)
		},
		"stefur-pxwebpy__response_table_variables.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "v1 table metadata (6 variables: Region (312), Kon (3), Alder (19), Inkomstklass (27), ContentsCode (4), Tid (24))", "POST a query")
		},
		"stefur-pxwebpy__TAB6471_data.json": func(t *testing.T, rel string) {
			cells := readShared(t, "pxweb", rel, nil)
			wantDims(t, cells, 2772, "Region", "Alder", "Kon", "ContentsCode", "Tid")
			wantCell(t, cells, 0, 245284, "01", "0-9", "TotSa", "000007SF", "2026M01")
			wantValues(t, cells, 1, 247245, 249358, 251635)
			wantCell(t, cells, 4, 125373, "01", "0-9", "1", "000007SF", "2026M01") // kön män
			wantCell(t, cells, 2771, 54)
			if n := countMissing(cells); n != 0 { // every row has a value
				t.Errorf("%d missing", n)
			}
			d := decodeShared(t, rel)[0]
			if d.dims[0].labels["01"] != "Stockholms län" || d.dims[2].labels["TotSa"] != "totalt, samtliga män och kvinnor" ||
				d.dims[3].labels["000007SF"] != "Folkmängden per månad" || d.dims[1].labels["0-9"] != "0-9 år" {
				t.Errorf("labels of the first row differ")
			}
		},
		"stefur-pxwebpy__TAB6471_metadata.json": func(t *testing.T, rel string) {
			notData(t, rel, "$.value", "metadata, not data", "[312 134 3 1 16]")
			d := decodeShared(t, rel)[0]
			if !slices.Equal(d.dims[2].codes, []string{"TotSa", "1", "2"}) {
				t.Errorf("Kon codes %q", d.dims[2].codes)
			}
		},
		"stefur-pxwebpy__config.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "API configuration (apiVersion 2.2.0, maxDataCells 150000)")
		},
		"stefur-pxwebpy__tables.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "table listing (20 tables, page 1 of 213, 4246 tables in all)")
		},
		"PxTools-PxWebApi__MetadataById_tab001_js2.json": func(t *testing.T, rel string) {
			notData(t, rel, "$.value", "metadata, not data", "[30 3 22 1 3]")
			if r := decodeShared(t, rel)[0].table.Roles; r["REGION"] != "geo" {
				t.Errorf("roles %v", r)
			}
		},
		"PxTools-PxWebApi__MetadataById_tab003_js2.json": func(t *testing.T, rel string) {
			notData(t, rel, "$.value", "metadata, not data", "[9 34 2 4]")
		},
		"PxTools-PxWebApi__MetadataById_tab004_js2.json": func(t *testing.T, rel string) {
			notData(t, rel, "$.value", "metadata, not data", "[14 11 1 28]")
		},
		"PxTools-PxWebApi__TableById_tab004.json": func(t *testing.T, rel string) {
			notData(t, rel, "$", "table description (table TAB004)", "/tables/TAB004/data")
		},
	})
}

// The v1 "json" response format, shaped as SCB answers it.
const pxJSONAnswer = `{
  "columns": [
    {"code": "Region", "text": "region", "comment": "1968-1998 by the 1998 borders", "type": "d"},
    {"code": "Medborgarskap", "text": "citizenship", "type": "d"},
    {"code": "Tid", "text": "year", "type": "t"},
    {"code": "BE0101N1", "text": "Population", "type": "c"},
    {"code": "BE0101N2", "text": "Change", "type": "c"}
  ],
  "comments": [],
  "data": [
    {"key": ["00", "RU", "2021"], "values": ["17000", "-12.5"]},
    {"key": ["00", "RU", "2022"], "values": ["..", "-"]},
    {"key": ["00", "RU", "2023"], "values": [" 21000 ", 42]}
  ],
  "metadata": [{"infofile": "BE0101", "updated": "2025-02-21T07:00:00Z", "label": "Population", "source": "SCB"}]
}`

func TestPxWebJSONFormat(t *testing.T) {
	cells, err := readBody(t, "pxweb", "scb.json", []byte(pxJSONAnswer), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 6, "Region", "Medborgarskap", "Tid", "ContentsCode")
	wantCell(t, cells, 0, 17000, "00", "RU", "2021", "BE0101N1")
	wantCell(t, cells, 1, -12.5, "00", "RU", "2021", "BE0101N2")
	for i, sym := range map[int]string{2: "..", 3: "-"} {
		if c := cells[i]; !c.Missing || c.Status != sym || c.Value != 0 {
			t.Errorf("cell %d = %+v, want missing with status %q", i, c, sym)
		}
	}
	wantCell(t, cells, 4, 21000, "00", "RU", "2023", "BE0101N1")
	wantCell(t, cells, 5, 42)
	if r := cells[0].Table.Roles; r["Tid"] != "time" || r["ContentsCode"] != "metric" || r["Region"] != "" {
		t.Errorf("roles %v", r)
	}
	cells, err = readBody(t, "pxweb", "scb.json", []byte(pxJSONAnswer), map[string]string{"contents_dim": "measure"})
	if err != nil || cells[0].Table.Dims[3] != "measure" {
		t.Errorf("contents_dim: %v", err)
	}
}

func TestPxWebErrors(t *testing.T) {
	jsonAnswer := func(data string) string {
		return `{"columns":[{"code":"Tid","text":"år","type":"t"},{"code":"X","text":"x","type":"c"}],"comments":[],"data":` + data + `}`
	}
	for _, tc := range []struct {
		name, body, position string
		says                 []string
	}{
		{"html challenge", "<!doctype html>\n<html><head><title>Attention Required! | Cloudflare</title></head></html>", "byte 0", []string{"HTML page", "Cloudflare"}},
		{"truncated", `{"version":"2.0","class":"dataset","id":["a"],"size":[1],"dimension":{"a":{"category":{"index":["x"]}}},"value":[1`, "", []string{"truncated JSON"}},
		{"problem", `{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1","title":"Bad Request","status":400,"detail":"Too many cells selected"}`, "$", []string{"API reported an error", "Bad Request", "400", "Too many cells"}},
		{"folder listing", `[{"id":"BE","type":"l","text":"Population"}]`, "$", []string{"folder listing"}},
		{"empty sparse value", `{"version":"2.0","class":"dataset","id":["a"],"size":[2],"dimension":{"a":{"category":{"index":["x","y"]}}},"value":{}}`, "$.value", []string{"metadata, not data"}},
		{"json: text value", jsonAnswer(`[{"key":["2020"],"values":["n/a"]}]`), "$.data[0].values[0]", []string{`"n/a"`, "neither a number nor a missing-value symbol"}},
		{"json: short key", jsonAnswer(`[{"key":[],"values":["1"]}]`), "$.data[0].key", []string{"0 codes, want 1"}},
		{"json: extra value", jsonAnswer(`[{"key":["2020"],"values":["1","2"]}]`), "$.data[0].values", []string{"2 values, want 1"}},
		{"json: boolean", jsonAnswer(`[{"key":["2020"],"values":[true]}]`), "$.data[0].values[0]", []string{"a boolean"}},
		{"json: no rows", jsonAnswer(`[]`), "$.data", []string{"no data rows"}},
		{"json: bad column type", `{"columns":[{"code":"Tid","type":"x"}],"data":[]}`, "$.columns[0].type", []string{`"x"`}},
		{"json: no contents", `{"columns":[{"code":"Tid","type":"t"}],"data":[]}`, "$.columns", []string{"no contents column"}},
		{"json: clash", `{"columns":[{"code":"ContentsCode","type":"d"},{"code":"X","type":"c"}],"data":[]}`, "$.columns", []string{"contents_dim"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := readBody(t, "pxweb", "bad.json", []byte(tc.body), nil)
			wantFormatError(t, err, tc.position, tc.says...)
			if len(cells) != 0 {
				t.Errorf("%d cells emitted", len(cells))
			}
		})
	}
	// A broken last row stops the answer before any cell is emitted.
	cells, err := readBody(t, "pxweb", "bad.json", []byte(jsonAnswer(`[{"key":["2020"],"values":["1"]},{"key":["2021"],"values":["x"]}]`)), nil)
	if err == nil || len(cells) != 0 {
		t.Errorf("got %d cells, err %v", len(cells), err)
	}
}

// The pxweb reader also reads what the jsonstat reader reads (PxWeb v1
// answers in json-stat 1.x, here SCB's): one decoder behind both.
func TestPxWebReadsJSONStatBundles(t *testing.T) {
	rel := "jsonstat/predicador37-pyjstat__statswe.json"
	a, b := readShared(t, "pxweb", rel, nil), readShared(t, "jsonstat", rel, nil)
	if len(a) != 1120 || len(a) != len(b) {
		t.Fatalf("%d and %d cells", len(a), len(b))
	}
	for i := range a {
		if a[i].Value != b[i].Value || !slices.Equal(a[i].Codes, b[i].Codes) || a[i].Status != b[i].Status {
			t.Fatalf("cell %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
	if !strings.Contains(strings.Join(extractors.ReaderFormats(), ","), "pxweb") {
		t.Error("pxweb not registered")
	}
}

// readWithMetadata reads body with the pxweb reader and the table metadata
// handed to it as a metadata request's answer is.
func readWithMetadata(t *testing.T, body, metadata []byte) ([]extractors.Cell, error) {
	t.Helper()
	r, err := extractors.ReaderFor("pxweb")
	if err != nil {
		t.Fatal(err)
	}
	var cells []extractors.Cell
	err = r.Read(context.Background(), extractors.Input{Name: "answer.json", Body: bytes.NewReader(body), Metadata: metadata},
		func(c extractors.Cell) error {
			cells = append(cells, c)
			return nil
		})
	return cells, err
}

// A v1 "json" answer keyed by the codes of SCB's real table metadata
// (shared/formats/pxweb, the GET of the table's URL). MADE-UP FIGURES: the
// answer is a test fixture shaped as PxWeb writes the format; only the
// metadata is a real file.
const pxJSONByCode = `{
  "columns": [
    {"code": "Region", "text": "region", "type": "d"},
    {"code": "Kon", "text": "kön", "type": "d"},
    {"code": "Tid", "text": "år", "type": "t"},
    {"code": "HE0110J8", "text": "Medianinkomst, tkr", "type": "c"}
  ],
  "comments": [],
  "data": [
    {"key": ["00", "1+2", "2020"], "values": ["301.5"]},
    {"key": ["01", "1", "2021"], "values": [".."]}
  ]
}`

func TestPxWebJSONWithTableMetadata(t *testing.T) {
	meta := sharedBytes(t, "pxweb/stefur-pxwebpy__response_table_variables.json")
	cells, err := readWithMetadata(t, []byte(pxJSONByCode), meta)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 2, "Region", "Kon", "Tid", "ContentsCode")
	// The metadata's valueTexts, not the codes: Riket/totalt for 00/1+2.
	wantCell(t, cells, 0, 301.5, "Riket", "totalt", "2020", "HE0110J8")
	if c := cells[1]; !c.Missing || c.Status != ".." || !slices.Equal(c.Codes, []string{"Stockholms län", "män", "2021", "HE0110J8"}) {
		t.Errorf("cell 1 = %+v, want missing '..' with the texts of 01 and 1", c)
	}

	for _, tc := range []struct {
		name           string
		body, metadata []byte
		position       string
		says           []string
	}{
		{"code not in the metadata", []byte(strings.Replace(pxJSONByCode, `"01", "1"`, `"01", "3"`, 1)), meta,
			"$.data[1].key[1]", []string{`code "3" of Kon`, "not among the variable's values"}},
		{"column not in the metadata", []byte(strings.Replace(pxJSONByCode, `"Kon", "text"`, `"Kön", "text"`, 1)), meta,
			"$.columns", []string{`column "Kön"`, "Region, Kon, Alder", "different tables"}},
		{"a data answer archived as metadata", []byte(pxJSONByCode), sharedBytes(t, "pxweb/stefur-pxwebpy__response_se.json"),
			"$", []string{"(table metadata)", "no variables"}},
		{"an error page as metadata", []byte(pxJSONByCode), []byte("<!DOCTYPE html><html><title>404 Not Found</title></html>"),
			"", []string{"(table metadata)", "HTML"}},
		{"texts missing", []byte(pxJSONByCode), []byte(`{"title":"t","variables":[{"code":"Region","values":["00"]}]}`),
			"$.variables[0].valueTexts", []string{"value texts"}},
		{"texts of another length", []byte(pxJSONByCode), []byte(`{"title":"t","variables":[{"code":"Region","values":["00","01"],"valueTexts":["Riket"]}]}`),
			"$.variables[0].valueTexts", []string{"1 texts for 2 values"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := readWithMetadata(t, tc.body, tc.metadata)
			wantFormatError(t, err, tc.position, tc.says...)
			if len(cells) != 0 {
				t.Errorf("%d cells emitted", len(cells))
			}
		})
	}
}
