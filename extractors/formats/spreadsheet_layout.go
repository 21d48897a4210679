package formats

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emigre/emigre/extractors"
	"github.com/xuri/excelize/v2"
)

// This file turns a grid (rows of cells, as CSV, XLSX, ODS, HTML tables and
// OData pages deliver them) into tidy cells, following the layout a source
// declares in its parameters. The grid readers differ only in how they get
// rows and how they name a position; the layout is one piece of code.
//
// Layout parameters:
//
//	header_row    number of the first header row (CSV: line; spreadsheet and
//	              HTML: row), default 1; 0 when the table has no header
//	header_rows   how many header rows (default 1); a column's name is its
//	              header texts joined with " " (repeats dropped)
//	header_fill   "right": an empty header cell repeats the one to its left
//	              (a CSV export of a spreadsheet whose year spans months)
//	header_match  a regular expression: the header starts at the first row
//	              (from header_row on) whose first non-empty cell matches it;
//	              the rows above are skipped (a publisher that adds notes
//	              rows above its table from one release to the next)
//	range         spreadsheet range "B3:R200": only these rows and columns;
//	              header_row defaults to its first row
//	dim.ID        a column that becomes dimension ID: its header name, or
//	              #N (1-based column number) or #C (column letter)
//	value         long tables: the column holding the values
//	status        a column holding the status flag of the value
//	melt          wide tables: a regular expression over column names picking
//	              the columns to melt (default: every named column that is
//	              not a dimension or the status)
//	melt_dims     the dimension ids of the melted columns' header rows, comma
//	              separated (default "column"): one id names the joined
//	              header; one id per header row keeps each row's text
//	decimal       "." or ","; default: guessed per cell by ParseCount
//	missing       comma-separated symbols of a missing value; the symbol is
//	              kept as the status (default : . .. ... … - -- – — x X / * n/a N/A)
//	stop          a regular expression: the first row whose first non-empty
//	              cell matches it ends the table (footnotes, "Source: ...")
//	max_rows      data rows (default 5,000,000)
//	max_cell_bytes  bytes in one cell (default 1 MiB, DefaultMaxCellBytes)
//
// A data row whose value cells and status are all empty (a blank line, a
// section title, a note) is skipped; in a row with values an empty cell is Missing
// with an empty status. A value cell that is neither a number nor a missing
// symbol is an error naming its position: never a silent zero.
const (
	defaultMaxRows = 5_000_000
	// A footnote marker or flag after a number is short ("*", "p", "bep",
	// "(p)"); anything longer ("2015 Total") is text, not a flagged number.
	maxMarkerRunes = 4
)

var defaultMissing = extractors.MissingSymbols

// gridCell is one cell of a grid: its text, and its number when the format
// stores a typed one (an XLSX number, an ODS office:value, a JSON number).
type gridCell struct {
	text  string
	num   float64
	isNum bool
}

func textCell(s string) gridCell { return gridCell{text: s} }

// gridPos names a cell's position for messages: row and column are 1-based
// numbers in the file's own terms (CSV line, sheet row).
type gridPos func(row, col int) string

// sheetPos names positions as spreadsheets do: Sheet1!C7.
func sheetPos(sheet string) gridPos {
	return func(row, col int) string {
		name, err := excelize.CoordinatesToCellName(max(col, 1), max(row, 1))
		if err != nil {
			name = fmt.Sprintf("R%dC%d", row, col)
		}
		if sheet == "" {
			return name
		}
		return sheet + "!" + name
	}
}

type gridDim struct {
	id  string
	ref string
	col int // resolved 1-based column
}

type gridLayout struct {
	headerRow   int
	headerRows  int
	headerFill  bool
	headerMatch *regexp.Regexp // the header row's first cell; nil: header_row is the header
	firstCol    int            // range; 0 = unbounded
	lastCol     int
	lastRow     int
	dims        []gridDim
	value       string
	status      string
	melt        *regexp.Regexp
	meltDims    []string
	decimal     string
	missing     map[string]bool
	missingList []string
	stop        *regexp.Regexp
	maxRows     int64
	maxCell     int64
	// keepEmpty: every data row is an observation, even with an empty
	// value and status (OData rows); set by readers, not a parameter.
	keepEmpty bool
}

// parseGridLayout reads the layout parameters of in.
func parseGridLayout(in extractors.Input) (*gridLayout, error) {
	l := &gridLayout{headerRow: 1, headerRows: 1}
	var err error
	bad := func(name, why string) error {
		return fmt.Errorf("%s: parameter %s=%q: %s", in.Name, name, in.Params[name], why)
	}
	if r := in.Param("range", ""); r != "" {
		c1, r1, c2, r2, err := parseRange(r)
		if err != nil {
			return nil, bad("range", err.Error())
		}
		l.headerRow, l.firstCol, l.lastCol, l.lastRow = r1, c1, c2, r2
	}
	if s, ok := in.Params["header_row"]; ok && s != "" {
		if l.headerRow, err = strconv.Atoi(s); err != nil || l.headerRow < 0 {
			return nil, bad("header_row", "want a row number >= 0")
		}
	}
	if s, ok := in.Params["header_rows"]; ok && s != "" {
		if l.headerRows, err = strconv.Atoi(s); err != nil || l.headerRows < 0 || l.headerRows > 20 {
			return nil, bad("header_rows", "want 0..20")
		}
	}
	if l.headerRow == 0 {
		l.headerRows = 0
	}
	if m := in.Param("header_match", ""); m != "" {
		if l.headerRows == 0 {
			return nil, bad("header_match", "the table has no header (header_row=0 or header_rows=0)")
		}
		if l.headerMatch, err = regexp.Compile(m); err != nil {
			return nil, bad("header_match", err.Error())
		}
	}
	switch in.Param("header_fill", "") {
	case "":
	case "right":
		l.headerFill = true
	default:
		return nil, bad("header_fill", `want "right"`)
	}
	for k, v := range in.Params {
		if id, ok := strings.CutPrefix(k, "dim."); ok {
			if id == "" || v == "" {
				return nil, fmt.Errorf("%s: parameter %s=%q: want dim.ID=COLUMN", in.Name, k, v)
			}
			l.dims = append(l.dims, gridDim{id: id, ref: v})
		}
	}
	slices.SortFunc(l.dims, func(a, b gridDim) int { return strings.Compare(a.id, b.id) })
	l.value, l.status = in.Param("value", ""), in.Param("status", "")
	if m := in.Param("melt", ""); m != "" {
		if l.value != "" {
			return nil, bad("melt", "a table is either long (value) or wide (melt), not both")
		}
		if l.melt, err = regexp.Compile(m); err != nil {
			return nil, bad("melt", err.Error())
		}
	}
	l.meltDims = splitList(in.Param("melt_dims", "column"))
	if l.value == "" && len(l.meltDims) > 1 && len(l.meltDims) != l.headerRows {
		return nil, bad("melt_dims", fmt.Sprintf("%d ids for %d header rows: give one, or one per header row", len(l.meltDims), l.headerRows))
	}
	switch l.decimal = in.Param("decimal", ""); l.decimal {
	case "", ".", ",":
	default:
		return nil, bad("decimal", `want "." or ","`)
	}
	l.missingList = defaultMissing
	if s, ok := in.Params["missing"]; ok {
		l.missingList = splitList(s)
	}
	l.missing = map[string]bool{}
	for _, m := range l.missingList {
		l.missing[m] = true
	}
	if s := in.Param("stop", ""); s != "" {
		if l.stop, err = regexp.Compile(s); err != nil {
			return nil, bad("stop", err.Error())
		}
	}
	if l.maxRows, err = int64Param(in, "max_rows", defaultMaxRows); err != nil {
		return nil, err
	}
	if l.maxCell, err = int64Param(in, "max_cell_bytes", DefaultMaxCellBytes); err != nil {
		return nil, err
	}
	return l, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRange parses "B3:R200" (or "B3" alone, open to the right and down).
func parseRange(s string) (c1, r1, c2, r2 int, err error) {
	from, to, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), ":")
	if c1, r1, err = excelize.CellNameToCoordinates(from); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("want a range like B3:R200: %v", err)
	}
	if to == "" {
		return c1, r1, 0, 0, nil
	}
	if c2, r2, err = excelize.CellNameToCoordinates(to); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("want a range like B3:R200: %v", err)
	}
	if c2 < c1 || r2 < r1 {
		return 0, 0, 0, 0, fmt.Errorf("the range ends before it starts")
	}
	return c1, r1, c2, r2, nil
}

// grid applies a layout to the rows a reader feeds it.
type grid struct {
	in      extractors.Input
	l       *gridLayout
	pos     gridPos
	emit    extractors.Emit
	header  [][]gridCell
	names   []string // column names, 0-based
	table   *extractors.Table
	dimCol  []int // columns of the table's declared dims, in Table.Dims order
	valCol  []int // value columns: one (long) or the melted ones
	codes   [][]string
	statCol int // 0 when none
	// headerAt is the row the header starts at: header_row, or the row
	// header_match found (0 until then).
	headerAt int
	rows     int64
	cells    int64
	done     bool // the stop pattern matched or the range ended
}

func newGrid(in extractors.Input, l *gridLayout, pos gridPos, emit extractors.Emit) *grid {
	return &grid{in: in, l: l, pos: pos, emit: emit}
}

// row takes the row numbered n (1-based, in the file's terms). Readers stop
// feeding rows once g.done is set.
func (g *grid) row(n int, cells []gridCell) error {
	if g.done {
		return nil
	}
	if g.l.lastRow > 0 && n > g.l.lastRow {
		g.done = true
		return nil
	}
	if g.l.headerRows > 0 && n < g.l.headerRow {
		return nil
	}
	for i, c := range cells {
		if int64(len(c.text)) > g.l.maxCell {
			return g.in.Errorf(g.pos(n, i+1), "cell of %d bytes, more than max_cell_bytes=%d", len(c.text), g.l.maxCell)
		}
	}
	if g.l.firstCol > 0 || g.l.lastCol > 0 {
		cells = g.clip(cells)
	}
	if g.headerAt == 0 {
		if g.l.headerMatch != nil && !g.l.headerMatch.MatchString(firstText(cells)) {
			return nil // above the header
		}
		g.headerAt = n
	}
	if len(g.header) < g.l.headerRows {
		g.header = append(g.header, slices.Clone(cells))
		return nil
	}
	if g.table == nil {
		if err := g.resolve(n, len(cells)); err != nil {
			return err
		}
	}
	if g.l.stop != nil && g.l.stop.MatchString(firstText(cells)) {
		g.done = true
		return nil
	}
	return g.data(n, cells)
}

// firstText is the text of a row's first non-empty cell ("" when none).
func firstText(cells []gridCell) string {
	for _, c := range cells {
		if t := strings.TrimSpace(c.text); t != "" {
			return t
		}
	}
	return ""
}

// clip blanks the cells outside the declared range's columns.
func (g *grid) clip(cells []gridCell) []gridCell {
	out := slices.Clone(cells)
	for i := range out {
		col := i + 1
		if col < g.l.firstCol || g.l.lastCol > 0 && col > g.l.lastCol {
			out[i] = gridCell{}
		}
	}
	return out
}

// finish reports a table that never got past its header.
func (g *grid) finish() error {
	if g.table == nil {
		if g.headerAt == 0 && g.l.headerMatch != nil {
			return g.in.Errorf("", "no row from row %d on starts with a cell matching header_match=%q: the table's header is gone or renamed", max(g.l.headerRow, 1), g.l.headerMatch)
		}
		if len(g.header) < g.l.headerRows {
			return g.in.Errorf("", "the table ends after %d of its %d header rows (header_row=%d): no data rows", len(g.header), g.l.headerRows, g.l.headerRow)
		}
		return g.in.Errorf("", "no data rows after the header")
	}
	if g.cells == 0 {
		return g.in.Errorf("", "the table has rows but no values in its value columns (%s)", g.columnList())
	}
	return nil
}

// resolve names the columns from the header and finds the declared ones.
func (g *grid) resolve(n, width int) error {
	l := g.l
	for _, h := range g.header {
		width = max(width, len(h))
	}
	if l.headerFill {
		for _, h := range g.header {
			for i := 1; i < len(h); i++ {
				if strings.TrimSpace(h[i].text) == "" {
					h[i] = h[i-1]
				}
			}
		}
	}
	g.names = make([]string, width)
	for col := range width {
		var parts []string
		for _, h := range g.header {
			if col < len(h) {
				if t := strings.Join(strings.Fields(h[col].text), " "); t != "" && (len(parts) == 0 || parts[len(parts)-1] != t) {
					parts = append(parts, t)
				}
			}
		}
		g.names[col] = strings.Join(parts, " ")
	}
	headerPos := g.pos(max(g.headerAt, 1), 1)
	used := map[int]string{}
	var dims []gridDim
	for _, d := range l.dims {
		col, err := g.column(d.ref)
		if err != nil {
			return g.in.Errorf(headerPos, "dim.%s: %v", d.id, err)
		}
		if other, dup := used[col]; dup {
			return g.in.Errorf(headerPos, "dim.%s and %s both name column %d", d.id, other, col)
		}
		used[col] = "dim." + d.id
		d.col = col
		dims = append(dims, d)
	}
	if len(dims) == 0 {
		return g.in.Errorf(headerPos, "the layout declares no dimension: give dim.ID=COLUMN parameters")
	}
	slices.SortFunc(dims, func(a, b gridDim) int { return a.col - b.col })
	t := &extractors.Table{}
	for _, d := range dims {
		t.Dims = append(t.Dims, d.id)
		g.dimCol = append(g.dimCol, d.col)
	}
	if l.status != "" {
		col, err := g.column(l.status)
		if err != nil {
			return g.in.Errorf(headerPos, "status: %v", err)
		}
		g.statCol = col
		used[col] = "status"
	}
	if l.value != "" {
		col, err := g.column(l.value)
		if err != nil {
			return g.in.Errorf(headerPos, "value: %v", err)
		}
		if what, dup := used[col]; dup {
			return g.in.Errorf(headerPos, "value names column %d, which is already %s", col, what)
		}
		g.valCol = []int{col}
	} else {
		for col := 1; col <= width; col++ {
			name := g.names[col-1]
			if _, isUsed := used[col]; isUsed || name == "" && l.melt == nil {
				continue
			}
			if l.melt != nil && !l.melt.MatchString(name) {
				continue
			}
			g.valCol = append(g.valCol, col)
			g.codes = append(g.codes, g.meltCodes(col))
		}
		if len(g.valCol) == 0 {
			return g.in.Errorf(headerPos, "no columns to melt (melt=%q; columns: %s)", g.in.Param("melt", ""), g.columnList())
		}
		t.Dims = append(t.Dims, l.meltDims...)
	}
	seen := map[string]bool{}
	for _, d := range t.Dims {
		if seen[d] {
			return g.in.Errorf(headerPos, "dimension id %q given twice", d)
		}
		seen[d] = true
	}
	g.table = t
	return nil
}

// meltCodes are the codes a melted column contributes: its joined name, or
// each header row's text when melt_dims names one dimension per row.
func (g *grid) meltCodes(col int) []string {
	if len(g.l.meltDims) == 1 {
		name := g.names[col-1]
		if name == "" {
			name = "#" + strconv.Itoa(col)
		}
		return []string{name}
	}
	codes := make([]string, len(g.header))
	for i, h := range g.header {
		if col-1 < len(h) {
			codes[i] = strings.Join(strings.Fields(h[col-1].text), " ")
		}
	}
	return codes
}

// column resolves a column reference: #N, #letters, or a header name.
func (g *grid) column(ref string) (int, error) {
	if r, ok := strings.CutPrefix(ref, "#"); ok {
		if n, err := strconv.Atoi(r); err == nil && n >= 1 {
			return n, nil
		}
		if n, err := excelize.ColumnNameToNumber(r); err == nil {
			return n, nil
		}
		return 0, fmt.Errorf("column %q: want #N or #letters", ref)
	}
	want := strings.Join(strings.Fields(ref), " ")
	for i, name := range g.names {
		if name == want {
			return i + 1, nil
		}
	}
	for i := range g.names {
		for _, h := range g.header {
			if i < len(h) && strings.Join(strings.Fields(h[i].text), " ") == want {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("no column %q in the header (columns: %s)", ref, g.columnList())
}

func (g *grid) columnList() string {
	var parts []string
	for i, n := range g.names {
		if n != "" {
			parts = append(parts, fmt.Sprintf("%d=%q", i+1, n))
		}
		if len(parts) == 30 {
			parts = append(parts, "...")
			break
		}
	}
	if len(parts) == 0 {
		return "none named"
	}
	return strings.Join(parts, ", ")
}

func cellAt(cells []gridCell, col int) gridCell {
	if col >= 1 && col <= len(cells) {
		return cells[col-1]
	}
	return gridCell{}
}

// data emits the cells of one data row.
func (g *grid) data(n int, cells []gridCell) error {
	status := ""
	if g.statCol > 0 {
		status = strings.TrimSpace(cellAt(cells, g.statCol).text)
	}
	empty := status == "" && !g.l.keepEmpty
	for _, col := range g.valCol {
		c := cellAt(cells, col)
		if c.isNum || strings.TrimSpace(c.text) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil
	}
	g.rows++
	if g.rows > g.l.maxRows {
		return g.in.Errorf(g.pos(n, 1), "more than max_rows=%d data rows", g.l.maxRows)
	}
	codes := make([]string, len(g.dimCol))
	for i, col := range g.dimCol {
		codes[i] = cellText(cellAt(cells, col))
	}
	for i, col := range g.valCol {
		cell := extractors.Cell{Table: g.table, Codes: codes}
		if g.codes != nil {
			cell.Codes = append(slices.Clip(codes), g.codes[i]...)
		}
		if err := g.l.parseValue(g.in, g.pos(n, col), cellAt(cells, col), status, &cell); err != nil {
			return err
		}
		g.cells++
		if err := g.emit(cell); err != nil {
			return err
		}
	}
	return nil
}

// cellText is a cell as a dimension code: its text with white space folded.
func cellText(c gridCell) string {
	if c.text == "" && c.isNum {
		return strconv.FormatFloat(c.num, 'f', -1, 64)
	}
	return strings.Join(strings.Fields(c.text), " ")
}

// parseValue reads a value cell into cell: a typed number, an empty cell or
// a missing symbol (Missing, the symbol as status), or a number in text
// with an optional footnote marker (kept as status).
func (l *gridLayout) parseValue(in extractors.Input, pos string, c gridCell, status string, cell *extractors.Cell) error {
	cell.Status = status
	if c.isNum {
		cell.Value = c.num
		return nil
	}
	t := strings.TrimSpace(c.text)
	switch {
	case t == "":
		cell.Missing = true
		return nil
	case l.missing[t]:
		cell.Missing = true
		cell.Status = joinStatus(status, t)
		return nil
	}
	v, marker, err := SplitCount(t, l.decimal)
	if err == nil && utf8.RuneCountInString(strings.Trim(marker, "() ")) > maxMarkerRunes {
		err = fmt.Errorf("%q follows the number", marker)
	}
	if err != nil {
		return in.Errorf(pos, "value %q is neither a number nor a missing symbol (missing=%s): %v", excerpt([]byte(t), 60), strings.Join(l.missingList, " "), err)
	}
	cell.Value = v
	cell.Status = joinStatus(status, marker)
	return nil
}

func joinStatus(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
