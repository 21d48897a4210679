package formats

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/emigre/emigre/extractors"
)

// StatementReader reads an official statement: a web page (a ministry's
// release, an interview) holding a figure. The source's pattern, a regular
// expression over the page's visible text with its white space folded,
// captures the figure in group 1; the whole match is kept as the quote. A
// page that no longer holds the pattern fails: the statement was removed or
// reworded, and someone should look.
//
// Parameters: pattern (required), scale (multiplier, e.g. 1000 for a figure
// in thousands), decimal ("." or ","), charset (the page's declared
// encoding when it has no meta tag), max_bytes.
type StatementReader struct{}

func init() { extractors.RegisterReader(StatementReader{}) }

// Format implements extractors.Reader.
func (StatementReader) Format() string { return "statement" }

// Read implements extractors.Reader.
func (StatementReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	pattern := in.Param("pattern", "")
	if pattern == "" {
		return in.Errorf("", "statement reader needs a pattern parameter")
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return in.Errorf("", "pattern %q: %v", pattern, err)
	}
	if re.NumSubexp() < 1 {
		return in.Errorf("", "pattern %q has no group capturing the figure", pattern)
	}
	scale := 1.0
	if s := in.Param("scale", ""); s != "" {
		if scale, err = strconv.ParseFloat(s, 64); err != nil || scale <= 0 {
			return in.Errorf("", "scale %q is not a positive number", s)
		}
	}
	text, err := pageText(in)
	if err != nil {
		return err
	}
	m := re.FindStringSubmatch(text)
	if m == nil {
		return in.Errorf("", "the page no longer holds the statement (pattern %q not found in %d characters of text)", pattern, len(text))
	}
	v, err := ParseCount(m[1], in.Param("decimal", ""))
	if err != nil {
		return in.Errorf("quote "+strconv.Quote(m[0]), "%v", err)
	}
	t := &extractors.Table{Dims: []string{"quote"}}
	return emit(extractors.Cell{Table: t, Codes: []string{m[0]}, Value: v * scale})
}

// pageText returns the visible text of an HTML page, decoded from its
// declared charset, with white space folded to single spaces.
func pageText(in extractors.Input) (string, error) {
	raw, err := io.ReadAll(LimitReader(in.Body, maxBytes(in)))
	if err != nil {
		return "", in.Errorf("", "%v", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", in.Errorf("", "empty body")
	}
	var r io.Reader = bytes.NewReader(raw)
	if cs := in.Param("charset", ""); cs != "" {
		if r, err = charset.NewReaderLabel(cs, r); err != nil {
			return "", in.Errorf("", "charset %q: %v", cs, err)
		}
	} else {
		enc, name, _ := charset.DetermineEncoding(raw, "text/html")
		if name == "utf-8" && !utf8.Valid(raw) {
			// Decoding would turn the text into replacement characters
			// and the figure into "not found".
			return "", in.Errorf("", "the page declares UTF-8 but is not valid UTF-8: another encoding? set the source's charset parameter")
		}
		r = enc.NewDecoder().Reader(r)
	}
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return "", in.Errorf("", "not an HTML page: %v", err)
	}
	doc.Find("script, style, noscript, template").Remove()
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			b.WriteByte(' ') // element boundaries separate words ("<td>1</td><td>2</td>")
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " "), nil
}

// maxBytes is the reader's size limit: the max_bytes parameter, else 64 MiB.
func maxBytes(in extractors.Input) int64 {
	if s := in.Param("max_bytes", ""); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 64 << 20
}
