package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/transform"
)

// Eurostat's answers, one per dataset and origin, every reporting country
// in it. Two are Eurostat's own bytes (eurostat_whole.go): migr_pop1ctz's
// JSON-stat answer and migr_resvalid's SDMX-CSV 2.0, whole, as a public
// repository committed them. The others are written in the statistics
// API's JSON-stat 2.0 layout from the real figures of partial extracts (the
// Data Browser export of 8 or 9 countries, the asylum extract, Ireland's
// first permits, figures a release published): their answers hold only the
// countries those extracts have, and their provenance says so.

const eurostatCSV = "realdata/derived/russia__eurostat_KiraKicka_long.csv"

// eurostatFetchedAt is when the Data Browser export the figures come from
// was taken: the shared extract's files were committed on 2026-01-15, with
// 2024 as the latest year of permits and 1 Jan 2024 of population.
var eurostatFetchedAt = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

type eurostatCell struct {
	Year    int
	Value   int64
	Missing bool
	Origin  string // where this row's figure was read, for provenance ("decoded from <file>")
	Extract *eurostatExtract
}

// eurostatRows are the figures of the partial extracts for the Russian
// citizens: dataset -> ISO alpha-2 destination (or a Eurostat aggregate,
// EU27_2020) -> cells by year.
type eurostatRows map[string]map[string][]eurostatCell

// add puts a country's cells under a dataset; a country's cells come from
// one extract, and a loader never replaces another's.
func (es eurostatRows) add(dataset, dest string, cells []eurostatCell) error {
	if es[dataset] == nil {
		es[dataset] = map[string][]eurostatCell{}
	}
	if have := es[dataset][dest]; len(have) > 0 && have[0].Extract != cells[0].Extract {
		return fmt.Errorf("%s %s: rows from two extracts (%s, %s)", dataset, dest, have[0].Extract.File, cells[0].Extract.File)
	}
	for _, c := range cells {
		if slices.ContainsFunc(es[dataset][dest], func(h eurostatCell) bool { return h.Year == c.Year }) {
			return fmt.Errorf("%s %s: year %d given twice", dataset, dest, c.Year)
		}
		es[dataset][dest] = append(es[dataset][dest], c)
	}
	slices.SortFunc(es[dataset][dest], func(a, b eurostatCell) int { return a.Year - b.Year })
	return nil
}

// An eurostatExtract is one origin of real Eurostat figures; its fields fill
// the provenance of the answers written from it.
type eurostatExtract struct {
	File      string    // what the generator read
	Published string    // who published the figures, after the Data Browser URL
	Note      string    // what it gives the answer
	FetchedAt time.Time // when the figures were taken from Eurostat
}

// kiraExtract is the shared extract of Data Browser exports.
var kiraExtract = &eurostatExtract{
	File: "shared/" + eurostatCSV,
	Published: "Eurostat Data Browser export, committed to github.com/KiraKicka/Ru-EU-Migration-Retention-Analyzer, " +
		"see shared/realdata/MANIFEST.tsv",
	Note: "the export's figures; years shown ':' in the export are absent from value, as the API does; no status flags " +
		"were in the export",
	FetchedAt: eurostatFetchedAt,
}

// eurostatLoaders add the rows of the partial extracts (the Data Browser
// export, the asylum extract, Ireland's first permits, release figures);
// publisher files append theirs from init. A loader must not replace rows
// already there.
var eurostatLoaders []func(shared string, cat *catalogue.Catalogue, rows eurostatRows) error

// wholeDatasets are answered by Eurostat's own bytes, never by the export.
var wholeDatasets = []string{"migr_pop1ctz", "migr_resvalid"}

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
	byKey := map[[2]string][]eurostatCell{}
	var keys [][2]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		table := rec[col["eurostat_table"]]
		if rec[col["citizen"]] != "RU" || slices.Contains(wholeDatasets, table) {
			continue // the immigration file's all-citizenship totals; the datasets Eurostat's own answers give whole
		}
		y, err := strconv.Atoi(rec[col["year"]])
		if err != nil {
			return nil, fmt.Errorf("%s: year %q", path, rec[col["year"]])
		}
		raw := rec[col["value_raw"]]
		c := eurostatCell{Year: y, Origin: "decoded from " + rec[col["source_file"]], Extract: kiraExtract}
		switch v := rec[col["value"]]; {
		case raw == ":" && v == "":
			c.Missing = true
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || strconv.FormatInt(n, 10) != raw || n < 0 {
				return nil, fmt.Errorf("%s: %s %s %d: value %q (raw %q) is not a whole count", path, table, rec[col["geo_label"]], y, v, raw)
			}
			c.Value = n
		}
		iso, err := transform.CountryCode(rec[col["geo_label"]])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		k := [2]string{table, iso}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], c)
	}
	out := eurostatRows{}
	for _, k := range keys {
		if err := out.add(k[0], k[1], byKey[k]); err != nil {
			return nil, err
		}
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
		{"freq", "A"}: "Annual", {"age", "TOTAL"}: "Total", {"unit", "NR"}: "Number",
		{"unit", "PER"}: "Person", {"sex", "T"}: "Total", {"reason", "TOTAL"}: "Total", {"duration", "TOTAL"}: "Total",
		{"agedef", "COMPLET"}: "Age in completed years",
	}
)

// eurostatTables are the datasets' titles and dimensions in the order the
// API answers them (time last), as Eurostat publishes them: the answers
// are written in this order.
var eurostatTables = map[string]struct {
	Title string
	Dims  []string
}{
	"migr_resfirst":   {"First permits by reason, length of validity and citizenship", []string{"freq", "reason", "citizen", "duration", "unit", "geo", "time"}},
	"migr_emi1ctz":    {"Emigration by age group, sex and citizenship", []string{"freq", "citizen", "agedef", "age", "unit", "sex", "geo", "time"}},
	"migr_acq":        {"Acquisition of citizenship by age group, sex and former citizenship", []string{"freq", "citizen", "agedef", "age", "unit", "sex", "geo", "time"}},
	"migr_asyappctza": {"Asylum applicants by type of applicant, citizenship, age and sex - annual aggregated data", []string{"freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time"}},
}

func init() {
	families = append(families, family{
		name:   "eurostat",
		builds: func(s *extractors.Source) bool { return s.PublisherID == "eurostat" },
		build:  eurostatBody,
	})
}

// eurostatBody writes the answer to the source's request: Eurostat's own
// bytes for the datasets it has them for, else the statistics API's
// JSON-stat answer from the partial extracts.
func eurostatBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	if w, ok := wholeAnswers[s.Dataset]; ok {
		return w(s, in, e)
	}
	if in.origin != "RU" {
		return nil, notInSample("the partial extracts hold Russian citizens only")
	}
	t, ok := eurostatTables[s.Dataset]
	if !ok {
		return nil, fmt.Errorf("unknown Eurostat dataset %q", s.Dataset)
	}
	byDest := in.eurostat[s.Dataset]
	if len(byDest) == 0 {
		return nil, fmt.Errorf("no rows for %s in %s or any Eurostat loader", s.Dataset, eurostatCSV)
	}
	geos, err := eurostatGeoOrder(byDest)
	if err != nil {
		return nil, err
	}
	codes := map[string]string{"citizen": "RU"}
	for dim, code := range s.Map.Filter {
		codes[dim] = code
	}
	cube := newEurostatCube(geos, byDest)
	if cube.figures == 0 {
		return nil, fmt.Errorf("%s: every figure is ':' in the extracts", s.Dataset)
	}
	ids, sizes, dims, noData, err := cube.dimensions(t.Dims, codes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Dataset, err)
	}
	fetched := cube.fetchedAt()
	doc := object{
		{"version", "2.0"},
		{"class", "dataset"},
		{"label", t.Title},
		{"source", "ESTAT"},
		{"updated", fetched.In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04:05-0700")},
		{"value", cube.values},
		{"id", ids},
		{"size", sizes},
		{"dimension", dims},
		{"extension", object{
			{"lang", "EN"},
			{"id", strings.ToUpper(s.Dataset)},
			{"agencyId", "ESTAT"},
			{"version", "1.0"},
			{"positions-with-no-data", noData},
		}},
	}
	body, err := encode(doc)
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json"}
	e.FetchedAt = fetched
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: cube.from(s.Dataset),
		Published: "https://ec.europa.eu/eurostat/databrowser/view/" + s.Dataset + "/default/table?lang=en " +
			"(" + strings.Join(cube.published(), "; ") + ")",
		Note: fmt.Sprintf("PARTIAL: the statistics API answers this request for every reporting country; this answer holds "+
			"only the %d countries the extracts have (%s), %d figures, written in its JSON-stat 2.0 layout. %s Not recorded "+
			"from the API: the 'updated' stamp (set to the fetch time, the latest of the extracts'), dimension and code "+
			"labels, and the extension's metadata.", len(cube.geos), strings.Join(cube.geos, " "), cube.figures, cube.notes()),
	}
	return body, nil
}

// eurostatGeoOrder orders the answer's countries as Eurostat orders geo in
// its answers (its own answer of migr_pop1ctz gives the order), writing
// Greece EL and the United Kingdom UK; a code that answer lacks follows in
// alphabetical order.
func eurostatGeoOrder(byDest map[string][]eurostatCell) ([]string, error) {
	order, err := pop1ctzGeoOrder()
	if err != nil {
		return nil, err
	}
	var geos, rest []string
	for _, g := range order {
		if _, ok := byDest[fromEurostatGeo(g)]; ok {
			geos = append(geos, g)
		}
	}
	for d := range byDest {
		if g := toEurostatGeo(d); !slices.Contains(order, g) {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	return append(geos, rest...), nil
}

// toEurostatGeo writes an ISO alpha-2 code as Eurostat's geo (EL, UK).
func toEurostatGeo(iso string) string {
	switch iso {
	case "GR":
		return "EL"
	case "GB":
		return "UK"
	}
	return iso
}

func fromEurostatGeo(g string) string {
	switch g {
	case "EL":
		return "GR"
	case "UK":
		return "GB"
	}
	return g
}

// eurostatCube is a dataset's answer: geo by time, every other dimension
// one code.
type eurostatCube struct {
	geos    []string // Eurostat codes, in the answer's order
	years   []int
	byDest  map[string][]eurostatCell
	values  object
	figures int
}

func newEurostatCube(geos []string, byDest map[string][]eurostatCell) *eurostatCube {
	c := &eurostatCube{geos: geos, byDest: byDest, values: object{}}
	for _, cells := range byDest {
		for _, cell := range cells {
			if !slices.Contains(c.years, cell.Year) {
				c.years = append(c.years, cell.Year)
			}
		}
	}
	slices.Sort(c.years)
	for gi, g := range geos {
		for _, cell := range byDest[fromEurostatGeo(g)] {
			if cell.Missing {
				continue // ':' is absent from value
			}
			pos := gi*len(c.years) + slices.Index(c.years, cell.Year)
			c.values = append(c.values, member{strconv.Itoa(pos), cell.Value})
			c.figures++
		}
	}
	return c
}

// dimensions writes the dimensions: one code each (the query's filters),
// the countries as geo and the years as time, with the positions of geo
// and time that have no figure.
func (c *eurostatCube) dimensions(order []string, codes map[string]string) (ids, sizes []any, dims, noData object, err error) {
	dims, noData = object{}, object{}
	labels, err := pop1ctzGeoLabels()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, dim := range order {
		ids = append(ids, dim)
		index, names := object{}, object{}
		empty := []any{}
		switch dim {
		case "time":
			for i, y := range c.years {
				index = append(index, member{strconv.Itoa(y), i})
				names = append(names, member{strconv.Itoa(y), strconv.Itoa(y)})
				if !c.has(func(_ string, cell eurostatCell) bool { return cell.Year == y }) {
					empty = append(empty, i)
				}
			}
		case "geo":
			for i, g := range c.geos {
				label := labels[g]
				if label == "" {
					label = transform.CountryName(fromEurostatGeo(g))
				}
				index = append(index, member{g, i})
				names = append(names, member{g, label})
				if !c.has(func(geo string, _ eurostatCell) bool { return geo == g }) {
					empty = append(empty, i)
				}
			}
		default:
			code, ok := codes[dim]
			if !ok {
				return nil, nil, nil, nil, fmt.Errorf("no code for dimension %s", dim)
			}
			label := eurostatCodeLabels[[2]string{dim, code}]
			if dim == "citizen" && code == "RU" {
				label = "Russia"
			}
			if label == "" {
				return nil, nil, nil, nil, fmt.Errorf("no label for %s=%s", dim, code)
			}
			index = append(index, member{code, 0})
			names = append(names, member{code, label})
		}
		noData = append(noData, member{dim, empty})
		sizes = append(sizes, len(index))
		dims = append(dims, member{dim, object{
			{"label", eurostatDimLabels[dim]},
			{"category", object{{"index", index}, {"label", names}}},
		}})
	}
	return ids, sizes, dims, noData, nil
}

// has reports whether a figure (not ':') satisfies f.
func (c *eurostatCube) has(f func(geo string, cell eurostatCell) bool) bool {
	for _, g := range c.geos {
		for _, cell := range c.byDest[fromEurostatGeo(g)] {
			if !cell.Missing && f(g, cell) {
				return true
			}
		}
	}
	return false
}

// extracts are the cube's extracts, in the order of its countries.
func (c *eurostatCube) extracts() []*eurostatExtract {
	var out []*eurostatExtract
	for _, g := range c.geos {
		if ex := c.byDest[fromEurostatGeo(g)][0].Extract; !slices.Contains(out, ex) {
			out = append(out, ex)
		}
	}
	return out
}

// fetchedAt is the latest fetch time of the answer's extracts.
func (c *eurostatCube) fetchedAt() time.Time {
	var t time.Time
	for _, ex := range c.extracts() {
		if ex.FetchedAt.After(t) {
			t = ex.FetchedAt
		}
	}
	return t
}

// from names, per extract, the file read and the countries it gave.
func (c *eurostatCube) from(dataset string) string {
	var parts []string
	for _, ex := range c.extracts() {
		var geos []string
		origin := ""
		for _, g := range c.geos {
			if cells := c.byDest[fromEurostatGeo(g)]; cells[0].Extract == ex {
				geos = append(geos, fmt.Sprintf("%s %d-%d", g, cells[0].Year, cells[len(cells)-1].Year))
				origin = cells[0].Origin
			}
		}
		parts = append(parts, fmt.Sprintf("%s, %s %s (citizen RU; %s)", ex.File, dataset, strings.Join(geos, ", "), origin))
	}
	return strings.Join(parts, "; ")
}

func (c *eurostatCube) published() []string {
	var out []string
	for _, ex := range c.extracts() {
		out = append(out, ex.Published)
	}
	return out
}

// notes says what each extract gives the answer.
func (c *eurostatCube) notes() string {
	var out []string
	for _, ex := range c.extracts() {
		out = append(out, fmt.Sprintf("From %s (taken %s): %s.", ex.File, ex.FetchedAt.Format(time.DateOnly), ex.Note))
	}
	return strings.Join(out, " ")
}
