package formats

import (
	"bufio"
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

const (
	pxTAB004   = "px/PxTools-PxWebApi__TAB004.px"
	pxFewCells = "px/PxTools-PxWebApi__tab4_fewcells.px"
	pxTAB001   = "px/PxTools-PxWebApi__TAB001.px"
	pxINE14001 = "px/icane-pyaxis__14001.px"
	pxINE1001  = "px/icane-pyaxis__1001.px"
	pxBFS      = "px/icane-pyaxis__px-x-0602000000_107.px"
)

// pcaxisHeaderOf reads a shared file's header and variables, for the
// facts the Cell contract does not carry (labels, translations).
func pcaxisHeaderOf(t *testing.T, rel, lang string) (*pcaxisHeader, []pcaxisVar) {
	t.Helper()
	in := extractors.Input{Name: rel, Body: bytes.NewReader(sharedBytes(t, rel)), Params: map[string]string{"lang": lang}}
	h, err := readPcaxisHeader(in, bufio.NewReader(in.Body))
	if err != nil {
		t.Fatal(err)
	}
	vars, err := h.variables(lang)
	if err != nil {
		t.Fatal(err)
	}
	return h, vars
}

func pxSizes(vars []pcaxisVar) []int {
	var s []int
	for _, v := range vars {
		s = append(s, len(v.codes))
	}
	return s
}

func TestPXSharedFiles(t *testing.T) {
	sharedChecks(t, "px", map[string]func(t *testing.T, rel string){
		filepath.Base(pxTAB004): func(t *testing.T, rel string) {
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 14*11*1*28, "SECTOR", "GREENHOUSEGAS", "ContentsCode", "TIME")
			wantCell(t, cells, 3471, 445, "7.0", "CO2", "Emission", "2017")
			if r := cells[0].Table.Roles; r["TIME"] != "time" || r["ContentsCode"] != "metric" {
				t.Errorf("roles %v", r)
			}
			if countMissing(cells) == 0 || statuses(cells)[".."] != countMissing(cells) {
				t.Errorf("missing cells %d, statuses %v: want every missing cell '..'", countMissing(cells), statuses(cells))
			}
			h, vars := pcaxisHeaderOf(t, rel, "")
			if h.charset != "iso-8859-1" {
				t.Errorf("read as %s: the bytes are ISO-8859-1 as declared", h.charset)
			}
			if e, _ := h.find("TITLE", "sv"); len(e.items) != 1 || !strings.HasPrefix(e.items[0], "Totala utsläpp av växthusgaser") {
				t.Errorf("TITLE[sv] = %q", e.items)
			}
			if !slices.Equal(pxSizes(vars), []int{14, 11, 1, 28}) {
				t.Errorf("sizes %v", pxSizes(vars))
			}
			// In Swedish: the same codes under the same variable codes,
			// Swedish labels.
			_, sv := pcaxisHeaderOf(t, rel, "sv")
			if sv[0].id != "SECTOR" || sv[0].name != "sektor" || sv[0].codes[11] != "7.0" || !strings.HasPrefix(sv[0].labels[11], "LÖSNINGSMEDEL") {
				t.Errorf("sv variable 0 = %+v", sv[0])
			}
			svCells := readShared(t, "px", rel, map[string]string{"lang": "sv"})
			wantCell(t, svCells, 3471, 445, "7.0", "CO2", "Emission", "2017")
		},
		filepath.Base(pxFewCells): func(t *testing.T, rel string) {
			// PxWebApi's answer for one cell of TAB004 must agree with
			// TAB004 (the server's own test asserts it).
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 1, "SECTOR", "GREENHOUSEGAS", "ContentsCode", "TIME")
			full := lookup(t, readShared(t, "px", pxTAB004, nil), "", map[string]string{"SECTOR": "7.0", "GREENHOUSEGAS": "CO2", "ContentsCode": "Emission", "TIME": "2017"})
			wantCell(t, cells, 0, full.Value, "7.0", "CO2", "Emission", "2017")
			if full.Value != 445 {
				t.Errorf("value %v, want 445", full.Value)
			}
			// Declared iso-8859-1, written in UTF-8: read as UTF-8.
			h, _ := pcaxisHeaderOf(t, rel, "")
			if e, _ := h.find("SUBJECT-AREA", "sv"); h.charset != "utf-8" || len(e.items) != 1 || e.items[0] != "Miljö" {
				t.Errorf("read as %s, SUBJECT-AREA[sv] = %q, want utf-8 and Miljö", h.charset, e.items)
			}
		},
		filepath.Base(pxTAB001): func(t *testing.T, rel string) {
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 30*3*22*1*3, "REGION", "SEX", "AGE", "ContentsCode", "TIME")
			if c := cells[0]; !c.Missing || c.Status != ".." {
				t.Errorf("first cell %+v, want missing '..'", c)
			}
			wantCell(t, cells, 1, 4041797, "AT", "F", "TOTAL", "HNMGA", "1991")
			if cells[0].Table.Roles["REGION"] != "geo" {
				t.Errorf("roles %v", cells[0].Table.Roles)
			}
		},
		filepath.Base(pxINE14001): func(t *testing.T, rel string) {
			h, vars := pcaxisHeaderOf(t, rel, "")
			if len(h.entries) != 28 {
				t.Errorf("%d header statements, want 28", len(h.entries))
			}
			if vars[0].name != "Comunidad Autónoma de residencia del matrimonio" || vars[3].name != "estado civil anterior de los cónyuges" || vars[2].name != "sexo " {
				t.Errorf("variables %q %q %q", vars[0].name, vars[2].name, vars[3].name)
			}
			if vars[0].labels[0] != "Total" || vars[3].labels[3] != "Divorciados/as" || vars[0].labels[20] != "Extranjero" {
				t.Errorf("labels %q %q %q", vars[0].labels[0], vars[3].labels[3], vars[0].labels[20])
			}
			// Only the first variable has CODES.
			if vars[0].codes[6] != "CA06" || vars[0].codes[11] != "CA11" || vars[1].codes[1] != vars[1].labels[1] {
				t.Errorf("codes %q %q %q", vars[0].codes[6], vars[0].codes[11], vars[1].codes[1])
			}
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 8064, vars[0].name, vars[1].name, "sexo", vars[3].name)
			wantCell(t, cells, 7, 28138)
			wantCell(t, cells, 159, 422)
			if countMissing(cells) == 0 || statuses(cells)[".."] != countMissing(cells) {
				t.Errorf("statuses %v", statuses(cells))
			}
		},
		filepath.Base(pxINE1001): func(t *testing.T, rel string) {
			// UTF-8 under CODEPAGE iso-8859-15, with letters the publisher
			// already replaced by U+FFFD: kept as they are, not turned
			// into mojibake ("econï¿½mico").
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 7*3*24, "Sector econ\ufffdmico", "Sexo", "Periodo")
			wantCell(t, cells, 0, 0.86, "Total", "Ambos sexos", "2013T4")
			wantCell(t, cells, len(cells)-2, 6.21)
			wantCell(t, cells, len(cells)-1, 5.95, "Parados que buscan primer empleo", "Mujeres", "2008T1")
			h, _ := pcaxisHeaderOf(t, rel, "")
			if h.charset != "utf-8" || h.entries[0].key != "AXIS-VERSION" || h.entries[0].items[0] != "2006" {
				t.Errorf("charset %s, first statement %+v", h.charset, h.entries[0])
			}
		},
		filepath.Base(pxBFS): func(t *testing.T, rel string) {
			h, _ := pcaxisHeaderOf(t, rel, "")
			if langs, _ := h.find("LANGUAGES", ""); !slices.Equal(langs.items, []string{"de", "fr", "it", "en"}) || h.value("LANGUAGE") != "de" {
				t.Errorf("LANGUAGES %q, LANGUAGE %q", langs.items, h.value("LANGUAGE"))
			}
			for lang, want := range map[string][]string{
				"de": {"Hochschulabsolventen", "Höhere Berufsbildung", "Berufslehre", "Obligatorische Schulbildung"},
				"fr": {"Haute école", "Professionnelle supérieure", "Apprentissage", "Ecole obligatoire"},
				"it": {"Scuola Universitaria", "Professionale Superiore", "Apprendistato", "Scuola dell'obligo"},
				"en": {"University degree", "Higher professional education", "Apprenticeship", "Compulsory education"},
			} {
				_, vars := pcaxisHeaderOf(t, rel, lang)
				if !slices.Equal(vars[1].labels, want) || !slices.Equal(vars[1].codes, []string{"1", "2", "3", "4"}) {
					t.Errorf("%s: education %q = %q codes %q", lang, vars[1].name, vars[1].labels, vars[1].codes)
				}
			}
			cells := readShared(t, "px", rel, nil)
			wantDims(t, cells, 20*4*5*2*76, "Wirtschaftsabteilung", "Ausbildungsniveau", "Schwierigkeiten", "Gewichtung", "Quartal")
			wantCell(t, cells, 0, 9.1091)
			wantCell(t, cells, len(cells)-1, 26.7702)
			it := readShared(t, "px", rel, map[string]string{"lang": "it"})
			wantDims(t, it, len(cells), "Divisione economica", "Livello di formazione", "Difficoltà di reclutamento", "Ponderazione", "Trimestre")
			for i := range it {
				if it[i].Value != cells[i].Value || it[i].Missing != cells[i].Missing || !slices.Equal(it[i].Codes, cells[i].Codes) {
					t.Fatalf("cell %d: it %+v, de %+v: a language changes names, not data", i, it[i], cells[i])
				}
			}
		},
	})
}

func TestPXQuirks(t *testing.T) {
	// Latin-1 bytes with no CODEPAGE and CHARSET="ANSI" (windows-1252: 0x80
	// is the euro sign); a title split over quoted lines; a list continued
	// after a comma; a declared symbol with a space; ";" ending data rows.
	px := "CHARSET=\"ANSI\";\nTITLE=\"Pr\xe9sence \"\n\"en \x80\";\nSTUB=\"r\xe9gion\";\nHEADING=\"ann\xe9e\";\n" +
		"VALUES(\"r\xe9gion\")=\"Gen\xe8ve\",\n\"Z\xfcrich\";\nVALUES(\"ann\xe9e\")=\"2021\",\"2022\";\nTIMEVAL(\"ann\xe9e\")=TLIST(A1, \"2021\"-\"2022\");\n" +
		"DATASYMBOL5=\"( )\";\nDATA=\n1 \"( )\";\n-3.5e1 ..;\n"
	cells, err := readBody(t, "px", "quirks.px", []byte(px), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 4, "région", "année")
	wantCell(t, cells, 0, 1, "Genève", "2021")
	if c := cells[1]; !c.Missing || c.Status != "( )" {
		t.Errorf("cell 1 %+v, want missing '( )'", c)
	}
	wantCell(t, cells, 2, -35, "Zürich", "2021")
	if c := cells[3]; !c.Missing || c.Status != ".." {
		t.Errorf("cell 3 %+v", c)
	}
	if cells[0].Table.Roles["année"] != "time" {
		t.Errorf("roles %v", cells[0].Table.Roles)
	}
	in := extractors.Input{Name: "quirks.px", Body: strings.NewReader(px)}
	h, err := readPcaxisHeader(in, bufio.NewReader(in.Body))
	if err != nil {
		t.Fatal(err)
	}
	if h.charset != "windows-1252" || h.value("TITLE") != "Présence en €" {
		t.Errorf("charset %s, TITLE %q", h.charset, h.value("TITLE"))
	}
	// The charset parameter overrides: read as ISO-8859-1, 0x80 is a C1
	// control, not the euro.
	in = extractors.Input{Name: "quirks.px", Body: strings.NewReader(px), Params: map[string]string{"charset": "iso-8859-1"}}
	if h, err = readPcaxisHeader(in, bufio.NewReader(in.Body)); err != nil || h.value("TITLE") != "Présence en \u0080" {
		t.Errorf("with charset=iso-8859-1: %v, TITLE %q", err, h.value("TITLE"))
	}
	// A language without its own CODES falls back to the default
	// language's by position.
	multi := "LANGUAGE=\"en\";\nLANGUAGES=\"en\",\"de\";\nSTUB=\"sex\";\nSTUB[de]=\"Geschlecht\";\nVALUES(\"sex\")=\"men\",\"women\";\n" +
		"VALUES[de](\"Geschlecht\")=\"Männer\",\"Frauen\";\nCODES(\"sex\")=\"M\",\"F\";\nDATA=\n1 2;"
	de, err := readBody(t, "px", "multi.px", []byte(multi), map[string]string{"lang": "de"})
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, de, 2, "Geschlecht")
	wantCell(t, de, 1, 2, "F")
	_, err = readBody(t, "px", "multi.px", []byte(multi), map[string]string{"lang": "fr"})
	if err == nil || !strings.Contains(err.Error(), `"en" "de"`) {
		t.Errorf("lang=fr: %v", err)
	}
}

func TestPXErrors(t *testing.T) {
	const head = "STUB=\"a\";\nHEADING=\"b\";\nVALUES(\"a\")=\"x\",\"y\";\nVALUES(\"b\")=\"1\";\n"
	for _, tc := range []struct {
		name, body string
		params     map[string]string
		position   string
		says       []string
	}{
		{"few values", head + "DATA=\n1;\n", nil, "line 6", []string{"after 1 values", "describe 2", "a 2 x b 1"}},
		{"many values", head + "DATA=\n1 2\n3;\n", nil, "line 7, DATA value 3", []string{"more DATA values"}},
		{"text value", head + "DATA=\n1 \"n/a\";\n", nil, "line 6, DATA value 2", []string{`"n/a"`}},
		{"no VALUES", "STUB=\"a\";\nDATA=1;", nil, `VALUES("a")`, []string{"no VALUES"}},
		{"CODES count", head + "CODES(\"a\")=\"X\";\nDATA=1 2;", nil, "line 5", []string{"1 codes for 2 VALUES"}},
		{"duplicate code", "STUB=\"a\";\nVALUES(\"a\")=\"x\",\"x\";\nDATA=1 2;", nil, `CODES("a")`, []string{`"x" twice`}},
		{"no variables", "TITLE=\"t\";\nDATA=1;", nil, "STUB", []string{"no variables"}},
		{"keys", head + "KEYS(\"a\")=CODES;\nDATA=\n\"x\",1;", nil, "KEYS", []string{"sparse"}},
		{"no DATA", head, nil, "line 5", []string{"ends before DATA"}},
		{"open string", "TITLE=\"never closed;\nSTUB=\"a\";", nil, "line 1", []string{"never closes"}},
		{"open data string", head + "DATA=\n1 \"..", nil, "line 6", []string{"never closes"}},
		{"empty", "", nil, "", []string{"empty body"}},
		{"html", "<html><head><title>Error 500</title></head></html>", nil, "byte 0", []string{"HTML page", "Error 500"}},
		{"bad statement", "STUB \"a\";\nDATA=1;", nil, "line 1", []string{"without '='"}},
		{"bad list", "STUB=\"a\",;\nDATA=1;", nil, "line 1", []string{"ending with ','"}},
		{"cells", head + "DATA=1 2;", map[string]string{"max_cells": "1"}, "STUB/HEADING", []string{"max_cells"}},
		{"header size", head + "DATA=1 2;", map[string]string{"max_header_bytes": "20"}, "line 2", []string{"max_header_bytes=20"}},
		{"token size", head + "DATA=1 22222;", map[string]string{"max_cell_bytes": "3"}, "line 5", []string{"max_cell_bytes=3"}},
		{"codepage", "CODEPAGE=\"klingon\";\nSTUB=\"\xe9\";\nDATA=1;", nil, "CODEPAGE", []string{`"klingon"`}},
		{"utf-8 declared", "STUB=\"\xe9\";\nVALUES(\"\xe9\")=\"1\";\nDATA=1;", map[string]string{"charset": "utf-8"}, "STUB", []string{"not valid UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBody(t, "px", "bad.px", []byte(tc.body), tc.params)
			wantFormatError(t, err, tc.position, append(tc.says, "bad.px")...)
		})
	}
}

func FuzzPX(f *testing.F) {
	fuzzSeeds(f, "px", 48<<10)
	f.Add([]byte("CHARSET=\"ANSI\";\nSTUB=\"r\xe9gion\";\nVALUES(\"r\xe9gion\")=\"a\",\n\"b\";\nDATASYMBOL1=\"( )\";\nDATA=\n1 \"( )\";\n"))
	f.Add([]byte("LANGUAGE=\"en\";\nLANGUAGES=\"en\",\"de\";\nSTUB=\"s\";\nSTUB[de]=\"g\";\nVALUES(\"s\")=\"m\",\"w\";\nVALUES[de](\"g\")=\"M\",\"F\";\nDATA=\n1 2;"))
	params := map[string]string{"max_cells": "100000", "max_header_bytes": "1000000"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "px", "fuzz", body, params)
		checkFuzzResult(t, "px", cells, err)
		p2 := map[string]string{"max_cells": "100000", "lang": "de"}
		cells, err = readBody(t, "px", "fuzz", body, p2)
		if err != nil && !strings.Contains(err.Error(), "parameter lang") {
			checkFuzzResult(t, "px", cells, err)
		}
	})
}
