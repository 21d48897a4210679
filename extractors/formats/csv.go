package formats

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
