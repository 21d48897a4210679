package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
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
		build: func(*extractors.Source, inputs, *archive.Entry) ([]byte, error) {
			return nil, errors.New("UNHCR's answer is paged: written by unhcrPages")
		},
	})
	pagedBuilders["unhcr"] = unhcrPages
}

const (
	unhcrApplications = "russia__unhcr_FDS_asylum_applications_origin_RUS.csv"
	unhcrPopulation   = "russia__unhcr_FDS_end_year_population_origin_RUS.csv"
)

// unhcrFetchedAt: the extract's latest year is 2022, so the answer stands
// as it was after UNHCR's June 2023 release.
var unhcrFetchedAt = time.Date(2023, 6, 15, 12, 0, 0, 0, time.UTC)

// unhcrPages writes the derived asylum applications of Russian nationals
// in every country of asylum as the population statistics API answers the
// source's query (coa_all=true): one item per year, country of asylum,
// authority, application type and unit, in pages of the request's limit.
func unhcrPages(s *extractors.Source, req extractors.Request, in inputs) ([]answerPage, error) {
	if in.originCode != "RUS" {
		return nil, notInSample("the extract holds nationals of Russia only")
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, err
	}
	limit, err := strconv.Atoi(u.Query().Get("limit"))
	if err != nil || limit <= 0 {
		return nil, fmt.Errorf("%s: want a limit (rows per page)", req.URL)
	}
	items, years, countries, err := unhcrItems()
	if err != nil {
		return nil, err
	}
	n := (len(items) + limit - 1) / limit
	var out []answerPage
	for p := 1; p <= n; p++ {
		page := items[(p-1)*limit : min(p*limit, len(items))]
		body, err := encode(object{{"page", p}, {"maxPages", n}, {"items", page}})
		if err != nil {
			return nil, err
		}
		e := archive.Entry{Source: s.ID, Method: "GET", URL: withPage(req, p), RequestSHA256: archive.HashBytes(nil), Status: 200,
			Header: map[string]string{"Content-Type": "application/json"}, FetchedAt: unhcrFetchedAt}
		e.Provenance = &archive.Provenance{
			Kind: "reconstructed",
			From: "shared/realdata/derived/" + unhcrApplications + " (decoded from UNHCR's Refugee Data Finder data as distributed " +
				"in R; country names from " + unhcrPopulation + ")",
			Published: "https://www.unhcr.org/refugee-statistics/download/ (UNHCR Refugee Data Finder, asylum applications)",
			Note: fmt.Sprintf("Page %d of %d of the API's answer to the source's query (coa_all=true: every country of asylum), "+
				"the extract's %d rows for %d countries (%d-%d) written %d to a page in the extract's order (year ascending, as "+
				"the API answers), as the answer stood when %d was the latest year (UNHCR's June release). Reconstructed, not "+
				"recorded: the extract has no dec_level, no UNHCR-internal codes (coo, coa, coo_id, coa_id) and no coo_name, so "+
				"those members are absent, and the answer's 'total' aggregate is not written (it is not in the extract); "+
				"coa_name comes from the population extract and is absent where that has no row for the country. Rows that "+
				"differ only by decision level appear as separate items, as the API gives them.",
				p, n, len(items), countries, minYear(years), maxYear(years), limit, maxYear(years)),
		}
		out = append(out, answerPage{body, e})
	}
	return out, nil
}

// unhcrItems are the extract's rows as the API's items.
func unhcrItems() (items []any, years map[int]bool, countries int, err error) {
	apps, err := readDerived(unhcrApplications, "year", "asylum_iso3", "procedure", "application_type", "data_type", "n")
	if err != nil {
		return nil, nil, 0, err
	}
	pop, err := readDerived(unhcrPopulation, "asylum_iso3", "asylum_name")
	if err != nil {
		return nil, nil, 0, err
	}
	names := map[string]string{} // UNHCR's names of the countries, from the population extract
	for _, r := range pop {
		names[r["asylum_iso3"]] = r["asylum_name"]
	}
	years = map[int]bool{}
	seen := map[string]bool{}
	for _, r := range apps {
		y, err := strconv.Atoi(r["year"])
		if err != nil {
			return nil, nil, 0, fmt.Errorf("derived/%s: year %q", unhcrApplications, r["year"])
		}
		n, err := wholeCount(unhcrApplications, r["n"])
		if err != nil {
			return nil, nil, 0, err
		}
		coa := r["asylum_iso3"]
		item := object{{"year", y}, {"coo_iso", "RUS"}}
		if name, ok := names[coa]; ok {
			item = append(item, member{"coa_name", name})
		}
		item = append(item,
			member{"coa_iso", coa},
			member{"procedure_type", r["procedure"]},
			member{"app_type", r["application_type"]},
			member{"app_pc", r["data_type"]},
			member{"applied", n},
		)
		items = append(items, item)
		years[y] = true
		seen[coa] = true
	}
	if len(items) == 0 {
		return nil, nil, 0, fmt.Errorf("derived/%s: no rows", unhcrApplications)
	}
	return items, years, len(seen), nil
}

// withPage is the request's address asking for page p.
func withPage(req extractors.Request, p int) string {
	u, _ := url.Parse(req.URL)
	parts := strings.Split(u.RawQuery, "&")
	for i, kv := range parts {
		if k, _, _ := strings.Cut(kv, "="); k == req.Paging.Param {
			parts[i] = k + "=" + strconv.Itoa(p)
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	return u.String()
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
