package formats

import (
	"context"
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
