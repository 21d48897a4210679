package formats

import (
	"bytes"
	"strconv"

	"github.com/emigre/emigre/extractors"
)

// pxVariables are the variables of a PxWeb v1 table as the GET of its URL
// describes them: for each variable code, its value codes and their texts.
// Some installations (Geostat's) key a "json" answer by positional value
// codes ("0", "1", ...) that mean nothing without this list, so the reader
// writes each cell's codes as the texts the metadata gives them.
type pxVariables struct {
	byCode map[string]map[string]string // variable code -> value code -> value text
	order  []string                     // the variable codes in the table's order, for messages
}

// pxReadMetadata decodes the table metadata handed to the reader with the
// answer (Input.Metadata): {"title": ..., "variables": [{"code", "values",
// "valueTexts"}, ...]}. Anything else (an error page, a folder listing, an
// answer archived in its place) fails with what it is.
func pxReadMetadata(in extractors.Input) (*pxVariables, error) {
	meta := extractors.Input{Name: in.Name + " (table metadata)", Body: bytes.NewReader(in.Metadata), Params: in.Params}
	root, err := loadJSON(meta)
	if err != nil {
		return nil, err
	}
	if root.kind() != '{' {
		return nil, meta.Errorf("$", "PxWeb v1 table metadata is an object {title, variables}, got %s", root.kindName())
	}
	top, err := root.object()
	if err != nil {
		return nil, meta.Errorf("$", "malformed object: %v", err)
	}
	if !top.has("variables") {
		return nil, meta.Errorf("$", "not PxWeb v1 table metadata: no variables (keys %s)", keyList(top.keys, 8))
	}
	it, err := newArrayIter(top.m["variables"])
	if err != nil {
		return nil, meta.Errorf("$.variables", "variables is %s, want an array", top.m["variables"].kindName())
	}
	vars := &pxVariables{byCode: map[string]map[string]string{}}
	for {
		v, more, err := it.next()
		if err != nil {
			return nil, meta.Errorf("$.variables", "malformed array: %v", err)
		}
		if !more {
			break
		}
		p := jsonIndex("$.variables", it.n-1)
		code, texts, err := pxMetadataVariable(meta, p, v)
		if err != nil {
			return nil, err
		}
		if _, dup := vars.byCode[code]; dup {
			return nil, meta.Errorf(p+".code", "variable %q listed twice", code)
		}
		vars.byCode[code] = texts
		vars.order = append(vars.order, code)
	}
	if len(vars.order) == 0 {
		return nil, meta.Errorf("$.variables", "no variables")
	}
	return vars, nil
}

// pxMetadataVariable decodes one variable: its code, and its values and
// valueTexts (of the same length) as value code -> text.
func pxMetadataVariable(meta extractors.Input, p string, v rawJSON) (string, map[string]string, error) {
	if v.kind() != '{' {
		return "", nil, meta.Errorf(p, "variable is %s, want an object", v.kindName())
	}
	o, err := v.object()
	if err != nil {
		return "", nil, meta.Errorf(p, "malformed object: %v", err)
	}
	code := o.str("code")
	if code == "" {
		return "", nil, meta.Errorf(p+".code", "variable without a code")
	}
	values, err := o.m["values"].strings()
	if err != nil {
		return "", nil, meta.Errorf(p+".values", "want an array of value codes: %v", err)
	}
	texts, err := o.m["valueTexts"].strings()
	if err != nil {
		return "", nil, meta.Errorf(p+".valueTexts", "want an array of value texts: %v", err)
	}
	if len(texts) != len(values) {
		return "", nil, meta.Errorf(p+".valueTexts", "%d texts for %d values", len(texts), len(values))
	}
	byValue := make(map[string]string, len(values))
	for i, c := range values {
		if _, dup := byValue[c]; dup {
			return "", nil, meta.Errorf(jsonIndex(p+".values", i), "value %s listed twice", strconv.Quote(c))
		}
		byValue[c] = texts[i]
	}
	return code, byValue, nil
}

// keyTexts returns, for each key column of a "json" answer, the texts of its
// values: an error when a column is not a variable of the metadata (the
// answer and the metadata describe different tables).
func (vars *pxVariables) keyTexts(in extractors.Input, keys []string) ([]map[string]string, error) {
	out := make([]map[string]string, len(keys))
	for i, k := range keys {
		texts, ok := vars.byCode[k]
		if !ok {
			return nil, in.Errorf("$.columns", "column %q is not a variable of the table's metadata (%s): the answer and the metadata describe different tables",
				k, keyList(vars.order, 12))
		}
		out[i] = texts
	}
	return out, nil
}
