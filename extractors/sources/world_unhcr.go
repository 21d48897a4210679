package sources

import "github.com/emigre/emigre/extractors"

// UNHCRAsylumApplicationsURL asks UNHCR's population statistics API for
// every asylum application lodged by Russian nationals, by country of
// asylum, in one page.
const UNHCRAsylumApplicationsURL = "https://api.unhcr.org/population/v1/asylum-applications/?yearFrom=2019&yearTo=2024&coo=RUS&coa_all=true&cf_type=ISO&limit=1000&page=1"

func init() {
	extractors.Register(&extractors.Source{
		ID: "unhcr-asylum-applications",
		// A multi-country source: the destination of each observation is
		// its country of asylum (Map.Destination), not one catalogue
		// country.
		Destination: "",
		Publisher:   "UNHCR, Refugee Data Finder (population statistics API)",
		Dataset:     "population/v1/asylum-applications",
		Title:       "Asylum applications lodged by nationals of Russia, by country of asylum",
		Homepage:    "https://www.unhcr.org/refugee-statistics/download/",
		Requests:    []extractors.Request{{URL: UNHCRAsylumApplicationsURL}},
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
			Destination: "asylum",
			Citizenship: "origin",
			// New applications (not repeat or appeal) counted in persons
			// (the United States reports some in cases).
			Filter: map[string]string{"origin": "RUS", "application": "N", "unit": "P"},
			Codes:  map[string]string{"RUS": "RU"},
			// One row per authority (government, joint, UNHCR) and decision
			// level: the year's new applications are their sum.
			Sum:    true,
			Metric: extractors.AsylumApplications,
		},
		Cadence:   extractors.Annual,
		LagMonths: 6,
		Licence:   "UNHCR Refugee Data Finder data: CC BY 4.0 (as the refugees R package, UNHCR's own distribution of the same database, states); cite UNHCR.",
		Notes: "A multi-country cross-check: new asylum applications by Russian nationals in every country that reports to UNHCR " +
			"(governments' figures, persons), the only series for some destinations (Brazil, Mexico, Costa Rica) and a check on " +
			"national ones. The estimate does not count asylum applications (many applicants also appear in permit or border " +
			"figures), and the source adds no country of its own to the catalogue's count. VERIFIED from documentation: the " +
			"endpoint and the parameters yearFrom, yearTo, coo, coa_all, cf_type=ISO, limit, page (public code and the " +
			"catalogue row); the answer {page, maxPages, total, items:[...]} with item fields year, coo_name, coo, coo_iso, " +
			"coa_name, coa, coa_iso, procedure_type (G government, J joint, U UNHCR), app_type (N new, R repeat, A appeal), " +
			"dec_level, app_pc (P persons, C cases), applied (the refugees R package's documentation of the same table, public " +
			"code and tests); that coo/coa are UNHCR's own codes and only coo_iso/coa_iso are ISO (observed by public code: Egypt " +
			"answered as coa ARE), hence the ISO fields; that zeros may come as the string \"0\". Country codes are ISO alpha-3 " +
			"and become alpha-2 in transform. Applications filed as new-and-repeat together (app_type NR, Bulgaria) are left out " +
			"by the filter. Released each June for the previous year.",
		Priority: 90,
	})
}
