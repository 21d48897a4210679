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

// Eurostat's statistics API answers (JSON-stat 2.0), written from the real
// figures of the shared extracts: the Data Browser export of Russian-citizen
// tables, and what eurostatLoaders add (europe_eurostat.go).

const eurostatCSV = "realdata/derived/russia__eurostat_KiraKicka_long.csv"

// eurostatFetchedAt is when the Data Browser export the figures come from
// was taken: the shared extract's files were committed on 2026-01-15, with
// 2024 as the latest year of permits and 1 Jan 2024 of population.
var eurostatFetchedAt = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

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
var eurostatLoaders []func(shared string, cat *catalogue.Catalogue, rows eurostatRows) error

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

// eurostatTables are the datasets' titles and dimensions in the order the
// API answers them (time last), as Eurostat publishes them: the answers
// are written in this order.
var eurostatTables = map[string]struct {
	Title string
	Dims  []string
}{
	"migr_pop1ctz":    {"Population on 1 January by age group, sex and citizenship", []string{"freq", "citizen", "age", "unit", "sex", "geo", "time"}},
	"migr_resvalid":   {"All valid permits by reason, length of validity and citizenship on 31 December of each year", []string{"freq", "reason", "citizen", "duration", "unit", "geo", "time"}},
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

// eurostatBody writes the statistics API's JSON-stat 2.0 answer to the
// source's query from the real figures of one extract.
func eurostatBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	t, ok := eurostatTables[s.Dataset]
	if !ok {
		return nil, fmt.Errorf("unknown Eurostat dataset %q", s.Dataset)
	}
	name := transform.CountryName(s.Destination) // the extracts' and the answers' label of the country
	cells, ex, err := eurostatCellsOf(in.eurostat, s.Dataset, name)
	if err != nil {
		return nil, err
	}
	codes := map[string]string{"citizen": "RU"}
	for dim, code := range s.Map.Filter {
		codes[dim] = code
	}
	values, noData, figures := eurostatValues(cells)
	if figures == 0 {
		return nil, fmt.Errorf("%s %s: every year is ':' in %s; such a source should not be registered", s.Dataset, name, ex.File)
	}
	ids, sizes, dims, noDataByDim, err := eurostatDimensions(t.Dims, codes, name, cells, noData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Dataset, err)
	}
	doc := object{
		{"version", "2.0"},
		{"class", "dataset"},
		{"label", t.Title},
		{"source", "ESTAT"},
		{"updated", ex.FetchedAt.In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04:05-0700")},
		{"value", values},
		{"id", ids},
		{"size", sizes},
		{"dimension", dims},
		{"extension", object{
			{"lang", "EN"},
			{"id", strings.ToUpper(s.Dataset)},
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
		From: fmt.Sprintf("%s, %s %s %s (citizen RU; %s)", ex.File, s.Dataset, name, years, cells[0].Origin),
		Published: "https://ec.europa.eu/eurostat/databrowser/view/" + s.Dataset + "/default/table?lang=en " +
			"(" + ex.Published + ")",
		Note: fmt.Sprintf(ex.Note, figures),
	}
	return body, nil
}

// eurostatCellsOf are a dataset's rows for a country, all from one extract.
func eurostatCellsOf(es eurostatRows, dataset, name string) ([]eurostatCell, *eurostatExtract, error) {
	cells := es[[2]string{dataset, name}]
	if len(cells) == 0 {
		return nil, nil, fmt.Errorf("no rows for %s %s in %s or any Eurostat loader", dataset, name, eurostatCSV)
	}
	ex := cells[0].Extract
	for _, cell := range cells {
		if cell.Extract != ex {
			return nil, nil, fmt.Errorf("%s %s: rows from two origins (%s, %s)", dataset, name, ex.File, cell.Extract.File)
		}
	}
	return cells, ex, nil
}

// eurostatValues is the sparse value object keyed by position, the
// positions of ':' years, and the number of figures.
func eurostatValues(cells []eurostatCell) (values object, noData []any, figures int) {
	values, noData = object{}, []any{}
	for i, cell := range cells {
		if cell.Missing {
			noData = append(noData, i)
			continue
		}
		values = append(values, member{strconv.Itoa(i), cell.Value})
		figures++
	}
	return values, noData, figures
}

// eurostatDimensions writes the dimensions with one code each (the query's
// filters) and the years as time.
func eurostatDimensions(order []string, codes map[string]string, name string, cells []eurostatCell, noData []any) (ids, sizes []any, dims, noDataByDim object, err error) {
	dims, noDataByDim = object{}, object{}
	for _, dim := range order {
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
				return nil, nil, nil, nil, fmt.Errorf("no code for dimension %s", dim)
			}
			label := eurostatCodeLabels[[2]string{dim, code}]
			if dim == "geo" {
				label = name
			}
			if label == "" {
				return nil, nil, nil, nil, fmt.Errorf("no label for %s=%s", dim, code)
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
	return ids, sizes, dims, noDataByDim, nil
}
