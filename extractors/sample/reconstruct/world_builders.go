package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/sources"
)

// Snapshots of the non-European sources that are not statements: IRCC's
// real files served as they are, the State Department's parsed CSV trimmed
// to Russia, and CBP's and UNHCR's answers written in their layouts from
// the Russia-only extracts in shared/realdata/derived.

func init() {
	builders = append(builders, irccBody, dosBody, cbpBody, unhcrBody)
}

// readShared reads a file of the shared research folder.
func readShared(rel string) ([]byte, error) {
	if sharedRoot == "" {
		return nil, fmt.Errorf("no shared folder set")
	}
	b, err := os.ReadFile(filepath.Join(sharedRoot, rel))
	if err != nil {
		return nil, fmt.Errorf("reading shared/%s: %w", rel, err)
	}
	return b, nil
}

// A realFile is a publisher's file as a public repository committed it.
type realFile struct {
	File        string // in shared/realdata
	Repo, Path  string // where the repository keeps it
	Commit      string
	Committed   time.Time // the commit's date: the file was downloaded before it
	ContentType string
}

const csvType = "text/csv"

var mahjcameron = func(name string) realFile {
	return realFile{
		File: "realdata/mahjcameron-Immigration-Forecasting__" + name, Repo: "github.com/mahjcameron/Immigration-Forecasting",
		Path: "IRCC CSV/" + name, Commit: "e10f24eeb41ddeaee5fc5a0e886e1e4c4615fca3",
		Committed: time.Date(2024, 9, 25, 12, 0, 0, 0, time.UTC), ContentType: csvType,
	}
}

var irccFiles = map[string]realFile{
	"ca-ircc-pr-citizenship": mahjcameron("ODP-PR-Citz.csv"),
	"ca-ircc-tr-work-imp":    mahjcameron("ODP-TR-Work-IMP-CITZ.csv"),
	"ca-ircc-tr-work-tfwp":   mahjcameron("ODP-TR-Work-TFWP-CITZ.csv"),
	"ca-ircc-tr-study":       mahjcameron("ODP-TR-Study-IS_CITZ.csv"),
}

// A trimmed file keeps its header line and the lines of Russia, byte for
// byte: the files hold every nationality and would make the embedded
// archive and a replayed run megabytes larger for rows no source reads.
type trimmed struct {
	body             []byte
	size, rows, kept int
}

// trimToRussia keeps the first line and the lines whose field (0-based,
// split on sep) is "Russia".
func trimToRussia(raw []byte, sep byte, field int) (trimmed, error) {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	t := trimmed{size: len(raw)}
	var b bytes.Buffer
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if i == 0 {
			b.Write(l)
			continue
		}
		t.rows++
		if f := bytes.Split(bytes.TrimRight(l, "\r\n"), []byte{sep}); len(f) > field && string(f[field]) == "Russia" {
			b.Write(l)
			t.kept++
		}
	}
	if t.kept == 0 {
		return t, fmt.Errorf("no Russia rows in %d", t.rows)
	}
	t.body = b.Bytes()
	return t, nil
}

// trimNote says what a trimmed snapshot left out.
func (t trimmed) note() string {
	return fmt.Sprintf("TRIMMED: the file is %d bytes for %d rows of every nationality; the snapshot keeps its header line "+
		"and Russia's %d rows byte for byte and drops the others (they would make the embedded archive and every replayed "+
		"run megabytes larger for rows no source reads).", t.size, t.rows, t.kept)
}

// irccBody serves IRCC's file trimmed to Russia's rows.
func irccBody(s *extractors.Source, _ eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
	f, ok := irccFiles[s.ID]
	if !ok {
		return nil, false, nil
	}
	raw, err := readShared(f.File)
	if err != nil {
		return nil, true, err
	}
	if !bytes.HasPrefix(raw, []byte("EN_YEAR\tEN_QUARTER\tEN_MONTH\t")) {
		return nil, true, fmt.Errorf("shared/%s: not IRCC's monthly layout", f.File)
	}
	t, err := trimToRussia(raw, '\t', 6) // EN_COUNTRY_OF_CITIZENSHIP
	if err != nil {
		return nil, true, fmt.Errorf("shared/%s: %w", f.File, err)
	}
	e.Header = map[string]string{"Content-Type": f.ContentType}
	e.FetchedAt = f.Committed
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      fmt.Sprintf("shared/%s (%s, %s at commit %s; see shared/realdata/MANIFEST.tsv)", f.File, f.Repo, f.Path, f.Commit),
		Published: s.Requests[0].URL + " (IRCC open data, " + s.Homepage + ")",
		Note: "IRCC's file as the repository committed it. " + t.note() + " Also reconstructed: this URL, the Content-Type, and " +
			"the fetch time, set to the commit's date (the file was downloaded on or before it).",
	}
	return t.body, true, nil
}

// The State Department's monthly immigrant visas, as a public repository
// parsed them from the department's PDFs.
var dosFile = realFile{
	File: "realdata/chapmanjacobd-us_visa_statistics__immigrant_data.csv", Repo: "github.com/chapmanjacobd/us_visa_statistics",
	Path: "immigrant_data.csv", Commit: "30e2a3541c207172b4db195d22700406235c52a6",
	Committed: time.Date(2024, 5, 24, 12, 0, 0, 0, time.UTC), ContentType: csvType,
}

// dosBody serves the parsed CSV trimmed to its header and Russia's rows.
func dosBody(s *extractors.Source, _ eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
	if s.ID != "us-dos-immigrant-visas" {
		return nil, false, nil
	}
	raw, err := readShared(dosFile.File)
	if err != nil {
		return nil, true, err
	}
	if !bytes.HasPrefix(raw, []byte("country,visa_type,count,date")) {
		return nil, true, fmt.Errorf("shared/%s: unexpected header", dosFile.File)
	}
	t, err := trimToRussia(raw, ',', 0)
	if err != nil {
		return nil, true, fmt.Errorf("shared/%s: %w", dosFile.File, err)
	}
	e.Header = map[string]string{"Content-Type": "text/plain; charset=utf-8"}
	e.FetchedAt = dosFile.Committed
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: fmt.Sprintf("shared/%s (%s, %s at commit %s; see shared/realdata/MANIFEST.tsv)", dosFile.File, dosFile.Repo,
			dosFile.Path, dosFile.Commit),
		Published: "https://travel.state.gov/content/travel/en/legal/visa-law0/visa-statistics/immigrant-visa-statistics/monthly-immigrant-visa-issuances.html " +
			"(the State Department's monthly PDF reports, parsed by the repository)",
		Note: t.note() + " The file is the repository's parse of the PDFs, not the State Department's bytes. Content-Type " +
			"(GitHub serves raw files as text/plain) and the fetch time (the commit's date) are reconstructed.",
	}
	return t.body, true, nil
}

// readDerived reads a CSV of shared/realdata/derived with the columns named,
// returning its rows as maps; a missing column is an error.
func readDerived(name string, cols ...string) ([]map[string]string, error) {
	b, err := readShared("realdata/derived/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("derived/%s: %w", name, err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	for _, c := range cols {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("derived/%s: no column %q (have %v)", name, c, head)
		}
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("derived/%s: %w", name, err)
		}
		row := map[string]string{}
		for _, c := range cols {
			row[c] = rec[idx[c]]
		}
		out = append(out, row)
	}
}

// wholeCount checks a derived figure is a whole, non-negative count.
func wholeCount(file, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("derived/%s: %q is not a whole count", file, v)
	}
	return n, nil
}

const cbpDerived = "russia__us_cbp_swb_encounters_RUS_monthly.csv"

// cbpHeader is the column list of CBP's encounters CSVs.
var cbpHeader = []string{"Fiscal Year", "Month Grouping", "Month (abbv)", "Component", "Land Border Region",
	"Area of Responsibility", "AOR (Abbv)", "Demographic", "Citizenship", "Title of Authority", "Encounter Type", "Encounter Count"}

// cbpBody writes the derived monthly southwest-border encounters of Russians
// in the layout of CBP's nationwide encounters CSV, for the fiscal years of
// the release the source fetches (FY2022 on).
func cbpBody(s *extractors.Source, _ eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
	if s.ID != "us-cbp-encounters" {
		return nil, false, nil
	}
	rows, err := readDerived(cbpDerived, "month_start", "component", "type", "encounters_RUS")
	if err != nil {
		return nil, true, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(cbpHeader); err != nil {
		return nil, true, err
	}
	first, last, n := "", "", 0
	for _, r := range rows {
		m, err := time.Parse(time.DateOnly, r["month_start"])
		if err != nil {
			return nil, true, fmt.Errorf("derived/%s: month %q", cbpDerived, r["month_start"])
		}
		fy := m.Year()
		if m.Month() >= time.October {
			fy++
		}
		if fy < 2022 {
			continue // before the release's first fiscal year
		}
		count, err := wholeCount(cbpDerived, r["encounters_RUS"])
		if err != nil {
			return nil, true, err
		}
		title := "Title 8"
		if r["type"] == "Expulsions" {
			title = "Title 42" // expulsions were made under Title 42 only
		}
		rec := []string{strconv.Itoa(fy), "FYTD", strings.ToUpper(m.Month().String()[:3]), r["component"],
			"Southwest Land Border", "", "", "", "RUSSIA", title, r["type"], strconv.FormatInt(count, 10)}
		if err := w.Write(rec); err != nil {
			return nil, true, err
		}
		if first == "" {
			first = r["month_start"][:7]
		}
		last, n = r["month_start"][:7], n+1
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, true, err
	}
	if n == 0 {
		return nil, true, fmt.Errorf("derived/%s: no rows from FY2022 on", cbpDerived)
	}
	e.Header = map[string]string{"Content-Type": csvType}
	e.FetchedAt = time.Date(2025, 11, 15, 12, 0, 0, 0, time.UTC)
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      "shared/realdata/derived/" + cbpDerived + " (decoded from an R data file of CBP encounters, see shared/realdata/README.md)",
		Published: "https://www.cbp.gov/document/stats/nationwide-encounters (CBP's monthly encounters by citizenship)",
		Note: fmt.Sprintf("The extract's %d monthly southwest-border figures for Russian citizens (%s to %s, by component and "+
			"encounter type) written in the column layout of CBP's encounters CSV. Reconstructed, not recorded: the extract "+
			"sums over areas of responsibility and demographics, so those columns are empty and there is one row per month, "+
			"component and type; Title of Authority is derived from the type (expulsions were Title 42); the citizenship "+
			"spelling RUSSIA, the comma-separated layout and the fetch time are assumed. The release at this URL runs to "+
			"September 2025 and covers every border region; months after %s and other regions are not in the extract.",
			n, first, last, last),
	}
	return b.Bytes(), true, nil
}

const (
	unhcrApplications = "russia__unhcr_FDS_asylum_applications_origin_RUS.csv"
	unhcrPopulation   = "russia__unhcr_FDS_end_year_population_origin_RUS.csv"
)

// unhcrCountry returns the UNHCR table's row of a source, if it is one.
func unhcrCountry(s *extractors.Source) (sources.UNHCRCountry, bool) {
	for _, c := range sources.UNHCRCountries {
		if sources.UNHCRSourceID(c.ISO) == s.ID {
			return c, true
		}
	}
	return sources.UNHCRCountry{}, false
}

// unhcrBody writes the derived asylum applications of Russian nationals in
// one country of asylum as the population statistics API answers the
// source's query: one item per year, authority, application type and unit.
// One builder serves every country of the table.
func unhcrBody(s *extractors.Source, _ eurostatRows, _ []figure, e *archive.Entry) ([]byte, bool, error) {
	c, ok := unhcrCountry(s)
	if !ok {
		return nil, false, nil
	}
	apps, err := readDerived(unhcrApplications, "year", "asylum_iso3", "procedure", "application_type", "data_type", "n")
	if err != nil {
		return nil, true, err
	}
	pop, err := readDerived(unhcrPopulation, "asylum_iso3", "asylum_name")
	if err != nil {
		return nil, true, err
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
			return nil, true, fmt.Errorf("derived/%s: year %q", unhcrApplications, r["year"])
		}
		n, err := wholeCount(unhcrApplications, r["n"])
		if err != nil {
			return nil, true, err
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
		return nil, true, fmt.Errorf("derived/%s: no rows for %s", unhcrApplications, c.ISO3)
	}
	body, err := encode(object{{"page", 1}, {"maxPages", 1}, {"items", items}})
	if err != nil {
		return nil, true, err
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
	return body, true, nil
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
