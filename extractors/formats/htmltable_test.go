package formats

import (
	"strings"
	"testing"
)

const htmlDE = "htmltable_de_permits_reconstructed.html"

var htmlDEParams = map[string]string{"caption": "russische staatsangehörige", "dim.land": "Land", "dim.merkmal": "Merkmal", "melt_dims": "x,jahr", "stop": `^1\)`}

// A statistics office's HTML table (a reconstruction, testdata/reconstructed.md):
// windows-1252 declared in a meta tag, caption, a layout table before it,
// rowspan and colspan, NBSP, thin-space and dot digit groups, a <sup>
// footnote and a footnote row. Its figures are the realdata Eurostat ones.
func TestHTMLTableReconstructed(t *testing.T) {
	cells := mustRead(t, "html-table", htmlDE, testdata(t, htmlDE), htmlDEParams)
	wantDims(t, cells, 12, "land", "merkmal", "x", "jahr")
	idx := cellIndex(t, cells)
	checks := map[string]string{
		"Deutschland|Gültige Aufenthaltstitel": "Germany@migr_resvalid",
		"Deutschland|Bevölkerung am 1. Januar": "Germany@migr_pop1ctz",
		"Spanien|Gültige Aufenthaltstitel":     "Spain@migr_resvalid",
	}
	for prefix, src := range checks {
		country, table, _ := strings.Cut(src, "@")
		name := "KiraKicka-Ru-EU-Migration-Retention-Analyzer__" + table + ".xlsx"
		real := cellIndex(t, mustRead(t, "xlsx", name, realBytes(t, name), map[string]string{"dim.geo": "TIME", "melt_dims": "year"}))
		for _, y := range []string{"2021", "2022", "2023", "2024"} {
			wantAt(t, idx, prefix+"|Jahr|"+y, real[country+"|"+y].Value)
		}
	}
	if c := idx["Deutschland|Gültige Aufenthaltstitel|Jahr|2024"]; c.Status != "(1)" {
		t.Errorf("<sup>1</sup>: status %q, want (1)", c.Status)
	}
	// Without the stop pattern the footnote row is a value: an error naming it.
	p := map[string]string{}
	for k, v := range htmlDEParams {
		p[k] = v
	}
	delete(p, "stop")
	_, err := readBody(t, "html-table", htmlDE, testdata(t, htmlDE), p)
	wantFormatError(t, err, "table row 6, column 3", "vorläufig")
	// By selector and index instead of caption: the same table.
	p = map[string]string{"selector": "table", "index": "2", "stop": `^1\)`}
	for k, v := range htmlDEParams {
		if strings.HasPrefix(k, "dim.") || k == "melt_dims" {
			p[k] = v
		}
	}
	if n := len(mustRead(t, "html-table", htmlDE, testdata(t, htmlDE), p)); n != len(cells) {
		t.Errorf("index=2: %d cells, want %d", n, len(cells))
	}
}

func TestHTMLTableSpans(t *testing.T) {
	page := `<html><body><table>
<tr><th rowspan="2">Region</th><th rowspan="2">Sex</th><th colspan="2">2023</th><th colspan="2">2024</th></tr>
<tr><th>H1</th><th>H2</th><th>H1</th><th>H2</th></tr>
<tr><td rowspan="2">North</td><td>M</td><td>10</td><td rowspan="2" colspan="2">..</td><td>11</td></tr>
<tr><td>F</td><td>12</td><td>13</td></tr>
<tr><td>South</td><td>M</td><td>1</td><td>2</td><td>3</td></tr>
</table></body></html>`
	cells := mustRead(t, "html-table", "spans.html", []byte(page), map[string]string{"header_rows": "2", "dim.region": "Region", "dim.sex": "Sex", "melt_dims": "year,half"})
	wantDims(t, cells, 12, "region", "sex", "year", "half")
	idx := cellIndex(t, cells)
	wantAt(t, idx, "North|M|2023|H1", 10)
	wantAt(t, idx, "North|M|2024|H2", 11)
	wantAt(t, idx, "North|F|2023|H1", 12)
	wantAt(t, idx, "North|F|2024|H2", 13)
	wantAt(t, idx, "South|M|2024|H1", 3)
	for _, k := range []string{"North|M|2023|H2", "North|M|2024|H1", "North|F|2023|H2", "North|F|2024|H1"} {
		if c := idx[k]; !c.Missing || c.Status != ".." {
			t.Errorf("%s: %+v, want the spanned '..'", k, c)
		}
	}
	// The short last row: the missing cell is empty, not shifted.
	if c := idx["South|M|2024|H2"]; !c.Missing || c.Status != "" {
		t.Errorf("South 2024 H2: %+v, want an empty missing cell", c)
	}
}

func TestHTMLTableErrors(t *testing.T) {
	for name, c := range map[string]struct {
		page   string
		params map[string]string
		pos    string
		says   []string
	}{
		"no table":       {"<html><head><title>Please enable JavaScript</title></head><body>checking your browser</body></html>", nil, "", []string{"no tables", "Please enable JavaScript"}},
		"caption absent": {"<table><caption>Other</caption><tr><td>x</td></tr></table>", map[string]string{"caption": "russia", "dim.x": "#1"}, "", []string{"0 tables match", `"other"`}},
		"not utf-8":      {"<table><tr><th>Land</th><th>2024</th></tr><tr><td>\xd6sterreich</td><td>1</td></tr></table>", nil, "", []string{"no charset", "not valid UTF-8"}},
	} {
		t.Run(name, func(t *testing.T) {
			if c.params == nil {
				c.params = map[string]string{"dim.land": "Land"}
			}
			_, err := readBody(t, "html-table", "bad.html", []byte(c.page), c.params)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
	// Declared, the same bytes read.
	cells := mustRead(t, "html-table", "latin.html", []byte("<table><tr><th>Land</th><th>2024</th></tr><tr><td>\xd6sterreich</td><td>1</td></tr></table>"),
		map[string]string{"dim.land": "Land", "charset": "iso-8859-1"})
	if cells[0].Codes[0] != "Österreich" {
		t.Errorf("charset parameter: %q", cells[0].Codes[0])
	}
	if _, err := readBody(t, "html-table", "x.html", []byte("<table></table>"), map[string]string{"selector": "table[", "dim.x": "#1"}); err == nil || !strings.Contains(err.Error(), "selector") {
		t.Errorf("bad selector: %v", err)
	}
}

func FuzzHTMLTable(f *testing.F) {
	if b, err := readFileHead("testdata/"+htmlDE, 1<<20); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<table><tr><th rowspan="0">R</th><th colspan="1000">Y</th></tr><tr><td rowspan="3" colspan="2">1<sup>2</sup></td></tr></table>`))
	params := map[string]string{"dim.r": "#1", "max_rows": "1000"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "html-table", "fuzz", body, params)
		checkFuzzResult(t, "html-table", cells, err)
	})
}
