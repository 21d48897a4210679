package formats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "json-records" reader reads a JSON answer that is a list of flat
// records: REST APIs that page through rows of an origin-destination table
// (UNHCR's population statistics API: {"page":1,"maxPages":1,
// "items":[{"year":2022,"coa_iso":"DEU","applied":2851,...}]}). Each record
// is a row whose columns are its member names, so the table's layout is
// declared with the layout parameters (spreadsheet_layout.go): dim.ID=field,
// value=field, missing, ...
//
// Parameters, besides the layout ones:
//
//	records     the path to the array of records, member names joined with
//	            "." ("items", "data.rows"); empty when the document is the array
//	page, page_count  member names (beside the records) of the answer's page
//	            number and number of pages: an answer that is not the last
//	            page fails, since the records are then incomplete
//	max_bytes   body size (default 256 MiB)
//
// Numbers are read as numbers; strings go through the layout's missing
// symbols and number parsing ("0", "-"); null is missing with status "null". A
// member that is an object or array is kept as its JSON text, so a layout
// that reads it as a value fails there. Positions in errors are JSON paths
// ($.items[3].applied).
func init() { extractors.RegisterReader(jsonRecordsReader{}) }

// jsonNull is the text of a null member: a missing value whose status says
// it was null.
const jsonNull = "null"

type jsonRecordsReader struct{}

func (jsonRecordsReader) Format() string { return JSONRecords }

func (jsonRecordsReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	// A JSON null is a value published as missing: a cell, not a blank
	// row to skip.
	layout.missing[jsonNull] = true
	data, err := readLimited(in)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if looksLikeHTML(data) {
		return in.Errorf("", "an HTML page where JSON records were expected: %q", excerpt(data, 120))
	}
	if !json.Valid(data) {
		return in.Errorf("", "not valid JSON: %q", excerpt(data, 120))
	}
	doc := rawJSON(bytes.TrimSpace(data))
	path := strings.TrimSpace(in.Param("records", ""))
	arr, base, err := recordsAt(in, doc, path)
	if err != nil {
		return err
	}
	if err := checkLastPage(in, doc, path); err != nil {
		return err
	}
	it, err := newArrayIter(arr)
	if err != nil {
		return in.Errorf(base, "is %s, want an array of records", arr.kindName())
	}
	var records []*jsonObject
	for {
		v, ok, err := it.next()
		if err != nil {
			return in.Errorf(base, "%v", err)
		}
		if !ok {
			break
		}
		o, err := v.object()
		if err != nil {
			return in.Errorf(jsonIndex(base, len(records)), "is %s, want a record (an object)", v.kindName())
		}
		records = append(records, o)
	}
	return emitRecords(ctx, in, layout, records, func(i int) string { return jsonIndex(base, i) }, base, emit)
}

// emitRecords turns flat records into a grid whose columns are their
// member names (in order of first appearance) and emits its cells through
// the layout: the part json-records and json-lines share. at names record
// i's position in errors; base names the whole.
func emitRecords(ctx context.Context, in extractors.Input, layout *gridLayout, records []*jsonObject,
	at func(i int) string, base string, emit extractors.Emit) error {
	var columns []string
	col := map[string]int{}
	for _, o := range records {
		for _, k := range o.keys {
			if _, seen := col[k]; !seen {
				col[k] = len(columns)
				columns = append(columns, k)
			}
		}
	}
	// Row 1 is the header (the field names), record i is row i+2.
	pos := func(row, c int) string {
		p := base
		if row >= 2 {
			p = at(row - 2)
		}
		if c >= 1 && c <= len(columns) {
			p = jsonPath(p, columns[c-1])
		}
		return p
	}
	g := newGrid(in, layout, pos, emit)
	header := make([]gridCell, len(columns))
	for i, c := range columns {
		header[i] = textCell(c)
	}
	if err := g.row(1, header); err != nil {
		return err
	}
	cells := make([]gridCell, len(columns))
	for i, o := range records {
		if err := ctx.Err(); err != nil {
			return err
		}
		if g.done {
			break
		}
		for c, k := range columns {
			v, ok := o.get(k)
			if !ok {
				cells[c] = gridCell{}
				continue
			}
			var err error
			cells[c], err = recordCell(v)
			if err != nil {
				return in.Errorf(pos(i+2, c+1), "%v", err)
			}
		}
		if err := g.row(i+2, cells); err != nil {
			return err
		}
	}
	return g.finish()
}

// recordsAt follows path from the document to the records array.
func recordsAt(in extractors.Input, doc rawJSON, path string) (rawJSON, string, error) {
	cur, base := doc, "$"
	if path == "" {
		return cur, base, nil
	}
	for _, key := range strings.Split(path, ".") {
		o, err := cur.object()
		if err != nil {
			return nil, "", in.Errorf(base, "is %s, want an object holding %q (parameter records=%q)", cur.kindName(), key, path)
		}
		v, ok := o.get(key)
		if !ok {
			return nil, "", in.Errorf(base, "no member %q (parameter records=%q; members: %s)", key, path, strings.Join(o.keys, ", "))
		}
		cur, base = v, jsonPath(base, key)
	}
	return cur, base, nil
}

// checkLastPage fails an answer that says more pages follow.
func checkLastPage(in extractors.Input, doc rawJSON, path string) error {
	pageKey, countKey := in.Param("page", ""), in.Param("page_count", "")
	if pageKey == "" && countKey == "" {
		return nil
	}
	if pageKey == "" || countKey == "" {
		return fmt.Errorf("%s: parameters page and page_count go together", in.Name)
	}
	holder := doc
	if i := strings.LastIndex(path, "."); i >= 0 {
		h, _, err := recordsAt(in, doc, path[:i])
		if err != nil {
			return err
		}
		holder = h
	}
	o, err := holder.object()
	if err != nil {
		return in.Errorf("$", "is %s, want an object with %q and %q", holder.kindName(), pageKey, countKey)
	}
	num := func(key string) (int, error) {
		v, ok := o.get(key)
		if !ok {
			return 0, in.Errorf(jsonPath("$", key), "missing: the answer does not say which page it is")
		}
		n, err := v.nonNegInt()
		if err != nil {
			return 0, in.Errorf(jsonPath("$", key), "%v", err)
		}
		return n, nil
	}
	page, err := num(pageKey)
	if err != nil {
		return err
	}
	count, err := num(countKey)
	if err != nil {
		return err
	}
	if page < count {
		return in.Errorf("$", "page %d of %d: the records are incomplete (raise the request's page size)", page, count)
	}
	return nil
}

// recordCell turns a record's member into a grid cell.
func recordCell(v rawJSON) (gridCell, error) {
	switch v.kind() {
	case '0':
		f, err := v.float()
		if err != nil {
			return gridCell{}, err
		}
		return gridCell{text: string(v), num: f, isNum: true}, nil
	case '"':
		s, ok := v.str()
		if !ok {
			return gridCell{}, errJSONShape
		}
		return textCell(s), nil
	case 'n':
		return textCell(jsonNull), nil
	case 't', 'f':
		return textCell(strconv.FormatBool(v.kind() == 't')), nil
	}
	return textCell(string(v)), nil
}
