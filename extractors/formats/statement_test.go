package formats

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

func readStatement(t *testing.T, page string, params map[string]string) ([]extractors.Cell, error) {
	t.Helper()
	var cells []extractors.Cell
	err := StatementReader{}.Read(context.Background(), extractors.Input{Name: "page.html", Body: strings.NewReader(page), Params: params}, func(c extractors.Cell) error {
		cells = append(cells, c)
		return nil
	})
	return cells, err
}

func TestStatementReaderFindsFigureAcrossMarkup(t *testing.T) {
	page := `<!doctype html><html><head><meta charset="utf-8"><title>x</title>
<script>var n = "около 99 тысяч граждан";</script></head>
<body><article><p>По данным миграционной службы, в Армении на законных основаниях проживают
<b>около 40</b>&nbsp;тысяч граждан России.</p></article></body></html>`
	cells, err := readStatement(t, page, map[string]string{"pattern": `около (\d[\d\s]*) тысяч граждан России`, "scale": "1000"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 {
		t.Fatalf("got %d cells, want 1", len(cells))
	}
	if cells[0].Value != 40000 {
		t.Errorf("value = %v, want 40000 (the script's 99 must not count)", cells[0].Value)
	}
	if !strings.Contains(cells[0].Codes[0], "40 тысяч граждан России") {
		t.Errorf("quote = %q", cells[0].Codes[0])
	}
}

// A figure written with a word for thousands: group 1 is scaled, the group
// named rest is added; without rest the pattern reads thousands alone.
func TestStatementReaderThousandsWordAndRest(t *testing.T) {
	page := `<p>Теперь, как следует из статистики управления на 13 ноября, в Турции 72 тысячи 631 россиянин с ВНЖ.</p>`
	cells, err := readStatement(t, page, map[string]string{"pattern": `в Турции (\d+) тысяч[аи]? (?P<rest>\d{3}) россиян`, "scale": "1000"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cells[0].Value != 72631 {
		t.Fatalf("cells %+v: want one of 72631", cells)
	}
	cells, err = readStatement(t, page, map[string]string{"pattern": `в Турции (\d+) тысяч`, "scale": "1000"})
	if err != nil || cells[0].Value != 72000 {
		t.Errorf("without rest: %+v, %v: want 72000", cells, err)
	}
	_, err = readStatement(t, page, map[string]string{"pattern": `в Турции (\d+) тысяч[аи]? (?P<rest>\d{3})`,
		"total_pattern": `(\d+) россиян`})
	if err == nil || !strings.Contains(err.Error(), "exclude each other") {
		t.Errorf("rest with total_pattern: %v", err)
	}
}

func TestStatementReaderDecodesDeclaredCharset(t *testing.T) {
	// "граждан" in windows-1251, declared by a meta tag as Russian sites do.
	page := "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body>12 345 \xe3\xf0\xe0\xe6\xe4\xe0\xed</body></html>"
	cells, err := readStatement(t, page, map[string]string{"pattern": `(\d[\d ]*\d) граждан`})
	if err != nil {
		t.Fatal(err)
	}
	if cells[0].Value != 12345 {
		t.Errorf("value = %v, want 12345", cells[0].Value)
	}
}

func TestStatementReaderRefusesMisdeclaredUTF8(t *testing.T) {
	// "граждан" in windows-1251 on a page that says it is UTF-8: decoding
	// it as declared would turn the text to replacement characters and
	// report the statement as gone.
	page := "<html><head><meta charset=\"utf-8\"></head><body>12 345 \xe3\xf0\xe0\xe6\xe4\xe0\xed</body></html>"
	_, err := readStatement(t, page, map[string]string{"pattern": `(\d[\d ]*\d) граждан`})
	if err == nil || !strings.Contains(err.Error(), "declares UTF-8 but is not valid UTF-8") {
		t.Errorf("err = %v, want the encoding named", err)
	}
	// The source's charset parameter reads it.
	cells, err := readStatement(t, page, map[string]string{"pattern": `(\d[\d ]*\d) граждан`, "charset": "windows-1251"})
	if err != nil || len(cells) != 1 || cells[0].Value != 12345 {
		t.Errorf("with charset=windows-1251: %v %v", cells, err)
	}
}

func TestStatementReaderFailsWhenStatementGone(t *testing.T) {
	for name, page := range map[string]string{
		"reworded": "<html><body><p>Page moved.</p></body></html>",
		"empty":    "",
	} {
		_, err := readStatement(t, page, map[string]string{"pattern": `(\d+) граждан`})
		if err == nil {
			t.Errorf("%s: want an error", name)
			continue
		}
		if !strings.Contains(err.Error(), "page.html") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := readStatement(t, "<p>1</p>", map[string]string{"pattern": `\d+`}); err == nil {
		t.Error("a pattern without a group must be refused")
	}
}

// A page that states a share and its total gives a count computed from the
// two, kept to the share's precision.
func TestStatementReaderShareOfTotal(t *testing.T) {
	page := `<html><body><p>In 2022, 74,714 immigrants arrived in Israel.</p>
<p>Mainly from Russia (60.9% of the total immigrants) and Ukraine (19.6%).</p></body></html>`
	params := map[string]string{"pattern": `Russia \((\d[\d.]*)% of the total`, "total_pattern": `In 2022, (\d[\d,]*\d) immigrants arrived`}
	cells, err := readStatement(t, page, params)
	if err != nil {
		t.Fatal(err)
	}
	// 60.9% has three significant digits, so the count keeps three.
	exact := 0.609 * 74714
	want := math.Round(exact/100) * 100
	if len(cells) != 1 || cells[0].Value != want {
		t.Fatalf("cells %+v, want one of %v (%v rounded to the share's 3 digits)", cells, want, exact)
	}
	if q := cells[0].Codes[0]; !strings.Contains(q, "74,714 immigrants") || !strings.Contains(q, "60.9% of the total") {
		t.Errorf("quote %q does not hold both the total and the share", q)
	}

	for name, c := range map[string]struct {
		page, want string
		params     map[string]string
	}{
		"total gone":            {strings.Replace(page, "74,714 immigrants arrived", "many immigrants came", 1), "total_pattern", params},
		"not a share":           {strings.Replace(page, "60.9%", "160.9%", 1), "not a percentage", params},
		"total without a group": {page, "total_pattern", map[string]string{"pattern": params["pattern"], "total_pattern": `\d+ immigrants`}},
	} {
		_, err := readStatement(t, c.page, c.params)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "page.html") {
			t.Errorf("%s: error %v, want one naming page.html and %q", name, err, c.want)
		}
	}
}

func TestRoundSignificant(t *testing.T) {
	for _, c := range []struct {
		v    float64
		n    int
		want float64
	}{{45500.826, 3, 45500}, {33143.76, 2, 33000}, {0.04567, 2, 0.046}, {999.6, 3, 1000}, {12, 5, 12}} {
		if got := roundSignificant(c.v, c.n); got != c.want {
			t.Errorf("roundSignificant(%v, %d) = %v, want %v", c.v, c.n, got, c.want)
		}
	}
	for s, want := range map[string]int{"60.9": 3, "0.5": 1, "72": 2, "100": 3, "0,05": 1} {
		if got := significantDigits(s); got != want {
			t.Errorf("significantDigits(%q) = %d, want %d", s, got, want)
		}
	}
}
