package formats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "json-lines" reader reads JSON Lines: one flat record per line, as
// tools that parse publishers' PDF tables write them (a public repository's
// monthly files of the US State Department's visa issuances:
// {"Nationality":"Russia","Visa Class":"F1","Issuances":"576"}). Each
// record is a row whose columns are its member names, read with the same
// layout parameters as json-records (dim.ID=field, value=field, decimal,
// missing, ...). Blank lines are skipped; a line that is not a JSON object
// is an error naming the line.
//
// Parameters, besides the layout ones:
//
//	name_dim.ID  a regular expression over the body's name (its URL or
//	             file name) whose group 1 is dimension ID's code for every
//	             record: files that carry their period only in their name
//	             ("nonimmigrant_data/2024-03-01.jsonl": name_dim.month=
//	             (\d{4}-\d{2}-\d{2})\.jsonl$). A name it does not match is an
//	             error.
//	max_bytes    body size (default 256 MiB)
func init() { extractors.RegisterReader(jsonLinesReader{}) }

type jsonLinesReader struct{}

func (jsonLinesReader) Format() string { return JSONLines }

func (jsonLinesReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	named, in, err := nameDims(in)
	if err != nil {
		return err
	}
	layout, err := parseGridLayout(in)
	if err != nil {
		return err
	}
	layout.missing[jsonNull] = true // a null is a value published as missing
	data, err := readLimited(in)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if looksLikeHTML(data) {
		return in.Errorf("", "an HTML page where JSON lines were expected: %q", excerpt(data, 120))
	}
	var records []*jsonObject
	var lineOf []int
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		pos := "line " + strconv.Itoa(n+1)
		v := rawJSON(line)
		if v.kind() != '{' || !json.Valid(line) {
			return in.Errorf(pos, "not a JSON object: %q", excerpt(line, 120))
		}
		o, err := v.object()
		if err != nil {
			return in.Errorf(pos, "%v", err)
		}
		for _, d := range named {
			if _, clash := o.get(d.column); clash {
				return in.Errorf(pos, "the record has a member %q, the column name_dim.%s fills", d.column, d.id)
			}
			o.keys = append(o.keys, d.column)
			o.m[d.column] = rawJSON(strconv.Quote(d.code))
		}
		records = append(records, o)
		lineOf = append(lineOf, n+1)
	}
	if len(records) == 0 {
		if len(bytes.TrimSpace(data)) == 0 {
			return in.Errorf("", "empty body: no records, not one JSON line")
		}
		return in.Errorf("", "no records: the body holds no JSON line")
	}
	return emitRecords(ctx, in, layout, records, func(i int) string { return "line " + strconv.Itoa(lineOf[i]) }, "$", emit)
}

// namedDim is a dimension whose code the body's name gives.
type namedDim struct {
	id, column, code string
}

// nameDims reads the name_dim.ID parameters: each becomes a column of every
// record, holding group 1 of its pattern over in.Name, and the dimension
// ID reads that column (a dim.ID given as well is an error).
func nameDims(in extractors.Input) ([]namedDim, extractors.Input, error) {
	var out []namedDim
	for k, v := range in.Params {
		id, ok := strings.CutPrefix(k, "name_dim.")
		if !ok {
			continue
		}
		re, err := regexp.Compile(v)
		if err != nil || re.NumSubexp() < 1 {
			return nil, in, fmt.Errorf("%s: parameter %s=%q: want a regular expression with a group", in.Name, k, v)
		}
		if _, both := in.Params["dim."+id]; both {
			return nil, in, fmt.Errorf("%s: parameters %s and dim.%s: the dimension comes from one of them", in.Name, k, id)
		}
		m := re.FindStringSubmatch(in.Name)
		if m == nil || m[1] == "" {
			return nil, in, in.Errorf("", "the name does not match parameter %s=%q: it gives dimension %s", k, v, id)
		}
		out = append(out, namedDim{id: id, column: "name_dim." + id, code: m[1]})
	}
	slices.SortFunc(out, func(a, b namedDim) int { return strings.Compare(a.id, b.id) })
	if len(out) > 0 {
		params := make(map[string]string, len(in.Params)+len(out))
		for k, v := range in.Params {
			params[k] = v
		}
		for _, d := range out {
			params["dim."+d.id] = d.column
		}
		in.Params = params
	}
	return out, in, nil
}
