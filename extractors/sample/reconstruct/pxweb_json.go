package main

import (
	"fmt"
	"strconv"

	"github.com/emigre/emigre/extractors/catalogue"
)

// PxWeb installations read in two requests (Geostat's): the GET of a
// table's URL gives its variables, whose values are positional codes ("0",
// "1", ...) with their texts, and an empty POST query in the "json" format
// gives the whole table keyed by those codes. A dimension's values are
// written as (text, text): the figures name texts, and the positional codes
// are the values' places.

// pxJSONBody answers the table's metadata (GET) or its data (POST), the
// latter opening with a byte-order mark as Geostat's POST answers do.
func pxJSONBody(t pxwebTable, figs []catalogue.SampleFigure, method string) ([]byte, error) {
	periods := figurePeriods(figs)
	switch method {
	case "GET":
		return encode(pxJSONMetadata(t, periods))
	case "POST":
		data, err := pxJSONData(t, figs, periods)
		if err != nil {
			return nil, err
		}
		body, err := encode(data)
		return append([]byte("\ufeff"), body...), err
	}
	return nil, fmt.Errorf("no %s answer in PxWeb's json format", method)
}

// pxJSONMetadata is the GET of the table: {title, variables[{code, text,
// values, valueTexts, time?}]}.
func pxJSONMetadata(t pxwebTable, periods []string) object {
	var vars []any
	for _, d := range t.Dims {
		var values, texts []any
		for i, v := range d.values(t, periods) {
			values = append(values, strconv.Itoa(i))
			texts = append(texts, v[1])
		}
		v := object{{"code", d.Code}, {"text", d.Label}, {"values", values}, {"valueTexts", texts}}
		if d.Code == t.Time {
			v = append(v, member{"time", true})
		}
		vars = append(vars, v)
	}
	return object{{"title", t.Label}, {"variables", vars}}
}

// pxJSONData is the POST answer: one row per cell, keys in the variables'
// order as positions, the value a string ("..": no figure for that cell).
func pxJSONData(t pxwebTable, figs []catalogue.SampleFigure, periods []string) (object, error) {
	var columns []any
	axes := make([][][2]string, len(t.Dims))
	for i, d := range t.Dims {
		typ := "d"
		if d.Code == t.Time {
			typ = "t"
		}
		columns = append(columns, object{{"code", d.Code}, {"text", d.Label}, {"type", typ}})
		axes[i] = d.values(t, periods)
	}
	columns = append(columns, object{{"code", t.TableID}, {"text", t.Label}, {"type", "c"}})
	var rows []any
	used := 0
	var walk func(depth int, key []any, codes []string)
	walk = func(depth int, key []any, codes []string) {
		if depth == len(axes) {
			value := ".."
			if v, ok := lookup(figs, t, codes); ok {
				value, used = strconv.FormatInt(v, 10), used+1
			}
			rows = append(rows, object{{"key", key}, {"values", []any{value}}})
			return
		}
		for i, v := range axes[depth] {
			walk(depth+1, append(append([]any(nil), key...), strconv.Itoa(i)), append(append([]string(nil), codes...), v[0]))
		}
	}
	walk(0, nil, nil)
	if used != len(figs) {
		return nil, fmt.Errorf("only %d of %d figures fit the table's values", used, len(figs))
	}
	meta := object{{"infofile", "None"}, {"updated", t.Updated}, {"label", t.Label}, {"source", t.Source}}
	return object{{"columns", columns}, {"comments", []any{}}, {"data", rows}, {"metadata", []any{meta}}}, nil
}
