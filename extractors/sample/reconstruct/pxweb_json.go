package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
)

// PxWeb installations read in two requests (Geostat's): the GET of a
// table's URL gives its variables, whose values are positional codes ("0",
// "1", ...) with their texts, and an empty POST query in the "json" format
// gives the whole table keyed by those codes. Both answers are written from
// the figures in the source's catalogue file (sample.figures), each with the
// page that published it.

func init() {
	families = append(families, family{
		name: "pxweb-json",
		builds: func(s *extractors.Source) bool {
			_, ok := pxJSONTables[s.ID]
			return ok
		},
		build: pxJSONBody,
	})
}

// pxJSONTables are the tables answered in the "json" format. A dimension's
// values are written as (text, text): the figures name texts, and the
// positional codes are the values' places.
var pxJSONTables = map[string]pxwebTable{
	"ge-geostat-migration-citizenship": {
		Label:     "Number of immigrants and emigrants by sex and citizenship",
		Source:    "National Statistics Office of Georgia",
		Updated:   "2025-04-29T08:00:00Z",
		TableID:   "33-number-of-immigrants-and-emigrants-by-sex-and-citizenship",
		FetchedAt: time.Date(2025, 5, 5, 8, 0, 0, 0, time.UTC),
		Dims: []pxDim{
			{"citizenship", "citizenship", [][2]string{{"Russian Federation", "Russian Federation"}}},
			{"year", "year", nil},
			{"migrants", "migrants", [][2]string{{"Immigrants", "Immigrants"}, {"Emigrants", "Emigrants"}}},
			{"sex", "sex", [][2]string{{"Both sexes", "Both sexes"}}},
		},
		Metric: "migrants", Time: "year",
		From: "shared/sources/catalogue.tsv, row GE / National Statistics Office of Georgia (2022-2023); 2024 from nlevshits.com " +
			"(its 2025 article); each figure with its page in the source's catalogue file (sample.figures)",
		Note: "Geostat's published figures for Russian citizens written as the two answers of Geostat's PxWeb installation to " +
			"the source's requests: the table's metadata (GET: variables with positional values and their texts) and the " +
			"table in the json format (POST of an empty query: columns and data keyed by those positions, values as strings, " +
			"preceded by a byte-order mark as Geostat's POST answers are). Only the figures' values are written: the " +
			"table's other citizenships, sexes and years are left out, so the positions differ from Geostat's. The " +
			"variables' order and texts, the contents column's code, the 'updated' stamp and the fetch time are " +
			"reconstructed (see the source's verified and unverified), not recorded from Geostat.",
	},
}

func pxJSONBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	t := pxJSONTables[s.ID]
	if in.entry == nil || in.entry.Sample == nil || len(in.entry.Sample.Figures) == 0 {
		return nil, fmt.Errorf("no figures in the source's catalogue file (sample.figures)")
	}
	figs := in.entry.Sample.Figures
	periods := figurePeriods(figs)
	var body []byte
	var err error
	switch e.Method {
	case "GET":
		body, err = encode(pxJSONMetadata(t, periods))
	case "POST":
		var data object
		if data, err = pxJSONData(t, figs, periods); err == nil {
			body, err = encode(data)
			body = append([]byte("\ufeff"), body...)
		}
	default:
		err = fmt.Errorf("no %s answer in this format", e.Method)
	}
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json; charset=utf-8"}
	e.FetchedAt = t.FetchedAt
	e.Provenance = &archive.Provenance{Kind: "reconstructed", From: t.From, Published: strings.Join(evidencePages(figs), " ; "), Note: t.Note}
	return body, nil
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
