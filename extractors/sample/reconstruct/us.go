package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// The United States: the State Department's monthly immigrant and
// nonimmigrant visas as a public repository parsed them, and CBP's
// encounters written in its CSV layout from the Russia-only extract.

func init() {
	families = append(families,
		family{name: "us-dos", builds: func(s *extractors.Source) bool { return s.ID == "us-dos-immigrant-visas" }, build: dosBody},
		family{name: "us-dos-monthly", builds: func(s *extractors.Source) bool { return dosMonthly[s.ID] != "" }, build: dosMonthlyBody},
		family{name: "us-cbp", builds: func(s *extractors.Source) bool { return s.ID == "us-cbp-encounters" }, build: cbpCSV,
			page: cbpPage},
	)
}

// The State Department's monthly immigrant visas, as a public repository
// parsed them from the department's PDFs.
var dosFile = realFile{
	File: "realdata/chapmanjacobd-us_visa_statistics__immigrant_data.csv", Repo: "github.com/chapmanjacobd/us_visa_statistics",
	Path: "immigrant_data.csv", Commit: "30e2a3541c207172b4db195d22700406235c52a6",
	Committed: time.Date(2024, 5, 24, 12, 0, 0, 0, time.UTC), ContentType: csvType,
}

// dosBody serves the parsed CSV trimmed to its header and the sample's
// origins' rows.
func dosBody(_ *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	raw, err := readShared(dosFile.File)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte("country,visa_type,count,date")) {
		return nil, fmt.Errorf("shared/%s: unexpected header", dosFile.File)
	}
	t, err := trimToOrigins(raw, ',', 0)
	if err != nil {
		return nil, fmt.Errorf("shared/%s: %w", dosFile.File, err)
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
	return t.body, nil
}

// dosMonthly names, per source, the shared folder holding the repository's
// per-month files (Russia's lines) that the source's requests fetch.
var dosMonthly = map[string]string{
	"us-dos-immigrant-visas-2024": "realdata/chapmanjacobd-us_visa_statistics__immigrant_data_RU_2024-2025",
	"us-dos-nonimmigrant-visas":   "realdata/chapmanjacobd-us_visa_statistics__nonimmigrant_data_RU",
}

// dosRepoCommit is the commit the per-month files were read at
// (shared/realdata/MANIFEST.tsv), and its date.
const dosRepoCommit = "263928859d9e7cabc19c662b8ae64f10a99bd168"

var dosRepoCommitted = time.Date(2025, 8, 20, 12, 0, 0, 0, time.UTC)

// dosMonthlyBody serves the shared copy of the month's file the request
// names: the repository's JSON lines, Russia's lines only, byte for byte.
func dosMonthlyBody(s *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	dir := dosMonthly[s.ID]
	prefix := "https://raw.githubusercontent.com/chapmanjacobd/us_visa_statistics/" + dosRepoCommit + "/"
	repoPath, ok := strings.CutPrefix(e.URL, prefix)
	if !ok {
		return nil, fmt.Errorf("%s: not a file of the repository at commit %s", e.URL, dosRepoCommit)
	}
	name := path.Base(repoPath)
	body, err := readShared(path.Join(dir, name))
	if err != nil {
		return nil, err
	}
	lines := bytes.Count(body, []byte("\n"))
	if lines == 0 || !bytes.Contains(body, []byte(`"Russia"`)) {
		return nil, fmt.Errorf("shared/%s/%s: no Russia line", dir, name)
	}
	e.Header = map[string]string{"Content-Type": "text/plain; charset=utf-8"}
	e.FetchedAt = dosRepoCommitted
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: fmt.Sprintf("shared/%s/%s (github.com/chapmanjacobd/us_visa_statistics, %s at commit %s; see shared/realdata/MANIFEST.tsv)",
			dir, name, repoPath, dosRepoCommit),
		Published: "https://travel.state.gov/content/travel/en/legal/visa-law0/visa-statistics.html " +
			"(the State Department's monthly visa issuance reports, PDF, parsed by the repository)",
		Note: fmt.Sprintf("The repository's file with Russia's %d lines only, byte for byte as the shared copy keeps them; "+
			"the other nationalities' lines are not in the sample. The file is a third party's parse of the State "+
			"Department's PDF, not the department's bytes. Content-Type (GitHub serves raw files as text/plain) and the "+
			"fetch time (the commit's date) are reconstructed.", lines),
	}
	return body, nil
}

const cbpDerived = "russia__us_cbp_swb_encounters_RUS_monthly.csv"

// cbpHeader is the column list of CBP's encounters CSVs.
var cbpHeader = []string{"Fiscal Year", "Month Grouping", "Month (abbv)", "Component", "Land Border Region",
	"Area of Responsibility", "AOR (Abbv)", "Demographic", "Citizenship", "Title of Authority", "Encounter Type", "Encounter Count"}

// cbpFetched is when the sample's page and file are taken to be fetched.
var cbpFetched = time.Date(2025, 11, 15, 12, 0, 0, 0, time.UTC)

// cbpPage is the data page reduced to the link the source follows, in the
// form CBP writes its release links (a relative href under
// /sites/default/files/<YYYY-MM>/).
func cbpPage(_ *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	u, err := url.Parse(in.entry.Sample.Link)
	if err != nil {
		return nil, err
	}
	name := path.Base(u.Path)
	page := `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<title>Nationwide Encounters | U.S. Customs and Border Protection</title>
</head>
<body>
<main role="main">
<h1>Nationwide Encounters</h1>
<a href="` + u.Path + `">` + name + `</a>
</main>
</body>
</html>
`
	e.Header = map[string]string{"Content-Type": "text/html; charset=UTF-8"}
	e.FetchedAt = cbpFetched
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: "the link layout of CBP's data page as public clients of it read it (github.com/Datadetective1/ImmigrationClock, " +
			"scripts/refresh-data.mjs and scripts/backfill-history.mjs: relative hrefs /sites/default/files/<YYYY-MM>/" +
			"nationwide-encounters-fy..-fy..[-mon]-aor.csv, the newest first)",
		Published: "https://www.cbp.gov/document/stats/nationwide-encounters (CBP's nationwide encounters data page)",
		Note: "Reconstructed, not recorded: the page holds only the one link the source follows, to the release whose figures the " +
			"sample has (" + name + ", published November 2025), written as CBP writes its release links; the rest of the " +
			"page (its other releases, the state files, text and navigation), the title, the link text and the fetch time " +
			"are left out or assumed.",
	}
	return []byte(page), nil
}

// cbpCSV writes the derived monthly southwest-border encounters of Russians
// in the layout of CBP's nationwide encounters CSV, for the fiscal years of
// the release the page links (FY2022 on).
func cbpCSV(_ *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	rows, err := readDerived(cbpDerived, "month_start", "component", "type", "encounters_RUS")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(cbpHeader); err != nil {
		return nil, err
	}
	first, last, n := "", "", 0
	for _, r := range rows {
		m, err := time.Parse(time.DateOnly, r["month_start"])
		if err != nil {
			return nil, fmt.Errorf("derived/%s: month %q", cbpDerived, r["month_start"])
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
			return nil, err
		}
		title := "Title 8"
		if r["type"] == "Expulsions" {
			title = "Title 42" // expulsions were made under Title 42 only
		}
		rec := []string{strconv.Itoa(fy), "FYTD", strings.ToUpper(m.Month().String()[:3]), r["component"],
			"Southwest Land Border", "", "", "", "RUSSIA", title, r["type"], strconv.FormatInt(count, 10)}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
		if first == "" {
			first = r["month_start"][:7]
		}
		last, n = r["month_start"][:7], n+1
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("derived/%s: no rows from FY2022 on", cbpDerived)
	}
	e.Header = map[string]string{"Content-Type": csvType}
	e.FetchedAt = cbpFetched
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      "shared/realdata/derived/" + cbpDerived + " (decoded from an R data file of CBP encounters, see shared/realdata/README.md)",
		Published: e.URL + " (linked from https://www.cbp.gov/document/stats/nationwide-encounters, CBP's monthly encounters by citizenship)",
		Note: fmt.Sprintf("The extract's %d monthly southwest-border figures for Russian citizens (%s to %s, by component and "+
			"encounter type) written in the column layout of CBP's encounters CSV. Reconstructed, not recorded: the extract "+
			"sums over areas of responsibility and demographics, so those columns are empty and there is one row per month, "+
			"component and type; Title of Authority is derived from the type (expulsions were Title 42); the citizenship "+
			"spelling RUSSIA, the comma-separated layout and the fetch time are assumed. The release at this URL runs to "+
			"September 2025 and covers every border region; months after %s and other regions are not in the extract.",
			n, first, last, last),
	}
	return b.Bytes(), nil
}
