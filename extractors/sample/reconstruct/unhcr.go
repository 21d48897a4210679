package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// UNHCR's population statistics API, written in its answer's layout from
// the Russia-only extract of its asylum applications.

func init() {
	families = append(families, family{
		name:   "unhcr",
		builds: func(s *extractors.Source) bool { return s.PublisherID == "unhcr" },
		build:  unhcrBody,
	})
}

const (
	unhcrApplications = "russia__unhcr_FDS_asylum_applications_origin_RUS.csv"
	unhcrPopulation   = "russia__unhcr_FDS_end_year_population_origin_RUS.csv"
)

// unhcrBody writes the derived asylum applications of Russian nationals in
// one country of asylum as the population statistics API answers the
// source's query: one item per year, authority, application type and unit.
// One builder serves every country of asylum.
func unhcrBody(s *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	c := struct{ ISO3 string }{s.Map.Filter["asylum"]} // the country of asylum the query asks for
	apps, err := readDerived(unhcrApplications, "year", "asylum_iso3", "procedure", "application_type", "data_type", "n")
	if err != nil {
		return nil, err
	}
	pop, err := readDerived(unhcrPopulation, "asylum_iso3", "asylum_name")
	if err != nil {
		return nil, err
	}
	name, named := "", false // UNHCR's name of the country, from the population extract
	for _, r := range pop {
		if r["asylum_iso3"] == c.ISO3 {
			name, named = r["asylum_name"], true
		}
	}
	var items []any
	years := map[int]bool{}
	for _, r := range apps {
		if r["asylum_iso3"] != c.ISO3 {
			continue
		}
		y, err := strconv.Atoi(r["year"])
		if err != nil {
			return nil, fmt.Errorf("derived/%s: year %q", unhcrApplications, r["year"])
		}
		n, err := wholeCount(unhcrApplications, r["n"])
		if err != nil {
			return nil, err
		}
		item := object{{"year", y}, {"coo_iso", "RUS"}}
		if named {
			item = append(item, member{"coa_name", name})
		}
		item = append(item,
			member{"coa_iso", c.ISO3},
			member{"procedure_type", r["procedure"]},
			member{"app_type", r["application_type"]},
			member{"app_pc", r["data_type"]},
			member{"applied", n},
		)
		items = append(items, item)
		years[y] = true
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("derived/%s: no rows for %s", unhcrApplications, c.ISO3)
	}
	body, err := encode(object{{"page", 1}, {"maxPages", 1}, {"items", items}})
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json"}
	e.FetchedAt = time.Date(2023, 6, 15, 12, 0, 0, 0, time.UTC)
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: "shared/realdata/derived/" + unhcrApplications + " (decoded from UNHCR's Refugee Data Finder data as distributed " +
			"in R; country names from " + unhcrPopulation + ")",
		Published: "https://www.unhcr.org/refugee-statistics/download/ (UNHCR Refugee Data Finder, asylum applications)",
		Note: fmt.Sprintf("The extract's %d rows for %s (%d-%d) written as one page of the API's answer to the source's "+
			"query, as it stood when %d was the latest year (UNHCR's June release). Reconstructed, not recorded: the "+
			"extract has no dec_level, no UNHCR-internal codes (coo, coa, coo_id, coa_id) and no coo_name, so those members "+
			"are absent, and the answer's 'total' aggregate is not written (it is not in the extract); coa_name comes from "+
			"the population extract and is absent where that has no row for the country. Rows that differ only by "+
			"decision level appear as separate items, as the API gives them.",
			len(items), c.ISO3, minYear(years), maxYear(years), maxYear(years)),
	}
	return body, nil
}

func maxYear(years map[int]bool) int {
	m := 0
	for y := range years {
		m = max(m, y)
	}
	return m
}

func minYear(years map[int]bool) int {
	m := maxYear(years)
	for y := range years {
		m = min(m, y)
	}
	return m
}
