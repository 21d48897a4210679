package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
)

// National offices' PxWeb v1 answers, written from the figures in the
// source's catalogue file (sample.figures), each with the page that
// published it: json-stat2 answers here, the table's metadata and answers in
// PxWeb's "json" format in pxweb_json.go.

func init() {
	families = append(families, family{
		name: "pxweb",
		builds: func(s *extractors.Source) bool {
			_, ok := pxwebTables[s.ID]
			return ok
		},
		build: pxwebBody,
	})
}

// A pxwebTable says how a national office's answer looks: its dimensions
// (in the table's variable order), their labels and the table's metadata.
type pxwebTable struct {
	Label, Source, Updated, TableID string
	Unit                            string // the contents' unit base ("Number")
	// JSON: the table is read as metadata plus an answer in PxWeb's json
	// format (pxweb_json.go); TableID is then the contents column's code.
	JSON         bool
	FetchedAt    time.Time
	Dims         []pxDim // the metric dimension is the one named Metric
	Metric, Time string
	From, Note   string
}

type pxDim struct {
	Code, Label string
	Values      [][2]string // code, label; the time dimension's come from the figures
}

var pxwebTables = map[string]pxwebTable{
	"ge-geostat-migration-citizenship": {
		Label:     "Number of immigrants and emigrants by sex and citizenship",
		Source:    "National Statistics Office of Georgia",
		Updated:   "2025-04-29T08:00:00Z",
		TableID:   "33-number-of-immigrants-and-emigrants-by-sex-and-citizenship",
		JSON:      true,
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
	"fi-statfin-muutl": {
		Label:     "Population 31 Dec by Area, Citizenship, Sex, Year and Information",
		Source:    "Statistics Finland, population structure",
		Updated:   "2024-04-26T05:00:00Z",
		TableID:   "statfin_vaerak_pxt_11rh",
		Unit:      "Number",
		FetchedAt: time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC),
		Dims: []pxDim{
			{"Alue", "Area", [][2]string{{"SSS", "WHOLE COUNTRY"}}},
			{"Kansalaisuus", "Citizenship", [][2]string{{"RU", "Russia"}}},
			{"Sukupuoli", "Sex", [][2]string{{"SSS", "Total"}}},
			{"Vuosi", "Year", nil},
			{"Tiedot", "Information", [][2]string{{"vaesto", "Population 31 Dec"}}},
		},
		Metric: "Tiedot", Time: "Vuosi",
		From: "shared/realdata/Bencce4-beyond-borders__migr_pop1ctz__custom_19374948_jsonstat__RU-only.json (Eurostat " +
			"migr_pop1ctz, Finland, citizens of Russia, 1 January 2021-2024, taken as Statistics Finland's count of the 31 " +
			"December before); each figure with its page in the source's catalogue file (sample.figures)",
		Note: "Russian citizens resident in Finland on 31 December 2020-2023 written as Statistics Finland's PxWeb v1 json-stat2 " +
			"answer to the source's query (dimensions in the table's variable order, as StatFin answers). The figures are " +
			"Eurostat's for the 1 January after; the labels, the 'updated' stamp (the population-structure release of 26 April " +
			"2024) and the fetch time are reconstructed, not recorded from Statistics Finland.",
	},
}

func pxwebBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	t := pxwebTables[s.ID]
	if in.entry == nil || in.entry.Sample == nil || len(in.entry.Sample.Figures) == 0 {
		return nil, fmt.Errorf("no figures in the source's catalogue file (sample.figures)")
	}
	figs := in.entry.Sample.Figures
	var body []byte
	var err error
	if t.JSON {
		body, err = pxJSONBody(t, figs, e.Method)
	} else {
		body, err = pxJSONStatBody(t, figs)
	}
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json; charset=utf-8"}
	e.FetchedAt = t.FetchedAt
	e.Provenance = &archive.Provenance{Kind: "reconstructed", From: t.From, Published: strings.Join(evidencePages(figs), " ; "), Note: t.Note}
	return body, nil
}

// pxJSONStatBody is the table as a v1 POST answer in json-stat2.
func pxJSONStatBody(t pxwebTable, figs []catalogue.SampleFigure) ([]byte, error) {
	ids, sizes, dims, axes := pxwebDimensions(t, figurePeriods(figs))
	values, used := pxwebValues(t, figs, axes)
	if used != len(figs) {
		return nil, fmt.Errorf("only %d of %d figures fit the table's codes", used, len(figs))
	}
	px := object{{"decimals", 0}}
	if t.TableID != "" {
		px = append(object{{"tableid", t.TableID}}, px...)
	}
	doc := object{
		{"class", "dataset"},
		{"label", t.Label},
		{"source", t.Source},
		{"updated", t.Updated},
		{"id", ids},
		{"size", sizes},
		{"dimension", dims},
		{"value", values},
		{"role", object{{"time", []any{t.Time}}, {"metric", []any{t.Metric}}}},
		{"version", "2.0"},
		{"extension", object{{"px", px}}},
	}
	return encode(doc)
}

// figurePeriods are the figures' periods, sorted: the time dimension.
func figurePeriods(figs []catalogue.SampleFigure) []string {
	var periods []string
	for _, f := range figs {
		if !slices.Contains(periods, f.Period) {
			periods = append(periods, f.Period)
		}
	}
	sort.Strings(periods)
	return periods
}

// pxwebDimensions writes the table's dimensions in the query's order, the
// time dimension holding periods, and returns each dimension's codes.
func pxwebDimensions(t pxwebTable, periods []string) (ids, sizes []any, dims object, axes [][]string) {
	dims = object{}
	for _, d := range t.Dims {
		vals := d.values(t, periods)
		index, labels, codes := object{}, object{}, []string{}
		for i, v := range vals {
			index = append(index, member{v[0], i})
			labels = append(labels, member{v[0], v[1]})
			codes = append(codes, v[0])
		}
		show := "value"
		if d.Code == t.Time {
			show = "code"
		}
		cat := object{{"index", index}, {"label", labels}}
		if d.Code == t.Metric {
			unit := object{}
			for _, v := range vals {
				unit = append(unit, member{v[0], object{{"base", t.Unit}, {"decimals", 0}}})
			}
			cat = append(cat, member{"unit", unit})
		}
		dims = append(dims, member{d.Code, object{
			{"extension", object{{"show", show}}},
			{"label", d.Label},
			{"category", cat},
		}})
		ids = append(ids, d.Code)
		sizes = append(sizes, len(vals))
		axes = append(axes, codes)
	}
	return ids, sizes, dims, axes
}

// values are the dimension's codes and labels: the time dimension's are the
// figures' periods.
func (d pxDim) values(t pxwebTable, periods []string) [][2]string {
	if d.Code != t.Time {
		return d.Values
	}
	var vals [][2]string
	for _, p := range periods {
		vals = append(vals, [2]string{p, p})
	}
	return vals
}

// pxwebValues are the dense values in row-major order (last dimension
// fastest); a cell the figures do not give is null, never 0. used counts
// the figures placed.
func pxwebValues(t pxwebTable, figs []catalogue.SampleFigure, axes [][]string) (values []any, used int) {
	var walk func(depth int, key []string)
	walk = func(depth int, key []string) {
		if depth == len(axes) {
			if v, ok := lookup(figs, t, key); ok {
				values = append(values, v)
				used++
			} else {
				values = append(values, nil)
			}
			return
		}
		for _, c := range axes[depth] {
			walk(depth+1, append(slices.Clone(key), c))
		}
	}
	walk(0, nil)
	return values, used
}

// evidencePages are the pages the figures were read from, each once.
func evidencePages(figs []catalogue.SampleFigure) []string {
	var evidence []string
	for _, f := range figs {
		for _, u := range strings.Split(f.Evidence, " ; ") {
			if !slices.Contains(evidence, u) {
				evidence = append(evidence, u)
			}
		}
	}
	return evidence
}

// lookup finds the figure for a cell key: the metric and time codes must
// match; the other dimensions have one code, the one the query selects.
func lookup(figs []catalogue.SampleFigure, t pxwebTable, key []string) (int64, bool) {
	var metric, period string
	for i, d := range t.Dims {
		switch d.Code {
		case t.Metric:
			metric = key[i]
		case t.Time:
			period = key[i]
		}
	}
	for _, f := range figs {
		if f.Code == metric && f.Period == period {
			return int64(f.Value), true
		}
	}
	return 0, false
}
