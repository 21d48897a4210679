package formats

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/emigre/emigre/extractors"
)

// The "html-table" reader reads one table of a web page with goquery: the
// page's table is picked by a CSS selector or by its caption, its rowspan
// and colspan cells are spread over the grid they cover, and the grid goes
// through the layout parameters (spreadsheet_layout.go) like a CSV.
//
// Parameters, besides the layout ones:
//
//	selector   CSS selector of the table (default "table")
//	caption    pick the table whose <caption> (or, lacking one, the text
//	           just before it: a heading) contains this text, case and white
//	           space folded
//	index      the N-th (1-based) table among those matching (default 1)
//	charset    the page's encoding when it has no <meta charset>; the
//	           parameter wins over the page's declaration. Never guessed: a
//	           page with neither is read as UTF-8 and must be valid UTF-8
//	max_bytes  body size (default 256 MiB)
//
// header_rows defaults to the number of rows in the table's <thead> when it
// has one. A cell's text has its white space folded; a <sup> footnote
// marker becomes "(marker)" after the number, so "12 345<sup>1</sup>" is
// 12345 with status "(1)", never 123451. Row numbers count the table's rows.
func init() { extractors.RegisterReader(htmlTableReader{}) }

type htmlTableReader struct{}

func (htmlTableReader) Format() string { return HTMLTable }

const (
	maxHTMLSpan    = 1000
	maxHTMLColumns = 16384
)

var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)`)

func (htmlTableReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	raw, err := readLimited(in)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return in.Errorf("", "empty body")
	}
	if in.Param("charset", "") == "" && !bytes.HasPrefix(raw, utf8BOM) {
		if m := metaCharset.FindSubmatch(raw[:min(len(raw), 4096)]); m != nil {
			p := maps.Clone(in.Params)
			if p == nil {
				p = map[string]string{}
			}
			p["charset"] = string(m[1])
			if _, err := declaredCharset(extractors.Input{Name: in.Name, Params: p}); err != nil {
				return in.Errorf("", "the page declares charset %q, which is unknown: set the charset parameter", m[1])
			}
			in.Params = p
		}
	}
	body, err := decodedBody(extractors.Input{Name: in.Name, Body: bytes.NewReader(raw), Params: in.Params}, "html")
	if err != nil {
		return err
	}
	page, err := io.ReadAll(body)
	if err != nil {
		return in.Errorf("", "decoding: %v", err)
	}
	if in.Param("charset", "") == "" && !utf8.Valid(page) {
		return in.Errorf("", "the page declares no charset and is not valid UTF-8: declare charset (windows-1251, windows-1252 ...)")
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return in.Errorf("", "not an HTML page: %v", err)
	}
	table, err := pickHTMLTable(in, doc)
	if err != nil {
		return err
	}
	rows, thead := htmlTableRows(table)
	if _, set := in.Params["header_rows"]; !set && thead > 0 {
		p := maps.Clone(in.Params)
		p["header_rows"] = strconv.Itoa(thead)
		in.Params = p
	}
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	pos := func(row, col int) string { return fmt.Sprintf("table row %d, column %d", row, col) }
	g := newGrid(in, layout, pos, emit)
	spans := map[int]htmlSpan{} // column (0-based) -> cell continuing from a row above
	for i, tr := range rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells, err := htmlRowCells(tr, spans)
		if err != nil {
			return in.Errorf(pos(i+1, 1), "%v", err)
		}
		if err := g.row(i+1, cells); err != nil {
			return err
		}
		if g.done {
			break
		}
	}
	return g.finish()
}

// pickHTMLTable finds the table by selector, caption and index.
func pickHTMLTable(in extractors.Input, doc *goquery.Document) (*goquery.Selection, error) {
	sel := in.Param("selector", "table")
	var matches []*goquery.Selection
	var found *goquery.Selection
	func() {
		defer func() {
			if recover() != nil { // cascadia panics on some invalid selectors
				found = nil
			}
		}()
		found = doc.Find(sel)
	}()
	if found == nil {
		return nil, fmt.Errorf("%s: parameter selector=%q: not a valid CSS selector", in.Name, sel)
	}
	want := foldText(in.Param("caption", ""))
	var captions []string
	found.Each(func(_ int, t *goquery.Selection) {
		if goquery.NodeName(t) != "table" {
			t = t.Find("table").First()
			if t.Length() == 0 {
				return
			}
		}
		c := foldText(t.ChildrenFiltered("caption").Text())
		if c == "" {
			c = foldText(t.PrevAllFiltered("h1,h2,h3,h4,h5,h6,p").First().Text())
		}
		captions = append(captions, c)
		if want == "" || strings.Contains(c, want) {
			matches = append(matches, t)
		}
	})
	index := 1
	if s := in.Param("index", ""); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: parameter index=%q: want a number >= 1", in.Name, s)
		}
		index = n
	}
	if len(matches) < index {
		if doc.Find("table").Length() == 0 {
			title := strings.Join(strings.Fields(doc.Find("title").First().Text()), " ")
			return nil, in.Errorf("", "no table matches selector %q: the page has no tables (title %q; an error page or a bot challenge?)", sel, title)
		}
		return nil, in.Errorf("", "%d tables match selector %q and caption %q, want number %d (captions: %q)", len(matches), sel, in.Param("caption", ""), index, captions)
	}
	return matches[index-1], nil
}

func foldText(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// htmlTableRows returns the table's own rows (not those of nested tables),
// thead rows first as browsers render them, and how many rows thead has.
func htmlTableRows(table *goquery.Selection) ([]*goquery.Selection, int) {
	var head, body, foot []*goquery.Selection
	table.Children().Each(func(_ int, c *goquery.Selection) {
		switch goquery.NodeName(c) {
		case "tr":
			body = append(body, c)
		case "thead", "tbody", "tfoot":
			c.ChildrenFiltered("tr").Each(func(_ int, tr *goquery.Selection) {
				switch goquery.NodeName(c) {
				case "thead":
					head = append(head, tr)
				case "tfoot":
					foot = append(foot, tr)
				default:
					body = append(body, tr)
				}
			})
		}
	})
	return append(append(head, body...), foot...), len(head)
}

type htmlSpan struct {
	cell gridCell
	left int // rows still covered
}

// htmlRowCells lays one row's cells out on the grid, taking the columns
// that rowspan cells of rows above still cover.
func htmlRowCells(tr *goquery.Selection, spans map[int]htmlSpan) ([]gridCell, error) {
	var cells []gridCell
	col := 0
	take := func() {
		for {
			s, ok := spans[col]
			if !ok {
				return
			}
			for len(cells) <= col {
				cells = append(cells, gridCell{})
			}
			cells[col] = s.cell
			if s.left--; s.left == 0 {
				delete(spans, col)
			} else {
				spans[col] = s
			}
			col++
		}
	}
	var err error
	tr.ChildrenFiltered("td,th").EachWithBreak(func(_ int, td *goquery.Selection) bool {
		take()
		cs, rs := spanAttr(td, "colspan"), spanAttr(td, "rowspan")
		if col+cs > maxHTMLColumns {
			err = fmt.Errorf("a row wider than %d columns", maxHTMLColumns)
			return false
		}
		c := textCell(htmlCellText(td))
		for k := range cs {
			cells = append(cells, c)
			if rs > 1 {
				spans[col+k] = htmlSpan{cell: c, left: rs - 1}
			}
		}
		col += cs
		return true
	})
	if err != nil {
		return nil, err
	}
	// Columns to the right still covered from above.
	for len(spans) > 0 {
		next := -1
		for c := range spans {
			if c >= col && (next < 0 || c < next) {
				next = c
			}
		}
		if next < 0 {
			break
		}
		for len(cells) < next {
			cells = append(cells, gridCell{})
		}
		col = next
		take()
	}
	return cells, nil
}

func spanAttr(s *goquery.Selection, name string) int {
	v, ok := s.Attr(name)
	if !ok {
		return 1
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 1 // as browsers do with a bad span
	}
	return min(n, maxHTMLSpan)
}

// htmlCellText is the cell's visible text with white space folded; a <sup>
// becomes "(text)" so a footnote number never joins the figure's digits.
func htmlCellText(td *goquery.Selection) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteByte(' ')
			return
		case n.Type == html.ElementNode && n.Data == "sup":
			b.WriteString("(")
			defer b.WriteString(")")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range td.Nodes {
		walk(n)
	}
	t := strings.Join(strings.Fields(b.String()), " ")
	return strings.ReplaceAll(t, "()", "")
}
