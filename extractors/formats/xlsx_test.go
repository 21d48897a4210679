package formats

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

const irccXLSX = "fmsl11-cs2703__EN_ODP-PR-Citz.xlsx"

var irccXLSXParams = map[string]string{
	"sheet": "PR - CITZ", "header_row": "3", "header_rows": "3",
	"dim.citizenship": "Country of Citizenship", "melt_dims": "year,quarter,month", "stop": `^Notes:`,
}

// IRCC's permanent residents workbook as published: three header rows (the
// year in merged cells), text cells like "2,125" and "--". Russia's yearly
// totals, January 2025, and the 2024 figures the MANIFEST gives for
// Belarus, Ukraine and all countries all agree.
func TestXLSXIRCCRealFile(t *testing.T) {
	cells := mustRead(t, "xlsx", irccXLSX, realBytes(t, irccXLSX), irccXLSXParams)
	idx := cellIndex(t, cells)
	facts := realFacts(t, irccXLSX)
	russia := regexp.MustCompile(`(?:^|, )(\d{4})=(\d+)`)
	n := 0
	for _, m := range russia.FindAllStringSubmatch(facts[:bytes.IndexByte([]byte(facts), '(')], -1) {
		want, _ := strconv.ParseFloat(m[2], 64)
		wantAt(t, idx, "Russia|"+m[1]+"|"+m[1]+" Total|"+m[1]+" Total", want)
		n++
	}
	if n < 5 {
		t.Fatalf("only %d Russia facts parsed from %q", n, facts)
	}
	jan := regexp.MustCompile(`Jan (\d{4})=(\d+)`).FindStringSubmatch(facts)
	want, _ := strconv.ParseFloat(jan[2], 64)
	wantAt(t, idx, "Russia|"+jan[1]+"|Q1|Jan", want)
	for label, row := range map[string]string{"Belarus": "Belarus", "Ukraine": "Ukraine", "all countries": "Total"} {
		m := regexp.MustCompile(label + ` (\d{4})=(\d+)`).FindStringSubmatch(facts)
		want, _ := strconv.ParseFloat(m[2], 64)
		wantAt(t, idx, row+"|"+m[1]+"|"+m[1]+" Total|"+m[1]+" Total", want)
	}
	// "--" is 0-5 suppressed: missing with its symbol, never 0.
	suppressed := 0
	for _, c := range cells {
		if c.Missing {
			if c.Status != "--" {
				t.Fatalf("missing cell %v with status %q", c.Codes, c.Status)
			}
			suppressed++
		}
	}
	if suppressed == 0 {
		t.Error("no suppressed cells")
	}
	// Without merged-cell filling the year is only in the range's first
	// column: the first month of a year keeps it, later ones do not.
	p := map[string]string{"merged": "ignore"}
	for k, v := range irccXLSXParams {
		p[k] = v
	}
	p["melt_dims"] = "column"
	seen := map[string]bool{}
	for _, c := range mustRead(t, "xlsx", irccXLSX, realBytes(t, irccXLSX), p) {
		if c.Codes[0] == "Russia" {
			seen[c.Codes[1]] = true
		}
	}
	if !seen["2022 Q1 Jan"] || !seen["Feb"] || seen["2022 Q1 Feb"] {
		t.Errorf("merged=ignore: columns %v, want the year only over the first month", seen)
	}
}

var eurostatXLSXCountries = map[string]string{
	"DE": "Germany", "ES": "Spain", "FR": "France", "IT": "Italy", "NL": "Netherlands",
	"NO": "Norway", "DK": "Denmark", "LU": "Luxembourg", "UK": "United Kingdom",
}

// The Eurostat Data Browser exports (row 1 'TIME' + years, ':' missing):
// every figure the MANIFEST gives agrees.
func TestXLSXEurostatExports(t *testing.T) {
	for _, table := range []string{"migr_resfirst", "migr_resvalid", "migr_pop1ctz", "migr_acq", "migr_emi1ctz", "migr_imm"} {
		name := "KiraKicka-Ru-EU-Migration-Retention-Analyzer__" + table + ".xlsx"
		t.Run(table, func(t *testing.T) {
			cells := mustRead(t, "xlsx", name, realBytes(t, name), map[string]string{"dim.geo": "TIME", "melt_dims": "year"})
			wantDims(t, cells, len(cells), "geo", "year")
			idx := cellIndex(t, cells)
			for cc, years := range countryYearFacts(t, realFacts(t, name)) {
				for y, v := range years {
					wantAt(t, idx, eurostatXLSXCountries[cc]+"|"+y, v)
				}
			}
			for _, c := range cells {
				if c.Missing && c.Status != ":" {
					t.Fatalf("missing %v with status %q, want ':'", c.Codes, c.Status)
				}
			}
		})
	}
}

// A workbook built here with excelize: typed numbers, a range, a sheet by
// number, positions named Sheet!C7.
func TestXLSXLayoutAndErrors(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Note above the table"},
		{nil, "Country", 2022, 2023, "ignored"},
		{nil, "Russia", 1234.5, "12 345*", "x"},
		{nil, "Belarus", "..", "abc", "x"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Data", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	body := buf.Bytes()
	params := map[string]string{"sheet": "#1", "range": "B2:D3", "dim.geo": "Country", "melt_dims": "year"}
	cells := mustRead(t, "xlsx", "built.xlsx", body, params)
	wantDims(t, cells, 2, "geo", "year")
	wantCell(t, cells, 0, 1234.5, "Russia", "2022")
	if cells[1].Value != 12345 || cells[1].Status != "*" {
		t.Errorf("text cell: %+v", cells[1])
	}
	params["range"] = "B2:D4"
	_, err := readBody(t, "xlsx", "built.xlsx", body, params)
	wantFormatError(t, err, "Data!D4", `"abc"`)

	for name, c := range map[string]struct {
		body   []byte
		params map[string]string
		pos    string
		says   []string
	}{
		"no such sheet": {body, map[string]string{"sheet": "Daten", "dim.geo": "Country"}, "", []string{`no sheet "Daten"`, `"Data"`}},
		"sheet number":  {body, map[string]string{"sheet": "#3", "dim.geo": "Country"}, "", []string{"1 sheets"}},
		"html":          {[]byte("<!doctype html><title>Just a moment...</title>"), nil, "byte 0", []string{"HTML page", "Just a moment"}},
		"legacy xls":    {append(bytes.Clone(oleMagic), make([]byte, 100)...), nil, "byte 0", []string{"legacy .xls"}},
		"not a zip":     {[]byte("Country,2022\n"), nil, "byte 0", []string{"no zip signature"}},
		"bomb":          {zipOf(t, map[string][]byte{"xl/worksheets/sheet1.xml": make([]byte, 16<<20)}), nil, "xl/worksheets/sheet1.xml", []string{"max_zip_ratio"}},
	} {
		t.Run(name, func(t *testing.T) {
			if c.params == nil {
				c.params = map[string]string{"dim.geo": "Country"}
			}
			_, err := readBody(t, "xlsx", "bad.xlsx", c.body, c.params)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
}

func FuzzXLSX(f *testing.F) {
	f.Add(zipOf(f, map[string][]byte{"[Content_Types].xml": []byte("<Types/>")}))
	for _, name := range []string{irccXLSX, "KiraKicka-Ru-EU-Migration-Retention-Analyzer__migr_resvalid.xlsx"} {
		if b, err := readFileHead(sharedReal+"/"+name, 1<<20); err == nil {
			f.Add(b)
		}
	}
	params := map[string]string{"dim.geo": "#1", "max_rows": "1000", "max_unzipped_bytes": "8388608"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "xlsx", "fuzz", body, params)
		checkFuzzResult(t, "xlsx", cells, err)
	})
}
