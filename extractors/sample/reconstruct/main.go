// Command reconstruct rebuilds the sample archive that `emigre run
// --offline` replays: one snapshot per registered source, written in the
// publisher's real format from figures the publisher really published.
//
//	go run ./extractors/sample/reconstruct -shared ../shared -out extractors/sample/archive
//
// Eurostat figures come from shared/realdata (the Data Browser export of
// Russian-citizen tables); figures from statements and national releases
// come from figures.tsv and pages.go beside this file, each next to the page
// that published it. Every snapshot's manifest entry says so (provenance
// kind "reconstructed"). The output is deterministic: fixed fetch times,
// sources in catalogue order, so regenerating gives identical bytes.
package main

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/sources"
)

//go:embed figures.tsv
var figuresTSV string

const eurostatCSV = "realdata/derived/russia__eurostat_KiraKicka_long.csv"

// eurostatFetchedAt is when the Data Browser export the figures come from
// was taken: the shared extract's files were committed on 2026-01-15, with
// 2024 as the latest year of permits and 1 Jan 2024 of population.
var eurostatFetchedAt = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func main() {
	shared := flag.String("shared", "../shared", "the shared research folder (realdata/, sources/)")
	out := flag.String("out", "extractors/sample/archive", "the archive directory to (re)write")
	flag.Parse()
	if err := run(*shared, *out); err != nil {
		fmt.Fprintln(os.Stderr, "reconstruct:", err)
		os.Exit(1)
	}
}

// sharedRoot is the shared research folder of the current run, for
// builders that serve real files from it.
var sharedRoot string

// run rewrites the archive in out from scratch.
func run(shared, out string) error {
	sharedRoot = shared
	es, err := loadEurostat(filepath.Join(shared, eurostatCSV))
	if err != nil {
		return err
	}
	for _, load := range eurostatLoaders {
		if err := load(shared, es); err != nil {
			return err
		}
	}
	figs, err := parseFigures(figuresTSV)
	if err != nil {
		return err
	}
	if err := clearArchive(out); err != nil {
		return err
	}
	a, err := archive.Open(out)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, s := range extractors.Sources() {
		// Only a statement reads several pages (one per figure); other
		// sources' builders write one answer.
		if len(s.Requests) != 1 && (s.Statement == nil || len(s.Requests) == 0) {
			return fmt.Errorf("%s: want one request, have %d", s.ID, len(s.Requests))
		}
		for _, req := range s.Requests {
			body, e, err := reconstruct(s, req, es, figs)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", s.ID, req.URL, err)
			}
			if _, err := a.Put(body, e); err != nil {
				return fmt.Errorf("%s: %w", s.ID, err)
			}
		}
		used[s.ID] = true
	}
	for _, f := range figs {
		if !used[f.SourceID] {
			return fmt.Errorf("figures.tsv: source %s is not registered", f.SourceID)
		}
	}
	for _, p := range statementPages {
		if !used[p.SourceID] {
			return fmt.Errorf("pages.go: source %s is not registered", p.SourceID)
		}
		s, err := extractors.SourceByID(p.SourceID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(s.Requests, func(r extractors.Request) bool { return r.URL == p.url(s) }) {
			return fmt.Errorf("pages.go: page %s of source %s is not one of its requests", p.url(s), p.SourceID)
		}
	}
	return nil
}

// clearArchive removes a previous manifest and its objects (and nothing
// else), so the archive holds exactly one snapshot per source.
func clearArchive(out string) error {
	if err := os.Remove(filepath.Join(out, archive.ManifestName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(filepath.Join(out, "objects"))
}

func reconstruct(s *extractors.Source, req extractors.Request, es eurostatRows, figs []figure) ([]byte, archive.Entry, error) {
	e := archive.Entry{
		Source:        s.ID,
		Method:        req.MethodOrGet(),
		URL:           req.URL,
		RequestSHA256: archive.HashBytes([]byte(req.Body)),
		Status:        200,
	}
	for _, b := range builders {
		body, ok, err := b(s, es, figs, &e)
		if ok || err != nil {
			return body, e, err
		}
	}
	return nil, e, errors.New("no reconstruction for this source: add a builder to the sample generator")
}

// builder writes one source's snapshot in its publisher's format, filling
// the manifest entry (headers, fetch time, provenance). It reports false
// when the source is not its kind. Each publisher family adds its builder
// from its own file, so adding sources never means editing this one.
type builder func(s *extractors.Source, es eurostatRows, figs []figure, e *archive.Entry) (body []byte, ok bool, err error)

// builders are tried in order; the first that knows a source builds it.
var builders = []builder{
	func(s *extractors.Source, _ eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
		if s.Statement == nil {
			return nil, false, nil
		}
		b, err := statementBody(s, e)
		return b, true, err
	},
	func(s *extractors.Source, es eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
		if s.Publisher != "Eurostat" {
			return nil, false, nil
		}
		b, err := eurostatBody(s, es, e)
		return b, true, err
	},
	func(s *extractors.Source, _ eurostatRows, figs []figure, e *archive.Entry) ([]byte, bool, error) {
		if s.Format != "pxweb" {
			return nil, false, nil
		}
		b, err := pxwebBody(s, figs, e)
		return b, true, err
	},
}

// --- Eurostat ---------------------------------------------------------------

type eurostatCell struct {
	Year    int
	Raw     string // as in the export: a number or ":"
	Value   int64
	Missing bool
	Origin  string // where this row's figure was read, for provenance ("decoded from <file>")
	Extract *eurostatExtract
}

// eurostatRows are the Russian-citizen rows by dataset and country label:
// the shared extract's, plus those eurostatLoaders add.
type eurostatRows map[[2]string][]eurostatCell

// An eurostatExtract is one origin of real Eurostat figures; its fields fill
// the provenance of every snapshot written from it.
type eurostatExtract struct {
	File      string    // what the generator read
	Published string    // who published the figures, after the Data Browser URL
	Note      string    // what the snapshot reconstructs; %d is the number of figures
	FetchedAt time.Time // when the figures were taken from Eurostat
}

// kiraExtract is the shared extract of Data Browser exports.
var kiraExtract = &eurostatExtract{
	File: "shared/" + eurostatCSV,
	Published: "Eurostat Data Browser export, committed to github.com/KiraKicka/Ru-EU-Migration-Retention-Analyzer, " +
		"see shared/realdata/MANIFEST.tsv",
	Note: "The export's %d figures written in the statistics API's JSON-stat 2.0 layout; years shown ':' in the " +
		"export are absent from value and listed in extension.positions-with-no-data, as the API does. Not recorded from the " +
		"API: the 'updated' stamp (set to the fetch time), dimension and code labels, and the extension's metadata are " +
		"reconstructed; no status flags were in the export.",
	FetchedAt: eurostatFetchedAt,
}

// eurostatLoaders add rows from other origins of real Eurostat figures
// (further shared extracts, figures published with their page); publisher
// files append theirs from init. A loader must not replace rows already
// there.
var eurostatLoaders []func(shared string, rows eurostatRows) error

func loadEurostat(path string) (eurostatRows, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, h := range []string{"source_file", "eurostat_table", "citizen", "geo_label", "year", "value_raw", "value"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, h)
		}
	}
	out := eurostatRows{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if rec[col["citizen"]] != "RU" {
			continue // the immigration file's all-citizenship totals
		}
		y, err := strconv.Atoi(rec[col["year"]])
		if err != nil {
			return nil, fmt.Errorf("%s: year %q", path, rec[col["year"]])
		}
		c := eurostatCell{Year: y, Raw: rec[col["value_raw"]], Origin: "decoded from " + rec[col["source_file"]], Extract: kiraExtract}
		switch v := rec[col["value"]]; {
		case c.Raw == ":" && v == "":
			c.Missing = true
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || strconv.FormatInt(n, 10) != c.Raw || n < 0 {
				return nil, fmt.Errorf("%s: %s %s %d: value %q (raw %q) is not a whole count", path,
					rec[col["eurostat_table"]], rec[col["geo_label"]], y, v, c.Raw)
			}
			c.Value = n
		}
		k := [2]string{rec[col["eurostat_table"]], rec[col["geo_label"]]}
		out[k] = append(out[k], c)
	}
	for k := range out {
		slices.SortFunc(out[k], func(a, b eurostatCell) int { return a.Year - b.Year })
	}
	return out, nil
}

// Labels Eurostat gives its dimensions and codes in English answers.
var (
	eurostatDimLabels = map[string]string{
		"freq": "Time frequency", "citizen": "Country of citizenship", "age": "Age class", "unit": "Unit of measure",
		"sex": "Sex", "geo": "Geopolitical entity (reporting)", "time": "Time", "reason": "Reason",
		"duration": "Length of validity", "agedef": "Age definition",
	}
	eurostatCodeLabels = map[[2]string]string{
		{"freq", "A"}: "Annual", {"citizen", "RU"}: "Russia", {"age", "TOTAL"}: "Total", {"unit", "NR"}: "Number",
		{"unit", "PER"}: "Person", {"sex", "T"}: "Total", {"reason", "TOTAL"}: "Total", {"duration", "TOTAL"}: "Total",
		{"agedef", "COMPLET"}: "Age in completed years",
	}
)

func eurostatBody(s *extractors.Source, es eurostatRows, e *archive.Entry) ([]byte, error) {
	d, ok := sources.EurostatDatasetByCode(s.Dataset)
	if !ok {
		return nil, fmt.Errorf("unknown Eurostat dataset %q", s.Dataset)
	}
	var c sources.EurostatCountry
	for _, k := range sources.EurostatCountries {
		if k.ISO == s.Destination {
			c = k
		}
	}
	if c.ISO == "" {
		return nil, fmt.Errorf("unknown Eurostat country %q", s.Destination)
	}
	cells := es[[2]string{d.Code, c.Name}]
	if len(cells) == 0 {
		return nil, fmt.Errorf("no rows for %s %s in %s or any Eurostat loader", d.Code, c.Name, eurostatCSV)
	}
	ex := cells[0].Extract
	for _, cell := range cells {
		if cell.Extract != ex {
			return nil, fmt.Errorf("%s %s: rows from two origins (%s, %s)", d.Code, c.Name, ex.File, cell.Extract.File)
		}
	}
	codes := map[string]string{"freq": "A", "citizen": "RU", "geo": c.Geo}
	for _, f := range d.Filters {
		codes[f[0]] = f[1]
	}
	values, noData := object{}, []any{}
	figures := 0
	for i, cell := range cells {
		if cell.Missing {
			noData = append(noData, i)
			continue
		}
		values = append(values, member{strconv.Itoa(i), cell.Value})
		figures++
	}
	if figures == 0 {
		return nil, fmt.Errorf("%s %s: every year is ':' in %s; such a source should not be registered", d.Code, c.Name, cells[0].Extract.File)
	}
	var ids, sizes []any
	dims, noDataByDim := object{}, object{}
	for _, dim := range d.Dims {
		ids = append(ids, dim)
		index, labels := object{}, object{}
		if dim == "time" {
			for i, cell := range cells {
				y := strconv.Itoa(cell.Year)
				index = append(index, member{y, i})
				labels = append(labels, member{y, y})
			}
			noDataByDim = append(noDataByDim, member{dim, noData})
		} else {
			code, ok := codes[dim]
			if !ok {
				return nil, fmt.Errorf("%s: no code for dimension %s", d.Code, dim)
			}
			label := eurostatCodeLabels[[2]string{dim, code}]
			if dim == "geo" {
				label = c.Name
			}
			if label == "" {
				return nil, fmt.Errorf("%s: no label for %s=%s", d.Code, dim, code)
			}
			index = append(index, member{code, 0})
			labels = append(labels, member{code, label})
			noDataByDim = append(noDataByDim, member{dim, []any{}})
		}
		sizes = append(sizes, len(index))
		dims = append(dims, member{dim, object{
			{"label", eurostatDimLabels[dim]},
			{"category", object{{"index", index}, {"label", labels}}},
		}})
	}
	upper := strings.ToUpper(d.Code)
	doc := object{
		{"version", "2.0"},
		{"class", "dataset"},
		{"label", d.Title},
		{"source", "ESTAT"},
		{"updated", ex.FetchedAt.In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04:05-0700")},
		{"value", values},
		{"id", ids},
		{"size", sizes},
		{"dimension", dims},
		{"extension", object{
			{"lang", "EN"},
			{"id", upper},
			{"agencyId", "ESTAT"},
			{"version", "1.0"},
			{"positions-with-no-data", noDataByDim},
		}},
	}
	body, err := encode(doc)
	if err != nil {
		return nil, err
	}
	years := fmt.Sprintf("%d-%d", cells[0].Year, cells[len(cells)-1].Year)
	e.Header = map[string]string{"Content-Type": "application/json"}
	e.FetchedAt = ex.FetchedAt
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: fmt.Sprintf("%s, %s %s %s (citizen RU; %s)", ex.File, d.Code, c.Name, years, cells[0].Origin),
		Published: "https://ec.europa.eu/eurostat/databrowser/view/" + d.Code + "/default/table?lang=en " +
			"(" + ex.Published + ")",
		Note: fmt.Sprintf(ex.Note, figures),
	}
	return body, nil
}

// --- PxWeb (json-stat2) -----------------------------------------------------

type figure struct {
	SourceID, Period, Code string
	Value                  int64
	Evidence               string
}

func parseFigures(tsv string) ([]figure, error) {
	lines := strings.Split(strings.TrimRight(tsv, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "source_id\tperiod\tcode\tvalue\tevidence" {
		return nil, errors.New("figures.tsv: unexpected header")
	}
	var out []figure
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("figures.tsv line %d: want 5 fields, have %d", i+2, len(f))
		}
		v, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("figures.tsv line %d: value %q", i+2, f[3])
		}
		if !strings.HasPrefix(f[4], "https://") {
			return nil, fmt.Errorf("figures.tsv line %d: no evidence URL", i+2)
		}
		out = append(out, figure{f[0], f[1], f[2], v, f[4]})
	}
	return out, nil
}

// A pxwebTable says how a national office's answer looks: its dimensions
// (the query's order, time last), their labels and the table's metadata.
type pxwebTable struct {
	Label, Source, Updated, TableID string
	FetchedAt                       time.Time
	Dims                            []pxDim // the metric dimension is the one named Metric
	Metric, Time                    string
	From, Note                      string
}

type pxDim struct {
	Code, Label string
	Values      [][2]string // code, label; the time dimension's come from the figures
}

var pxwebTables = map[string]pxwebTable{
	"ge-geostat-migration-citizenship": {
		Label:     "Immigrants and Emigrants by Citizenship",
		Source:    "National Statistics Office of Georgia",
		Updated:   "2025-05-05T08:00:00Z",
		FetchedAt: time.Date(2025, 5, 5, 8, 0, 0, 0, time.UTC),
		Dims: []pxDim{
			{"Citizenship", "Citizenship", [][2]string{{"RU", "Russian Federation"}}},
			{"Indicator", "Indicator", [][2]string{{"Immigrants", "Immigrants"}, {"Emigrants", "Emigrants"}}},
			{"Year", "Year", nil},
		},
		Metric: "Indicator", Time: "Year",
		From: "shared/sources/catalogue.tsv, row GE / National Statistics Office of Georgia (2022-2023); 2024 from nlevshits.com " +
			"(search corpus, pages); each figure with its page in extractors/sample/reconstruct/figures.tsv",
		Note: "Geostat's published figures for Russian citizens written as a PxWeb v1 json-stat2 answer to the source's query. The " +
			"table file name, variable and value codes, labels and the 'updated' stamp are reconstructed (see the source's notes), " +
			"not recorded from Geostat.",
	},
	"fi-statfin-muutl": {
		Label:     "Immigration by country of departure, information and year",
		Source:    "Statistics Finland, migration",
		Updated:   "2023-05-24T05:00:00Z",
		TableID:   "statfin_muutl_pxt_11a8",
		FetchedAt: time.Date(2023, 5, 25, 8, 0, 0, 0, time.UTC),
		Dims: []pxDim{
			{"Maa", "Country of departure", [][2]string{{"RU", "Russia"}}},
			{"Tiedot", "Information", [][2]string{{"vm41", "Immigration to Finland"}}},
			{"Vuosi", "Year", nil},
		},
		Metric: "Tiedot", Time: "Vuosi",
		From: "shared/sources/catalogue.tsv, row FI / Statistics Finland 'muutl' (2022: 6,003; 2021: 2,724); each figure with its " +
			"page in extractors/sample/reconstruct/figures.tsv",
		Note: "Statistics Finland's published immigration from Russia (by country of departure) written as a PxWeb v1 json-stat2 " +
			"answer to the source's query as of its release (24 May 2023: 'top 2' years = 2021, 2022). Table id, the country " +
			"variable's code and the labels are reconstructed, not recorded.",
	},
}

func pxwebBody(s *extractors.Source, figs []figure, e *archive.Entry) ([]byte, error) {
	t, ok := pxwebTables[s.ID]
	if !ok {
		return nil, errors.New("no PxWeb table description in the generator")
	}
	var mine []figure
	for _, f := range figs {
		if f.SourceID == s.ID {
			mine = append(mine, f)
		}
	}
	if len(mine) == 0 {
		return nil, errors.New("no figures in figures.tsv")
	}
	var periods []string
	for _, f := range mine {
		if !slices.Contains(periods, f.Period) {
			periods = append(periods, f.Period)
		}
	}
	sort.Strings(periods)
	var ids, sizes []any
	dims := object{}
	var axes [][]string // codes per dimension, in order
	for _, d := range t.Dims {
		vals := d.Values
		if d.Code == t.Time {
			vals = nil
			for _, p := range periods {
				vals = append(vals, [2]string{p, p})
			}
		}
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
				unit = append(unit, member{v[0], object{{"base", "persons"}, {"decimals", 0}}})
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
	// Dense values in row-major order (last dimension fastest); a cell the
	// figures do not give is null, never 0.
	var values []any
	used := 0
	var walk func(depth int, key []string)
	walk = func(depth int, key []string) {
		if depth == len(axes) {
			v, ok := lookup(mine, t, key)
			if ok {
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
	if used != len(mine) {
		return nil, fmt.Errorf("only %d of %d figures fit the table's codes", used, len(mine))
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
	body, err := encode(doc)
	if err != nil {
		return nil, err
	}
	var evidence []string
	for _, f := range mine {
		for _, u := range strings.Split(f.Evidence, " ; ") {
			if !slices.Contains(evidence, u) {
				evidence = append(evidence, u)
			}
		}
	}
	e.Header = map[string]string{"Content-Type": "application/json; charset=utf-8"}
	e.FetchedAt = t.FetchedAt
	e.Provenance = &archive.Provenance{Kind: "reconstructed", From: t.From, Published: strings.Join(evidence, " ; "), Note: t.Note}
	return body, nil
}

// lookup finds the figure for a cell key: the metric and time codes must
// match; the other dimensions have one code, the one the query selects.
func lookup(figs []figure, t pxwebTable, key []string) (int64, bool) {
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
			return f.Value, true
		}
	}
	return 0, false
}

// --- statements -------------------------------------------------------------

func statementBody(s *extractors.Source, e *archive.Entry) ([]byte, error) {
	url := e.URL
	var p statementPage
	for _, k := range statementPages {
		if k.SourceID == s.ID && k.url(s) == url {
			p = k
		}
	}
	if p.SourceID == "" {
		return nil, errors.New("no page text in pages.go")
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"" + p.Lang + "\">\n<head>\n<meta charset=\"utf-8\">\n")
	if p.Title != "" {
		b.WriteString("<title>" + html.EscapeString(p.Title) + "</title>\n")
	}
	b.WriteString("<link rel=\"canonical\" href=\"" + html.EscapeString(url) + "\">\n</head>\n<body>\n<article>\n")
	if p.Title != "" {
		b.WriteString("<h1>" + html.EscapeString(p.Title) + "</h1>\n")
	}
	for _, para := range p.Paras {
		b.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
	}
	b.WriteString("</article>\n</body>\n</html>\n")
	e.Header = map[string]string{"Content-Type": "text/html; charset=utf-8"}
	e.FetchedAt = p.FetchedAt
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      "search corpus 'pages': stored copy of the article (text in extractors/sample/reconstruct, statementPages); catalogue row in shared/sources/catalogue.tsv (" + s.Destination + ")",
		Published: url,
		Note:      p.Note + " Article dated " + p.Published + ".",
	}
	return b.Bytes(), nil
}

// --- ordered JSON -----------------------------------------------------------

// object is a JSON object that keeps its members in the order written, as
// publishers' answers do.
type object []member

type member struct {
	k string
	v any
}

// encode writes v as compact JSON, UTF-8 unescaped, as the APIs answer.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func write(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case object:
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := write(b, m.k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := write(b, m.v); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := write(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case nil:
		b.WriteString("null")
	case string:
		var s bytes.Buffer
		enc := json.NewEncoder(&s)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return err
		}
		b.Write(bytes.TrimRight(s.Bytes(), "\n"))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	default:
		return fmt.Errorf("encode: unsupported %T", v)
	}
	return nil
}
