package formats

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/emigre/emigre/extractors"
)

// The "xlsx" reader reads one sheet of an Office Open XML workbook with
// excelize. The table's layout is the source's (layout parameters in
// spreadsheet_layout.go; row numbers are the sheet's, positions Sheet!C7).
//
// Parameters, besides the layout and zip ones (decompress.go):
//
//	sheet       the sheet's name, or #N (1-based); default the first sheet
//	merged      "fill" (default): every cell of a merged range shows the
//	            range's value (a year spanning its months); "ignore"
//	max_bytes   body size (default 256 MiB)
//
// Cell values are read raw: a number cell is its stored number (not its
// display format), a date cell its serial number; a text cell is its text,
// parsed like a CSV cell ("2,630", "--", "12 345*").
func init() { extractors.RegisterReader(xlsxReader{}) }

type xlsxReader struct{}

func (xlsxReader) Format() string { return XLSX }

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

func (xlsxReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	data, err := readLimited(in)
	if err != nil {
		return err
	}
	if err := checkSpreadsheetBytes(in, data, "an XLSX workbook"); err != nil {
		return err
	}
	_, lim, err := openZip(in, data)
	if err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.maxBytes,
		UnzipXMLSizeLimit: min(lim.maxBytes, 16<<20),
	})
	if err != nil {
		return in.Errorf("", "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheet, err := pickSheet(in, f.GetSheetList())
	if err != nil {
		return err
	}
	var merges mergedRanges
	if in.Param("merged", "fill") == "fill" {
		mc, err := f.GetMergeCells(sheet)
		if err != nil {
			return in.Errorf(sheet, "reading merged cells: %v", err)
		}
		var ranges []mergedRange
		for _, m := range mc {
			mr, err := newMergedRange(m.GetStartAxis(), m.GetEndAxis(), textCellOf(m.GetCellValue()))
			if err != nil {
				return in.Errorf(sheet, "merged range %s:%s: %v", m.GetStartAxis(), m.GetEndAxis(), err)
			}
			ranges = append(ranges, mr)
		}
		slices.SortStableFunc(ranges, func(a, b mergedRange) int { return a.r1 - b.r1 })
		for _, mr := range ranges {
			merges.add(mr)
		}
	} else if m := in.Param("merged", ""); m != "ignore" {
		return fmt.Errorf("%s: parameter merged=%q: want fill or ignore", in.Name, m)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return in.Errorf(sheet, "reading the sheet: %v", err)
	}
	defer rows.Close()
	g := newGrid(in, layout, sheetPos(sheet), emit)
	var cells []gridCell
	for n := 1; !g.done && rows.Next(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return in.Errorf(sheetPos(sheet)(n, 1), "reading row %d: %v", n, err)
		}
		cells = cells[:0]
		for _, v := range cols {
			cells = append(cells, textCellOf(v))
		}
		cells = merges.fill(n, cells)
		if err := g.row(n, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return in.Errorf(sheet, "reading the sheet: %v", err)
	}
	return g.finish()
}

// textCellOf types a raw cell value: a plain number (as XLSX stores numbers)
// is a number, anything else is text to parse.
func textCellOf(raw string) gridCell {
	c := gridCell{text: raw}
	if raw != "" && strings.Trim(raw, "0123456789.eE+-") == "" {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			c.num, c.isNum = v, true
		}
	}
	return c
}

// checkSpreadsheetBytes tells an HTML error page, a legacy binary workbook
// or some other file from the zip a spreadsheet must be.
func checkSpreadsheetBytes(in extractors.Input, data []byte, want string) error {
	switch {
	case isZip(data):
		return nil
	case len(bytes.TrimSpace(data)) == 0:
		return in.Errorf("", "empty body, want %s", want)
	case bytes.HasPrefix(data, oleMagic):
		return in.Errorf("byte 0", "an OLE compound file (a legacy .xls workbook, or an encrypted one), not %s: ask the publisher's xlsx or csv download", want)
	case looksLikeHTML(data[:min(len(data), 512)]):
		return notWantedHTML(in, bytes.NewReader(data), want)
	}
	return in.Errorf("byte 0", "not %s (no zip signature): starts with %q", want, excerpt(data, 40))
}

// pickSheet resolves the sheet parameter against the workbook's sheets.
func pickSheet(in extractors.Input, sheets []string) (string, error) {
	if len(sheets) == 0 {
		return "", in.Errorf("", "the workbook has no sheets")
	}
	want := in.Param("sheet", "")
	if want == "" {
		return sheets[0], nil
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(want, "#")); err == nil && strings.HasPrefix(want, "#") {
		if n < 1 || n > len(sheets) {
			return "", in.Errorf("", "sheet %s: the workbook has %d sheets (%q)", want, len(sheets), sheets)
		}
		return sheets[n-1], nil
	}
	for _, s := range sheets {
		if s == want {
			return s, nil
		}
	}
	return "", in.Errorf("", "no sheet %q (sheets: %q)", want, sheets)
}

// mergedRange is a merged block of cells and the value it shows.
type mergedRange struct {
	c1, r1, c2, r2 int
	value          gridCell
}

// maxMergedColumns bounds how far a merged range may widen a row.
const maxMergedColumns = 16384

func newMergedRange(from, to string, v gridCell) (mergedRange, error) {
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		return mergedRange{}, err
	}
	c2, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		return mergedRange{}, err
	}
	if c2 < c1 || r2 < r1 || c2 > maxMergedColumns {
		return mergedRange{}, fmt.Errorf("not a range")
	}
	return mergedRange{c1: c1, r1: r1, c2: c2, r2: r2, value: v}, nil
}

// mergedRanges are a sheet's merged ranges, added in order of their first
// row, as rows are read in order: only the ranges covering the current row
// are looked at, so a sheet with many merges costs no more per row.
type mergedRanges struct {
	pending []mergedRange // not yet reached, sorted by first row
	active  []mergedRange
}

// add records a range; ranges must come in order of their first row.
func (ms *mergedRanges) add(m mergedRange) { ms.pending = append(ms.pending, m) }

// covers reports whether a range covers any row in [from, to].
func (ms *mergedRanges) covers(from, to int) bool {
	for _, m := range ms.active {
		if m.r2 >= from {
			return true
		}
	}
	return len(ms.pending) > 0 && ms.pending[0].r1 <= to
}

// fill gives every cell of row n that lies in a merged range the range's
// value. Rows must be filled in increasing order.
func (ms *mergedRanges) fill(n int, cells []gridCell) []gridCell {
	for len(ms.pending) > 0 && ms.pending[0].r1 <= n {
		ms.active = append(ms.active, ms.pending[0])
		ms.pending = ms.pending[1:]
	}
	kept := ms.active[:0]
	for _, m := range ms.active {
		if m.r2 < n {
			continue
		}
		kept = append(kept, m)
		for len(cells) < m.c2 {
			cells = append(cells, gridCell{})
		}
		for c := m.c1; c <= m.c2; c++ {
			cells[c-1] = m.value
		}
	}
	ms.active = kept
	return cells
}
