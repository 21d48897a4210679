package formats

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strconv"

	"github.com/emigre/emigre/extractors"
)

// The "odata" reader reads one page of an OData JSON answer, as CBS
// Netherlands serves its StatLine tables:
//
//   - OData v4 (datasets.cbs.nl/odata/v1/CBS/{table}/Observations): {"value":
//     [{"Id", "Measure", "ValueAttribute", "Value", "Perioden", ...}],
//     "@odata.nextLink"}, one observation per row (long);
//   - OData v3 JSON light (opendata.cbs.nl/ODataApi/odata/{table}/TypedDataSet):
//     {"odata.metadata", "value": [{"ID", "Perioden", "Geslacht",
//     "TotaleBevolking_1", ...}], "odata.nextLink"}, one column per topic (wide);
//   - OData v2/v3 verbose JSON: {"d": {"results": [...], "__next"}} or {"d": [...]}.
//
// Each row object is a grid row whose columns are its properties (in the
// first row's order), so the layout parameters of spreadsheet_layout.go
// apply: dim.ID=Property, and value=Value status=ValueAttribute (v4) or
// melt=_\d+$ (v3 topics). JSON numbers are values as they are; null is
// Missing; a status "None" means no flag and is dropped. Positions are JSON
// paths ($.value[12].Perioden).
//
// Paging: the reader reads one page. A page that links to a next one
// (@odata.nextLink, odata.nextLink, __next) fails unless the source says it
// requested every page itself: the source lists one Request per page
// ($top=10000&$skip=0, $skip=10000, ...) and sets next_link=ignore. A source
// that forgot pages then fails loudly instead of loading part of a table.
//
// Other parameters:
//
//	cbs_period  a dimension holding CBS period codes, rewritten to the codes
//	            ParsePeriod reads: 2022JJ00 -> 2022, 2022KW03 -> 2022Q3,
//	            2022MM04 -> 2022M04, 2022HJ01 -> 2022S1
//	max_bytes   body size (default 256 MiB)
func init() { extractors.RegisterReader(odataReader{}) }

type odataReader struct{}

func (odataReader) Format() string { return OData }

var cbsPeriod = regexp.MustCompile(`^(\d{4})(JJ|KW|MM|HJ)(\d{2})$`)

func (odataReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	root, err := loadJSON(in)
	if err != nil {
		return err
	}
	if root.kind() != '{' {
		return in.Errorf("$", "an OData answer is an object, got %s", root.kindName())
	}
	top, err := root.object()
	if err != nil {
		return in.Errorf("$", "malformed object: %v", err)
	}
	rows, path, next, err := odataRows(in, top)
	if err != nil {
		return err
	}
	if next != "" && in.Param("next_link", "") != "ignore" {
		return in.Errorf(path, "one page of several: the answer continues at %s; list every page's request ($skip) in the source and set next_link=ignore", next)
	}
	it, err := newArrayIter(rows)
	if err != nil {
		return in.Errorf(path, "not an array")
	}
	pg, err := newODataPage(in, path, emit)
	if err != nil {
		return err
	}
	for n := 2; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, ok, err := it.next()
		if err != nil {
			return in.Errorf(jsonIndex(path, n-2), "malformed array")
		}
		if !ok {
			break
		}
		if err := pg.row(n, v); err != nil {
			return err
		}
	}
	if len(pg.names) == 0 {
		return in.Errorf(path, "an empty page: no rows (a filter that matches nothing?)")
	}
	return pg.g.finish()
}

// odataPage turns the rows of one page into a grid: the first row's
// properties make the header (in their order), every row after must have
// no others.
type odataPage struct {
	in        extractors.Input
	path      string // of the rows array
	g         *grid
	names     []string       // properties, in the first row's order
	col       map[string]int // property -> index in names
	periodDim string         // cbs_period: the property holding CBS period codes
	periodCol int            // its column (1-based), 0 when none
}

// newODataPage reads the layout parameters for a grid whose first row is
// the properties' names.
func newODataPage(in extractors.Input, path string, emit extractors.Emit) (*odataPage, error) {
	p := maps.Clone(in.Params)
	if p == nil {
		p = map[string]string{}
	}
	p["header_row"], p["header_rows"] = "1", "1"
	delete(p, "range")
	in.Params = p
	layout, err := parseGridLayout(in)
	if err != nil {
		return nil, err
	}
	layout.keepEmpty = true
	pg := &odataPage{in: in, path: path, col: map[string]int{}, periodDim: in.Param("cbs_period", "")}
	pg.g = newGrid(in, layout, pg.pos, emit)
	return pg, nil
}

// pos names grid row row, column c as a JSON path.
func (pg *odataPage) pos(row, c int) string {
	p := jsonIndex(pg.path, row-2)
	if c >= 1 && c <= len(pg.names) {
		return jsonPath(p, pg.names[c-1])
	}
	return p
}

// row reads the JSON row v as grid row n (the header is row 1).
func (pg *odataPage) row(n int, v rawJSON) error {
	in := pg.in
	if v.kind() != '{' {
		return in.Errorf(jsonIndex(pg.path, n-2), "a row is %s, want an object", v.kindName())
	}
	cells, err := pg.cells(n, v)
	if err != nil {
		return err
	}
	if pg.g.table == nil {
		if err := pg.header(n); err != nil {
			return err
		}
	}
	if pg.periodCol > 0 && pg.periodCol <= len(cells) {
		if m := cbsPeriod.FindStringSubmatch(cells[pg.periodCol-1].text); m != nil {
			cells[pg.periodCol-1].text = cbsPeriodCode(m)
		}
	}
	for i := range cells {
		if cells[i].text == "None" && !cells[i].isNum {
			cells[i].text = "" // ValueAttribute "None": no flag
		}
	}
	return pg.g.row(n, cells)
}

// cells are the row's properties in header order; the first row adds the
// properties it names.
func (pg *odataPage) cells(n int, v rawJSON) ([]gridCell, error) {
	in := pg.in
	var cells []gridCell
	err := v.eachMember(func(key string, m rawJSON) error {
		c, ok := odataCell(m)
		if !ok {
			return nil // __metadata, nested objects: not a column
		}
		i, known := pg.col[key]
		if !known {
			if pg.g.table != nil {
				return in.Errorf(jsonPath(jsonIndex(pg.path, n-2), key), "property %q is not in the first row (%d properties)", key, len(pg.names))
			}
			i = len(pg.names)
			pg.col[key] = i
			pg.names = append(pg.names, key)
		}
		for len(cells) <= i {
			cells = append(cells, gridCell{})
		}
		cells[i] = c
		return nil
	})
	if err != nil {
		var fe *extractors.FormatError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, in.Errorf(jsonIndex(pg.path, n-2), "malformed object")
	}
	return cells, nil
}

// header sends the properties' names as the grid's header row, and finds
// the cbs_period column.
func (pg *odataPage) header(n int) error {
	header := make([]gridCell, len(pg.names))
	for i, name := range pg.names {
		header[i] = textCell(name)
	}
	if err := pg.g.row(1, header); err != nil {
		return err
	}
	if pg.periodDim != "" {
		c, ok := pg.col[pg.periodDim]
		if !ok {
			return pg.in.Errorf(pg.pos(n, 1), "cbs_period=%q: no such property", pg.periodDim)
		}
		pg.periodCol = c + 1
	}
	return nil
}

// odataRows finds the rows array and the next page's link.
func odataRows(in extractors.Input, top *jsonObject) (rows rawJSON, path, next string, err error) {
	for _, k := range []string{"error", "odata.error"} {
		if e, ok := top.get(k); ok {
			msg := string(e)
			if eo, err := e.object(); err == nil {
				msg = eo.str("message")
				if m, ok := eo.get("message"); ok && m.kind() == '{' {
					if mo, err := m.object(); err == nil {
						msg = mo.str("value")
					}
				}
				msg = fmt.Sprintf("%s (code %s)", msg, eo.str("code"))
			}
			return nil, "", "", in.Errorf(jsonPath("$", k), "the OData service reported an error: %s", msg)
		}
	}
	next = top.str("@odata.nextLink") + top.str("odata.nextLink")
	if v, ok := top.get("value"); ok && v.kind() == '[' {
		return v, "$.value", next, nil
	}
	if d, ok := top.get("d"); ok {
		switch d.kind() {
		case '[':
			return d, "$.d", "", nil
		case '{':
			do, err := d.object()
			if err != nil {
				return nil, "", "", in.Errorf("$.d", "malformed object")
			}
			if r, ok := do.get("results"); ok && r.kind() == '[' {
				return r, "$.d.results", do.str("__next"), nil
			}
		}
	}
	if v, ok := top.get("value"); ok {
		return nil, "", "", in.Errorf("$.value", "value is %s, not rows: an OData entity or a service document, not a table", v.kindName())
	}
	return nil, "", "", in.Errorf("$", "not an OData feed: no value or d.results array (keys %q)", top.keys)
}

// odataCell types a property value; ok is false for values that are not a
// column (objects, arrays).
func odataCell(m rawJSON) (gridCell, bool) {
	switch m.kind() {
	case '0':
		f, err := m.float()
		if err != nil {
			return gridCell{text: string(m)}, true
		}
		return gridCell{text: string(m), num: f, isNum: true}, true
	case '"':
		s, _ := m.str()
		return gridCell{text: s}, true
	case 'n':
		return gridCell{}, true
	case 't', 'f':
		return gridCell{text: string(m)}, true
	}
	return gridCell{}, false
}

func cbsPeriodCode(m []string) string {
	y, kind, n := m[1], m[2], m[3]
	switch kind {
	case "JJ":
		return y
	case "KW":
		if q, _ := strconv.Atoi(n); q >= 1 && q <= 4 {
			return y + "Q" + strconv.Itoa(q)
		}
	case "MM":
		return y + "M" + n
	case "HJ":
		if h, _ := strconv.Atoi(n); h == 1 || h == 2 {
			return y + "S" + strconv.Itoa(h)
		}
	}
	return m[0]
}
