package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/emigre/emigre/extractors"
)

// The "csv" reader reads delimited text: CSV, TSV, semicolon files. The
// table's layout (header rows, dimension columns, long or wide) is the
// source's, declared with the layout parameters (spreadsheet_layout.go).
//
// Parameters, besides the layout ones:
//
//	delimiter   "," (default), ";", "tab", "|", or any one character
//	quote       `"` (default, RFC 4180) or "lazy": a quote inside an
//	            unquoted field is text (files written without quoting rules)
//	charset     the encoding the publisher uses: utf-8 (default; a BOM is
//	            dropped), windows-1251, windows-1252, iso-8859-1 ... iso-8859-16,
//	            koi8-r, any IANA name. Never guessed: bytes that are not valid
//	            in the declared charset (UTF-8) are an error naming the line
//	max_bytes   body size (default 256 MiB)
//
// Row numbers (header_row, positions in errors) are line numbers.
func init() { extractors.RegisterReader(csvReader{}) }

type csvReader struct{}

func (csvReader) Format() string { return CSV }

func (csvReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	delim, err := csvDelimiter(in)
	if err != nil {
		return err
	}
	quote := in.Param("quote", `"`)
	if quote != `"` && quote != "lazy" {
		return fmt.Errorf("%s: parameter quote=%q: want \" or lazy", in.Name, quote)
	}
	body, err := decodedBody(in, "text")
	if err != nil {
		return err
	}
	r := csv.NewReader(body)
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = quote == "lazy"
	pos := func(row, col int) string { return fmt.Sprintf("line %d, column %d", row, col) }
	g := newGrid(in, layout, pos, emit)
	var cells []gridCell
	for !g.done {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvReadError(in, err)
		}
		line, _ := r.FieldPos(0)
		cells = cells[:0]
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return in.Errorf(pos(line, i+1), "bytes that are not UTF-8 (%q): declare the file's charset (windows-1251, windows-1252, iso-8859-1 ...)", excerpt([]byte(f), 40))
			}
			cells = append(cells, textCell(f))
		}
		if err := g.row(line, cells); err != nil {
			return err
		}
	}
	return g.finish()
}

func csvReadError(in extractors.Input, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return in.Errorf(fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), "%v", pe.Err)
	}
	var fe *extractors.FormatError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%s: reading: %w", in.Name, err)
}

func csvDelimiter(in extractors.Input) (rune, error) {
	d := in.Param("delimiter", ",")
	switch strings.ToLower(d) {
	case "tab", `\t`:
		return '\t', nil
	case "comma":
		return ',', nil
	case "semicolon":
		return ';', nil
	case "pipe":
		return '|', nil
	}
	r, size := utf8.DecodeRuneInString(d)
	if size != len(d) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, fmt.Errorf("%s: parameter delimiter=%q: want one character, or tab", in.Name, d)
	}
	return r, nil
}

// decodedBody returns the input's body, bounded by max_bytes, decoded from
// its declared charset to UTF-8 (a UTF-8 BOM dropped). A body that is an
// HTML page where want (text, a table) was expected fails.
func decodedBody(in extractors.Input, want string) (io.Reader, error) {
	if in.Body == nil {
		return nil, in.Errorf("", "no body")
	}
	limit, err := int64Param(in, "max_bytes", DefaultMaxBytes)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&tooLargeReader{in: in, r: LimitReader(in.Body, limit), limit: limit}, 64<<10)
	head, _ := br.Peek(512)
	if len(bytes.TrimSpace(head)) == 0 {
		if _, err := br.Peek(1); err != nil && err != io.EOF {
			return nil, err
		}
		return nil, in.Errorf("", "empty body")
	}
	if want == "text" && looksLikeHTML(head) {
		return nil, notWantedHTML(in, br, "a delimited text file")
	}
	enc, err := declaredCharset(in)
	if err != nil {
		return nil, err
	}
	if enc == nil {
		if bytes.HasPrefix(head, utf8BOM) {
			_, _ = br.Discard(len(utf8BOM))
		}
		return br, nil
	}
	return enc.NewDecoder().Reader(br), nil
}

// tooLargeReader turns LimitReader's ErrTooLarge into the input's error.
type tooLargeReader struct {
	in    extractors.Input
	r     io.Reader
	limit int64
}

func (t *tooLargeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if errors.Is(err, ErrTooLarge) {
		err = t.in.Errorf("", "body is larger than max_bytes=%d", t.limit)
	}
	return n, err
}

// declaredCharset returns the decoder of the charset parameter; nil for
// UTF-8, which is read as it is (and validated).
func declaredCharset(in extractors.Input) (encoding.Encoding, error) {
	name := strings.TrimSpace(in.Param("charset", "utf-8"))
	switch strings.ToLower(name) {
	case "utf-8", "utf8":
		return nil, nil
	}
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		// WHATWG labels ("cp1251", "latin1") as a fallback; note WHATWG
		// reads "iso-8859-1" as windows-1252, so IANA is asked first.
		enc, err = htmlindex.Get(name)
	}
	if err != nil || enc == nil {
		return nil, fmt.Errorf("%s: parameter charset=%q: unknown encoding", in.Name, name)
	}
	if enc == unicode.UTF8 {
		return nil, nil
	}
	return enc, nil
}

func looksLikeHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(head, utf8BOM)))
	return bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html")) ||
		bytes.HasPrefix(h, []byte("<?xml")) && bytes.Contains(h, []byte("<html"))
}

// notWantedHTML says that an HTML page (an error page, a bot challenge)
// came where want was expected, with its title.
func notWantedHTML(in extractors.Input, r io.Reader, want string) error {
	head, _ := io.ReadAll(io.LimitReader(r, 1<<16))
	msg := fmt.Sprintf("got an HTML page, not %s (an error page or a bot challenge?)", want)
	if t := htmlTitle(head); t != "" {
		msg += fmt.Sprintf(": title %q", t)
	}
	return in.Errorf("byte 0", "%s", msg)
}
