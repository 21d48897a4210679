package formats

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "ods" reader reads one sheet of an OpenDocument spreadsheet (the UK
// Home Office publishes its immigration statistics as ODS). No maintained Go
// library reads ODS, so this is a small streaming reader over archive/zip
// and encoding/xml of content.xml, following OpenDocument 1.2 part 1 §9
// (table:table, table:table-row, table:table-cell, covered cells and the
// number-rows-repeated / number-columns-repeated / -spanned attributes).
//
// Parameters: those of xlsx (sheet, merged, layout, zip limits, max_bytes).
// A number cell's value is its office:value (the stored number, not its
// display); other cells are their text, parsed like a CSV cell.
func init() { extractors.RegisterReader(odsReader{}) }

type odsReader struct{}

func (odsReader) Format() string { return ODS }

const odsMaxColumns = 1 << 14 // 16384, as LibreOffice and Excel

const (
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
)

func (odsReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	fill := true
	switch m := in.Param("merged", "fill"); m {
	case "fill":
	case "ignore":
		fill = false
	default:
		return fmt.Errorf("%s: parameter merged=%q: want fill or ignore", in.Name, m)
	}
	data, err := readLimited(in)
	if err != nil {
		return err
	}
	if err := checkSpreadsheetBytes(in, data, "an ODS spreadsheet"); err != nil {
		return err
	}
	zr, lim, err := openZip(in, data)
	if err != nil {
		return err
	}
	var content []byte
	for _, f := range zr.File {
		switch f.Name {
		case "mimetype":
			mt, err := readZipMember(in, f, lim)
			if err != nil {
				return err
			}
			if s := strings.TrimSpace(string(mt)); s != "application/vnd.oasis.opendocument.spreadsheet" {
				return in.Errorf("mimetype", "an OpenDocument file of type %q, not a spreadsheet", excerpt(mt, 80))
			}
		case "content.xml":
			if content, err = readZipMember(in, f, lim); err != nil {
				return err
			}
		}
	}
	if content == nil {
		return in.Errorf("", "a zip without content.xml, not an ODS spreadsheet (members: %s)", zipMemberNames(zr))
	}
	in.Name += "!content.xml"
	x, err := newSafeXML(in, bytes.NewReader(content))
	if err != nil {
		return err
	}
	r := &odsSheetReader{ctx: ctx, in: in, layout: layout, fill: fill, emit: emit, want: in.Param("sheet", "")}
	return r.read(x)
}

type odsSheetReader struct {
	ctx    context.Context
	in     extractors.Input
	layout *gridLayout
	fill   bool
	emit   extractors.Emit
	want   string // sheet name, #N, or "" for the first

	sheets []string // names seen, for messages
	g      *grid
	sheet  string
	merges mergedRanges
	row    int // rows of the sheet so far
}

func attr(e xml.StartElement, space, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}

// repeatAttr reads a number-*-repeated or -spanned attribute (default 1).
func repeatAttr(e xml.StartElement, local string) (int, error) {
	s := attr(e, nsTable, local)
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("table:%s=%q is not a count", local, s)
	}
	return n, nil
}

func (r *odsSheetReader) pick(name string) bool {
	r.sheets = append(r.sheets, name)
	switch {
	case r.want == "":
		return len(r.sheets) == 1
	case strings.HasPrefix(r.want, "#"):
		return r.want == "#"+strconv.Itoa(len(r.sheets))
	}
	return name == r.want
}

// read finds the picked table in content.xml (safeXML bounds the depth and
// text sizes and refuses DTDs) and feeds its rows to the grid.
func (r *odsSheetReader) read(d *safeXML) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Space == nsTable && t.Name.Local == "table" {
				name := attr(t, nsTable, "name")
				if !r.pick(name) {
					if err := d.Skip(); err != nil {
						return err
					}
					depth--
					continue
				}
				r.sheet = name
				r.g = newGrid(r.in, r.layout, sheetPos(name), r.emit)
				if err := r.readTable(d, &depth); err != nil {
					return err
				}
				return r.g.finish()
			}
		case xml.EndElement:
			depth--
		}
	}
	if len(r.sheets) == 0 {
		return r.in.Errorf("", "no table:table in content.xml: not a spreadsheet")
	}
	return r.in.Errorf("", "no sheet %q (sheets: %q)", r.want, r.sheets)
}

// readTable reads the rows of the picked table until its end tag. Rows
// inside table:table-header-rows, table:table-row-group and
// table:table-rows count like any other.
func (r *odsSheetReader) readTable(d *safeXML, depth *int) error {
	start := *depth
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		tok, err := d.Token()
		if err != nil {
			return eofIsTruncation(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			*depth++
			if t.Name.Space == nsTable && t.Name.Local == "table-row" {
				if err := r.readRow(d, t, depth); err != nil {
					return err
				}
				if r.g.done {
					return nil
				}
			}
		case xml.EndElement:
			*depth--
			if *depth < start {
				return nil
			}
		}
	}
}

type odsCell struct {
	cell   gridCell
	repeat int
}

func (r *odsSheetReader) readRow(d *safeXML, e xml.StartElement, depth *int) error {
	pos := func() string { return sheetPos(r.sheet)(r.row+1, 1) }
	repeat, err := repeatAttr(e, "number-rows-repeated")
	if err != nil {
		return r.in.Errorf(pos(), "%v", err)
	}
	var cells []odsCell
	width := 0
	start := *depth
	for {
		tok, err := d.Token()
		if err != nil {
			return eofIsTruncation(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			*depth++
			if t.Name.Space != nsTable || t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				continue
			}
			c, err := r.readCell(d, t, depth)
			if err != nil {
				var fe *extractors.FormatError
				if errors.As(err, &fe) {
					return err
				}
				return r.in.Errorf(sheetPos(r.sheet)(r.row+1, width+1), "%v", err)
			}
			if c.repeat > odsMaxColumns || width+c.repeat > odsMaxColumns && (c.cell.isNum || c.cell.text != "") {
				return r.in.Errorf(sheetPos(r.sheet)(r.row+1, width+1), "a row wider than %d columns", odsMaxColumns)
			}
			if r.fill && t.Name.Local == "table-cell" {
				if err := r.noteSpan(t, width+1, c.cell); err != nil {
					return r.in.Errorf(sheetPos(r.sheet)(r.row+1, width+1), "%v", err)
				}
			}
			width += c.repeat
			cells = append(cells, c)
		case xml.EndElement:
			*depth--
			if *depth < start {
				return r.emitRows(expandODSCells(cells), repeat)
			}
		}
	}
}

// noteSpan records a merged block (number-columns/rows-spanned) so that its
// covered cells show its value.
func (r *odsSheetReader) noteSpan(e xml.StartElement, col int, v gridCell) error {
	cs, err := repeatAttr(e, "number-columns-spanned")
	if err != nil {
		return err
	}
	rs, err := repeatAttr(e, "number-rows-spanned")
	if err != nil {
		return err
	}
	if cs == 1 && rs == 1 {
		return nil
	}
	if col+cs-1 > odsMaxColumns {
		return errors.New("a merged range wider than the sheet")
	}
	row := r.row + 1
	r.merges.add(mergedRange{c1: col, r1: row, c2: col + cs - 1, r2: row + rs - 1, value: v})
	return nil
}

// expandODSCells expands repeated cells up to the last non-empty one:
// sheets end rows with thousands of repeated empty cells.
func expandODSCells(cells []odsCell) []gridCell {
	last := -1
	for i, c := range cells {
		if c.cell.isNum || c.cell.text != "" {
			last = i
		}
	}
	var out []gridCell
	for _, c := range cells[:last+1] {
		for range c.repeat {
			out = append(out, c.cell)
		}
	}
	return out
}

// emitRows feeds a row, repeated, to the grid. Empty repeated rows (often a
// million of them at a sheet's end) only advance the row number, unless
// the layout's header lies among them.
func (r *odsSheetReader) emitRows(cells []gridCell, repeat int) error {
	if len(cells) == 0 && !r.merges.covers(r.row+1, r.row+repeat) {
		// Only the header rows among them matter; the loop is bounded by
		// header_rows, never by the repeat count.
		h1, h2 := max(r.layout.headerRow, r.row+1), min(r.layout.headerRow+r.layout.headerRows-1, r.row+repeat)
		for n := h1; n <= h2; n++ {
			if err := r.g.row(n, nil); err != nil {
				return err
			}
		}
		r.row += repeat
		return nil
	}
	if int64(repeat) > r.layout.maxRows {
		return r.in.Errorf(sheetPos(r.sheet)(r.row+1, 1), "a row repeated %d times, more than max_rows=%d", repeat, r.layout.maxRows)
	}
	for range repeat {
		r.row++
		row := r.merges.fill(r.row, append([]gridCell(nil), cells...))
		if err := r.g.row(r.row, row); err != nil {
			return err
		}
		if r.g.done {
			return nil
		}
	}
	return nil
}

// readCell reads one table:table-cell or table:covered-table-cell.
func (r *odsSheetReader) readCell(d *safeXML, e xml.StartElement, depth *int) (odsCell, error) {
	rep, err := repeatAttr(e, "number-columns-repeated")
	if err != nil {
		return odsCell{}, err
	}
	c := odsCell{repeat: rep}
	switch vt := attr(e, nsOffice, "value-type"); vt {
	case "float", "percentage", "currency":
		v, err := strconv.ParseFloat(attr(e, nsOffice, "value"), 64)
		if err != nil {
			return c, fmt.Errorf("a %s cell whose office:value %q is not a number", vt, attr(e, nsOffice, "value"))
		}
		c.cell.num, c.cell.isNum = v, true
	}
	text, err := odsText(d, depth, r.layout.maxCell)
	if err != nil {
		return c, err
	}
	c.cell.text = text
	return c, nil
}

// odsText collects a cell's text: its text:p paragraphs joined by new
// lines, with text:s (spaces), text:tab and text:line-break expanded.
func odsText(d *safeXML, depth *int, maxCell int64) (string, error) {
	var b strings.Builder
	start := *depth
	paragraphs := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return "", eofIsTruncation(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			*depth++
			if t.Name.Space != nsText {
				continue
			}
			switch t.Name.Local {
			case "p", "h":
				if paragraphs++; paragraphs > 1 {
					b.WriteByte('\n')
				}
			case "s":
				n, _ := strconv.Atoi(attr(t, nsText, "c"))
				b.WriteString(strings.Repeat(" ", min(max(n, 1), 1024)))
			case "tab":
				b.WriteByte('\t')
			case "line-break":
				b.WriteByte('\n')
			}
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			*depth--
			if *depth < start {
				return b.String(), nil
			}
		}
		if int64(b.Len()) > maxCell {
			return "", fmt.Errorf("cell text longer than max_cell_bytes=%d", maxCell)
		}
	}
}

// eofIsTruncation turns an end of document inside an element into the
// truncation it is.
func eofIsTruncation(d *safeXML, err error) error {
	if err == io.EOF {
		return d.Errorf("truncated XML: content.xml ends inside the sheet")
	}
	return err
}
