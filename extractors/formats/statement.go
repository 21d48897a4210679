package formats

import (
	"bytes"
	"context"
	"io"
	"math"
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
// encoding when it has no meta tag), max_bytes, total_pattern.
//
// A figure written with a word for thousands ("72 тысячи 631") is read by
// a pattern with a second group named rest: group 1 is scaled, rest is
// added (`(\d+) тысяч[аи]? (?P<rest>\d{3})` with scale 1000 reads 72,631).
//
// With total_pattern the page states a share, not a count ("74,714
// immigrants arrived ... mainly from Russia (60.9% of the total)"): pattern
// captures the percentage, total_pattern the total, and the figure is
// share/100 × total rounded to as many significant digits as the share has
// (60.9% of 74,714 is 45,500, not 45,500.826: a share rounded to 0.1% does
// not know the count to the person). Both matches are kept in the quote.
type StatementReader struct{}

func init() { extractors.RegisterReader(StatementReader{}) }

// Format implements extractors.Reader.
func (StatementReader) Format() string { return Statement }

// Read implements extractors.Reader.
func (StatementReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	pattern := in.Param("pattern", "")
	if pattern == "" {
		return in.Errorf("", "statement reader needs a pattern parameter")
	}
	re, err := compileFigurePattern(in, "pattern", pattern)
	if err != nil {
		return err
	}
	var totalRe *regexp.Regexp
	if tp := in.Param("total_pattern", ""); tp != "" {
		if totalRe, err = compileFigurePattern(in, "total_pattern", tp); err != nil {
			return err
		}
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
	v, m, err := findFigure(in, text, re, "the statement (pattern")
	if err != nil {
		return err
	}
	quote := m[0]
	rest := 0.0
	if i := re.SubexpIndex("rest"); i > 1 && m[i] != "" {
		if totalRe != nil {
			return in.Errorf("", "pattern's rest group and total_pattern exclude each other")
		}
		if rest, err = ParseCount(m[i], in.Param("decimal", "")); err != nil {
			return in.Errorf("quote "+strconv.Quote(m[0]), "rest: %v", err)
		}
	}
	if totalRe != nil {
		total, mt, err := findFigure(in, text, totalRe, "the total the share is of (total_pattern")
		if err != nil {
			return err
		}
		if v <= 0 || v > 100 {
			return in.Errorf("quote "+strconv.Quote(m[0]), "share %v is not a percentage in (0, 100]", v)
		}
		v = roundSignificant(v/100*total, significantDigits(m[1]))
		quote = mt[0] + " … " + m[0]
	}
	t := &extractors.Table{Dims: []string{"quote"}}
	return emit(extractors.Cell{Table: t, Codes: []string{quote}, Value: v*scale + rest})
}

// findFigure finds re in the page's text and parses the number of group 1;
// what names what is missing when the page no longer holds it.
func findFigure(in extractors.Input, text string, re *regexp.Regexp, what string) (float64, []string, error) {
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0, nil, in.Errorf("", "the page no longer holds %s %q not found in %d characters of text)", what, re, len(text))
	}
	v, err := ParseCount(m[1], in.Param("decimal", ""))
	if err != nil {
		return 0, nil, in.Errorf("quote "+strconv.Quote(m[0]), "%v", err)
	}
	return v, m, nil
}

// compileFigurePattern compiles a parameter that must capture a number in
// group 1.
func compileFigurePattern(in extractors.Input, param, pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, in.Errorf("", "%s %q: %v", param, pattern, err)
	}
	if re.NumSubexp() < 1 {
		return nil, in.Errorf("", "%s %q has no group capturing the figure", param, pattern)
	}
	return re, nil
}

// significantDigits counts the digits of a printed number after its leading
// zeros ("60.9" has 3, "0.5" has 1, "72" has 2).
func significantDigits(s string) int {
	n, leading := 0, true
	for _, r := range s {
		switch {
		case r == '0' && leading:
		case r >= '0' && r <= '9':
			n, leading = n+1, false
		}
	}
	return max(n, 1)
}

// roundSignificant rounds v to n significant digits.
func roundSignificant(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	// k: the power of ten of the last digit kept. Exact powers of ten keep
	// the division and product exact (45500.826 -> 455 × 100).
	k := int(math.Floor(math.Log10(math.Abs(v)))) + 1 - n
	if k >= 0 {
		q := math.Pow(10, float64(k))
		return math.Round(v/q) * q
	}
	q := math.Pow(10, float64(-k))
	return math.Round(v*q) / q
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
