package formats

import (
	"strings"
	"testing"
)

const odsUK = "ods_uk_permits_reconstructed.ods"

var odsUKParams = map[string]string{"sheet": "Perm_01", "header_row": "3", "header_rows": "2", "dim.measure": "Measure", "melt_dims": "x,year"}

// An ODS sheet in the Home Office's layout (a reconstruction, see
// testdata/reconstructed.md): a title spanning columns, a vertically merged header
// cell, thousands of repeated empty cells and a million repeated empty rows
// at the end. Its figures are the United Kingdom's in the realdata Eurostat
// exports.
func TestODSReconstructedSheet(t *testing.T) {
	cells := mustRead(t, "ods", odsUK, testdata(t, odsUK), odsUKParams)
	wantDims(t, cells, 14, "measure", "x", "year")
	idx := cellIndex(t, cells)
	for table, measure := range map[string]string{"migr_resvalid": "Valid permits on 31 December", "migr_resfirst": "First permits issued"} {
		name := "KiraKicka-Ru-EU-Migration-Retention-Analyzer__" + table + ".xlsx"
		real := cellIndex(t, mustRead(t, "xlsx", name, realBytes(t, name), map[string]string{"dim.geo": "TIME", "melt_dims": "year"}))
		for _, y := range []string{"2012", "2013", "2014", "2015", "2016", "2017", "2018"} {
			want := real["United Kingdom|"+y]
			if want.Missing {
				continue
			}
			wantAt(t, idx, measure+"|Year|"+y, want.Value)
		}
	}
	// The first sheet is the cover: picked by default, it has no table.
	_, err := readBody(t, "ods", odsUK, testdata(t, odsUK), map[string]string{"dim.measure": "Measure"})
	wantFormatError(t, err, "", "no data rows")
	_, err = readBody(t, "ods", odsUK, testdata(t, odsUK), map[string]string{"sheet": "Table_9", "dim.measure": "Measure"})
	wantFormatError(t, err, "", `no sheet "Table_9"`, "Cover_sheet", "Perm_01")
	// #2 is the same sheet as its name.
	p := map[string]string{"sheet": "#2"}
	for k, v := range odsUKParams {
		if k != "sheet" {
			p[k] = v
		}
	}
	if n := len(mustRead(t, "ods", odsUK, testdata(t, odsUK), p)); n != len(cells) {
		t.Errorf("sheet #2: %d cells, want %d", n, len(cells))
	}
}

func odsContent(t testing.TB, table string) []byte {
	t.Helper()
	content := `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>` +
		table + `</office:spreadsheet></office:body></office:document-content>`
	return zipOf(t, map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.spreadsheet"), "content.xml": []byte(content)})
}

func TestODSCellsAndErrors(t *testing.T) {
	const c = `<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>`
	cell := func(s string) string { return strings.Replace(c, "%s", s, 1) }
	table := `<table:table table:name="T"><table:table-row>` + cell("Nationality") + cell("2023") + cell("2024") + `</table:table-row>` +
		`<table:table-row>` + cell("Russia") + `<table:table-cell office:value-type="float" office:value="1234"><text:p>1,234</text:p></table:table-cell>` + cell("[x]") + `</table:table-row>` +
		`<table:table-row table:number-rows-repeated="2">` + cell("Belarus") + `<table:table-cell office:value-type="percentage" office:value="0.5"><text:p>50%</text:p></table:table-cell>` + cell("12<text:s text:c=\"1\"/>345*") + `</table:table-row></table:table>`
	cells := mustRead(t, "ods", "t.ods", odsContent(t, table), map[string]string{"dim.nat": "Nationality", "melt_dims": "year", "missing": "[x],[z]"})
	wantDims(t, cells, 6, "nat", "year")
	wantCell(t, cells, 0, 1234, "Russia", "2023")
	if cells[1].Status != "[x]" || !cells[1].Missing {
		t.Errorf("[x]: %+v", cells[1])
	}
	wantCell(t, cells, 2, 0.5, "Belarus", "2023")
	if cells[3].Value != 12345 || cells[3].Status != "*" {
		t.Errorf("text:s and a marker: %+v", cells[3])
	}
	if cells[5].Codes[0] != "Belarus" {
		t.Errorf("a repeated row is read twice: %v", cells[5].Codes)
	}

	// Empty rows repeated billions of times cost nothing: only row numbers.
	huge := `<table:table table:name="T"><table:table-row>` + cell("Nationality") + cell("2024") + `</table:table-row>` +
		strings.Repeat(`<table:table-row table:number-rows-repeated="2000000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`, 20) +
		`<table:table-row>` + cell("Russia") + cell("7") + `</table:table-row></table:table>`
	cells = mustRead(t, "ods", "huge.ods", odsContent(t, huge), map[string]string{"dim.nat": "Nationality", "melt_dims": "year"})
	wantDims(t, cells, 1, "nat", "year")
	wantCell(t, cells, 0, 7, "Russia", "2024")

	deep := strings.Repeat("<text:span>", 200) + "1" + strings.Repeat("</text:span>", 200)
	for name, c := range map[string]struct {
		body []byte
		pos  string
		says []string
	}{
		"bad float":   {odsContent(t, `<table:table table:name="T"><table:table-row>`+cell("N")+`</table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="x"/></table:table-row></table:table>`), "T!A2", []string{"office:value"}},
		"deep":        {odsContent(t, `<table:table table:name="T"><table:table-row><table:table-cell><text:p>`+deep+`</text:p></table:table-cell></table:table-row></table:table>`), "", []string{"max_xml_depth"}},
		"truncated":   {zipOf(t, map[string][]byte{"content.xml": []byte(`<office:document-content xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table table:name="T"><table:table-row>`)}), "", []string{"table-row", "EOF"}},
		"no content":  {zipOf(t, map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.spreadsheet")}), "", []string{"without content.xml"}},
		"a text file": {zipOf(t, map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.text"), "content.xml": nil}), "mimetype", []string{"not a spreadsheet"}},
		"dtd":         {zipOf(t, map[string][]byte{"content.xml": []byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><x/>`)}), "", []string{"DTD"}},
		"bomb":        {zipOf(t, map[string][]byte{"content.xml": make([]byte, 16<<20)}), "content.xml", []string{"max_zip_ratio", "zip bomb"}},
		"wide row":    {odsContent(t, `<table:table table:name="T"><table:table-row><table:table-cell table:number-columns-repeated="20000"><text:p>1</text:p></table:table-cell></table:table-row></table:table>`), "T!A1", []string{"wider than"}},
		"html":        {[]byte("<html><title>Service unavailable</title></html>"), "byte 0", []string{"HTML page"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readBody(t, "ods", "bad.ods", c.body, map[string]string{"dim.nat": "Nationality"})
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
}

func FuzzODS(f *testing.F) {
	if b, err := readFileHead("testdata/"+odsUK, 1<<20); err == nil {
		f.Add(b)
	}
	f.Add(odsContent(f, `<table:table table:name="T"><table:table-row><table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="2"><text:p>N</text:p></table:table-cell></table:table-row></table:table>`))
	params := map[string]string{"dim.n": "#1", "max_rows": "1000", "max_unzipped_bytes": "8388608"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "ods", "fuzz", body, params)
		checkFuzzResult(t, "ods", cells, err)
	})
}
