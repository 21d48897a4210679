package sources

import "github.com/emigre/emigre/extractors"

// IRCCData is the folder of IRCC's open-data files, linked from the Open
// Government Portal datasets.
const IRCCData = "https://www.ircc.canada.ca/opendata-donneesouvertes/data/"

const irccLicence = "Open Government Licence - Canada (open.canada.ca): reuse allowed with the source acknowledged (Immigration, Refugees and Citizenship Canada)."

// irccRounding is what every IRCC table says about its numbers.
const irccRounding = "IRCC rounds every cell to a multiple of 5 and shows 0-5 as '--' (loaded as missing with status '--', " +
	"never as 0), so monthly sums carry rounding error."

// irccMonthlyParams is the layout shared by IRCC's long monthly CSVs by country of
// citizenship: tab-separated, bilingual columns EN_YEAR, EN_QUARTER,
// EN_MONTH, FR_..., EN_COUNTRY_OF_CITIZENSHIP, FR_..., TOTAL.
var irccMonthlyParams = map[string]string{
	"delimiter":       "tab",
	"dim.year":        "EN_YEAR",
	"dim.month":       "EN_MONTH",
	"dim.citizenship": "EN_COUNTRY_OF_CITIZENSHIP",
	"value":           "TOTAL",
}

// IRCCPRWorkbookParams lay out IRCC's workbook edition of permanent-resident
// admissions by citizenship (EN_ODP-PR-Citz.xlsx): one sheet, three header
// rows (the year in merged cells, the quarter, the month, with 'Qn Total'
// and 'YYYY Total' columns between the months), countries in column A,
// notes after the table. Verified on the real file (shared/realdata/
// fmsl11-cs2703__EN_ODP-PR-Citz.xlsx, 'Source: IRCC, January 31, 2025').
var IRCCPRWorkbookParams = map[string]string{
	"sheet":       "PR - CITZ",
	"header_row":  "3",
	"header_rows": "3",
	// The year spans its months in merged cells: repeating a header to the
	// right names the columns as the merges do, without the reader decoding
	// the sheet a second time for them.
	"merged":          "ignore",
	"header_fill":     "right",
	"dim.citizenship": "Country of Citizenship",
	// Monthly columns only: quarter and year totals would double count.
	"melt":      `^\d{4} Q[1-4] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$`,
	"melt_dims": "year,quarter,month",
	"stop":      `^Notes:`,
}

// irccMapping reads year and month from two dimensions and keeps the row of
// Russian citizens ("Russia" in IRCC's English country list).
var irccMapping = extractors.Mapping{
	Time:        "year",
	Month:       "month",
	Citizenship: "citizenship",
	Filter:      map[string]string{"citizenship": "Russia"},
	Codes:       map[string]string{"Russia": "RU"},
	Metric:      extractors.PermitsFirst,
}

// An irccTemporary is one of IRCC's temporary-resident CSVs.
type irccTemporary struct {
	id, file, dataset, title, ckan, notes string
	priority                              int
}

var irccTemporaryFiles = []irccTemporary{
	{
		id: "ca-ircc-tr-work-imp", file: "ODP-TR-Work-IMP-CITZ.csv", dataset: "ODP-TR-Work-IMP-CITZ",
		title: "International Mobility Program work permit holders by country of citizenship and month the permit became effective: Russia",
		ckan:  "360024f2-17e9-4558-bfc1-3616485d65b9", priority: 20,
		notes: "Work permits under the International Mobility Program (employer-specific permits exempt from a labour market " +
			"test, open work permits): the main door for Russians who moved to work in Canada after 2022.",
	},
	{
		id: "ca-ircc-tr-work-tfwp", file: "ODP-TR-Work-TFWP-CITZ.csv", dataset: "ODP-TR-Work-TFWP-CITZ",
		title: "Temporary Foreign Worker Program work permit holders by country of citizenship and month the permit became effective: Russia",
		ckan:  "360024f2-17e9-4558-bfc1-3616485d65b9", priority: 30,
		notes: "Work permits under the Temporary Foreign Worker Program (a labour market impact assessment required): few Russians.",
	},
	{
		id: "ca-ircc-tr-study", file: "ODP-TR-Study-IS_CITZ.csv", dataset: "ODP-TR-Study-IS_CITZ",
		title: "Study permit holders by country of citizenship and month the permit became effective: Russia",
		ckan:  "90115b00-f9b8-49e8-afa3-b4cff8facaee", priority: 40,
		notes: "Study permits.",
	},
}

func init() {
	extractors.Register(&extractors.Source{
		ID:          "ca-ircc-pr-citizenship",
		Destination: "CA",
		Publisher:   "Immigration, Refugees and Citizenship Canada (IRCC)",
		Dataset:     "ODP-PR-Citz",
		Title:       "Admissions of permanent residents by country of citizenship, monthly: Russia",
		Homepage:    "https://open.canada.ca/data/en/dataset/f7e5498e-0ad8-4417-85c9-9b8aff9b9eda",
		Requests:    []extractors.Request{{URL: IRCCData + "ODP-PR-Citz.csv"}},
		Format:      "csv",
		Params:      irccMonthlyParams,
		Map:         irccMapping,
		Cadence:     extractors.Monthly,
		LagMonths:   1,
		Licence:     irccLicence,
		Notes: "New permanent residents (landings) who are Russian citizens, per month: a gross inflow, flagged gross by the " +
			"estimate (returns unknown; many were already in Canada on a temporary permit, so PR and work/study permits " +
			"overlap and must not be added). Preferred (priority 10) among Canada's sources: a person becomes a permanent " +
			"resident once, while temporary permits can be renewed. " + irccRounding + " VERIFIED from the real file " +
			"(shared/realdata/mahjcameron-Immigration-Forecasting__ODP-PR-Citz.csv, January 2015 - June 2024): the layout of " +
			"IRCC's monthly CSVs below; public code fetches IRCC's tab-delimited ODP-PR-*.csv files from this folder (2026). " +
			"IRCC also publishes the same table as a workbook, " + IRCCData + "EN_ODP-PR-Citz.xlsx (more current: the shared " +
			"copy runs to January 2025); its layout is IRCCPRWorkbookParams, and a test reads the real workbook with it and " +
			"finds the CSV's months. The source reads the CSV because the xlsx reader allocated 66 MiB (182 MiB when it reads " +
			"merged cells) for that 180 KB workbook, which alone breaks the reliability suite's memory budget for a whole run; " +
			"switch to the workbook when the reader streams it. Release lag ~1 month.",
		Priority: 10,
	})
	for _, t := range irccTemporaryFiles {
		extractors.Register(&extractors.Source{
			ID:          t.id,
			Destination: "CA",
			Publisher:   "Immigration, Refugees and Citizenship Canada (IRCC)",
			Dataset:     t.dataset,
			Title:       t.title,
			Homepage:    "https://open.canada.ca/data/en/dataset/" + t.ckan,
			Requests:    []extractors.Request{{URL: IRCCData + t.file}},
			Format:      "csv",
			Params:      irccMonthlyParams,
			Map:         irccMapping,
			Cadence:     extractors.Monthly,
			LagMonths:   2,
			Licence:     irccLicence,
			Notes: t.notes + " Temporary residents counted in the month their permit became effective: a gross inflow " +
				"(flagged gross), and a person whose permit is renewed or replaced can be counted again; it overlaps with " +
				"permanent-resident admissions (transitions from temporary to permanent residence), so Canada's sources are " +
				"alternatives (low/high), never added. " + irccRounding + " VERIFIED from the real file (shared/realdata/" +
				"mahjcameron-Immigration-Forecasting__" + t.file + ", committed 2024-09-25, January 2015 - June 2024): UTF-8, CRLF, " +
				"tab-separated, columns EN_YEAR, EN_QUARTER, EN_MONTH ('Jan'), FR_ANNEE, FR_TRIMESTRE, FR_MOIS, " +
				"EN_COUNTRY_OF_CITIZENSHIP ('Russia'), FR_PAYS_DE_CITOYENNETE, TOTAL; one row per country and month. The URL " +
				IRCCData + t.file + " is the one public code fetches. IRCC has since added XLSX editions " +
				"('EN_ODP-TR-Work-IMP CITZ.xlsx'); if the CSV disappears the fetch fails and raises an alert.",
			Priority: t.priority,
		})
	}
}
