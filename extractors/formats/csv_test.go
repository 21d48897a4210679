package formats

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

var irccCSVParams = map[string]string{
	"delimiter": "tab", "dim.year": "EN_YEAR", "dim.month": "EN_MONTH",
	"dim.citizenship": "EN_COUNTRY_OF_CITIZENSHIP", "value": "TOTAL",
}

var yearFact = regexp.MustCompile(`(\d{4})(?: H1| \(Jan-Jun\))?=(\d+)`)

// The IRCC open-data CSVs (tab-separated, "--" for 0-5): Russia's yearly
// sums of monthly cells agree with the realdata MANIFEST, and suppressed
// cells stay missing with their "--".
func TestCSVIRCCRealFiles(t *testing.T) {
	for _, name := range []string{
		"mahjcameron-Immigration-Forecasting__ODP-PR-Citz.csv",
		"mahjcameron-Immigration-Forecasting__ODP-TR-Work-IMP-CITZ.csv",
		"mahjcameron-Immigration-Forecasting__ODP-TR-Work-TFWP-CITZ.csv",
		"mahjcameron-Immigration-Forecasting__ODP-TR-Study-IS_CITZ.csv",
	} {
		t.Run(name, func(t *testing.T) {
			cells := mustRead(t, "csv", name, realBytes(t, name), irccCSVParams)
			if got := cells[0].Table.Dims; strings.Join(got, ",") != "year,month,citizenship" {
				t.Fatalf("dims %q", got)
			}
			sums := map[string]float64{}
			suppressed := 0
			for _, c := range cells {
				if c.Missing {
					if c.Status != "--" || c.Value != 0 {
						t.Fatalf("missing cell %+v: want status -- and no value", c)
					}
					suppressed++
					continue
				}
				if c.Codes[2] == "Russia" {
					sums[c.Codes[0]] += c.Value
				}
			}
			if suppressed == 0 {
				t.Error("no suppressed cells: '--' was read as something else")
			}
			facts := yearFact.FindAllStringSubmatch(realFacts(t, name), -1)
			if len(facts) == 0 {
				t.Fatal("no facts in the MANIFEST")
			}
			for _, f := range facts {
				want, _ := strconv.ParseFloat(f[2], 64)
				if sums[f[1]] != want {
					t.Errorf("Russia %s = %v, MANIFEST says %v", f[1], sums[f[1]], want)
				}
			}
		})
	}
}

// A windows-1251 CSV with a title line, ';', decimal commas, NBSP groups,
// a footnote marker and a notes line (a reconstruction: testdata/reconstructed.md)
// gives Germany's first permits as in the Eurostat export of realdata.
func TestCSVWindows1251(t *testing.T) {
	body := testdata(t, "csv_windows1251_reconstructed.csv")
	params := map[string]string{
		"charset": "windows-1251", "delimiter": ";", "header_row": "2", "dim.country": "Страна",
		"dim.indicator": "Показатель", "melt_dims": "year", "decimal": ",", "stop": `^\*`,
	}
	cells := mustRead(t, "csv", "cp1251.csv", body, params)
	wantDims(t, cells, 8, "country", "indicator", "year")
	idx := cellIndex(t, cells)
	if c := idx["Германия|Первые разрешения|2024"]; c.Status != "*" {
		t.Errorf("2024 status %q, want the footnote marker *", c.Status)
	}
	if c := idx["Германия|Доля, %|2022"]; c.Value != 0.7 {
		t.Errorf("decimal comma: %v, want 0.7", c.Value)
	}
	if c := idx["Германия|Доля, %|2024"]; !c.Missing || c.Status != ".." {
		t.Errorf("'..' = %+v, want missing with status ..", c)
	}
	// The figures are Eurostat's migr_resfirst for Germany (realdata).
	real := mustRead(t, "xlsx", "resfirst", realBytes(t, "KiraKicka-Ru-EU-Migration-Retention-Analyzer__migr_resfirst.xlsx"),
		map[string]string{"dim.geo": "TIME", "melt_dims": "year"})
	ridx := cellIndex(t, real)
	for _, y := range []string{"2021", "2022", "2023", "2024"} {
		if got, want := idx["Германия|Первые разрешения|"+y].Value, ridx["Germany|"+y].Value; got != want {
			t.Errorf("%s: %v, Eurostat export says %v", y, got, want)
		}
	}

	// Undeclared, the same bytes are not UTF-8: an error naming the line,
	// never a guess.
	delete(params, "charset")
	_, err := readBody(t, "csv", "cp1251.csv", body, params)
	wantFormatError(t, err, "line 1, column 1", "not UTF-8", "charset")
}

func TestCSVCharsetsAndBOM(t *testing.T) {
	text := "Land;Jahr;Wert\nÖsterreich;2023;1 234\nČesko;2023;5\n"
	for _, c := range []struct {
		charset string
		enc     *charmap.Charmap
		text    string
	}{
		{"windows-1252", charmap.Windows1252, "Land;Jahr;Wert\nÖsterreich;2023;1 234\n"},
		{"iso-8859-2", charmap.ISO8859_2, text},
		{"ISO-8859-15", charmap.ISO8859_15, "Land;Jahr;Wert\nÖsterreich;2023;1 234\n"},
	} {
		b, err := c.enc.NewEncoder().Bytes([]byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		params := map[string]string{"charset": c.charset, "delimiter": ";", "dim.land": "Land", "dim.jahr": "Jahr", "value": "Wert"}
		cells := mustRead(t, "csv", c.charset, b, params)
		if cells[0].Codes[0] != "Österreich" || cells[0].Value != 1234 {
			t.Errorf("%s: first cell %+v", c.charset, cells[0])
		}
		if c.charset == "iso-8859-2" && cells[1].Codes[0] != "Česko" {
			t.Errorf("iso-8859-2: %q, want Česko", cells[1].Codes[0])
		}
	}
	// UTF-8 with a BOM: the BOM is not part of the first header.
	bom := append([]byte("\xef\xbb\xbf"), text...)
	cells := mustRead(t, "csv", "bom.csv", bom, map[string]string{"delimiter": ";", "dim.land": "Land", "dim.jahr": "Jahr", "value": "Wert"})
	if len(cells) != 2 || cells[1].Codes[0] != "Česko" {
		t.Errorf("BOM file: %+v", cells)
	}
	if _, err := readBody(t, "csv", "x.csv", bom, map[string]string{"charset": "klingon-1", "dim.land": "Land"}); err == nil || !strings.Contains(err.Error(), "unknown encoding") {
		t.Errorf("unknown charset: %v", err)
	}
}

func TestCSVErrors(t *testing.T) {
	params := map[string]string{"dim.geo": "geo", "value": "v"}
	for name, c := range map[string]struct {
		body   string
		params map[string]string
		pos    string
		says   []string
	}{
		"html page":    {"<!DOCTYPE html><html><head><title>Access denied</title></head></html>", params, "byte 0", []string{"HTML page", "Access denied"}},
		"empty":        {"  \n", params, "", []string{"empty body"}},
		"bare quote":   {"geo,v\nR\"U,1\n", params, "line 2, column 2", []string{"bare"}},
		"over maximum": {"geo,v\nRU,1\nRU,2\n", map[string]string{"dim.geo": "geo", "value": "v", "max_bytes": "8"}, "", []string{"max_bytes=8"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readBody(t, "csv", "bad.csv", []byte(c.body), c.params)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
	lazy := mustRead(t, "csv", "lazy.csv", []byte("geo,v\nR\"U,1\n"), map[string]string{"dim.geo": "geo", "value": "v", "quote": "lazy"})
	if lazy[0].Codes[0] != `R"U` {
		t.Errorf("lazy quotes: %q", lazy[0].Codes[0])
	}
	if _, err := readBody(t, "csv", "d.csv", []byte("a\n"), map[string]string{"delimiter": "ab"}); err == nil {
		t.Error("a two-character delimiter was accepted")
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("Country,2022,2023\nRussia,\"12 345*\",--\nBelarus,1\u00a0234,5 e\n"))
	f.Add([]byte("\xef\xbb\xbfCountry,2022\n\"Rus\"\"sia\",1,2\n"))
	if b, err := readFileHead(sharedReal+"/mahjcameron-Immigration-Forecasting__ODP-PR-Citz.csv", 4096); err == nil {
		f.Add(bytes.ReplaceAll(b, []byte("\t"), []byte(",")))
	}
	params := map[string]string{"dim.geo": "#1", "max_rows": "1000", "max_cell_bytes": "4096"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "csv", "fuzz", body, params)
		checkFuzzResult(t, "csv", cells, err)
	})
}

// readFileHead reads at most n bytes of a file, for fuzz seeds.
func readFileHead(path string, n int) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return b[:min(len(b), n)], nil
}

func TestSplitCount(t *testing.T) {
	for _, c := range []struct {
		in, dec, marker string
		want            float64
	}{
		{"12 345*", "", "*", 12345},
		{"12\u202f345 *", "", "*", 12345},
		{"17.8 e", ".", "e", 17.8},
		{"123p", "", "p", 123},
		{"1 234(1)", "", "(1)", 1234},
		{"5¹", "", "¹", 5},
		{"1.234,5 bep", ",", "bep", 1234.5},
		{"40", "", "", 40},
	} {
		v, marker, err := SplitCount(c.in, c.dec)
		if err != nil || v != c.want || marker != c.marker {
			t.Errorf("SplitCount(%q) = %v, %q, %v; want %v, %q", c.in, v, marker, err, c.want, c.marker)
		}
	}
	for _, bad := range []string{"*12", "p", "(1)", "1,2,3.4.5"} {
		if v, m, err := SplitCount(bad, ""); err == nil {
			t.Errorf("SplitCount(%q) = %v, %q, want an error", bad, v, m)
		}
	}
}
