package formats

import (
	"context"
	"fmt"
	"strconv"

	"github.com/emigre/emigre/extractors"
)

// The "pxweb" reader decodes answers of PxWeb APIs (Statistics Sweden,
// Norway, Finland, Denmark and the many offices running PxWeb):
//
//   - v1 POST answers in json-stat2 and v2 /tables/{id}/data answers: both
//     JSON-stat 2.0, decoded by the jsonstat code (one decoder, not two);
//     missing cells are null with their symbol ("..", "-") in status and
//     stay Missing with that Status;
//   - v1 POST answers in json-stat (1.x bundle), likewise;
//   - v1 POST answers in the "json" format: {columns, comments, data,
//     metadata}, one row per key with one string value per contents column.
//     With the table's metadata (Input.Metadata: the v1 GET of the table's
//     URL, {title, variables[{code, values, valueTexts}]}), each key code is
//     read as its value text: installations that key answers by position
//     ("0", "1", ...; Geostat's) then map by the labels they publish.
//
// What PxWeb also serves but is not data (a /metadata answer with an empty
// value, the v1 table metadata GET, the v2 config, table listings, a query
// body archived by mistake, an API problem report) fails with a message
// saying what it is, rather than loading nothing.
//
// Parameters: those of jsonstat, and contents_dim, the dimension id given
// to the contents columns of a "json" answer (default "ContentsCode", the
// id PxWeb uses for them in json-stat2, so both formats map alike).
func init() { extractors.RegisterReader(pxWebReader{}) }

type pxWebReader struct{}

func (pxWebReader) Format() string { return PxWeb }

func (pxWebReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	root, err := loadJSON(in)
	if err != nil {
		return err
	}
	maxCells, err := int64Param(in, "max_cells", DefaultMaxCells)
	if err != nil {
		return err
	}
	switch root.kind() {
	case '[':
		n, _ := root.arrayLen()
		return in.Errorf("$", "a JSON array of %d items (a PxWeb v1 folder listing?), not data: a table's URL ends in its .px name", n)
	case '{':
	default:
		return in.Errorf("$", "PxWeb answers with an object, got %s", root.kindName())
	}
	top, err := root.object()
	if err != nil {
		return in.Errorf("$", "malformed object: %v", err)
	}
	if msg := pxNotData(top); msg != "" {
		return in.Errorf("$", "%s", msg)
	}
	if top.has("columns", "data") {
		return pxReadJSON(ctx, in, top, maxCells, emit)
	}
	sets, err := jsDatasets(in, root, maxCells)
	if err != nil {
		return err
	}
	for _, d := range sets {
		if d.valueEmpty {
			return in.Errorf(d.path+".value", "metadata, not data: value is empty but the %d dimensions (sizes %v) describe %d cells; request the table's data (v2: /tables/{id}/data; v1: POST a query)", len(d.dims), d.sizes, d.n)
		}
	}
	if sets, err = jsSelect(in, sets); err != nil {
		return err
	}
	return jsEmitAll(ctx, in, sets, emit)
}

// pxNotData recognises PxWeb answers that hold no data and says what they
// are; "" when the document may be data.
func pxNotData(o *jsonObject) string {
	switch {
	case o.has("query", "response"):
		n, _ := o.m["query"].arrayLen()
		return fmt.Sprintf("a PxWeb query (%d variables), not an answer: it is the body to POST to the table's URL", n)
	case o.has("apiVersion") && (o.has("dataFormats") || o.has("maxDataCells")):
		return fmt.Sprintf("the PxWeb API configuration (apiVersion %s, maxDataCells %s), not data", o.str("apiVersion"), o.m["maxDataCells"])
	case o.has("tables", "page"):
		n, _ := o.m["tables"].arrayLen()
		var page, pages, total rawJSON
		if p, err := o.m["page"].object(); err == nil {
			page, pages, total = p.m["pageNumber"], p.m["totalPages"], p.m["totalElements"]
		}
		return fmt.Sprintf("a PxWeb table listing (%d tables, page %s of %s, %s tables in all), not data", n, page, pages, total)
	case o.has("title", "variables"):
		var vars []string
		if it, err := newArrayIter(o.m["variables"]); err == nil {
			for {
				v, more, err := it.next()
				if err != nil || !more {
					break
				}
				if vo, err := v.object(); err == nil {
					n, _ := vo.m["values"].arrayLen()
					vars = append(vars, fmt.Sprintf("%s (%d)", vo.str("code"), n))
				}
			}
		}
		return fmt.Sprintf("PxWeb v1 table metadata (%d variables: %s), not data: POST a query to this URL with response format json-stat2", len(vars), keyList(vars, 12))
	case o.has("variableNames") || o.has("id", "label", "firstPeriod", "lastPeriod") && !o.has("dimension"):
		id := o.str("id")
		return fmt.Sprintf("a PxWeb table description (table %s), not data: request /tables/%s/data", id, id)
	case o.has("title", "status") && o.m["status"].kind() == '0' && !o.has("dimension"):
		// An RFC 7807 problem, as PxWeb v2 reports errors.
		return fmt.Sprintf("the PxWeb API reported an error: %s (status %s): %s", o.str("title"), o.m["status"], o.str("detail"))
	}
	return ""
}

// pxColumn is a column of the v1 "json" format: type d (dimension), t
// (time) or c (contents, one value each).
type pxColumn struct {
	code, typ string
}

// pxReadJSON reads the v1 "json" response format.
func pxReadJSON(ctx context.Context, in extractors.Input, top *jsonObject, maxCells int64, emit extractors.Emit) error {
	cols, err := pxColumns(in, top.m["columns"])
	if err != nil {
		return err
	}
	var keys, contents []string
	roles := map[string]string{}
	for _, c := range cols {
		if c.typ == "c" {
			contents = append(contents, c.code)
			continue
		}
		keys = append(keys, c.code)
		if c.typ == "t" {
			roles[c.code] = "time"
		}
	}
	if len(contents) == 0 {
		return in.Errorf("$.columns", "no contents column (type c): nothing holds a value")
	}
	contentsDim := in.Param("contents_dim", "ContentsCode")
	for _, k := range keys {
		if k == contentsDim {
			return in.Errorf("$.columns", "a key column is named %q like the contents dimension; set contents_dim to another name", k)
		}
	}
	roles[contentsDim] = "metric"
	table := &extractors.Table{Dims: append(append([]string(nil), keys...), contentsDim), Roles: roles}
	var keyTexts []map[string]string // with the table's metadata: each key column's value texts
	if in.Metadata != nil {
		vars, err := pxReadMetadata(in)
		if err != nil {
			return err
		}
		if keyTexts, err = vars.keyTexts(in, keys); err != nil {
			return err
		}
	}

	data := top.m["data"]
	if data.kind() != '[' {
		return in.Errorf("$.data", "data is %s, want an array", data.kindName())
	}
	rows, err := data.arrayLen()
	if err != nil {
		return in.Errorf("$.data", "malformed array: %v", err)
	}
	if int64(rows) > maxCells/int64(len(contents)) {
		return in.Errorf("$.data", "%d rows of %d values are more than max_cells=%d", rows, len(contents), maxCells)
	}
	if rows == 0 {
		return in.Errorf("$.data", "no data rows")
	}

	// Check every row before emitting any, as for JSON-stat.
	walk := func(fn func(key []string, j int, v float64, missing bool, status string) error) error {
		it, err := newArrayIter(data)
		if err != nil {
			return in.Errorf("$.data", "malformed array: %v", err)
		}
		for {
			row, more, err := it.next()
			if err != nil {
				return in.Errorf("$.data", "malformed array: %v", err)
			}
			if !more {
				return nil
			}
			i := it.n - 1
			if i&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("%s: %w", in.Name, err)
				}
			}
			p := jsonIndex("$.data", i)
			key, values, err := pxRow(in, p, row, len(keys), len(contents))
			if err != nil {
				return err
			}
			if keyTexts != nil {
				if key, err = pxKeyTexts(in, p, key, keys, keyTexts); err != nil {
					return err
				}
			}
			for j, v := range values {
				f, missing, status, err := pxValue(in, jsonIndex(p+".values", j), v)
				if err != nil {
					return err
				}
				if err := fn(key, j, f, missing, status); err != nil {
					return err
				}
			}
		}
	}
	if err := walk(func([]string, int, float64, bool, string) error { return nil }); err != nil {
		return err
	}
	return walk(func(key []string, j int, v float64, missing bool, status string) error {
		codes := make([]string, 0, len(key)+1)
		codes = append(append(codes, key...), contents[j])
		return emit(extractors.Cell{Table: table, Codes: codes, Value: v, Missing: missing, Status: status})
	})
}

func pxColumns(in extractors.Input, raw rawJSON) ([]pxColumn, error) {
	it, err := newArrayIter(raw)
	if err != nil {
		return nil, in.Errorf("$.columns", "columns is %s, want an array", raw.kindName())
	}
	var cols []pxColumn
	seen := map[string]bool{}
	for {
		v, more, err := it.next()
		if err != nil {
			return nil, in.Errorf("$.columns", "malformed array: %v", err)
		}
		if !more {
			return cols, nil
		}
		p := jsonIndex("$.columns", it.n-1)
		if v.kind() != '{' {
			return nil, in.Errorf(p, "column is %s, want an object", v.kindName())
		}
		o, err := v.object()
		if err != nil {
			return nil, in.Errorf(p, "malformed object: %v", err)
		}
		c := pxColumn{code: o.str("code"), typ: o.str("type")}
		if c.code == "" {
			return nil, in.Errorf(p+".code", "column without a code")
		}
		if seen[c.code] {
			return nil, in.Errorf(p+".code", "column %q listed twice", c.code)
		}
		seen[c.code] = true
		if c.typ != "d" && c.typ != "t" && c.typ != "c" {
			return nil, in.Errorf(p+".type", "column type %q, want d, t or c", c.typ)
		}
		cols = append(cols, c)
	}
}

// pxRow decodes {"key": [...], "values": [...]} of the sizes the columns
// announce.
func pxRow(in extractors.Input, p string, row rawJSON, nkeys, nvalues int) ([]string, []rawJSON, error) {
	if row.kind() != '{' {
		return nil, nil, in.Errorf(p, "row is %s, want an object", row.kindName())
	}
	o, err := row.object()
	if err != nil {
		return nil, nil, in.Errorf(p, "malformed object: %v", err)
	}
	key, err := o.m["key"].strings()
	if err != nil {
		return nil, nil, in.Errorf(p+".key", "want an array of codes: %v", err)
	}
	if len(key) != nkeys {
		return nil, nil, in.Errorf(p+".key", "%d codes, want %d (one per d/t column)", len(key), nkeys)
	}
	it, err := newArrayIter(o.m["values"])
	if err != nil {
		return nil, nil, in.Errorf(p+".values", "values is %s, want an array", o.m["values"].kindName())
	}
	var values []rawJSON
	for {
		v, more, err := it.next()
		if err != nil {
			return nil, nil, in.Errorf(p+".values", "malformed array: %v", err)
		}
		if !more {
			break
		}
		values = append(values, v)
	}
	if len(values) != nvalues {
		return nil, nil, in.Errorf(p+".values", "%d values, want %d (one per c column)", len(values), nvalues)
	}
	return key, values, nil
}

// pxKeyTexts writes a row's key as the texts the table's metadata gives its
// codes; a code the metadata does not list is an error, never passed on.
func pxKeyTexts(in extractors.Input, p string, key, columns []string, texts []map[string]string) ([]string, error) {
	out := make([]string, len(key))
	for i, code := range key {
		t, ok := texts[i][code]
		if !ok {
			return nil, in.Errorf(jsonIndex(p+".key", i), "code %s of %s is not among the variable's values in the table's metadata", strconv.Quote(code), columns[i])
		}
		out[i] = t
	}
	return out, nil
}

// pxValue reads a value of the "json" format: a number in a string, or a
// PX missing-value symbol ("..", "...", "-", ":") kept as the status.
// Anything else is an error, so that no text is ever loaded as a zero.
func pxValue(in extractors.Input, p string, v rawJSON) (float64, bool, string, error) {
	switch v.kind() {
	case 'n':
		return 0, true, "", nil
	case '0':
		f, err := v.float()
		if err != nil {
			return 0, false, "", in.Errorf(p, "%v", err)
		}
		return f, false, "", nil
	case '"':
		s, _ := v.str()
		if f, ok := numericString(s); ok {
			return f, false, "", nil
		}
		if sym, ok := missingSymbol(s); ok {
			return 0, true, sym, nil
		}
		return 0, false, "", in.Errorf(p, "value %s is neither a number nor a missing-value symbol", strconv.Quote(s))
	}
	return 0, false, "", in.Errorf(p, "value is %s, want a string", v.kindName())
}
