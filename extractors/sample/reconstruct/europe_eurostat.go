package main

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
// from Eurostat: the research session does not say, so the date its derived
// files were written (2026-11-25) is used; its latest year is 2024.
var asylumFetchedAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// releasePublished is when each page in figures_europe.tsv published
// Eurostat's figures: the snapshot's fetch time, as of the release.
var releasePublished = map[string]time.Time{
	// the article's date, in its URL
	"https://www.forumfreerussia.org/en/news-en/2023-07-27/almost-100-thousand-russians-received-eu-residence-permits-during-the-year-of-war": time.Date(2023, 7, 27, 10, 0, 0, 0, time.UTC),
	// the stored copy has no date; UNN reported the same release (2023 first
	// permits, Russians 7th with 115,651) on 13 Sep 2024
	"https://d1len9mmddvt3u.cloudfront.net/amp/es-vnzh-rossiyane/33108598.html": time.Date(2024, 9, 13, 10, 0, 0, 0, time.UTC),
}

func init() {
	eurostatLoaders = append(eurostatLoaders, loadAsylum, loadReleaseFigures)
	// Eurostat's labels for the asylum table's dimension and code.
	eurostatDimLabels["applicant"] = "Type of applicant"
	eurostatCodeLabels[[2]string{"applicant", "FRST"}] = "First time applicant"
}

// A figure is one Eurostat figure as a page reported a release
// (figures_europe.tsv).
type figure struct {
	SourceID, Period, Code string
	Value                  int64
	Evidence               string
}

func parseFigures(tsv string) ([]figure, error) {
	lines := strings.Split(strings.TrimRight(tsv, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "source_id\tperiod\tcode\tvalue\tevidence" {
		return nil, errors.New("unexpected header")
	}
	var out []figure
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 fields, have %d", i+2, len(f))
		}
		v, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("line %d: value %q", i+2, f[3])
		}
		if !strings.HasPrefix(f[4], "https://") {
			return nil, fmt.Errorf("line %d: no evidence URL", i+2)
		}
		out = append(out, figure{f[0], f[1], f[2], v, f[4]})
	}
	return out, nil
}

// loadAsylum adds the first-time asylum applicants of every registered
// migr_asyappctza source from the shared extract (ISO3 country, year, value;
// a year the extract lacks has no row).
func loadAsylum(shared string, cat *catalogue.Catalogue, rows eurostatRows) error {
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
	byISO := map[string][]eurostatCell{}
	ex := &eurostatExtract{
		File: "shared/" + asylumCSV,
		Published: "Eurostat statistics API, first-time asylum applicants; decoded by the research session from an R data file " +
			"of Eurostat asylum data that is not kept in shared/, see shared/realdata/README.md",
		Note: "The extract's %d figures written in the statistics API's JSON-stat 2.0 layout. The extract has a row only for " +
			"years with a figure, so the answer's time dimension holds those years only: whether Eurostat shows ':' or 0 for a " +
			"year between them is not known, and nothing is written for it. Not recorded from the API: the 'updated' stamp " +
			"(set to the fetch time, itself the date the extract was written), dimension and code labels, the extension's " +
			"metadata; no status flags were in the extract.",
		FetchedAt: asylumFetchedAt,
	}
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
		if rec[0] == "EU27" {
			continue // the EU aggregate, not a destination
		}
		iso, err := transform.CountryCode(rec[0])
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
		y, err := strconv.Atoi(rec[1])
		if err != nil {
			return fmt.Errorf("%s line %d: year %q", path, line, rec[1])
		}
		v, err := strconv.ParseInt(rec[2], 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("%s line %d: value %q is not a whole count", path, line, rec[2])
		}
		byISO[iso] = append(byISO[iso], eurostatCell{Year: y, Raw: rec[2], Value: v, Extract: ex,
			Origin: "column first_time_applicants_RUS_all_sexes, geo_iso3 " + rec[0]})
	}
	for _, s := range cat.Sources() {
		if s.PublisherID != "eurostat" || s.Dataset != "migr_asyappctza" {
			continue
		}
		name := transform.CountryName(s.Destination)
		k := [2]string{s.Dataset, name}
		if len(rows[k]) > 0 {
			return fmt.Errorf("%s: %s %s already has rows from %s", path, s.Dataset, name, rows[k][0].Extract.File)
		}
		cells := byISO[s.Destination]
		if len(cells) == 0 {
			return fmt.Errorf("%s: no rows for %s, which is registered", path, s.ID)
		}
		slices.SortFunc(cells, func(a, b eurostatCell) int { return a.Year - b.Year })
		rows[k] = cells
	}
	return nil
}

// loadReleaseFigures adds the figures of figures_europe.tsv: Eurostat
// figures as a release gave them and a page reported them.
func loadReleaseFigures(_ string, cat *catalogue.Catalogue, rows eurostatRows) error {
	figs, err := parseFigures(figuresEuropeTSV)
	if err != nil {
		return fmt.Errorf("figures_europe.tsv: %w", err)
	}
	extracts := map[string]*eurostatExtract{}
	for _, f := range figs {
		s, err := cat.Source(f.SourceID)
		if err != nil {
			return fmt.Errorf("figures_europe.tsv: %w", err)
		}
		if s.PublisherID != "eurostat" || f.Code != "RU" {
			return fmt.Errorf("figures_europe.tsv: %s: only Eurostat figures for citizen RU belong here", f.SourceID)
		}
		name := transform.CountryName(s.Destination)
		at, ok := releasePublished[f.Evidence]
		if !ok {
			return fmt.Errorf("figures_europe.tsv: %s: no publication date for %s", f.SourceID, f.Evidence)
		}
		y, err := strconv.Atoi(f.Period)
		if err != nil {
			return fmt.Errorf("figures_europe.tsv: %s: period %q is not a year", f.SourceID, f.Period)
		}
		ex := extracts[f.SourceID]
		if ex == nil {
			ex = &eurostatExtract{
				File:      "extractors/sample/reconstruct/figures_europe.tsv",
				Published: "Eurostat's release as reported at " + f.Evidence,
				Note: "%d figure(s) of Eurostat's release as the page reported them, written in the statistics API's JSON-stat " +
					"2.0 layout as of the release; the answer's time dimension holds only the year(s) the page gave. The other " +
					"years, the 'updated' stamp (set to the page's date), labels and the extension's metadata are not recorded.",
				FetchedAt: at,
			}
			extracts[f.SourceID] = ex
			k := [2]string{s.Dataset, name}
			if len(rows[k]) > 0 {
				return fmt.Errorf("figures_europe.tsv: %s %s already has rows from %s", s.Dataset, name, rows[k][0].Extract.File)
			}
		} else if ex.FetchedAt != at {
			return fmt.Errorf("figures_europe.tsv: %s: figures from pages of different dates", f.SourceID)
		}
		k := [2]string{s.Dataset, name}
		if slices.ContainsFunc(rows[k], func(c eurostatCell) bool { return c.Year == y }) {
			return fmt.Errorf("figures_europe.tsv: %s: year %d given twice", f.SourceID, y)
		}
		rows[k] = append(rows[k], eurostatCell{Year: y, Raw: strconv.FormatInt(f.Value, 10), Value: f.Value, Extract: ex,
			Origin: "published at " + f.Evidence})
		slices.SortFunc(rows[k], func(a, b eurostatCell) int { return a.Year - b.Year })
	}
	return nil
}
