package sources

import (
	"strings"

	"github.com/emigre/emigre/extractors"
)

// UNHCRAPI is the asylum-applications endpoint of UNHCR's population
// statistics API.
const UNHCRAPI = "https://api.unhcr.org/population/v1/asylum-applications/"

// A UNHCRCountry is a country of asylum whose applications by Russian
// nationals are registered as a source of its own: one table, one reader,
// one source row (and health) per country, as the Eurostat tables are.
type UNHCRCountry struct {
	ISO3 string // ISO alpha-3: the coa filter (with cf_type=ISO) and the answer's coa_iso
	ISO  string // ISO alpha-2: the catalogue destination
	Name string
	// Application and Unit override the filter on app_type (default N, new
	// applications) and app_pc (default P, persons) for a country that
	// reports otherwise; the reason goes in Notes.
	Application, Unit string
	Notes             string
}

// UNHCRCountries are the countries of asylum with applications by Russian
// nationals in 2022 or later in shared/realdata/derived
// (russia__unhcr_FDS_asylum_applications_origin_RUS.csv; a test keeps the
// two in step).
var UNHCRCountries = []UNHCRCountry{
	{ISO3: "ARG", ISO: "AR", Name: "Argentina"},
	{ISO3: "ARM", ISO: "AM", Name: "Armenia"},
	{ISO3: "AUS", ISO: "AU", Name: "Australia"},
	{ISO3: "AUT", ISO: "AT", Name: "Austria"},
	{ISO3: "AZE", ISO: "AZ", Name: "Azerbaijan",
		Notes: "Azerbaijan is a registered gap (extractors.Gaps): this source gives asylum applications only, which the estimate does not use, so the gap stands."},
	{ISO3: "BEL", ISO: "BE", Name: "Belgium"},
	{ISO3: "BGR", ISO: "BG", Name: "Bulgaria", Application: "NR",
		Notes: "Bulgaria reports new and repeat applications together (app_type NR) and no new applications alone: the series counts both."},
	{ISO3: "BIH", ISO: "BA", Name: "Bosnia and Herzegovina"},
	{ISO3: "BLR", ISO: "BY", Name: "Belarus"},
	{ISO3: "BRA", ISO: "BR", Name: "Brazil"},
	{ISO3: "CAN", ISO: "CA", Name: "Canada"},
	{ISO3: "CHE", ISO: "CH", Name: "Switzerland"},
	{ISO3: "CHL", ISO: "CL", Name: "Chile"},
	{ISO3: "CHN", ISO: "CN", Name: "China"},
	{ISO3: "COL", ISO: "CO", Name: "Colombia"},
	{ISO3: "CRI", ISO: "CR", Name: "Costa Rica"},
	{ISO3: "CYP", ISO: "CY", Name: "Cyprus"},
	{ISO3: "CZE", ISO: "CZ", Name: "Czechia"},
	{ISO3: "DEU", ISO: "DE", Name: "Germany"},
	{ISO3: "DNK", ISO: "DK", Name: "Denmark"},
	{ISO3: "DOM", ISO: "DO", Name: "Dominican Republic"},
	{ISO3: "ECU", ISO: "EC", Name: "Ecuador"},
	{ISO3: "ESP", ISO: "ES", Name: "Spain"},
	{ISO3: "EST", ISO: "EE", Name: "Estonia"},
	{ISO3: "FIN", ISO: "FI", Name: "Finland"},
	{ISO3: "FRA", ISO: "FR", Name: "France"},
	{ISO3: "GBR", ISO: "GB", Name: "United Kingdom"},
	{ISO3: "GEO", ISO: "GE", Name: "Georgia"},
	{ISO3: "GRC", ISO: "GR", Name: "Greece"},
	{ISO3: "HRV", ISO: "HR", Name: "Croatia"},
	{ISO3: "HUN", ISO: "HU", Name: "Hungary"},
	{ISO3: "IND", ISO: "IN", Name: "India"},
	{ISO3: "IRL", ISO: "IE", Name: "Ireland"},
	{ISO3: "ISL", ISO: "IS", Name: "Iceland"},
	{ISO3: "ISR", ISO: "IL", Name: "Israel"},
	{ISO3: "ITA", ISO: "IT", Name: "Italy"},
	{ISO3: "JPN", ISO: "JP", Name: "Japan"},
	{ISO3: "KAZ", ISO: "KZ", Name: "Kazakhstan"},
	{ISO3: "KOR", ISO: "KR", Name: "South Korea"},
	{ISO3: "LIE", ISO: "LI", Name: "Liechtenstein"},
	{ISO3: "LTU", ISO: "LT", Name: "Lithuania"},
	{ISO3: "LUX", ISO: "LU", Name: "Luxembourg"},
	{ISO3: "LVA", ISO: "LV", Name: "Latvia"},
	{ISO3: "MDA", ISO: "MD", Name: "Moldova"},
	{ISO3: "MEX", ISO: "MX", Name: "Mexico"},
	{ISO3: "MKD", ISO: "MK", Name: "North Macedonia"},
	{ISO3: "MLT", ISO: "MT", Name: "Malta"},
	{ISO3: "MNE", ISO: "ME", Name: "Montenegro"},
	{ISO3: "NLD", ISO: "NL", Name: "Netherlands"},
	{ISO3: "NOR", ISO: "NO", Name: "Norway"},
	{ISO3: "NZL", ISO: "NZ", Name: "New Zealand"},
	{ISO3: "PAN", ISO: "PA", Name: "Panama", Unit: "C",
		Notes: "Panama reports its applications in cases (app_pc C), not persons: a case may hold several people, so the series is a floor of the persons who applied."},
	{ISO3: "PER", ISO: "PE", Name: "Peru"},
	{ISO3: "PHL", ISO: "PH", Name: "Philippines"},
	{ISO3: "POL", ISO: "PL", Name: "Poland"},
	{ISO3: "PRT", ISO: "PT", Name: "Portugal"},
	{ISO3: "ROU", ISO: "RO", Name: "Romania"},
	{ISO3: "SRB", ISO: "RS", Name: "Serbia"},
	{ISO3: "SVK", ISO: "SK", Name: "Slovakia"},
	{ISO3: "SVN", ISO: "SI", Name: "Slovenia"},
	{ISO3: "SWE", ISO: "SE", Name: "Sweden"},
	{ISO3: "UKR", ISO: "UA", Name: "Ukraine"},
	{ISO3: "URY", ISO: "UY", Name: "Uruguay"},
	{ISO3: "USA", ISO: "US", Name: "United States",
		Notes: "The United States report some years both in cases and in persons: only persons are kept."},
	{ISO3: "ZMB", ISO: "ZM", Name: "Zambia"},
}

// UNHCRURL is the API query for applications by Russian nationals in one
// country of asylum, every year the API has.
func UNHCRURL(iso3 string) string {
	return UNHCRAPI + "?coo=RUS&coa=" + iso3 + "&cf_type=ISO&limit=1000&page=1"
}

// UNHCRSourceID is the catalogue id of a country's UNHCR source.
func UNHCRSourceID(iso string) string { return strings.ToLower(iso) + "-unhcr-asylum-applications" }

// unhcrAPINotes is what every UNHCR source verified about the API.
const unhcrAPINotes = "A gross inflow of people seeking protection, governments' figures as UNHCR compiles them: the estimate " +
	"methods do not use asylum applications (many applicants also appear in permit or border figures, and an application " +
	"is not a stay), so the series is a cross-check and, for some countries, the only figure there is; a country that has " +
	"only this source has no estimate. VERIFIED from documentation: the endpoint, and the answer {page, maxPages, total, " +
	"items:[...]} with item fields year, coo_name, coo, coo_iso, coa_name, coa, coa_iso, procedure_type (G government, " +
	"J joint, U UNHCR), app_type (N new, R repeat, A appeal; NR new and repeat together), dec_level, app_pc (P persons, " +
	"C cases), applied (the refugees R package's documentation of the same table, public code and tests); the filters " +
	"coo and coa, yearFrom and yearTo (which go together: a lone bound is ignored), limit and page (a public MCP " +
	"connector's schema with the example coa=PAK&coo=AFG&yearFrom=2022&yearTo=2023, and recorded answers to coa=TUR and " +
	"coa=GBR). Two traps, both from public code that queried the live API: without cf_type=ISO, coo and coa take " +
	"UNHCR's own codes (coa=DEU answered nothing, coa=GFR answered Germany; ARE is Egypt there), so every request sends " +
	"cf_type=ISO, which makes them take ISO alpha-3 (a tested client, cyanheads/unhcr-refugees-mcp-server, sends it on " +
	"every request for that reason); and coa_all=true overrides coa (the previous multi-country query used it), so it is " +
	"not sent. The request gives no year bounds, so the answer holds every year and next June's release needs no change " +
	"to the URL (the same client's coverage probe reads the first and latest year from an unbounded query). The mapping " +
	"keeps coa_iso equal to the country asked for, so an answer about another country (a filter the API ignored) maps " +
	"to nothing and fails instead of loading. Zeros may come as the string \"0\". Released each June for the previous year."

func unhcrSource(c UNHCRCountry) *extractors.Source {
	app, unit := c.Application, c.Unit
	if app == "" {
		app = "N"
	}
	if unit == "" {
		unit = "P"
	}
	notes := "Asylum applications lodged by Russian nationals in " + c.Name + " (UNHCR Refugee Data Finder), new " +
		"applications in persons unless said below. " + unhcrAPINotes
	if c.Notes != "" {
		notes += " " + c.Notes
	}
	return &extractors.Source{
		ID:          UNHCRSourceID(c.ISO),
		Destination: c.ISO,
		Publisher:   "UNHCR, Refugee Data Finder (population statistics API)",
		Dataset:     "population/v1/asylum-applications",
		Title:       "Asylum applications lodged by nationals of Russia in " + c.Name,
		Homepage:    "https://www.unhcr.org/refugee-statistics/download/",
		Requests:    []extractors.Request{{URL: UNHCRURL(c.ISO3)}},
		Format:      "json-records",
		Params: map[string]string{
			"records":         "items",
			"page":            "page",
			"page_count":      "maxPages",
			"dim.year":        "year",
			"dim.origin":      "coo_iso",
			"dim.asylum":      "coa_iso",
			"dim.procedure":   "procedure_type",
			"dim.application": "app_type",
			"dim.unit":        "app_pc",
			"value":           "applied",
		},
		Map: extractors.Mapping{
			Time:        "year",
			Citizenship: "origin",
			Filter:      map[string]string{"origin": "RUS", "asylum": c.ISO3, "application": app, "unit": unit},
			Codes:       map[string]string{"RUS": "RU"},
			// One row per authority (government, joint, UNHCR) and decision
			// level: the year's applications are their sum.
			Sum:    true,
			Metric: extractors.AsylumApplications,
		},
		Cadence:   extractors.Annual,
		LagMonths: 6,
		Licence:   "UNHCR Refugee Data Finder data: CC BY 4.0 (as the refugees R package, UNHCR's own distribution of the same database, states); cite UNHCR.",
		Notes:     notes,
		Priority:  90,
	}
}

func init() {
	for _, c := range UNHCRCountries {
		extractors.Register(unhcrSource(c))
	}
}
