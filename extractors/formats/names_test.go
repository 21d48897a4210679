package formats

import (
	"slices"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// Every exported name is a registered reader whose Format says that name,
// and every reader this package registers has its name exported: code that
// compares a source's format with a constant can then never compare with a
// name no reader answers to.
func TestReaderNamesAreRegistered(t *testing.T) {
	for _, name := range Names() {
		r, err := extractors.ReaderFor(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Format() != name {
			t.Errorf("ReaderFor(%q).Format() = %q", name, r.Format())
		}
	}
	for _, name := range extractors.ReaderFormats() {
		if !slices.Contains(Names(), name) {
			t.Errorf("reader %q is registered but has no exported name in names.go", name)
		}
	}
	if !slices.IsSorted(Names()) {
		t.Errorf("Names() is not sorted: %v", Names())
	}
}

// The refresh exempts the page readers (statement, html-table) from its
// check that a data answer is not an HTML page, since their answers are
// pages. So the reader itself must refuse a page that lacks its table: an
// error page or a bot challenge sent with status 200 fails the source,
// never becomes "no data".
func TestHTMLTableRefusesAPageWithoutItsTable(t *testing.T) {
	params := map[string]string{"dim.land": "Land"}
	for name, c := range map[string]struct {
		page string
		says []string
	}{
		"bot challenge": {`<html><head><title>Just a moment...</title></head><body>Checking your browser before accessing</body></html>`,
			[]string{"no tables", "Just a moment...", "bot challenge"}},
		"error page with a layout table": {`<html><head><title>Access denied</title></head><body><table><tr><td>Access denied</td></tr><tr><td>Reference 18.2f</td></tr></table></body></html>`,
			[]string{`no column "Land"`, "Access denied"}},
		"table without data rows": {`<html><body><table><tr><th>Land</th><th>2024</th></tr></table></body></html>`,
			[]string{"no data rows"}},
		"empty table": {`<html><body><table></table></body></html>`, []string{"no data rows"}},
		"empty body":  {"", []string{"empty body"}},
	} {
		t.Run(name, func(t *testing.T) {
			cells, err := readBody(t, HTMLTable, "page.html", []byte(c.page), params)
			if len(cells) != 0 {
				t.Errorf("%d cells from a page without the table", len(cells))
			}
			wantFormatError(t, err, "", c.says...)
		})
	}
}
