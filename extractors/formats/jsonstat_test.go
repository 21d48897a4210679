package formats

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// sharedFormats holds the real sample files (see its README and
// MANIFEST.tsv); the facts asserted below come from MANIFEST.tsv.
const sharedFormats = "../../../shared/formats"

func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	if _, err := os.Stat(sharedFormats); err != nil {
		t.Skipf("sample folder %s is absent (a clone without shared/): %v", sharedFormats, err)
	}
	return filepath.Join(sharedFormats, rel)
}

func sharedBytes(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readBody runs a registered reader over body and collects its cells.
func readBody(t testing.TB, format, name string, body []byte, params map[string]string) ([]extractors.Cell, error) {
	t.Helper()
	r, err := extractors.ReaderFor(format)
	if err != nil {
		t.Fatal(err)
	}
	var cells []extractors.Cell
	err = r.Read(context.Background(), extractors.Input{Name: name, Body: bytes.NewReader(body), Params: params},
		func(c extractors.Cell) error {
			cells = append(cells, c)
			return nil
		})
	return cells, err
}

func readShared(t testing.TB, format, rel string, params map[string]string) []extractors.Cell {
	t.Helper()
	cells, err := readBody(t, format, rel, sharedBytes(t, rel), params)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return cells
}

// decodeShared returns the datasets of a shared file, with the labels the
// Cell contract does not carry (for comparing with label-based CSVs).
func decodeShared(t testing.TB, rel string) []*jsDataset {
	t.Helper()
	in := extractors.Input{Name: rel, Body: bytes.NewReader(sharedBytes(t, rel))}
	root, err := loadJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := jsDatasets(in, root, DefaultMaxCells)
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

func wantFormatError(t testing.TB, err error, position string, substrs ...string) {
	t.Helper()
	var fe *extractors.FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("want a *FormatError, got %T: %v", err, err)
	}
	if position != "" && fe.Position != position {
		t.Errorf("position = %q, want %q (%v)", fe.Position, position, err)
	}
	for _, s := range substrs {
		if !strings.Contains(fe.Error(), s) {
			t.Errorf("error %q does not say %q", fe.Error(), s)
		}
	}
}

func wantDims(t testing.TB, cells []extractors.Cell, n int, dims ...string) {
	t.Helper()
	if len(cells) != n {
		t.Fatalf("%d cells, want %d", len(cells), n)
	}
	if got := cells[0].Table.Dims; !slices.Equal(got, dims) {
		t.Fatalf("dims %q, want %q", got, dims)
	}
}

func wantCell(t testing.TB, cells []extractors.Cell, pos int, value float64, codes ...string) {
	t.Helper()
	c := cells[pos]
	if c.Missing || c.Value != value {
		t.Errorf("cell %d = %v (missing %v), want %v", pos, c.Value, c.Missing, value)
	}
	if codes != nil && !slices.Equal(c.Codes, codes) {
		t.Errorf("cell %d codes %q, want %q", pos, c.Codes, codes)
	}
}

func wantValues(t testing.TB, cells []extractors.Cell, from int, values ...float64) {
	t.Helper()
	for i, v := range values {
		wantCell(t, cells, from+i, v)
	}
}

// lookup finds the cell with the given codes (dimension id -> code).
func lookup(t testing.TB, cells []extractors.Cell, dataset string, coords map[string]string) extractors.Cell {
	t.Helper()
	var found []extractors.Cell
next:
	for _, c := range cells {
		if c.Table.Dataset != dataset {
			continue
		}
		for dim, code := range coords {
			if got, ok := c.Code(dim); !ok || got != code {
				continue next
			}
		}
		found = append(found, c)
	}
	if len(found) != 1 {
		t.Fatalf("%d cells match %v in %q, want 1", len(found), coords, dataset)
	}
	return found[0]
}

func countMissing(cells []extractors.Cell) int {
	n := 0
	for _, c := range cells {
		if c.Missing {
			n++
			if c.Value != 0 {
				panic("missing cell with a value")
			}
		}
	}
	return n
}

func statuses(cells []extractors.Cell) map[string]int {
	m := map[string]int{}
	for _, c := range cells {
		m[c.Status]++
	}
	return m
}

// compareCSV checks a label-based expected table (jsonstat-js toTable,
// swift-jsonstat's converter) row by row against a dataset: one column per
// dimension with category labels, optionally a status column, then the
// value; a missing value is an empty field.
func compareCSV(t *testing.T, rel string, d *jsDataset, cells []extractors.Cell, withStatus bool) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(sharedBytes(t, rel))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	header, rows := records[0], records[1:]
	for i, dim := range d.dims {
		if header[i] != dim.label {
			t.Errorf("%s: header[%d] = %q, want dimension label %q", rel, i, header[i], dim.label)
		}
	}
	if len(rows) != len(cells) {
		t.Fatalf("%s: %d rows, reader gave %d cells", rel, len(rows), len(cells))
	}
	for r, row := range rows {
		c := cells[r]
		for i, dim := range d.dims {
			want, ok := dim.labels[c.Codes[i]]
			if !ok {
				want = c.Codes[i] // JSON-stat: a category without a label is labelled by its id
			}
			if row[i] != want {
				t.Fatalf("%s row %d: column %d = %q, cell has %q (%q)", rel, r+1, i, row[i], want, c.Codes[i])
			}
		}
		k := len(d.dims)
		if withStatus {
			if row[k] != c.Status {
				t.Errorf("%s row %d: status %q, cell has %q", rel, r+1, row[k], c.Status)
			}
			k++
		}
		if row[k] == "" {
			if !c.Missing {
				t.Errorf("%s row %d: empty value, cell has %v", rel, r+1, c.Value)
			}
			continue
		}
		want, err := strconv.ParseFloat(row[k], 64)
		if err != nil {
			t.Fatalf("%s row %d: %v", rel, r+1, err)
		}
		if c.Missing || c.Value != want {
			t.Errorf("%s row %d: value %v, cell has %v (missing %v)", rel, r+1, want, c.Value, c.Missing)
		}
	}
}

func datasetNamed(t testing.TB, sets []*jsDataset, name string) *jsDataset {
	t.Helper()
	for _, d := range sets {
		if d.name == name {
			return d
		}
	}
	t.Fatalf("no dataset %q", name)
	return nil
}

func cellsOf(cells []extractors.Cell, dataset string) []extractors.Cell {
	var out []extractors.Cell
	for _, c := range cells {
		if c.Table.Dataset == dataset {
			out = append(out, c)
		}
	}
	return out
}

// sharedChecks runs one check per file of a shared folder and fails for a
// file without one, so a sample added later cannot go unread.
func sharedChecks(t *testing.T, folder string, checks map[string]func(t *testing.T, rel string)) {
	entries, err := os.ReadDir(sharedPath(t, folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			check, ok := checks[name]
			if !ok {
				t.Fatalf("no check for %s/%s: add its MANIFEST facts here", folder, name)
			}
			check(t, folder+"/"+name)
		})
	}
	for name := range checks {
		if !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == name }) {
			t.Errorf("check for %s, which is not in %s", name, folder)
		}
	}
}

const (
	oecdCanadaCSV = "jsonstat/26fe-jsonstat.py__oecd-canada-to_table.csv"
	oecdCanada    = "jsonstat/26fe-jsonstat.py__oecd-canada.json"
	eurostatIT    = "jsonstat/26fe-jsonstat.py__eurostat-name_gpd_c-geo_IT.json"
	eurostatITCSV = "jsonstat/26fe-jsonstat.py__eurostat-name_gpd_c-geo_IT-to_table.csv"
	namaJSON      = "jsonstat/MortenGregersen-swift-jsonstat__nama_10_gdp.json"
	namaCSV       = "jsonstat/MortenGregersen-swift-jsonstat__nama_10_gdp.csv"
	hisbJSON      = "jsonstat/MortenGregersen-swift-jsonstat__HISB3.json"
	hisbCSV       = "jsonstat/MortenGregersen-swift-jsonstat__HISB3.csv"
)

// The oecd dataset appears alone, in a 1.x bundle and in a collection;
// these facts hold for all three.
func checkOECD(t *testing.T, cells []extractors.Cell) {
	t.Helper()
	wantDims(t, cells, 432, "concept", "area", "year")
	if n := countMissing(cells); n != 0 {
		t.Errorf("%d missing cells, want none", n)
	}
	wantCell(t, cells, 0, 5.943826289, "UNR", "AU", "2003")
	wantValues(t, cells, 0, 5.943826289, 5.39663128, 5.044790587, 4.789362794)
	wantValues(t, cells, 428, 7.953121271, 7.970392182, 8.15379125, 8.004598637)
	wantCell(t, cells, 403, 9.627692959, "UNR", "US", "2010") // pyjstat: indices [0,33,7]
	wantCell(t, cells, 30, 7.891892855, "UNR", "BE", "2009")  // pyjstat row 30
	if c := cells[9]; c.Codes[1] != "AU" {                    // rjstat $area[10]
		t.Errorf("cell 9 area %q, want AU", c.Codes[1])
	}
	if got := math.Round(cells[11].Value*1000) / 1000; got != 5.463 { // rjstat round($value[12],3)
		t.Errorf("cell 11 rounds to %v, want 5.463", got)
	}
	wantCell(t, cells, 1, 5.39663128, "UNR", "AU", "2004")
	if st := statuses(cells); st["e"] != 72 || st[""] != 360 {
		t.Errorf("statuses %v, want 72 'e' and 360 none", st)
	}
	if cells[10].Status != "e" || cells[9].Status != "" { // first status key "10"; AU 2013
		t.Errorf("status of cells 9, 10 = %q, %q; want \"\", \"e\"", cells[9].Status, cells[10].Status)
	}
	roles := cells[0].Table.Roles
	if roles["year"] != "time" || roles["area"] != "geo" || roles["concept"] != "metric" {
		t.Errorf("roles %v", roles)
	}
}

func checkOECDHeader(t *testing.T, d *jsDataset) {
	t.Helper()
	if !slices.Equal(d.sizes, []int{1, 36, 12}) {
		t.Errorf("sizes %v, want [1 36 12]", d.sizes)
	}
	area := d.dims[1]
	if area.codes[33] != "US" || area.codes[34] != "EU15" || area.codes[35] != "OECD" {
		t.Errorf("area codes 33-35 = %q", area.codes[33:])
	}
	if area.labels["EU15"] != "Euro area (15 countries)" || area.labels["OECD"] != "total" {
		t.Errorf("area labels %q, %q", area.labels["EU15"], area.labels["OECD"])
	}
	// concept has no category.index: its one code comes from label.
	if c := d.dims[0]; !slices.Equal(c.codes, []string{"UNR"}) || c.labels["UNR"] != "unemployment rate" {
		t.Errorf("concept %q %q", c.codes, c.labels)
	}
}

func checkCanada(t *testing.T, cells []extractors.Cell) {
	t.Helper()
	wantDims(t, cells, 120, "country", "year", "age", "concept", "sex")
	wantCell(t, cells, 0, 34880.5, "CA", "2012", "T", "POP", "T")
	wantCell(t, cells, 49, 1155.2, "CA", "2012", "39", "POP", "M") // swift-jsonstat row 49
	wantCell(t, cells, 119, 1.0, "CA", "2012", "older", "PERCENT", "F")
	if st := statuses(cells); st["a"] != 120 { // a one-item status array applies to all
		t.Errorf("statuses %v, want 120 'a'", st)
	}
}

func checkCanadaHeader(t *testing.T, d *jsDataset) {
	t.Helper()
	if !slices.Equal(d.sizes, []int{1, 1, 20, 2, 3}) {
		t.Errorf("sizes %v", d.sizes)
	}
	age, concept, sex := d.dims[2], d.dims[3], d.dims[4]
	if age.codes[0] != "T" || age.codes[1] != "4" || age.codes[18] != "89" || age.codes[19] != "older" {
		t.Errorf("age codes %q", age.codes)
	}
	if !slices.Equal(concept.codes, []string{"POP", "PERCENT"}) || !slices.Equal(sex.codes, []string{"T", "M", "F"}) {
		t.Errorf("concept %q sex %q", concept.codes, sex.codes)
	}
	if age.labels["39"] != "35 to 39" || concept.labels["POP"] != "population" || sex.labels["M"] != "male" {
		t.Errorf("labels of cell 49: %q %q %q", age.labels["39"], concept.labels["POP"], sex.labels["M"])
	}
}

func TestJSONStatSharedFiles(t *testing.T) {
	sharedChecks(t, "jsonstat", map[string]func(t *testing.T, rel string){
		"26fe-jsonstat.py__oecd.json": func(t *testing.T, rel string) {
			checkOECD(t, readShared(t, "jsonstat", rel, nil))
			checkOECDHeader(t, decodeShared(t, rel)[0])
		},
		"26fe-jsonstat.py__canada.json": func(t *testing.T, rel string) {
			checkCanada(t, readShared(t, "jsonstat", rel, nil))
			checkCanadaHeader(t, decodeShared(t, rel)[0])
		},
		"26fe-jsonstat.py__hierarchy.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 132, "commodity")
			if n := countMissing(cells); n != 132 { // value {"0": null}: all missing
				t.Errorf("%d missing, want 132", n)
			}
			if cells[1].Codes[0] != "1" || cells[2].Codes[0] != "1.1" {
				t.Errorf("codes of cells 1, 2: %q %q", cells[1].Codes, cells[2].Codes)
			}
		},
		"26fe-jsonstat.py__order.json": func(t *testing.T, rel string) {
			checkOrder(t, rel)
		},
		"26fe-jsonstat.py__us-gsp.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 204, "year", "state", "concept")
			wantCell(t, cells, 0, 174400)
			wantCell(t, cells, 203, 63667)
			wantCell(t, cells, 4, 45600, "2013", "02", "gsp") // rjstat x[1,2,]
			wantValues(t, cells, 5, 0.31, 0.7, 65143)
			d := decodeShared(t, rel)[0]
			if c := d.dims[2]; !slices.Equal(c.codes, []string{"gsp", "perc", "pop", "capita"}) || c.labels["pop"] == "" {
				t.Errorf("concept %q %q", c.codes, c.labels)
			}
		},
		"26fe-jsonstat.py__us-unr.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 3220, "year", "county", "labor")
			wantCell(t, cells, 0, 6.5, "2012", "01001", "unr") // labor has no index
			wantCell(t, cells, 3219, 15.8)
			if n := countMissing(cells); n != 0 {
				t.Errorf("%d missing", n)
			}
		},
		"26fe-jsonstat.py__collection.json": func(t *testing.T, rel string) {
			_, err := readBody(t, "jsonstat", rel, sharedBytes(t, rel), nil)
			wantFormatError(t, err, "$.link.item", "8 links without embedded data", "json-stat.org/samples/oecd.json")
		},
		"26fe-jsonstat.py__oecd-canada-col.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			const oecd, canada = "Unemployment rate in the OECD countries 2003-2014", "Population by sex and age group. Canada. 2012"
			checkOECD(t, cellsOf(cells, oecd))
			checkCanada(t, cellsOf(cells, canada))
			if len(cells) != 552 {
				t.Errorf("%d cells, want 432 + 120", len(cells))
			}
			c := lookup(t, cells, oecd, map[string]string{"concept": "UNR", "area": "AU", "year": "2003"})
			if c.Value != 5.943826289 || c.Status != "" {
				t.Errorf("oecd (UNR, AU, 2003) = %v %q", c.Value, c.Status)
			}
			sets := decodeShared(t, rel)
			checkOECDHeader(t, datasetNamed(t, sets, oecd))
			checkCanadaHeader(t, datasetNamed(t, sets, canada))
			// The dataset parameter picks one, by label or href.
			for _, p := range []string{canada, "https://json-stat.org/samples/canada.json"} {
				checkCanada(t, readShared(t, "jsonstat", rel, map[string]string{"dataset": p}))
			}
		},
		"26fe-jsonstat.py__oecd-canada.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			checkOECD(t, cellsOf(cells, "oecd"))
			checkCanada(t, cellsOf(cells, "canada"))
			if cells[0].Table.Dataset != "oecd" || cells[len(cells)-1].Table.Dataset != "canada" {
				t.Error("datasets not in document order")
			}
			c := lookup(t, cells, "oecd", map[string]string{"concept": "UNR", "area": "AU", "year": "2013"})
			if c.Status != "e" || c.Value != cells[10].Value {
				t.Errorf("oecd (UNR, AU, 2013) status %q", c.Status)
			}
			sets := decodeShared(t, rel)
			checkOECDHeader(t, datasetNamed(t, sets, "oecd"))
			checkCanadaHeader(t, datasetNamed(t, sets, "canada"))
			checkCanada(t, readShared(t, "jsonstat", rel, map[string]string{"dataset": "canada"}))
		},
		"26fe-jsonstat.py__oecd-canada-to_table.csv": func(t *testing.T, rel string) {
			d := datasetNamed(t, decodeShared(t, oecdCanada), "oecd")
			cells := readShared(t, "jsonstat", oecdCanada, map[string]string{"dataset": "oecd"})
			compareCSV(t, rel, d, cells, false)
		},
		"26fe-jsonstat.py__eurostat-name_gpd_c-geo_IT.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 69, "unit", "indic_na", "geo", "time")
			if cells[0].Table.Dataset != "nama_gdp_c" {
				t.Errorf("dataset %q", cells[0].Table.Dataset)
			}
			c := lookup(t, cells, "nama_gdp_c", map[string]string{"geo": "IT", "time": "2011"})
			if c.Value != 26000 || c.Missing {
				t.Errorf("(IT, 2011) = %v", c.Value)
			}
			checkEurostatStatus(t, cells, 45)
		},
		"26fe-jsonstat.py__eurostat-name_gpd_c-geo_IT-to_table.csv": func(t *testing.T, rel string) {
			d := decodeShared(t, eurostatIT)[0]
			compareCSV(t, rel, d, readShared(t, "jsonstat", eurostatIT, nil), false)
		},
		"26fe-jsonstat.py__eurostat-name_gpd_c-geo_IT_FR.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 138, "unit", "indic_na", "geo", "time")
			wantCell(t, cells, 134, 26000, "EUR_HAB", "B1GM", "IT", "2011")
			wantCell(t, cells, 65, 30700, "EUR_HAB", "B1GM", "FR", "2011")
			checkEurostatStatus(t, cells, 74)
		},
		"26fe-jsonstat.py__29843.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 37440, "PKoder", "ContentsCode", "Tid")
			wantCell(t, cells, 17130, 112.2, "P1111", "Sesongjustert", "2013M07")
			missing := 0
			for i, c := range cells { // status "." exactly where value is null
				if c.Missing != (c.Status == ".") {
					t.Fatalf("cell %d: missing %v, status %q", i, c.Missing, c.Status)
				}
				if c.Missing {
					missing++
				}
			}
			if missing != 7200 {
				t.Errorf("%d missing, want 7200", missing)
			}
		},
		"26fe-jsonstat.py__cso_ie-CIA01.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil) // sizes are strings
			wantDims(t, cells, 8325, "County and Region", "Year", "Statistic")
			wantCell(t, cells, 0, 41692)
			wantCell(t, cells, 8324, 89.5)
			if st := statuses(cells); st[""] != 8325 {
				t.Errorf("statuses %v, want none", st)
			}
			if d := decodeShared(t, rel)[0]; !slices.Equal(d.sizes, []int{37, 15, 15}) {
				t.Errorf("sizes %v", d.sizes)
			}
		},
		"predicador37-pyjstat__statswe.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 1120, "Region", "Dodsorsak", "Alder", "Kon", "ContentsCode", "Tid")
			wantCell(t, cells, 0, 0) // a zero stays a zero, not a missing value
			wantCell(t, cells, 1119, 137)
			zeros := 0
			for _, c := range cells {
				if !c.Missing && c.Value == 0 {
					zeros++
				}
			}
			if zeros != 370 || countMissing(cells) != 0 {
				t.Errorf("%d zeros and %d missing, want 370 and 0", zeros, countMissing(cells))
			}
			if a, _ := cells[500].Code("Alder"); a != "35-39" {
				t.Errorf("row 500 Alder %q, want 35-39", a)
			}
		},
		"predicador37-pyjstat__QS104EW.json": func(t *testing.T, rel string) {
			// 4 ids but 3 sizes: the categories decide (pyjstat: 3 rows).
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 3, "2011WARDH", "CL_0000035", "Att_000001", "CL_0000137")
			wantCell(t, cells, 0, 56075912, "K04000001", "CI_0000121", "Segment_1", "CI_0000001")
			wantCell(t, cells, 1, 27573376, "K04000001", "CI_0000071", "Segment_1", "CI_0000001")
			wantCell(t, cells, 2, 28502536, "K04000001", "CI_0000070", "Segment_1", "CI_0000001")
			if r := cells[0].Table.Roles; r["2011WARDH"] != "geo" || r["CL_0000137"] != "time" || r["Att_000001"] != "metric" {
				t.Errorf("roles %v", r)
			}
		},
		"predicador37-pyjstat__ons.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 261, "2011CMLADH", "CL_0000304", "CL_0000035", "Att_000001", "CL_0000137")
			wantValues(t, cells, 0, 195074, 96699, 98375, 1524)
			wantValues(t, cells, 257, 30, 234, 101, 133)
		},
		"predicador37-pyjstat__cantabria.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 5400, "Trimestre", "Sexo", "Grupo de edad", "Variables")
			wantCell(t, cells, 121, 154.3, "2005 - 1", "Hombres", "Total", "Activos")
			wantCell(t, cells, 5394, 109.0)
			if n := countMissing(cells); n != 1195 {
				t.Errorf("%d missing, want 1195", n)
			}
		},
		"ajschumacher-rjstat__bundle.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			one, two := cellsOf(cells, "dataset"), cellsOf(cells, "dataset2")
			wantDims(t, one, 6, "testdimension1", "testdimension2", "testdimension3")
			wantValues(t, one, 0, 1.23456789, 2.3456789, 3.456789, 4.56789, 5.6789, 6.789)
			wantCell(t, one, 1, 2.3456789, "testcategory11", "testcategory22", "testcategory3")
			wantDims(t, two, 4, "testdimension")
			if !two[0].Missing || two[1].Value != 2 || !two[2].Missing || two[3].Value != 4 { // c(NA,2,NA,4)
				t.Errorf("dataset2 = %+v", two)
			}
			sets := decodeShared(t, rel)
			if sets[0].label != "A dataset with array value" || sets[1].label != "A dataset with object value" {
				t.Errorf("labels %q %q", sets[0].label, sets[1].label)
			}
			if got := readShared(t, "jsonstat", rel, map[string]string{"dataset": "A dataset with object value"}); len(got) != 4 {
				t.Errorf("dataset by label: %d cells", len(got))
			}
		},
		"MortenGregersen-swift-jsonstat__nama_10_gdp.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 64, "freq", "unit", "na_item", "geo", "time")
			wantCell(t, cells, 0, 111.757, "A", "CLV_I20", "B1GQ", "DK", "2023")
			wantCell(t, cells, 63, -3.7)
			if st := statuses(cells); st["d"] != 2 || cells[42].Status != "d" || cells[43].Status != "d" {
				t.Errorf("statuses %v", st)
			}
		},
		"MortenGregersen-swift-jsonstat__nama_10_gdp.csv": func(t *testing.T, rel string) {
			compareCSV(t, rel, decodeShared(t, namaJSON)[0], readShared(t, "jsonstat", namaJSON, nil), true)
		},
		"MortenGregersen-swift-jsonstat__HISB3.json": func(t *testing.T, rel string) {
			cells := readShared(t, "jsonstat", rel, nil)
			wantDims(t, cells, 6, "BEVÆGELSE", "ContentsCode", "Tid")
			wantValues(t, cells, 0, 5873, 5933, 2923, 2949, 2951, 2984)
			c := lookup(t, cells, "dataset", map[string]string{"BEVÆGELSE": "M+K", "Tid": "2023"})
			if c.Value != 5933 {
				t.Errorf("(M+K, 2023) = %v, want 5933", c.Value)
			}
		},
		"MortenGregersen-swift-jsonstat__HISB3.csv": func(t *testing.T, rel string) {
			compareCSV(t, rel, decodeShared(t, hisbJSON)[0], readShared(t, "jsonstat", hisbJSON, nil), false)
		},
	})
}

func checkEurostatStatus(t *testing.T, cells []extractors.Cell, missing int) {
	t.Helper()
	// Eurostat's old status pseudo-dimension gives ":" exactly on the nulls.
	for i, c := range cells {
		if c.Missing != (c.Status == ":") {
			t.Fatalf("cell %d: missing %v, status %q", i, c.Missing, c.Status)
		}
	}
	if n := countMissing(cells); n != missing {
		t.Errorf("%d missing, want %d", n, missing)
	}
}

// checkOrder uses order.json, whose string values name their own
// coordinates, to check the stride order twice: on the raw values and on
// the cells the reader emits.
func checkOrder(t *testing.T, rel string) {
	// Upstream typo: position 11 says "A1B1C4" where its coordinates are
	// A2B1C4; every other value names its own cell.
	const typoPos, typoValue = 11, "A1B1C4"
	name := func(codes []string) string {
		return "A" + codes[0] + "B" + codes[1] + "C" + codes[2]
	}
	d := decodeShared(t, rel)[0]
	if !slices.Equal(d.sizes, []int{3, 2, 4}) {
		t.Fatalf("sizes %v", d.sizes)
	}
	in := extractors.Input{Name: rel}
	n := 0
	err := d.walk(context.Background(), in, func(pos int, idx []int, v rawJSON, _ string) error {
		codes := []string{d.dims[0].codes[idx[0]], d.dims[1].codes[idx[1]], d.dims[2].codes[idx[2]]}
		s, ok := v.str()
		want := name(codes)
		if pos == typoPos {
			want = typoValue
		}
		if !ok || s != want {
			t.Errorf("value %d = %s, want %q", pos, v, want)
		}
		n++
		return nil
	})
	if err != nil || n != 24 {
		t.Fatalf("walked %d cells: %v", n, err)
	}
	// order.json's values are text: read them as missing, their text kept.
	cells := readShared(t, "jsonstat", rel, map[string]string{"text_values": "missing"})
	wantDims(t, cells, 24, "A", "B", "C")
	for i, c := range cells {
		want := name(c.Codes)
		if i == typoPos {
			want = typoValue
		}
		if !c.Missing || c.Status != want {
			t.Errorf("cell %d %q: missing %v status %q, want the string %q as status", i, c.Codes, c.Missing, c.Status, want)
		}
	}
	if cells[0].Status != "A1B1C1" || cells[23].Status != "A3B2C4" {
		t.Errorf("first %q last %q", cells[0].Status, cells[23].Status)
	}
}

// A synthetic dataset with the quirks no sample combines: multi-letter
// flags, sizes as strings, two geo roles, an index object in shuffled
// order, a sparse status object, a null, numeric and symbol strings, codes
// with '+' and non-ASCII.
const quirky = `{
  "version": "2.0", "class": "dataset", "label": "quirks",
  "id": ["from", "to", "Ålder", "time"],
  "size": ["2", "1", "2", 1],
  "role": {"geo": ["from", "to"], "time": "time"},
  "dimension": {
    "from": {"category": {"index": {"RU": 1, "BY+UA": 0}}},
    "to": {"category": {"label": {"DE": "Germany"}}},
    "Ålder": {"category": {"index": ["0-14", "65+"]}},
    "time": {"category": {"index": {"2023": 0}}}
  },
  "value": [1, null, "12.5", ".."],
  "status": {"0": "ep", "1": "c", "3": null}
}`

func TestJSONStatQuirks(t *testing.T) {
	cells, err := readBody(t, "jsonstat", "quirky.json", []byte(quirky), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 4, "from", "to", "Ålder", "time")
	wantCell(t, cells, 0, 1, "BY+UA", "DE", "0-14", "2023")
	if cells[0].Status != "ep" {
		t.Errorf("multi-letter flag lost: %q", cells[0].Status)
	}
	if c := cells[1]; !c.Missing || c.Status != "c" || c.Value != 0 {
		t.Errorf("null cell %+v", c)
	}
	wantCell(t, cells, 2, 12.5, "RU", "DE", "0-14", "2023")
	if c := cells[3]; !c.Missing || c.Status != ".." {
		t.Errorf(`".." cell %+v, want missing with status ".."`, c)
	}
	r := cells[0].Table.Roles
	if r["from"] != "geo" || r["to"] != "geo" || r["time"] != "time" || r["Ålder"] != "" {
		t.Errorf("roles %v", r)
	}
	// Cells own their codes: keeping one must not see later ones.
	if cells[0].Codes[0] != "BY+UA" || cells[3].Codes[2] != "65+" {
		t.Errorf("codes were reused: %q %q", cells[0].Codes, cells[3].Codes)
	}
}

func TestJSONStatStatusShapes(t *testing.T) {
	base := `{"class":"dataset","id":["a"],"size":[3],"dimension":{"a":{"category":{"index":["x","y","z"]}}},"value":[1,2,null]`
	for _, tc := range []struct {
		status string
		want   []string
	}{
		{`"p"`, []string{"p", "p", "p"}},
		{`["p"]`, []string{"p", "p", "p"}},
		{`["p", null, "b"]`, []string{"p", "", "b"}},
		{`{"2": "..", "0": "e"}`, []string{"e", "", ".."}},
		{`[]`, []string{"", "", ""}},
		{`null`, []string{"", "", ""}},
	} {
		cells, err := readBody(t, "jsonstat", "s.json", []byte(base+`,"status":`+tc.status+`}`), nil)
		if err != nil {
			t.Errorf("status %s: %v", tc.status, err)
			continue
		}
		var got []string
		for _, c := range cells {
			got = append(got, c.Status)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("status %s gives %q, want %q", tc.status, got, tc.want)
		}
	}
}

func TestJSONStatErrors(t *testing.T) {
	ds := func(size, index, value, extra string) string {
		return `{"version":"2.0","class":"dataset","id":["a","b"],"size":` + size +
			`,"dimension":{"a":{"category":{"index":["a1","a2"]}},"b":{"category":{"index":` + index + `}}},"value":` + value + extra + `}`
	}
	good := ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,3,4,5,6]`, ``)
	if _, err := readBody(t, "jsonstat", "good.json", []byte(good), nil); err != nil {
		t.Fatalf("the base case fails: %v", err)
	}
	for _, tc := range []struct {
		name, body, position string
		says                 []string
	}{
		{"html page", `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>`, "byte 0", []string{"HTML", "Just a moment..."}},
		{"html with BOM and space", "\xEF\xBB\xBF\n  <html><body>Service unavailable</body></html>", "byte 0", []string{"HTML page, not JSON"}},
		{"xml", `<?xml version="1.0"?><error>no</error>`, "byte 0", []string{"XML, not JSON"}},
		{"plain text", `Too Many Requests`, "byte 0", []string{"not JSON", "Too Many Requests"}},
		{"empty", " \n", "", []string{"empty body"}},
		{"truncated", good[:len(good)/2], fmt.Sprintf("byte %d", len(good)/2), []string{"truncated JSON"}},
		{"syntax", `{"class":"dataset",,}`, "byte 20", []string{"invalid JSON"}},
		{"top-level array", `[1,2]`, "$", []string{"object at the top"}},
		{"not json-stat", `{"hello":"world"}`, "$", []string{"not JSON-stat", "hello"}},
		{"size mismatch", ds(`[2,4]`, `["b1","b2","b3"]`, `[1,2,3,4,5,6,7,8]`, ``), "$.size[1]", []string{"size mismatch", `"b"`, "3 categories"}},
		{"size not a number", ds(`[2,"three"]`, `["b1","b2","b3"]`, `[1,2,3,4,5,6]`, ``), "$.size[1]", []string{"not a whole number"}},
		{"value too short", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,3,4,5]`, ``), "$.value", []string{"5 items, want 6"}},
		{"value too long", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,3,4,5,6,7]`, ``), "$.value", []string{"7 items, want 6"}},
		{"value empty", ds(`[2,3]`, `["b1","b2","b3"]`, `[]`, ``), "$.value", []string{"empty", "6 cells"}},
		{"value boolean", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,true,4,5,6]`, ``), "$.value[2]", []string{"a boolean"}},
		{"value nested", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,3,4,5,[6]]`, ``), "$.value[5]", []string{"an array"}},
		{"value overflow", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,3,4,5,1e999]`, ``), "$.value[5]", []string{"out of range"}},
		{"value a string", ds(`[2,3]`, `["b1","b2","b3"]`, `"123"`, ``), "$.value", []string{"a string"}},
		{"value text", ds(`[2,3]`, `["b1","b2","b3"]`, `[1,2,"#VALUE!",4,"..",6]`, ``), "$.value[2]", []string{`"#VALUE!"`, "neither a number nor a missing-value symbol"}},
		{"utf-16", "\xFF\xFE{\x00}\x00", "byte 0", []string{"UTF-16LE, not UTF-8"}},
		{"utf-16 without a byte-order mark", "\x00{\x00}", "byte 0", []string{"UTF-16BE"}},
		{"sparse key", ds(`[2,3]`, `["b1","b2","b3"]`, `{"0":1,"x":2}`, ``), `$.value.x`, []string{"not a cell position"}},
		{"sparse out of range", ds(`[2,3]`, `["b1","b2","b3"]`, `{"0":1,"6":2}`, ``), `$.value["6"]`, []string{"outside the 6 cells"}},
		{"status number", good[:len(good)-1] + `,"status":5}`, "$.status", []string{"status is a number"}},
		{"status array length", good[:len(good)-1] + `,"status":["a","b"]}`, "$.status", []string{"2 items, want 1 or 6"}},
		{"status item", good[:len(good)-1] + `,"status":["a","b","c","d","e",7]}`, "$.status[5]", []string{"a number"}},
		{"status key", good[:len(good)-1] + `,"status":{"1":"e","first":"x"}}`, "$.status.first", []string{"not a cell position"}},
		{"status sparse value", good[:len(good)-1] + `,"status":{"1":true}}`, `$.status["1"]`, []string{"a boolean"}},
		{"status out of range", good[:len(good)-1] + `,"status":{"9":"e"}}`, `$.status["9"]`, []string{"outside the 6 cells"}},
		{"index positions collide", ds(`[2,3]`, `{"b1":0,"b2":0,"b3":2}`, `[1,2,3,4,5,6]`, ``), `$.dimension.b.category.index.b2`, []string{"share position 0"}},
		{"index position outside", ds(`[2,3]`, `{"b1":0,"b2":1,"b3":3}`, `[1,2,3,4,5,6]`, ``), `$.dimension.b.category.index.b3`, []string{"outside the 3 categories"}},
		{"index duplicate code", ds(`[2,3]`, `["b1","b1","b3"]`, `[1,2,3,4,5,6]`, ``), `$.dimension.b.category.index[1]`, []string{"listed twice"}},
		{"index wrong type", ds(`[2,3]`, `"b1"`, `[1,2,3,4,5,6]`, ``), `$.dimension.b.category.index`, []string{"want an array or an object"}},
		{"no index, many labels", `{"class":"dataset","id":["a"],"size":[2],"dimension":{"a":{"category":{"label":{"x":"X","y":"Y"}}}},"value":[1,2]}`, "$.dimension.a.category", []string{"order is unknown"}},
		{"undescribed dimension", `{"class":"dataset","id":["a","zz"],"size":[1,1],"dimension":{"a":{"category":{"index":["x"]}}},"value":[1]}`, "$.dimension.zz", []string{"not described"}},
		{"duplicate dimension", `{"class":"dataset","id":["a","a"],"size":[1,1],"dimension":{"a":{"category":{"index":["x"]}}},"value":[1]}`, "$.id[1]", []string{"listed twice"}},
		{"role names unknown", good[:len(good)-1] + `,"role":{"geo":["a","c"]}}`, "$.role.geo", []string{`"c"`, "not in id"}},
		{"no value", `{"class":"dataset","id":["a"],"size":[1],"dimension":{"a":{"category":{"index":["x"]}}}}`, "$", []string{"no value"}},
		{"dimension class", `{"class":"dimension","label":"x"}`, "$.class", []string{"dimension, not a dataset"}},
		{"unknown class", `{"class":"cube"}`, "$.class", []string{"unknown JSON-stat class"}},
		{"max cells", `{"class":"dataset","id":["a","b"],"size":[100000,100000],"dimension":{},"value":[]}`, "$.size", []string{"max_cells=50000000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := readBody(t, "jsonstat", "bad.json", []byte(tc.body), nil)
			wantFormatError(t, err, tc.position, tc.says...)
			if len(cells) != 0 {
				t.Errorf("%d cells emitted before the error", len(cells))
			}
		})
	}
}

func TestJSONStatChecksBeforeEmitting(t *testing.T) {
	// The second dataset of a bundle is broken at its last value: nothing,
	// not even the first dataset, reaches the consumer.
	body := `{"one":{"dimension":{"id":["a"],"size":[2],"a":{"category":{"index":["x","y"]}}},"value":[1,2]},
	          "two":{"dimension":{"id":["a"],"size":[2],"a":{"category":{"index":["x","y"]}}},"value":[1,{}]}}`
	cells, err := readBody(t, "jsonstat", "bundle.json", []byte(body), nil)
	wantFormatError(t, err, "$.two.value[1]", "an object")
	if len(cells) != 0 {
		t.Errorf("%d cells emitted", len(cells))
	}
}

func TestJSONStatCollections(t *testing.T) {
	// Nested collections are followed; link-only items are skipped when
	// something is embedded.
	body := `{"version":"2.0","class":"collection","link":{"item":[
	  {"class":"dataset","href":"https://example.org/elsewhere.json"},
	  {"class":"collection","label":"inner","link":{"item":[
	    {"class":"dataset","href":"https://example.org/x.json","id":["a"],"size":[1],"dimension":{"a":{"category":{"index":["x"]}}},"value":[7]}
	  ]}}]}}`
	cells, err := readBody(t, "jsonstat", "col.json", []byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cells[0].Value != 7 || cells[0].Table.Dataset != "https://example.org/x.json" {
		t.Errorf("cells %+v", cells)
	}
	_, err = readBody(t, "jsonstat", "col.json", []byte(body), map[string]string{"dataset": "nope"})
	wantFormatError(t, err, "", `no dataset "nope"`, "https://example.org/x.json")
}

func TestJSONStatLimitsAndParams(t *testing.T) {
	rel := "jsonstat/26fe-jsonstat.py__oecd.json"
	body := sharedBytes(t, rel)
	_, err := readBody(t, "jsonstat", rel, body, map[string]string{"max_bytes": "1000"})
	wantFormatError(t, err, "", "larger than max_bytes=1000")
	if _, err := readBody(t, "jsonstat", rel, body, map[string]string{"max_bytes": strconv.Itoa(len(body))}); err != nil {
		t.Errorf("a body of exactly max_bytes fails: %v", err)
	}
	_, err = readBody(t, "jsonstat", rel, body, map[string]string{"max_cells": "431"})
	wantFormatError(t, err, "$.size", "max_cells=431")
	_, err = readBody(t, "jsonstat", rel, body, map[string]string{"max_bytes": "lots"})
	var fe *extractors.FormatError
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "max_bytes") {
		t.Errorf("bad parameter: want a plain error naming max_bytes, got %v", err)
	}
}

func TestJSONStatEmitErrorAndCancel(t *testing.T) {
	r, _ := extractors.ReaderFor("jsonstat")
	body := sharedBytes(t, "jsonstat/26fe-jsonstat.py__oecd.json")
	stop := errors.New("enough")
	n := 0
	err := r.Read(context.Background(), extractors.Input{Name: "oecd", Body: bytes.NewReader(body)}, func(extractors.Cell) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("emit error: got %v after %d cells", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = r.Read(ctx, extractors.Input{Name: "oecd", Body: bytes.NewReader(body)}, func(extractors.Cell) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestLimitReader(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int64
		err   error
	}{
		{"abc", 3, nil},
		{"abc", 10, nil},
		{"abcd", 3, ErrTooLarge},
		{"", 1, nil},
	} {
		got, err := io.ReadAll(LimitReader(strings.NewReader(tc.in), tc.limit))
		if !errors.Is(err, tc.err) {
			t.Errorf("%q limit %d: err %v, want %v", tc.in, tc.limit, err, tc.err)
		}
		if tc.err == nil && string(got) != tc.in {
			t.Errorf("%q limit %d: read %q", tc.in, tc.limit, got)
		}
	}
}

// FuzzJSONStat feeds both readers mutated samples: they must never panic,
// must fail only with a FormatError, and every cell they emit must be
// well-formed.
func FuzzJSONStat(f *testing.F) {
	for _, dir := range []string{"jsonstat", "pxweb"} {
		files, _ := filepath.Glob(filepath.Join(sharedFormats, dir, "*.json"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(quirky))
	f.Add([]byte(`{"columns":[{"code":"Tid","text":"år","type":"t"},{"code":"X","text":"x","type":"c"}],"data":[{"key":["2020"],"values":[".."]}]}`))
	f.Add([]byte(`<html><title>x</title></html>`))
	params := map[string]string{"max_cells": "100000", "max_bytes": "1000000"}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, format := range []string{"jsonstat", "pxweb"} {
			cells, err := readBody(t, format, "fuzz", body, params)
			if err != nil {
				var fe *extractors.FormatError
				if !errors.As(err, &fe) {
					t.Fatalf("%s: not a FormatError: %T %v", format, err, err)
				}
				continue
			}
			if len(cells) == 0 {
				t.Fatalf("%s: no cells and no error", format)
			}
			for i, c := range cells {
				if len(c.Codes) != len(c.Table.Dims) {
					t.Fatalf("%s: cell %d has %d codes for %d dims", format, i, len(c.Codes), len(c.Table.Dims))
				}
				if c.Missing && c.Value != 0 || math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
					t.Fatalf("%s: cell %d = %+v", format, i, c)
				}
			}
		}
	})
}
