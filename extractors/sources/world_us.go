package sources

import (
	"time"

	"github.com/emigre/emigre/extractors"
)

// CBPEncountersURL is the nationwide encounters file of CBP's release of
// November 2025 (fiscal years 2022-2025 by area of responsibility). CBP puts
// each monthly release at a new address: see the source's notes.
const CBPEncountersURL = "https://www.cbp.gov/sites/default/files/2025-11/nationwide-encounters-fy22-fy25-aor.csv"

// DOSImmigrantVisasURL is the State Department's monthly immigrant-visa
// issuances by nationality, as parsed from the department's PDFs by a
// public repository, at the commit the shared copy comes from.
const DOSImmigrantVisasURL = "https://raw.githubusercontent.com/chapmanjacobd/us_visa_statistics/30e2a3541c207172b4db195d22700406235c52a6/immigrant_data.csv"

const usPublicDomain = "Works of the US federal government are in the public domain (17 U.S.C. 105); cite the agency."

func init() {
	extractors.Register(&extractors.Source{
		ID:          "us-cbp-encounters",
		Destination: "US",
		Publisher:   "U.S. Customs and Border Protection (CBP)",
		Dataset:     "nationwide-encounters-aor",
		Title:       "Nationwide encounters by area of responsibility, southwest land border: citizens of Russia",
		Homepage:    "https://www.cbp.gov/document/stats/nationwide-encounters",
		Requests:    []extractors.Request{{URL: CBPEncountersURL}},
		Format:      "csv",
		Params: map[string]string{
			"dim.fiscal_year": "Fiscal Year",
			"dim.month":       "Month (abbv)",
			"dim.region":      "Land Border Region",
			"dim.citizenship": "Citizenship",
			"value":           "Encounter Count",
		},
		Map: extractors.Mapping{
			Time:            "fiscal_year",
			Month:           "month",
			FiscalYearStart: time.October,
			Citizenship:     "citizenship",
			Filter:          map[string]string{"citizenship": "RUSSIA", "region": "Southwest Land Border"},
			Codes:           map[string]string{"RUSSIA": "RU"},
			// One row per component, area of responsibility, demographic,
			// title of authority and encounter type: the month's total is
			// their sum.
			Sum:    true,
			Metric: extractors.AsylumApplications,
		},
		Cadence:   extractors.Monthly,
		LagMonths: 2,
		Licence:   usPublicDomain,
		Notes: "Encounters of Russian citizens at the southwest land border: U.S. Border Patrol Title 8 apprehensions, Office of " +
			"Field Operations Title 8 inadmissibles and Title 42 expulsions, per month (CBP's definition on the dataset page). " +
			"An encounter is an event, not a person (a person can be encountered twice) and not a migration; almost all " +
			"Russians encountered in 2022-2023 asked for asylum and were paroled into the country, so the series is kept under " +
			"asylum_applications, the closest metric of the contract, as a cross-check: the estimate does not use it. Nationwide " +
			"figures (airports, northern border) are larger (57,163 Russians in FY2023 per the catalogue, where the sample's " +
			"southwest-border months of FY2023 add up to 43,210); the sample has only southwest rows, so the source keeps that region. VERIFIED from documentation: " +
			"the CSV columns Fiscal Year, Month Grouping, Month (abbv), Component, Land Border Region, Area of Responsibility, " +
			"AOR (Abbv), Demographic, Citizenship, Title of Authority, Encounter Type, Encounter Count (public code reading CBP's " +
			"files and a DuckDB profile of one), upper-case months (OCT) and citizenships (BRAZIL), fiscal years starting in " +
			"October and written '2025 (FYTD)' in the current year, and this file URL (public code lists the releases " +
			"2023-Nov fy20-fy23, 2024-10 fy21-fy24, 2025-11 fy22-fy25, 2026-08 fy23-fy26-jul). NOT VERIFIED: the spelling of " +
			"Russia in the Citizenship column (RUSSIA assumed from the upper-case convention). CBP publishes each release at a " +
			"new address and keeps the old ones: the URL must be moved forward by hand (or a link-following request added), " +
			"and the staleness check will say when.",
		Priority: 10,
	})
	extractors.Register(&extractors.Source{
		ID:          "us-dos-immigrant-visas",
		Destination: "US",
		Publisher:   "U.S. Department of State, Bureau of Consular Affairs (monthly reports parsed by github.com/chapmanjacobd/us_visa_statistics)",
		Dataset:     "Monthly Immigrant Visa Issuances by Nationality",
		Title:       "Immigrant visas issued per month by nationality and visa class: Russia",
		Homepage:    "https://travel.state.gov/content/travel/en/legal/visa-law0/visa-statistics/immigrant-visa-statistics/monthly-immigrant-visa-issuances.html",
		Requests:    []extractors.Request{{URL: DOSImmigrantVisasURL}},
		Format:      "csv",
		Params: map[string]string{
			"dim.citizenship": "country",
			"dim.visa_class":  "visa_type",
			"dim.month":       "date",
			"value":           "count",
		},
		Map: extractors.Mapping{
			// The month is written as its first day: one column gives
			// both year and month.
			Time:        "month",
			Month:       "month",
			Citizenship: "citizenship",
			Filter:      map[string]string{"citizenship": "Russia"},
			Codes:       map[string]string{"Russia": "RU"},
			Sum:         true, // one row per visa class
			Metric:      extractors.PermitsFirst,
		},
		Cadence:   extractors.Monthly,
		LagMonths: 2,
		Licence:   usPublicDomain + " The parsed CSV's repository states no licence.",
		Notes: "Immigrant visas issued abroad to Russian nationals (all classes summed: immediate relatives, family, employment, " +
			"diversity), per month: people who then enter as lawful permanent residents; a gross inflow (flagged gross), with no " +
			"departures. The State Department publishes these reports as PDFs; the source reads the CSV a public repository " +
			"parsed from them (columns country, visa_type, count, date with the month as its first day; March 2017 - March 2024), " +
			"pinned at the commit the shared copy comes from (shared/realdata/chapmanjacobd-us_visa_statistics__immigrant_data.csv, " +
			"MANIFEST.tsv): it is not the publisher's bytes and does not update, so the source goes stale until a PDF reader or a " +
			"newer parse replaces it. The State Department warns that monthly reports from FY2020 on should not be summed into " +
			"annual totals (the annual report revises them); the estimate sums months, so treat it as approximate. Asylum seekers " +
			"who crossed the southern border do not appear here (see us-cbp-encounters).",
		Priority: 10,
	})
}
