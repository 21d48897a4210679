package formats

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// sharedReal holds real files with published figures (see its README and
// MANIFEST.tsv); the figures the tests check come from that MANIFEST.
const sharedReal = "../../../shared/realdata"

func realBytes(t testing.TB, name string) []byte {
	t.Helper()
	if _, err := os.Stat(sharedReal); err != nil {
		t.Skipf("folder %s is absent (a clone without shared/): %v", sharedReal, err)
	}
	b, err := os.ReadFile(filepath.Join(sharedReal, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realFacts returns the russia_figures_examples column of the realdata
// MANIFEST for a file.
func realFacts(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedReal, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("realdata MANIFEST absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if cols[0] == name && len(cols) > 4 {
			return cols[4]
		}
	}
	t.Fatalf("%s is not in the realdata MANIFEST", name)
	return ""
}

var factPair = regexp.MustCompile(`(?:\b([A-Z]{2})\b(?: [a-z]+)* )?(\d{4})=(\d+)`)

// countryYearFacts reads "DE 2021=13354, 2022=19759; ES 2022=12494" into
// country -> year -> value.
func countryYearFacts(t testing.TB, facts string) map[string]map[string]float64 {
	t.Helper()
	out := map[string]map[string]float64{}
	country := ""
	for _, m := range factPair.FindAllStringSubmatch(facts, -1) {
		if m[1] != "" {
			country = m[1]
		}
		if country == "" {
			continue
		}
		v, _ := strconv.ParseFloat(m[3], 64)
		if out[country] == nil {
			out[country] = map[string]float64{}
		}
		out[country][m[2]] = v
	}
	if len(out) == 0 {
		t.Fatalf("no country figures in %q", facts)
	}
	return out
}

// cellIndex maps each cell's codes (joined by "|") to the cell.
func cellIndex(t testing.TB, cells []extractors.Cell) map[string]extractors.Cell {
	t.Helper()
	idx := map[string]extractors.Cell{}
	for _, c := range cells {
		k := strings.Join(c.Codes, "|")
		if _, dup := idx[k]; dup {
			t.Fatalf("two cells with codes %q", c.Codes)
		}
		idx[k] = c
	}
	return idx
}

func wantAt(t testing.TB, idx map[string]extractors.Cell, key string, want float64) {
	t.Helper()
	c, ok := idx[key]
	switch {
	case !ok:
		t.Errorf("no cell %q", key)
	case c.Missing:
		t.Errorf("cell %q is missing (status %q), want %v", key, c.Status, want)
	case c.Value != want:
		t.Errorf("cell %q = %v, want %v", key, c.Value, want)
	}
}

func mustRead(t testing.TB, format, name string, body []byte, params map[string]string) []extractors.Cell {
	t.Helper()
	cells, err := readBody(t, format, name, body, params)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cells
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The layout, through the CSV reader: long and wide tables, several header
// rows, markers, missing symbols, the stop pattern and column references.
func TestGridLayout(t *testing.T) {
	wide := "Title line\n\nCountry,Sex,2022,2023,2024\nRussia,T,\"12 345*\",\"1\u00a0234,5\",--\nRussia,M,:,7 e,\n\nNotes: figures are provisional\n"
	cells := mustRead(t, "csv", "wide.csv", []byte(wide), map[string]string{
		"header_row": "3", "dim.geo": "Country", "dim.sex": "#2", "melt_dims": "year", "decimal": ",",
	})
	// The notes row has no values: skipped, not an error.
	wantDims(t, cells, 6, "geo", "sex", "year")
	idx := cellIndex(t, cells)
	wantAt(t, idx, "Russia|T|2022", 12345)
	wantAt(t, idx, "Russia|T|2023", 1234.5)
	wantAt(t, idx, "Russia|M|2023", 7)
	for key, status := range map[string]string{"Russia|T|2022": "*", "Russia|T|2024": "--", "Russia|M|2022": ":", "Russia|M|2023": "e", "Russia|M|2024": ""} {
		if got := idx[key].Status; got != status {
			t.Errorf("%s status %q, want %q", key, got, status)
		}
	}
	for _, key := range []string{"Russia|T|2024", "Russia|M|2022", "Russia|M|2024"} {
		if c := idx[key]; !c.Missing || c.Value != 0 {
			t.Errorf("%s = %+v, want missing", key, c)
		}
	}

	// Two header rows with header_fill, melt restricted by a pattern, one
	// dimension per header row.
	twoRows := "Country;2022;;2023;\n;H1;H2;H1;H2\nRussia;1;2;3;4\nTotal;9;9;9;9\n"
	cells = mustRead(t, "csv", "two.csv", []byte(twoRows), map[string]string{
		"delimiter": ";", "header_rows": "2", "header_fill": "right", "dim.geo": "Country",
		"melt": `^2023 `, "melt_dims": "year,half", "stop": "^Total$",
	})
	wantDims(t, cells, 2, "geo", "year", "half")
	idx = cellIndex(t, cells)
	wantAt(t, idx, "Russia|2023|H1", 3)
	wantAt(t, idx, "Russia|2023|H2", 4)

	// header_match finds a header that moved down as notes rows were added
	// above it: both layouts read alike, positions name the real rows.
	for _, above := range []string{"Title\n", "Title\nNote 1: provisional\nNote 2: Year is the calendar year\n"} {
		moved := above + "Year,Quarter,Nationality,Decisions\n2023,2023 Q1,Russia,12\n2023,2023 Q2,Russia,abc\n"
		_, err := readBody(t, "csv", "moved.csv", []byte(moved), map[string]string{
			"header_match": "^Year$", "dim.quarter": "Quarter", "dim.nationality": "Nationality", "value": "Decisions",
		})
		row := strconv.Itoa(strings.Count(above, "\n") + 3)
		wantFormatError(t, err, "line "+row+", column 4", `"abc"`)
		cells = mustRead(t, "csv", "moved.csv", []byte(strings.Replace(moved, ",abc\n", ",3\n", 1)), map[string]string{
			"header_match": "^Year$", "dim.quarter": "Quarter", "dim.nationality": "Nationality", "value": "Decisions",
		})
		wantDims(t, cells, 2, "quarter", "nationality")
		idx = cellIndex(t, cells)
		wantAt(t, idx, "2023 Q1|Russia", 12)
		wantAt(t, idx, "2023 Q2|Russia", 3)
	}

	// A long table with a status column.
	long := "geo\ttime\tobs\tflag\nRU\t2023\t1,234\tp\nRU\t2024\t\tc\n"
	cells = mustRead(t, "csv", "long.tsv", []byte(long), map[string]string{
		"delimiter": "tab", "dim.geo": "geo", "dim.time": "time", "value": "obs", "status": "flag",
	})
	wantDims(t, cells, 2, "geo", "time")
	if c := cells[0]; c.Value != 1234 || c.Status != "p" {
		t.Errorf("first cell %+v, want 1234 p", c)
	}
	if c := cells[1]; !c.Missing || c.Status != "c" {
		t.Errorf("second cell %+v, want missing with status c", c)
	}
}

func TestGridLayoutErrors(t *testing.T) {
	body := []byte("Country,2022,2023\nRussia,12,2015 Total\nBelarus,x1,3\n")
	cases := []struct {
		name   string
		body   []byte
		params map[string]string
		pos    string
		says   []string
	}{
		{"text after a number is not a flag", body, map[string]string{"dim.geo": "Country"}, "line 2, column 3", []string{`"2015 Total"`, "neither a number"}},
		{"a letter before digits", []byte("Country,2022\nBelarus,x1\n"), map[string]string{"dim.geo": "Country"}, "line 2, column 2", []string{`"x1"`}},
		{"unknown column", body, map[string]string{"dim.geo": "Land"}, "line 1, column 1", []string{`no column "Land"`, `1="Country"`}},
		{"no dimension", body, map[string]string{}, "line 1, column 1", []string{"declares no dimension"}},
		{"header only", []byte("Country,2022\n"), map[string]string{"dim.geo": "Country"}, "", []string{"no data rows"}},
		{"too many rows", []byte("Country,2022\nRussia,1\nBelarus,2\n"), map[string]string{"dim.geo": "Country", "max_rows": "1"}, "line 3, column 1", []string{"max_rows=1"}},
		{"cell too long", []byte("Country,2022\n" + strings.Repeat("R", 100) + ",1\n"), map[string]string{"dim.geo": "Country", "max_cell_bytes": "50"}, "line 2, column 1", []string{"max_cell_bytes=50"}},
		{"values all empty", []byte("Country,2022\nRussia,\n"), map[string]string{"dim.geo": "Country"}, "", []string{"no values"}},
		{"header_match finds no header", []byte("Title\nCountry,2022\nRussia,1\n"), map[string]string{"dim.geo": "Country", "header_match": "^Land$"}, "", []string{"header_match", `"^Land$"`, "gone or renamed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readBody(t, "csv", "bad.csv", c.body, c.params)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
	for name, params := range map[string]map[string]string{
		"long and wide":                 {"dim.geo": "Country", "value": "2022", "melt": "20"},
		"bad melt_dims":                 {"dim.geo": "Country", "melt_dims": "a,b"},
		"bad decimal":                   {"dim.geo": "Country", "decimal": ";"},
		"bad range":                     {"dim.geo": "Country", "range": "3B:A1"},
		"bad header_rows":               {"dim.geo": "Country", "header_rows": "-1"},
		"bad stop pattern":              {"dim.geo": "Country", "stop": "("},
		"bad header_match":              {"dim.geo": "Country", "header_match": "("},
		"header_match without a header": {"dim.geo": "#1", "header_row": "0", "header_match": "^Country$"},
	} {
		if _, err := readBody(t, "csv", "p.csv", body, params); err == nil || !strings.Contains(err.Error(), "parameter") {
			t.Errorf("%s: err = %v, want a parameter error", name, err)
		}
	}
}
