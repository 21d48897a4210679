package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emigre/emigre/extractors"
)

const (
	sdmxNgFlat      = "sdmx-ml/khaeru-sdmx-test-data__ng-flat.xml"
	sdmxNgTS        = "sdmx-ml/khaeru-sdmx-test-data__ng-ts.xml"
	sdmxNgTSSS      = "sdmx-ml/khaeru-sdmx-test-data__ng-ts-ss.xml"
	sdmxNgFlatSS    = "sdmx-ml/khaeru-sdmx-test-data__ng-flat-ss.xml"
	sdmxECBUSD      = "sdmx-ml/khaeru-sdmx-test-data__M.USD.EUR.SP00.A.xml"
	sdmxNama        = "sdmx-ml/khaeru-sdmx-test-data__NAMA_10_GDP-ss.xml"
	sdmxNrgBal      = "sdmx-ml/bis-med-it-pysdmx__estat_data.xml"
	sdmxINSEE       = "sdmx-ml/khaeru-sdmx-test-data__CNA-2010-CONSO-SI-A17.xml"
	sdmxWEO         = "sdmx-ml/khaeru-sdmx-test-data__WEO-data.xml"
	sdmxDemoXS      = "sdmx-ml/khaeru-sdmx-test-data__demography-xs.xml"
	sdmxJSONFlat    = "sdmx-json/khaeru-sdmx-test-data__flat.json"
	sdmxJSONTS      = "sdmx-json/khaeru-sdmx-test-data__ts.json"
	sdmxJSONDelete  = "sdmx-json/khaeru-sdmx-test-data__action-delete.json"
	sdmxJSON2       = "sdmx-json/khaeru-sdmx-test-data__exr-flat.json"
	sdmxJSONOECD    = "sdmx-json/khaeru-sdmx-test-data__data-PART2-all-all.json"
	sdmxCSVBIS      = "sdmx-csv/bis-med-it-pysdmx__data_v1.csv"
	sdmxCSVLabels   = "sdmx-csv/bis-med-it-pysdmx__data_v1_no_freq_cols.csv"
	sdmxCSVEx1      = "sdmx-csv/khaeru-sdmx-test-data__example-01.csv"
	sdmxCSVEx2      = "sdmx-csv/khaeru-sdmx-test-data__example-02.csv"
	sdmxCSVEx3      = "sdmx-csv/khaeru-sdmx-test-data__example-03.csv"
	sdmxCSVEx5      = "sdmx-csv/khaeru-sdmx-test-data__example-05.csv"
	sdmxExpNgFlat   = "sdmx-expected/khaeru-sdmx-test-data__ng-flat-xml.txt"
	sdmxExpFlatJSON = "sdmx-expected/khaeru-sdmx-test-data__flat-json.txt"
	sdmxExpDelete   = "sdmx-expected/khaeru-sdmx-test-data__action-delete-json.txt"
)

// sdmxExpected is one row of an expected-value table: codes by dimension
// and the value.
type sdmxExpected struct {
	codes map[string]string
	value float64
}

// readSDMXExpected parses sdmx1's whitespace-aligned oracle tables, long
// ("FREQ CURRENCY ... value", one row per observation) or wide (one line
// per column dimension, then the row dimension's name alone, then "code
// value value ..."). dims is the long table's header (nil for wide).
func readSDMXExpected(t *testing.T, rel string) (dims []string, rows []sdmxExpected) {
	t.Helper()
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(sharedBytes(t, rel)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 {
			lines = append(lines, f)
		}
	}
	parse := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return v
	}
	if head := lines[0]; head[len(head)-1] == "value" {
		dims = head[:len(head)-1]
		for _, l := range lines[1:] {
			row := sdmxExpected{codes: map[string]string{}, value: parse(l[len(l)-1])}
			for i, d := range dims {
				row.codes[d] = l[i]
			}
			rows = append(rows, row)
		}
		return dims, rows
	}
	var colDims [][]string
	i := 0
	for ; len(lines[i]) > 1; i++ {
		colDims = append(colDims, lines[i])
	}
	rowDim := lines[i][0]
	for _, l := range lines[i+1:] {
		for j, v := range l[1:] {
			row := sdmxExpected{codes: map[string]string{rowDim: l[0]}, value: parse(v)}
			for _, cd := range colDims {
				row.codes[cd[0]] = cd[1+j]
			}
			rows = append(rows, row)
		}
	}
	return nil, rows
}

// checkSDMXExpected compares a reader's cells with an oracle table: the
// same number of observations, each expected one present with its value,
// and for a long table the same dimensions in the same order.
func checkSDMXExpected(t *testing.T, expected string, cells []extractors.Cell) {
	t.Helper()
	dims, rows := readSDMXExpected(t, expected)
	if dims != nil && !slices.Equal(cells[0].Table.Dims, dims) {
		t.Errorf("dims %v, %s has %v", cells[0].Table.Dims, expected, dims)
	}
	if len(cells) != len(rows) {
		t.Fatalf("%d cells, %s has %d rows", len(cells), expected, len(rows))
	}
	for _, r := range rows {
		if c := lookup(t, cells, "", r.codes); c.Missing || c.Value != r.value {
			t.Errorf("%v = %v (missing %v), %s says %v", r.codes, c.Value, c.Missing, expected, r.value)
		}
	}
}

func TestSDMXExpectedTables(t *testing.T) {
	sharedChecks(t, "sdmx-expected", map[string]func(t *testing.T, rel string){
		filepath.Base(sdmxExpNgFlat): func(t *testing.T, rel string) {
			// sdmx1 compares ng-flat, ng-ts and the gf variant with it;
			// the structure-specific versions hold the same data.
			for _, f := range []string{sdmxNgFlat, sdmxNgTS, sdmxNgFlatSS, sdmxNgTSSS} {
				t.Run(filepath.Base(f), func(t *testing.T) { checkSDMXExpected(t, rel, readShared(t, "sdmx-ml", f, nil)) })
			}
		},
		filepath.Base(sdmxExpFlatJSON): func(t *testing.T, rel string) {
			for _, f := range []string{sdmxJSONFlat, sdmxJSONTS, sdmxJSON2} {
				t.Run(filepath.Base(f), func(t *testing.T) { checkSDMXExpected(t, rel, readShared(t, "sdmx-json", f, nil)) })
			}
		},
		filepath.Base(sdmxExpDelete): func(t *testing.T, rel string) {
			checkSDMXExpected(t, rel, readShared(t, "sdmx-json", sdmxJSONDelete, nil))
		},
	})
}

// sdmxMLSets runs the SDMX-ML walker alone, for the data-set level facts
// the cells do not carry.
func sdmxMLSets(t *testing.T, rel string) ([]sdmxSet, int) {
	t.Helper()
	in := extractors.Input{Name: rel, Body: bytes.NewReader(sharedBytes(t, rel))}
	data, err := sdmxBody(in)
	if err != nil {
		t.Fatal(err)
	}
	w := &sdmxXMLWalker{in: in, data: data, measure: "OBS_VALUE"}
	n := 0
	sets, err := w.walk(func(*sdmxObs) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return sets, n
}

func TestSDMXMLSharedFiles(t *testing.T) {
	exr := []string{"FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_VAR", "TIME_PERIOD"}
	checkEXR := func(t *testing.T, cells []extractors.Cell) {
		wantDims(t, cells, 12, exr...)
		if statuses(cells)["A"] != 12 {
			t.Errorf("statuses %v, want OBS_STATUS A on all 12", statuses(cells))
		}
		wantCell(t, cells, 0, 1.3413, "M", "CHF", "EUR", "SP00", "E", "2010-08")
		wantCell(t, cells, 11, 1.3898, "M", "USD", "EUR", "SP00", "E", "2010-10")
		if cells[0].Table.Roles["TIME_PERIOD"] != "time" {
			t.Errorf("roles %v", cells[0].Table.Roles)
		}
	}
	sharedChecks(t, "sdmx-ml", map[string]func(t *testing.T, rel string){
		filepath.Base(sdmxNgFlat): func(t *testing.T, rel string) { checkEXR(t, readShared(t, "sdmx-ml", rel, nil)) },
		filepath.Base(sdmxNgTS):   func(t *testing.T, rel string) { checkEXR(t, readShared(t, "sdmx-ml", rel, nil)) },
		filepath.Base(sdmxNgTSSS): func(t *testing.T, rel string) {
			// sdmx1 (with the DSD): 4 series of 5 dimensions and 5
			// attributes; series[3] is USD, its obs[2] 2010-10 = 1.3898 A.
			cells := readShared(t, "sdmx-ml", rel, nil)
			checkEXR(t, cells)
			series := map[string]bool{}
			for _, c := range cells {
				series[strings.Join(c.Codes[:5], ".")] = true
			}
			if len(series) != 4 {
				t.Errorf("%d series, want 4", len(series))
			}
			if c := cells[3*3+2]; c.Codes[1] != "USD" || c.Codes[5] != "2010-10" || c.Value != 1.3898 || c.Status != "A" {
				t.Errorf("series[3].obs[2] = %+v", c)
			}
		},
		filepath.Base(sdmxNgFlatSS): func(t *testing.T, rel string) {
			// sdmx1: obs[0] has 6 dimensions (FREQ M, CURRENCY CHF) and 7
			// attributes; the attributes must not become dimensions.
			cells := readShared(t, "sdmx-ml", rel, nil)
			checkEXR(t, cells)
		},
		filepath.Base(sdmxECBUSD): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 252, "FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD")
			wantCell(t, cells, 0, 1.16078, "M", "USD", "EUR", "SP00", "A", "1999-01")
			wantCell(t, cells, 251, 1.111345, "M", "USD", "EUR", "SP00", "A", "2019-12")
			if sets, _ := sdmxMLSets(t, rel); len(sets) != 1 || sets[0].action != "Replace" || sets[0].name != "ECB:ECB_EXR1(1.0)" {
				t.Errorf("sets %+v", sets)
			}
		},
		filepath.Base(sdmxNama): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 4, "geo", "na_item", "unit", "freq", "TIME_PERIOD")
			wantCell(t, cells, 0, 46526.2, "LU", "B1GQ", "CP_MEUR", "A", "2012")
			wantValues(t, cells, 1, 49094.5, 51791.3, 54142.3)
			if cells[3].Codes[4] != "2015" || cells[0].Table.Roles["geo"] != "geo" {
				t.Errorf("last cell %v, roles %v", cells[3].Codes, cells[0].Table.Roles)
			}
		},
		filepath.Base(sdmxNrgBal): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 33, "geo", "siec", "unit", "freq", "nrg_bal", "TIME_PERIOD")
			wantCell(t, cells, 0, 6644.088, "AL", "C0000X0350-0370", "GWH", "A", "AFC", "1990")
			wantCell(t, cells, 32, 1668.153, "AL", "C0000X0350-0370", "GWH", "A", "AFC", "2022")
		},
		filepath.Base(sdmxINSEE): func(t *testing.T, rel string) {
			// FREQ is a series attribute here, not a dimension; the
			// observations are newest first and stay so.
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 2, "SECT-INST", "OPERATION", "PRODUIT", "PRIX", "TIME_PERIOD")
			wantCell(t, cells, 0, 89.9, "S13", "P3", "A10-BE", "IPCH", "2014")
			wantCell(t, cells, 1, 92.7, "S13", "P3", "A10-BE", "IPCH", "2013")
			if cells[0].Status != "P" || cells[1].Status != "SD" {
				t.Errorf("statuses %q %q", cells[0].Status, cells[1].Status)
			}
		},
		filepath.Base(sdmxWEO): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 1, "COUNTRY", "INDICATOR", "FREQUENCY", "TIME_PERIOD")
			wantCell(t, cells, 0, 94669000000, "SVK", "NGDP_R", "A", "2018")
			sets, _ := sdmxMLSets(t, rel)
			if len(sets) != 1 || len(sets[0].attrs) != 14 {
				t.Fatalf("data sets %+v, want one with 14 attributes", sets)
			}
			i := slices.IndexFunc(sets[0].attrs, func(f sdmxField) bool { return f.id == "FULL_DESCRIPTION" })
			if i < 0 {
				t.Fatal("no FULL_DESCRIPTION")
			}
			d := sets[0].attrs[i].value
			if utf8.RuneCountInString(d) != 885 || !strings.HasPrefix(d, "The World Economic Outlook ") || !strings.HasSuffix(d, " for certain years.") {
				t.Errorf("FULL_DESCRIPTION (%d characters) %q", utf8.RuneCountInString(d), excerpt([]byte(d), 60))
			}
		},
		filepath.Base(sdmxDemoXS): func(t *testing.T, rel string) {
			// Cross-sectional: the observation dimension is DEMO, given as
			// each Obs element's xsi:type; TIME_PERIOD is a series key.
			cells := readShared(t, "sdmx-ml", rel, nil)
			wantDims(t, cells, 60, "FREQ", "TIME_PERIOD", "SEX", "COUNTRY", "DEMO")
			wantCell(t, cells, 0, 1.82, "A", "2007", "T", "BE", "TFRNSI")
			wantCell(t, cells, 2, 124095, "A", "2007", "T", "BE", "LBIRTHST")
			series := map[string]bool{}
			for _, c := range cells {
				series[strings.Join(c.Codes[:4], ".")] = true
			}
			if len(series) != 18 {
				t.Errorf("%d series, want 18", len(series))
			}
		},
	})
}

func TestSDMXJSONSharedFiles(t *testing.T) {
	sharedChecks(t, "sdmx-json", map[string]func(t *testing.T, rel string){
		filepath.Base(sdmxJSONFlat): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-json", rel, nil)
			wantDims(t, cells, 4, "FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD")
			checkSDMXExpected(t, sdmxExpFlatJSON, cells)
		},
		filepath.Base(sdmxJSONTS): func(t *testing.T, rel string) {
			checkSDMXExpected(t, sdmxExpFlatJSON, readShared(t, "sdmx-json", rel, nil))
		},
		filepath.Base(sdmxJSONDelete): func(t *testing.T, rel string) {
			// The Delete data set's (empty) observations are not values.
			cells := readShared(t, "sdmx-json", rel, nil)
			checkSDMXExpected(t, sdmxExpDelete, cells)
			if cells[0].Table.Dataset != "" {
				t.Errorf("one data set left, named %q", cells[0].Table.Dataset)
			}
		},
		filepath.Base(sdmxJSON2): func(t *testing.T, rel string) {
			// 2.0: '0:1': [1.5925, 0, 0, 0] has an attribute position more
			// than the observation attributes.
			cells := readShared(t, "sdmx-json", rel, nil)
			wantDims(t, cells, 4, "FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD")
			wantCell(t, cells, 1, 1.5925, "D", "NZD", "EUR", "SP00", "A", "2013-01-21")
			if statuses(cells)["A"] != 4 {
				t.Errorf("statuses %v", statuses(cells))
			}
		},
		filepath.Base(sdmxJSONOECD): func(t *testing.T, rel string) {
			// All dimensions at observation level, keyed 'i:j:k:l:m:n';
			// full-precision doubles.
			cells := readShared(t, "sdmx-json", rel, nil)
			wantDims(t, cells, 7, "LOCATION", "IND", "PER", "GRD", "FLD", "MSR")
			wantCell(t, cells, 0, 11.963615756565, "AUS", "5CLAT", "INI", "FOG", "MAT", "MN")
			wantCell(t, cells, 1, -2.13889095389401)
			wantCell(t, cells, 6, 22.0969285714286)
			if cells[0].Table.Roles["LOCATION"] != "" || cells[0].Codes[0] != "AUS" {
				t.Errorf("cell 0 %+v", cells[0])
			}
		},
	})
}

func TestSDMXCSVSharedFiles(t *testing.T) {
	specAttrs := map[string]string{"attributes": "ATTR_1,ATTR_2,ATTR_3"}
	sharedChecks(t, "sdmx-csv", map[string]func(t *testing.T, rel string){
		filepath.Base(sdmxCSVBIS): func(t *testing.T, rel string) {
			// 1000 rows; the DATAFLOW column and the attributes after
			// TIME_PERIOD are not dimensions; an empty OBS_VALUE is missing.
			cells := readShared(t, "sdmx-csv", rel, nil)
			wantDims(t, cells, 1000, "FREQ", "DER_TYPE", "DER_INSTR", "DER_RISKs", "DER_REP_CTY", "DER_SECTOR_CPY", "DER_CPC",
				"DER_SECTOR_UDL", "DER_CURR_LEG1", "DER_CURR_LEG2", "DER_ISSUE_MAT", "DER_RATING", "DER_EX_METHOD", "DER_BASIS", "TIME_PERIOD")
			if c := cells[0]; !c.Missing || c.Status != "M" || c.Codes[14] != "2002" {
				t.Errorf("first row %+v, want 2002 missing with OBS_STATUS M", c)
			}
			wantCell(t, cells, 2, 14206.490766)
			if cells[2].Codes[14] != "2004" || cells[2].Status != "A" {
				t.Errorf("third row %+v", cells[2])
			}
		},
		filepath.Base(sdmxCSVLabels): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-csv", rel, nil)
			wantDims(t, cells, 7, "REF_AREA", "INDICATOR", "SUB_INDICATOR", "FREQ", "TIME_PERIOD")
			wantCell(t, cells, 0, 102, "GHA", "GCI", "RANK", "A", "2008")
			wantCell(t, cells, 6, 111, "GHA", "GCI", "RANK", "A", "2014")
		},
		filepath.Base(sdmxCSVEx1): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-csv", rel, specAttrs)
			wantDims(t, cells, 2, "DIM_1", "DIM_2", "DIM_3")
			wantCell(t, cells, 0, 12.4, "A", "B", "2014-01")
			wantCell(t, cells, 1, 10.8, "A", "B", "2014-02")
			// Without a DSD or the parameter, the specimen's made-up
			// attribute names read as dimensions: more columns, same data.
			plain := readShared(t, "sdmx-csv", rel, nil)
			wantDims(t, plain, 2, "DIM_1", "DIM_2", "DIM_3", "ATTR_2", "ATTR_3", "ATTR_1")
			if plain[0].Codes[4] != "Normal, special and other values" {
				t.Errorf("quoted field with commas: %q", plain[0].Codes[4])
			}
		},
		filepath.Base(sdmxCSVEx2): func(t *testing.T, rel string) {
			// Two measures; ATTR_1[] is a list attribute whatever its name.
			cells := readShared(t, "sdmx-csv", rel, map[string]string{"attributes": "ATTR_3"})
			wantDims(t, cells, 4, "DIM_2", "DIM_1", "DIM_3", "MEASURE")
			wantCell(t, cells, 0, 12.4, "B", "A", "2014-01", "OBS_VALUE1")
			wantCell(t, cells, 1, 12.5, "B", "A", "2014-01", "OBS_VALUE2")
			wantCell(t, cells, 3, 10.9, "B", "A", "2014-02", "OBS_VALUE2")
			if cells[0].Table.Roles["MEASURE"] != "metric" {
				t.Errorf("roles %v", cells[0].Table.Roles)
			}
		},
		filepath.Base(sdmxCSVEx3): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-csv", rel, specAttrs)
			wantDims(t, cells, 4, "DIM_2", "DIM_1", "DIM_3", "MEASURE")
			wantCell(t, cells, 2, 10.8, "B", "A", "2014-02", "OBS_VALUE1")
		},
		filepath.Base(sdmxCSVEx5): func(t *testing.T, rel string) {
			cells := readShared(t, "sdmx-csv", rel, specAttrs)
			wantDims(t, cells, 2, "DIM_1", "DIM_2", "DIM_3")
			wantCell(t, cells, 0, 12.4, "A", "B", "2014-01-01")
			wantCell(t, cells, 1, 10.8, "A", "B", "2014-02-01")
		},
	})
}

func TestSDMXCSVQuirks(t *testing.T) {
	// ';' delimiter, decimal comma, labels, a Delete row, a missing value
	// with its status, a BOM.
	body := "\ufeffDATAFLOW;REF_AREA: Reference area;CITIZEN;TIME_PERIOD;OBS_VALUE;OBS_FLAG;ACTION\n" +
		"ESTAT:MIGR(1.0): Migration;DE: Germany;RU: Russia;2021;1234,5;p;I\n" +
		"ESTAT:MIGR(1.0): Migration;DE: Germany;UA: Ukraine;2021;;c;I\n" +
		"ESTAT:MIGR(1.0): Migration;DE: Germany;BY: Belarus;2021;7;;D\n"
	cells, err := readBody(t, "sdmx-csv", "semicolon.csv", []byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 2, "REF_AREA", "CITIZEN", "TIME_PERIOD")
	wantCell(t, cells, 0, 1234.5, "DE", "RU", "2021")
	if cells[0].Status != "p" || !cells[1].Missing || cells[1].Status != "c" {
		t.Errorf("cells %+v", cells)
	}
	// Two dataflows: two named tables.
	two := "DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\nA:X(1.0),DE,2021,1\nA:Y(1.0),DE,2021,2\n"
	cells, err = readBody(t, "sdmx-csv", "two.csv", []byte(two), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2 || cells[0].Table.Dataset != "A:X(1.0)" || cells[1].Table.Dataset != "A:Y(1.0)" {
		t.Errorf("tables %q %q", cells[0].Table.Dataset, cells[1].Table.Dataset)
	}
}

// sdmxSS builds a structure-specific message with the given series.
func sdmxSS(series string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<m:StructureSpecificData xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:s="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">
<m:Header><m:ID>x</m:ID><m:Structure structureID="STR1" dimensionAtObservation="TIME_PERIOD"/></m:Header>
<m:DataSet s:structureRef="STR1">
` + series + `
</m:DataSet>
</m:StructureSpecificData>`
}

func TestSDMXMLDimensionsAndAttributes(t *testing.T) {
	// OECD's newer structures make UNIT_MEASURE a dimension: taken for an
	// attribute it would merge two series, which must fail, not load one.
	two := sdmxSS(`<Series REF_AREA="DE" UNIT_MEASURE="PS"><Obs TIME_PERIOD="2021" OBS_VALUE="10"/></Series>
<Series REF_AREA="DE" UNIT_MEASURE="PC"><Obs TIME_PERIOD="2021" OBS_VALUE="0.1"/></Series>`)
	_, err := readBody(t, "sdmx-ml", "oecd.xml", []byte(two), nil)
	wantFormatError(t, err, "line 6, /StructureSpecificData/DataSet/Series[2]/Obs[1]", "second observation with the key", "dimensions=")
	cells, err := readBody(t, "sdmx-ml", "oecd.xml", []byte(two), map[string]string{"dimensions": "UNIT_MEASURE"})
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 2, "REF_AREA", "UNIT_MEASURE", "TIME_PERIOD")
	// An optional attribute the reader does not know, present on one
	// series only: named, with the remedy.
	opt := sdmxSS(`<Series REF_AREA="DE"><Obs TIME_PERIOD="2021" OBS_VALUE="10"/></Series>
<Series REF_AREA="FR" NOTE_X="n"><Obs TIME_PERIOD="2021" OBS_VALUE="1"/></Series>`)
	_, err = readBody(t, "sdmx-ml", "opt.xml", []byte(opt), nil)
	wantFormatError(t, err, "", "NOTE_X", "attributes=NOTE_X")
	cells, err = readBody(t, "sdmx-ml", "opt.xml", []byte(opt), map[string]string{"attributes": "NOTE_X"})
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 2, "REF_AREA", "TIME_PERIOD")
}

func TestSDMXErrors(t *testing.T) {
	for _, tc := range []struct {
		name, format, body string
		params             map[string]string
		position           string
		says               []string
	}{
		{"error message", "sdmx-ml", `<?xml version="1.0"?><message:Error xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"><message:ErrorMessage code="100"><common:Text xmlns:common="x">No Results Found</common:Text></message:ErrorMessage></message:Error>`,
			nil, "", []string{"code 100", "No Results Found"}},
		{"html", "sdmx-ml", "<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>", nil, "byte 0", []string{"HTML page", "Service Unavailable"}},
		{"structure", "sdmx-ml", `<m:Structure xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"/>`, nil, "", []string{"structure message"}},
		{"sdmx 2.0", "sdmx-ml", `<CompactData xmlns="http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message"/>`, nil, "", []string{"SDMX-ML 2.0"}},
		{"entities", "sdmx-ml", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><m:StructureSpecificData xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">&lol2;</m:StructureSpecificData>`,
			nil, "line 1, /", []string{"DTD"}},
		{"depth", "sdmx-ml", sdmxSS(strings.Repeat("<a>", 80) + strings.Repeat("</a>", 80)), nil, "", []string{"max_xml_depth=64"}},
		{"truncated", "sdmx-ml", sdmxSS(`<Series REF_AREA="DE"><Obs TIME_PERIOD="2021" OBS_VALUE="1"/>`)[:300], nil, "", []string{"truncated", "XML"}},
		{"text value", "sdmx-ml", sdmxSS(`<Series REF_AREA="DE"><Obs TIME_PERIOD="2021" OBS_VALUE="n/a"/></Series>`), nil,
			"line 5, /StructureSpecificData/DataSet/Series[1]/Obs[1]", []string{`"n/a"`}},
		{"only deletes", "sdmx-ml", strings.Replace(sdmxSS(`<Series REF_AREA="DE"><Obs TIME_PERIOD="2021"/></Series>`), `s:structureRef="STR1"`, `s:structureRef="STR1" action="Delete"`, 1), nil, "", []string{"only delete"}},
		{"empty data set", "sdmx-ml", sdmxSS(""), nil, "", []string{"no observations"}},
		{"cells", "sdmx-ml", sdmxSS(`<Series REF_AREA="DE"><Obs TIME_PERIOD="2021" OBS_VALUE="1"/><Obs TIME_PERIOD="2022" OBS_VALUE="1"/></Series>`), map[string]string{"max_cells": "1"},
			"", []string{"max_cells=1"}},
		{"json errors", "sdmx-json", `{"errors":[{"code":404,"title":"No data"}]}`, nil, "$.errors", []string{"No data"}},
		{"json key", "sdmx-json", strings.Replace(string(sharedBytes(t, sdmxJSONFlat)), `"1:1"`, `"1:7"`, 1), nil,
			`$.dataSets[0].observations["1:7"]`, []string{"position \"7\" of TIME_PERIOD"}},
		{"json value", "sdmx-json", strings.Replace(string(sharedBytes(t, sdmxJSONFlat)), `40.3426`, `"forty"`, 1), nil,
			`$.dataSets[0].observations["1:0"]`, []string{`"forty"`}},
		{"json status", "sdmx-json", strings.Replace(string(sharedBytes(t, sdmxJSONFlat)), `[1.5931, 0, 0]`, `[1.5931, 0, 3]`, 1), nil,
			`$.dataSets[0].observations["0:0"]`, []string{"OBS_STATUS", "position 3"}},
		{"json not data", "sdmx-json", `{"data":{"dataStructures":[]}}`, nil, "$.data", []string{"structure message"}},
		{"csv first column", "sdmx-csv", "geo,TIME_PERIOD,OBS_VALUE\nDE,2021,1\n", nil, "line 1, column 1", []string{"not SDMX-CSV"}},
		{"csv no measure", "sdmx-csv", "DATAFLOW,geo,TIME_PERIOD,VALUE\nX,DE,2021,1\n", nil, "line 1", []string{"no OBS_VALUE"}},
		{"csv fields", "sdmx-csv", "DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\nX,DE,2021\n", nil, "line 2, column 1", []string{"number of fields"}},
		{"csv value", "sdmx-csv", "DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\nX,DE,2021,1.2.3\n", nil, "line 2, column 4 (OBS_VALUE)", []string{`"1.2.3"`}},
		{"csv deletes", "sdmx-csv", "STRUCTURE,STRUCTURE_ID,ACTION,geo,OBS_VALUE\ndataflow,X,D,DE,\n", nil, "", []string{"only delete"}},
		{"csv html", "sdmx-csv", "<html><title>Blocked</title></html>", nil, "byte 0", []string{"Blocked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBody(t, tc.format, "bad.x", []byte(tc.body), tc.params)
			wantFormatError(t, err, tc.position, append(tc.says, "bad.x")...)
		})
	}
}

func TestSDMXGzipAnswer(t *testing.T) {
	// Eurostat's compressed=true answers are gzip whatever the file name.
	cells, err := readBody(t, "sdmx-ml", "nama.xml.gz", gzipped(t, sharedBytes(t, sdmxNama)), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCell(t, cells, 0, 46526.2, "LU", "B1GQ", "CP_MEUR", "A", "2012")
}

func fuzzSDMX(f *testing.F, format, folder string, extra ...string) {
	fuzzSeeds(f, folder, 32<<10)
	for _, e := range extra {
		f.Add([]byte(e))
	}
	params := map[string]string{"max_cells": "100000"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, format, "fuzz", body, params)
		checkFuzzResult(t, format, cells, err)
		seen := map[string]bool{}
		for _, c := range cells {
			k := fmt.Sprint(c.Table.Dataset, c.Codes)
			if seen[k] {
				t.Fatalf("%s: key %s emitted twice", format, k)
			}
			seen[k] = true
		}
	})
}

func FuzzSDMXML(f *testing.F) {
	fuzzSDMX(f, "sdmx-ml", "sdmx-ml",
		sdmxSS(`<Series REF_AREA="DE" UNIT_MEASURE="PS"><Obs TIME_PERIOD="2021" OBS_VALUE="10" OBS_STATUS="p"/></Series>`))
}

func FuzzSDMXJSON(f *testing.F) {
	fuzzSDMX(f, "sdmx-json", "sdmx-json", `{"errors":[{"code":404}]}`)
}

func FuzzSDMXCSV(f *testing.F) {
	fuzzSDMX(f, "sdmx-csv", "sdmx-csv",
		"DATAFLOW;REF_AREA: R;TIME_PERIOD;OBS_VALUE;OBS_FLAG;ACTION\nE:M(1.0): M;DE: G;2021;1234,5;p;I\n")
}

// The Data Browser's "SDMX-CSV 2.0 with labels" downloads in realdata,
// exactly as Eurostat wrote them: each code column is followed by its label
// column. The figures checked come from the realdata MANIFEST.
const (
	resvalidRU = "Bencce4-beyond-borders__migr_resvalid__custom_19375420_linear_2_0__RU-only.csv"
	resvalidUA = "Bencce4-beyond-borders__migr_resvalid__custom_18711207_linear_2_0__UA.csv"
)

func TestSDMXCSVEurostatDownloadWithLabels(t *testing.T) {
	dims := []string{"freq", "duration", "reason", "unit", "citizen", "geo", "TIME_PERIOD"}
	for _, c := range []struct {
		file, citizen string
		facts         map[[2]string]float64 // geo, year -> value
	}{
		{resvalidRU, "RU", map[[2]string]float64{
			{"CY", "2021"}: 17989, {"CY", "2024"}: 41808, {"PL", "2022"}: 20551, {"EE", "2024"}: 81293,
			{"LV", "2024"}: 36356, {"EL", "2024"}: 15808, {"EU27_2020", "2022"}: 820348, {"DE", "2024"}: 225408,
		}},
		{resvalidUA, "UA", map[[2]string]float64{{"AT", "2015"}: 7932, {"AT", "2016"}: 8516}},
	} {
		t.Run(c.citizen, func(t *testing.T) {
			cells, err := readBody(t, SDMXCSV, c.file, realBytes(t, c.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			// One cell per data row (328 in each file): no label column is
			// a dimension, so no row collapses or splits.
			wantDims(t, cells, 328, dims...)
			for k, v := range c.facts {
				cell := lookup(t, cells, "", map[string]string{"geo": k[0], "TIME_PERIOD": k[1]})
				if cell.Missing || cell.Value != v {
					t.Errorf("%s %s = %v (missing %v), MANIFEST says %v", k[0], k[1], cell.Value, cell.Missing, v)
				}
				if got, _ := cell.Code("citizen"); got != c.citizen {
					t.Errorf("citizen %q", got)
				}
			}
			// Flags come from OBS_FLAG: the break in Hungary's series in
			// 2017, Portugal's in 2024 (MANIFEST: HU 2017 b; PT 2024 b).
			for _, k := range [][2]string{{"HU", "2017"}, {"PT", "2024"}} {
				if cell := lookup(t, cells, "", map[string]string{"geo": k[0], "TIME_PERIOD": k[1]}); cell.Status != "b" {
					t.Errorf("%s %s status %q, want b", k[0], k[1], cell.Status)
				}
			}
		})
	}
}

func TestSDMXCSVLabelColumnsAreNotDimensions(t *testing.T) {
	// A made-up message in the labels=name layout with an ACTION column
	// (not followed by a label) and a label column named like a dimension.
	body := "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION,geo,geo,TIME_PERIOD,Time,OBS_VALUE,Observation value,OBS_FLAG,Flag\n" +
		"dataflow,ESTAT:X(1.0),X,I,DE,Germany,2021,,5,,p,provisional\n" +
		"dataflow,ESTAT:X(1.0),X,D,FR,France,2021,,7,,,\n"
	cells, err := readBody(t, SDMXCSV, "named.csv", []byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 1, "geo", "TIME_PERIOD")
	wantCell(t, cells, 0, 5, "DE", "2021")
	if cells[0].Status != "p" {
		t.Errorf("status %q: the flag's label column is not a status", cells[0].Status)
	}
	// Without STRUCTURE_NAME the same header is two geo columns: refused.
	plain := strings.Replace(body, "STRUCTURE_NAME", "UPDATED", 1)
	if _, err := readBody(t, SDMXCSV, "plain.csv", []byte(plain), nil); err == nil || !strings.Contains(err.Error(), "geo twice") {
		t.Errorf("err %v, want column geo twice", err)
	}
}
