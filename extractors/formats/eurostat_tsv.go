package formats

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "eurostat-tsv" reader reads Eurostat's bulk TSV files (.tsv, or
// .tsv.gz: gzip is recognised by its magic bytes, whatever the name):
//
//	unit,sex,age,geo\time	2021 	2020 	...       (old header)
//	freq,unit,geo\TIME_PERIOD	2000 	2001 	...   (current header)
//	YR,F,Y7,AL	: 	73.4 	17.8 e	...
//
// The first column joins the row dimensions with commas; after the
// backslash comes the dimension of the other columns (time, in every file
// Eurostat publishes). A cell is a value followed by its flags ("17.8 e",
// "58.3 bep"), or ":" for missing with optional flags (": c"); the trailing
// space of every cell is dropped. A missing cell is emitted Missing with its
// flags as status, never as 0.
//
// The file is read as a stream, one line at a time: memory depends on the
// longest line, not on the size of the file, so a 1 GB file reads in the
// memory of a 10 MB one.
//
// Parameters:
//
//	max_bytes           body size (default 4 GiB: the reader streams)
//	max_unzipped_bytes  content of a .tsv.gz (default 16 GiB), and
//	max_zip_ratio       its compression ratio (decompress.go)
//	max_line_bytes      one line (default 16 MiB)
//	max_cell_bytes      one cell (default 1 MiB)
//	max_rows            data rows (default 100 million)
func init() { extractors.RegisterReader(eurostatTSVReader{}) }

const (
	eurostatTSVMaxBytes    = 4 << 30
	eurostatTSVMaxUnzipped = 16 << 30
	DefaultMaxLineBytes    = 16 << 20
	eurostatTSVMaxRows     = 100_000_000
)

type eurostatTSVReader struct{}

func (eurostatTSVReader) Format() string { return EurostatTSV }

func (eurostatTSVReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	maxLine, err := int64Param(in, "max_line_bytes", DefaultMaxLineBytes)
	if err != nil {
		return err
	}
	maxCell, err := maxCellBytes(in)
	if err != nil {
		return err
	}
	maxRows, err := int64Param(in, "max_rows", eurostatTSVMaxRows)
	if err != nil {
		return err
	}
	body, err := contentReader(in, eurostatTSVMaxBytes, eurostatTSVMaxUnzipped)
	if err != nil {
		return err
	}
	lines := &lineReader{in: in, br: body, max: int(min(maxLine, 1<<30))}
	t, err := readTSVHeader(in, lines)
	if err != nil {
		return err
	}
	t.maxCell = maxCell
	rows := int64(0)
	for {
		line, err := lines.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			continue // a blank line, usually the last
		}
		if rows++; rows > maxRows {
			return in.Errorf(fmt.Sprintf("line %d", lines.n), "more than max_rows=%d data rows", maxRows)
		}
		if rows&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", in.Name, err)
			}
		}
		if err := t.row(lines.n, line, emit); err != nil {
			return err
		}
	}
	if rows == 0 {
		return in.Errorf(fmt.Sprintf("line %d", lines.n), "a header and no data rows")
	}
	return nil
}

// tsvTable is what the header says: the row dimensions, the column
// dimension and its codes.
type tsvTable struct {
	in      extractors.Input
	table   *extractors.Table
	keys    int      // number of row dimensions
	columns []string // codes of the column dimension
	maxCell int
	flags   map[string]string // interned status flags: a file has a handful
}

func readTSVHeader(in extractors.Input, lines *lineReader) (*tsvTable, error) {
	line, err := lines.next()
	if err == io.EOF {
		return nil, in.Errorf("", "empty body")
	}
	if err != nil {
		return nil, err
	}
	line = bytes.TrimPrefix(line, utf8BOM)
	if looksLikeHTML(line) || bytes.HasPrefix(bytes.TrimSpace(line), []byte("<")) {
		return nil, in.Errorf("line 1", "got markup, not a Eurostat TSV (an error page or a bot challenge?): %q", excerpt(line, 80))
	}
	first, rest, ok := bytes.Cut(line, []byte{'\t'})
	head := string(bytes.TrimSpace(first))
	rowDims, colDim, slash := strings.Cut(head, `\`)
	if !ok || !slash {
		return nil, in.Errorf("line 1", `not a Eurostat TSV header: want "dim1,dim2,...\coldim<TAB>code<TAB>...", got %q`, excerpt(line, 80))
	}
	colDim = strings.TrimSpace(colDim)
	dims := strings.Split(rowDims, ",")
	seen := map[string]bool{}
	for i, d := range append(dims, colDim) {
		d = strings.TrimSpace(d)
		if d == "" {
			return nil, in.Errorf("line 1, column 1", "an empty dimension name in %q", head)
		}
		if seen[d] {
			return nil, in.Errorf("line 1, column 1", "dimension %q named twice in %q", d, head)
		}
		seen[d] = true
		if i < len(dims) {
			dims[i] = d
		}
	}
	t := &tsvTable{in: in, keys: len(dims), flags: map[string]string{}}
	roles := map[string]string{}
	switch strings.ToLower(colDim) {
	case "time", "time_period":
		roles[colDim] = "time"
	}
	for _, d := range dims {
		if strings.EqualFold(d, "geo") {
			roles[d] = "geo"
		}
	}
	t.table = &extractors.Table{Dims: append(dims, colDim), Roles: roles}
	codes := map[string]int{}
	for i, c := range bytes.Split(rest, []byte{'\t'}) {
		code := string(bytes.TrimSpace(c))
		pos := fmt.Sprintf("line 1, column %d", i+2)
		if code == "" {
			return nil, in.Errorf(pos, "an empty %s code", colDim)
		}
		if j, dup := codes[code]; dup {
			return nil, in.Errorf(pos, "%s %q is also column %d", colDim, code, j+2)
		}
		codes[code] = i
		t.columns = append(t.columns, code)
	}
	return t, nil
}

// row decodes one data line and emits one cell per column.
func (t *tsvTable) row(n int, line []byte, emit extractors.Emit) error {
	key, rest, _ := bytes.Cut(line, []byte{'\t'})
	key = bytes.TrimSpace(key)
	if len(key) > t.maxCell {
		return t.in.Errorf(fmt.Sprintf("line %d, column 1", n), "a key of %d bytes, more than max_cell_bytes=%d", len(key), t.maxCell)
	}
	width := t.keys + 1
	// One block of codes for the whole row: a cell's Codes is its slice.
	block := make([]string, width*len(t.columns))
	keyStr := string(key)
	for k := 0; k < t.keys; k++ {
		code, more, found := strings.Cut(keyStr, ",")
		if k == t.keys-1 && found || k < t.keys-1 && !found {
			return t.in.Errorf(fmt.Sprintf("line %d, column 1", n), "key %q has %d codes, the header names %d dimensions %v",
				excerpt(key, 60), strings.Count(string(key), ",")+1, t.keys, t.table.Dims[:t.keys])
		}
		block[k] = strings.TrimSpace(code)
		keyStr = more
	}
	for col := 0; col < len(t.columns); col++ {
		if rest == nil {
			return t.in.Errorf(fmt.Sprintf("line %d", n), "%d values, the header has %d columns", col, len(t.columns))
		}
		var cell []byte
		cell, rest, _ = bytesCutTab(rest)
		pos := func() string { return fmt.Sprintf("line %d, column %d (%s)", n, col+2, t.columns[col]) }
		if len(cell) > t.maxCell {
			return t.in.Errorf(pos(), "a cell of %d bytes, more than max_cell_bytes=%d", len(cell), t.maxCell)
		}
		codes := block[col*width : (col+1)*width : (col+1)*width]
		if col > 0 {
			copy(codes, block[:t.keys])
		}
		codes[t.keys] = t.columns[col]
		c := extractors.Cell{Table: t.table, Codes: codes}
		if err := t.value(cell, &c); err != nil {
			return t.in.Errorf(pos(), "%v", err)
		}
		if err := emit(c); err != nil {
			return err
		}
	}
	if rest != nil {
		return t.in.Errorf(fmt.Sprintf("line %d", n), "more values than the %d columns of the header", len(t.columns))
	}
	return nil
}

// bytesCutTab splits at the first tab; rest is nil after the last cell.
func bytesCutTab(b []byte) (cell, rest []byte, found bool) {
	if i := bytes.IndexByte(b, '\t'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// value reads "17.8", "17.8 e", ":", ": c" into the cell.
func (t *tsvTable) value(cell []byte, c *extractors.Cell) error {
	cell = bytes.TrimSpace(cell)
	num, flags, _ := bytes.Cut(cell, []byte{' '})
	flags = bytes.TrimSpace(flags)
	if len(num) > 0 && num[0] == ':' {
		// ":" or ":c" (no space) or ": c"
		if len(num) > 1 {
			if len(flags) > 0 {
				return fmt.Errorf("value %q is neither a number nor \":\" with flags", cell)
			}
			flags = num[1:]
		}
		c.Missing = true
		c.Status = t.flag(flags)
		return nil
	}
	if len(num) == 0 {
		return fmt.Errorf("an empty cell: Eurostat writes \":\" for a missing value")
	}
	v, ok := decimalFast(num)
	if !ok {
		v, ok = numericString(string(num))
	}
	if !ok {
		return fmt.Errorf("value %q is neither a number nor \":\"", cell)
	}
	for _, f := range flags {
		if !(f >= 'a' && f <= 'z' || f >= 'A' && f <= 'Z') {
			return fmt.Errorf("flags %q after the value %s: want letters (e, p, b, ...)", flags, num)
		}
	}
	c.Value = v
	c.Status = t.flag(flags)
	return nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// decimalFast reads the common "-123" and "45.6" without strconv: with at
// most 15 digits both the digits and the power of ten are exact in a
// float64, so one division is correctly rounded and gives what ParseFloat
// gives. Anything else (exponents, longer numbers) reports false.
func decimalFast(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var mant uint64
	digits, frac := 0, -1
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
		case c == '.' && frac < 0:
			frac = len(b) - i - 1
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 || frac == 0 {
		return 0, false
	}
	v := float64(mant)
	if frac > 0 {
		v /= pow10[frac]
	}
	if neg {
		v = -v
	}
	return v, true
}

// flag interns a status flag, so that a file of millions of flagged cells
// does not allocate a string for each.
func (t *tsvTable) flag(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := t.flags[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t.flags) < 1024 {
		t.flags[s] = s
	}
	return s
}

// lineReader reads lines of any length up to max without holding more
// than the longest line: memory does not grow with the file.
type lineReader struct {
	in  extractors.Input
	br  *bufio.Reader
	max int
	buf []byte // a line longer than the bufio buffer
	n   int    // the line number of the last line returned
}

// next returns the next line without its end of line (LF or CRLF); the
// slice is valid until the next call.
func (l *lineReader) next() ([]byte, error) {
	l.n++
	s, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.buf = append(l.buf[:0], s...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(l.buf) > l.max {
				return nil, l.in.Errorf("line "+strconv.Itoa(l.n), "a line longer than max_line_bytes=%d", l.max)
			}
			s, err = l.br.ReadSlice('\n')
			l.buf = append(l.buf, s...)
		}
		s = l.buf
	}
	if len(s) > l.max {
		return nil, l.in.Errorf("line "+strconv.Itoa(l.n), "a line longer than max_line_bytes=%d", l.max)
	}
	if err != nil && err != io.EOF {
		var fe *extractors.FormatError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: line %d: reading: %w", l.in.Name, l.n, err)
	}
	if err == io.EOF && len(s) == 0 {
		return nil, io.EOF
	}
	s = bytes.TrimSuffix(s, []byte{'\n'})
	s = bytes.TrimSuffix(s, []byte{'\r'})
	return s, nil
}
