package main

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/transform"
)

// figuresEuropeTSV holds Eurostat figures for European destinations that no
// shared extract has, each as published on the page in its evidence column.
//
//go:embed figures_europe.tsv
var figuresEuropeTSV string

const asylumCSV = "realdata/derived/russia__eurostat_migr_asyappctza_firsttime_RUS.csv"

// asylumFetchedAt stands for when the asylum extract's figures were taken
// from Eurostat. shared/realdata (README.md, MANIFEST.tsv) records no date
// for the R data file they were decoded from, so the snapshot carries the
// day Eurostat released the extract's latest year: the annual figures for
// 2024 came out on Thursday 20 March 2025 (Eurostat's news item "First-time
// asylum applications down 13% in 2024" of that day; its Statistics
// Explained article on annual asylum statistics is updated each March). The
// provenance says so (asylumDated).
var asylumFetchedAt = time.Date(2025, 3, 20, 11, 0, 0, 0, time.UTC)

// asylumDated says in the provenance where the snapshot's date comes from.
const asylumDated = "when the R data file's figures were taken is not recorded (shared/realdata/README.md and " +
	"MANIFEST.tsv give no date for it), so the snapshot is dated 2025-03-20, the day Eurostat released the annual " +
	"figures of the extract's latest year, 2024 (Eurostat news item 'First-time asylum applications down 13% in " +
	"2024', 20 March 2025)"

// releasePublished is when each page in figures_europe.tsv published
// Eurostat's figures: the snapshot's fetch time, as of the release.
var releasePublished = map[string]time.Time{
	// the article's date, in its URL
	"https://www.forumfreerussia.org/en/news-en/2023-07-27/almost-100-thousand-russians-received-eu-residence-permits-during-the-year-of-war": time.Date(2023, 7, 27, 10, 0, 0, 0, time.UTC),
	// the page carries no date; UNN reported the same release (2023 first
	// permits, Russians 7th with 115,651) on 13 Sep 2024
	"https://d1len9mmddvt3u.cloudfront.net/amp/es-vnzh-rossiyane/33108598.html": time.Date(2024, 9, 13, 10, 0, 0, 0, time.UTC),
}

func init() {
	eurostatLoaders = append(eurostatLoaders, loadAsylum, loadIrishFirstPermits, loadReleaseFigures)
	// Eurostat's labels for the asylum table's dimension and code.
	eurostatDimLabels["applicant"] = "Type of applicant"
	eurostatCodeLabels[[2]string{"applicant", "FRST"}] = "First time applicant"
}

// A figure is one Eurostat figure as a page reported a release
// (figures_europe.tsv).
type figure struct {
	Dataset, Destination, Period, Code string
	Value                              int64
	Evidence                           string
}

func parseFigures(tsv string) ([]figure, error) {
	lines := strings.Split(strings.TrimRight(tsv, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "dataset\tdestination\tperiod\tcode\tvalue\tevidence" {
		return nil, errors.New("unexpected header")
	}
	var out []figure
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("line %d: want 6 fields, have %d", i+2, len(f))
		}
		v, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("line %d: value %q", i+2, f[4])
		}
		if !strings.HasPrefix(f[5], "https://") {
			return nil, fmt.Errorf("line %d: no evidence URL", i+2)
		}
		out = append(out, figure{f[0], f[1], f[2], f[3], v, f[5]})
	}
	return out, nil
}

// loadAsylum adds the extract's first-time asylum applicants of every
// country it has (ISO3 country, year, value; a year the extract lacks has
// no row), and of the EU aggregate as Eurostat's EU27_2020.
func loadAsylum(shared string, _ *catalogue.Catalogue, rows eurostatRows) error {
	path := filepath.Join(shared, asylumCSV)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(head, ",") != "geo_iso3,year,first_time_applicants_RUS_all_sexes" {
		return fmt.Errorf("%s: unexpected header %v", path, head)
	}
	ex := &eurostatExtract{
		File: "shared/" + asylumCSV,
		Published: "Eurostat statistics API, first-time asylum applicants; decoded by the research session from an R data file " +
			"of Eurostat asylum data that is not kept in shared/, see shared/realdata/README.md",
		Note: "the extract's figures, with a row only for years with a figure, so the answer's time dimension holds those " +
			"years only and whether Eurostat shows ':' or 0 for a year between them is not known (nothing is written for it); " +
			"no status flags were in the extract; the 'EU27' row is written as Eurostat's aggregate EU27_2020; " + asylumDated,
		FetchedAt: asylumFetchedAt,
	}
	byDest := map[string][]eurostatCell{}
	var order []string
	line := 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dest := "EU27_2020" // the EU aggregate: never a destination
		if rec[0] != "EU27" {
			if dest, err = transform.CountryCode(rec[0]); err != nil {
				return fmt.Errorf("%s line %d: %w", path, line, err)
			}
		}
		y, err := strconv.Atoi(rec[1])
		if err != nil {
			return fmt.Errorf("%s line %d: year %q", path, line, rec[1])
		}
		v, err := strconv.ParseInt(rec[2], 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("%s line %d: value %q is not a whole count", path, line, rec[2])
		}
		if _, ok := byDest[dest]; !ok {
			order = append(order, dest)
		}
		byDest[dest] = append(byDest[dest], eurostatCell{Year: y, Value: v, Extract: ex,
			Origin: "column first_time_applicants_RUS_all_sexes by geo_iso3"})
	}
	for _, d := range order {
		if err := rows.add("migr_asyappctza", d, byDest[d]); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

// irishFirstPermits is Eurostat's migr_resfirst for Ireland as a public
// repository fetched it (JSON-stat) and flattened it to CSV.
const irishFirstPermits = "realdata/mhbvr-irish-migration-stats__eurostat_migr_resfirst_IE__RU-only.csv"

// loadIrishFirstPermits adds Ireland's first permits to Russian citizens,
// reason and length of validity total.
func loadIrishFirstPermits(shared string, _ *catalogue.Catalogue, rows eurostatRows) error {
	path := filepath.Join(shared, irishFirstPermits)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"Reason_code", "Country of citizenship_code", "Duration_code", "Unit of measure_code",
		"Geopolitical entity (reporting)_code", "Time_code", "value"} {
		if _, ok := col[h]; !ok {
			return fmt.Errorf("%s: no column %q", path, h)
		}
	}
	ex := &eurostatExtract{
		File: "shared/" + irishFirstPermits,
		Published: "Eurostat statistics API, migr_resfirst (JSON-stat), as github.com/mhbvr/irish-migration-stats fetched " +
			"it and flattened it (data/processed/eurostat_migr_resfirst_IE.csv at commit 1fd09d29e075dc786163f64bde66537a92be48d7)",
		Note: "Ireland's figures, reason and length of validity total, as the repository flattened the API's answer (its " +
			"fetch date is not recorded; it holds 2025); no status flags were kept in the flattening",
		FetchedAt: eurostatFetchedAt,
	}
	var cells []eurostatCell
	for i, r := range recs[1:] {
		if r[col["Reason_code"]] != "TOTAL" || r[col["Duration_code"]] != "TOTAL" {
			continue
		}
		if r[col["Country of citizenship_code"]] != "RU" || r[col["Unit of measure_code"]] != "PER" ||
			r[col["Geopolitical entity (reporting)_code"]] != "IE" {
			return fmt.Errorf("%s line %d: not Ireland's persons of citizen RU", path, i+2)
		}
		y, err := strconv.Atoi(r[col["Time_code"]])
		if err != nil {
			return fmt.Errorf("%s line %d: year %q", path, i+2, r[col["Time_code"]])
		}
		v, err := strconv.ParseInt(r[col["value"]], 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("%s line %d: value %q is not a whole count", path, i+2, r[col["value"]])
		}
		cells = append(cells, eurostatCell{Year: y, Value: v, Extract: ex, Origin: "rows Reason_code TOTAL, Duration_code TOTAL"})
	}
	if len(cells) == 0 {
		return fmt.Errorf("%s: no rows of reason and duration TOTAL", path)
	}
	return rows.add("migr_resfirst", "IE", cells)
}

// loadReleaseFigures adds the figures of figures_europe.tsv: Eurostat
// figures as a release gave them and a page reported them.
func loadReleaseFigures(_ string, _ *catalogue.Catalogue, rows eurostatRows) error {
	figs, err := parseFigures(figuresEuropeTSV)
	if err != nil {
		return fmt.Errorf("figures_europe.tsv: %w", err)
	}
	extracts := map[string]*eurostatExtract{} // by page
	for _, f := range figs {
		if f.Code != "RU" {
			return fmt.Errorf("figures_europe.tsv: %s %s: only figures for citizen RU belong here", f.Dataset, f.Destination)
		}
		at, ok := releasePublished[f.Evidence]
		if !ok {
			return fmt.Errorf("figures_europe.tsv: %s %s: no publication date for %s", f.Dataset, f.Destination, f.Evidence)
		}
		y, err := strconv.Atoi(f.Period)
		if err != nil {
			return fmt.Errorf("figures_europe.tsv: %s %s: period %q is not a year", f.Dataset, f.Destination, f.Period)
		}
		ex := extracts[f.Evidence]
		if ex == nil {
			ex = &eurostatExtract{
				File:      "extractors/sample/reconstruct/figures_europe.tsv",
				Published: "Eurostat's release as reported at " + f.Evidence,
				Note: "figure(s) of Eurostat's release as the page reported them, as of the release: only the year(s) the page " +
					"gave, for the countries it named; later revisions are not known",
				FetchedAt: at,
			}
			extracts[f.Evidence] = ex
		}
		cell := eurostatCell{Year: y, Value: f.Value, Extract: ex, Origin: "published at " + f.Evidence}
		if err := rows.add(f.Dataset, f.Destination, []eurostatCell{cell}); err != nil {
			return fmt.Errorf("figures_europe.tsv: %w", err)
		}
	}
	return nil
}
