// Package sources holds the catalogue: one small file per source family,
// each registering its sources with extractors.Register from init. Sources
// that differ only by parameters (Eurostat's datasets queried per country)
// are rows of a table, looped over, not copies of code.
package sources

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// EurostatAPI is the root of Eurostat's statistics API 1.0, which answers
// JSON-stat 2.0.
const EurostatAPI = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"

// eurostatLicence is Eurostat's reuse policy.
const eurostatLicence = "Eurostat reuse policy (Commission Decision 2011/833/EU): CC BY 4.0, reuse allowed with the source acknowledged (Source: Eurostat, dataset code)."

// eurostatAPINotes is what every Eurostat source verified about the API.
const eurostatAPINotes = "API: Eurostat's 'API Statistics - data query' and 'API - Getting started with statistics API' pages " +
	"(wikis.ec.europa.eu/display/EUROSTATHELP, ec.europa.eu/eurostat/web/user-guides/data-browser/api-data-access) document " +
	"{host}/statistics/1.0/data/{dataset}?format=JSON&lang=EN&{filters}, any dimension usable as a filter DIM=CODE, " +
	"JSON-stat 2.0 answers. Answers recorded by public projects show the layout: version, class \"dataset\", label, " +
	"source \"ESTAT\", updated, value as a sparse object keyed by position, status only when cells carry flags, id, size, " +
	"dimension (category index and label), extension (lang, id, agencyId, positions-with-no-data). A year with no " +
	"figure (':' in the Data Browser) is absent from value, never 0. Eurostat writes Greece as EL and the United " +
	"Kingdom as UK; the destination is stored as ISO (GR, GB)."

// A EurostatDataset is one Eurostat table queried for Russian citizens.
type EurostatDataset struct {
	Code   string // dataset code, lower case as in the API path
	Title  string // Eurostat's title of the dataset
	Metric extractors.Metric
	// StockAt says what a stock's year means: "start" (1 January) or
	// "end" (31 December). Empty for flows.
	StockAt string
	// Filters are the fixed query filters besides geo and citizen, in the
	// order they are written into the URL.
	Filters [][2]string
	// Dims are the dataset's dimension ids in the order the API answers
	// them (time last); the sample generator writes answers in this order.
	Dims      []string
	LagMonths int
	// Priority orders the stock series of one country: lower is preferred.
	Priority int
	Notes    string
}

// EurostatDatasets are the tables registered per country. migr_imm1ctz
// (immigration by citizenship) is deliberately absent: the only copy of it
// in shared/realdata is the all-citizenship total, with no Russian figure.
// migr_resvalid, migr_pop1ctz, migr_emi1ctz and migr_acq are registered only
// where shared/realdata has Russian figures for the country (EurostatCountries).
var EurostatDatasets = []EurostatDataset{
	{
		Code:      "migr_pop1ctz",
		Title:     "Population on 1 January by age group, sex and citizenship",
		Metric:    extractors.ResidentStock,
		StockAt:   "start",
		Filters:   [][2]string{{"age", "TOTAL"}, {"sex", "T"}, {"unit", "NR"}},
		Dims:      []string{"freq", "citizen", "age", "unit", "sex", "geo", "time"},
		LagMonths: 14,
		Priority:  10,
		Notes: "Dimensions freq, citizen, age, unit, sex, geo, time: the order of the SDMX key A.{citizen}.{age}.NR.{sex}.{geo} " +
			"used by public code for migr_pop1ctz; filters age=TOTAL, sex=T, unit=NR as in several public projects querying " +
			"migr_pop1ctz?format=JSON&lang=EN&geo=..&age=TOTAL&sex=T&unit=NR. The stock is usual residents on 1 January (dataset " +
			"title), so StockAt=start. Preferred (priority 10) over migr_resvalid for the stock-change method: it counts every " +
			"usual resident with Russian citizenship from the country's population statistics, whatever the residence document " +
			"(permit statistics miss, for example, family members of EU citizens holding residence cards), and it is the series " +
			"METHOD.md's stock-change example uses; valid permits are the fallback. Lag ~14 months " +
			"after the reference date (inferred from the shared extract: 1 Jan 2024 present, 1 Jan 2025 absent in a January 2026 download).",
	},
	{
		Code:      "migr_resvalid",
		Title:     "All valid permits by reason, length of validity and citizenship on 31 December of each year",
		Metric:    extractors.PermitsValid,
		StockAt:   "end",
		Filters:   [][2]string{{"reason", "TOTAL"}, {"duration", "TOTAL"}, {"unit", "PER"}},
		Dims:      []string{"freq", "reason", "citizen", "duration", "unit", "geo", "time"},
		LagMonths: 10,
		Priority:  20,
		Notes: "Dimensions reason, citizen, duration, unit, geo (plus freq, time) and filters reason=TOTAL, duration=TOTAL, " +
			"unit=PER: seen in public code querying this dataset through the same API (citizen=BY, duration=TOTAL, " +
			"reason=TOTAL, unit=PER) and in the catalogue row; the order is assumed to match migr_resfirst (verified there), " +
			"not checked for this table. Valid permits on 31 December (dataset title), so StockAt=end. Priority 20: the fallback " +
			"stock series when migr_pop1ctz is missing for the country or the window (permits miss people who need none and " +
			"count only non-EU citizens, which Russians are). Lag ~10 months (2024 present in a January 2026 download).",
	},
	{
		Code:      "migr_resfirst",
		Title:     "First permits by reason, length of validity and citizenship",
		Metric:    extractors.PermitsFirst,
		Filters:   [][2]string{{"reason", "TOTAL"}, {"duration", "TOTAL"}, {"unit", "PER"}},
		Dims:      []string{"freq", "reason", "citizen", "duration", "unit", "geo", "time"},
		LagMonths: 8,
		Priority:  10,
		Notes: "Dimensions freq, reason, citizen, duration, unit, geo, TIME_PERIOD verified from a live SDMX-CSV answer of " +
			"MIGR_RESFIRST recorded in public test code (2026), values integers; filters reason=TOTAL, duration=TOTAL, unit=PER " +
			"(catalogue row, same public code). First permits issued in the calendar year: a gross inflow (returns not netted). " +
			"Lag ~7-9 months (catalogue: 2022 partial data for 24 member states reported July 2023).",
	},
	{
		Code:      "migr_emi1ctz",
		Title:     "Emigration by age group, sex and citizenship",
		Metric:    extractors.Emigration,
		Filters:   [][2]string{{"agedef", "COMPLET"}, {"age", "TOTAL"}, {"sex", "T"}, {"unit", "NR"}},
		Dims:      []string{"freq", "citizen", "agedef", "age", "unit", "sex", "geo", "time"},
		LagMonths: 15,
		Priority:  10,
		Notes: "Dimensions freq, citizen, agedef, age, unit, sex, geo, time verified: a public acquisition note read them from " +
			"the dataset's JSON-stat id list and pinned the SDMX key A.TOTAL.COMPLET.TOTAL.NR.T.; filters agedef=COMPLET, " +
			"age=TOTAL, sex=T, unit=NR (the same note; public PHP code uses the same filters). Eurostat's ESMS " +
			"(migr_immi_esms, quoted there): a reference year is released in March two years later, so lag ~15 months. Russian " +
			"citizens leaving the reporting country: the returns half of net flows (migr_imm1ctz, the arrivals half, has no " +
			"Russian figures in shared/realdata and is not registered).",
	},
	{
		Code:      "migr_acq",
		Title:     "Acquisition of citizenship by age group, sex and former citizenship",
		Metric:    extractors.Naturalisations,
		Filters:   [][2]string{{"agedef", "COMPLET"}, {"age", "TOTAL"}, {"sex", "T"}, {"unit", "NR"}},
		Dims:      []string{"freq", "citizen", "agedef", "age", "unit", "sex", "geo", "time"},
		LagMonths: 15,
		Priority:  10,
		Notes: "Filters agedef=COMPLET, age=TOTAL, sex=T (public Go code querying migr_acq?geo=FR&agedef=COMPLET&age=TOTAL&sex=T) " +
			"and unit=NR (public analysis code listing the dimensions that must be pinned); agedef must be pinned because the " +
			"dataset carries both REACH and COMPLET for the same observation and summing them doubles the count (that code's " +
			"warning). citizen is the former citizenship. Dimension order assumed like migr_emi1ctz (not verified). " +
			"Naturalised Russians leave the Russian-citizen stock without leaving the country; transform can add them back. Lag ~15 months (inferred).",
	},
	{
		Code:      "migr_asyappctza",
		Title:     "Asylum applicants by type of applicant, citizenship, age and sex - annual aggregated data",
		Metric:    extractors.AsylumApplications,
		Filters:   [][2]string{{"applicant", "FRST"}, {"age", "TOTAL"}, {"sex", "T"}, {"unit", "PER"}},
		Dims:      []string{"freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time"},
		LagMonths: 4,
		Priority:  10,
		Notes: "First-time asylum applicants (applicant=FRST) with Russian citizenship, all ages and sexes, persons. VERIFIED from " +
			"public code querying the statistics API: the filters applicant=FRST, age=TOTAL, sex=T, unit=PER on migr_asyappctza " +
			"(several projects, 2025-2026; the dimension was called asyl_app with codes ASY_APP/NASY_APP in older answers, as " +
			"an R project of 2023 shows: a live answer with asyl_app instead of applicant fails the source's shape check, as it " +
			"should), and the dimension order freq, unit, citizen, sex, applicant, age (then geo, time) from a recorded probe of " +
			"the monthly twin migr_asyappctzm; the annual table is assumed to share it (not seen). Eurostat rounds asylum " +
			"figures to the nearest 5, so small countries show 5, 10, 15. A gross inflow of people seeking protection (returns " +
			"unknown): METHOD.md's estimate methods do not use it, it is kept as evidence and for checks. Lag ~4 months " +
			"(inferred: 2024 figures are in the shared extract).",
	},
}

// A EurostatCountry is a reporting country and the datasets registered for
// it: those for which real Russian-citizen figures exist, in
// shared/realdata/derived (russia__eurostat_KiraKicka_long.csv,
// russia__eurostat_migr_asyappctza_firsttime_RUS.csv) or published with
// their page (extractors/sample/reconstruct/figures_europe.tsv).
type EurostatCountry struct {
	ISO      string // ISO 3166-1 alpha-2
	Geo      string // Eurostat's geo code
	Name     string // Eurostat's label, as in the shared extract
	Datasets []string
	// Priority overrides a dataset's priority for this country, when a
	// national series of the same method is preferred (the reason goes in
	// Notes).
	Priority map[string]int
	Notes    string
}

// asylumOnly is the datasets of a country for which shared/realdata has
// only the first-time asylum applicants.
var asylumOnly = []string{"migr_asyappctza"}

// exportAndAsylum is the five tables of the shared Data Browser export plus
// asylum: the countries whose Russian figures were exported.
var exportAndAsylum = []string{"migr_pop1ctz", "migr_resvalid", "migr_resfirst", "migr_emi1ctz", "migr_acq", "migr_asyappctza"}

// firstPermitsFromRelease is the notes of a country whose first permits come
// from Eurostat's release as the press reported it, not from an export.
const firstPermitsFromRelease = "The sample's migr_resfirst for this country holds only the year(s) for which a press report gave the " +
	"figure of Eurostat's release to the unit (2022: Verstka via Forum Free Russia, 27 Jul 2023, first release with 24 member " +
	"states; 2023: Verstka via RFE/RL; page in the snapshot's provenance); figures rounded to thousands in those reports " +
	"(Cyprus, Portugal) were not used. A live run replaces it with the full, revised series; until then summing first " +
	"permits over the window covers only those years."

// EurostatCountries lists the countries with real Russian-citizen figures.
// The United Kingdom is in the shared extracts only as pre-Brexit history
// and is not registered here (gb-home-office-visas-statement-2022 covers it).
var EurostatCountries = []EurostatCountry{
	{ISO: "AT", Geo: "AT", Name: "Austria", Datasets: asylumOnly},
	{ISO: "BE", Geo: "BE", Name: "Belgium", Datasets: asylumOnly},
	{ISO: "BG", Geo: "BG", Name: "Bulgaria", Datasets: asylumOnly},
	{ISO: "CH", Geo: "CH", Name: "Switzerland", Datasets: asylumOnly},
	{ISO: "CY", Geo: "CY", Name: "Cyprus", Datasets: asylumOnly},
	{ISO: "CZ", Geo: "CZ", Name: "Czechia", Datasets: asylumOnly},
	{ISO: "DE", Geo: "DE", Name: "Germany", Datasets: exportAndAsylum,
		Notes: "Germany: the AZR stock (Destatis GENESIS 12521-0002) is the series the issue prefers, but no year-end AZR figure " +
			"for Russian citizens after 2020 was found (only 'gut 235 000' at end-2020, rounded, and the interior ministry's " +
			"mid-2023 answer), so it is not registered and migr_pop1ctz carries the stock method."},
	{ISO: "DK", Geo: "DK", Name: "Denmark", Datasets: exportAndAsylum,
		Notes: "Denmark: migr_pop1ctz has Russian citizens only up to 1 Jan 2022 and migr_emi1ctz only up to 2021 in the shared extract (later years ':'), " +
			"so valid permits carry the stock method after 2022. Caution: the extract's migr_resvalid values for 2018-2021 (4884, 4977, 4864, 4837) " +
			"equal its migr_pop1ctz values for 1 Jan 2019-2022; one of the two is probably a copy slip in the committer's spreadsheet."},
	{ISO: "EE", Geo: "EE", Name: "Estonia", Datasets: []string{"migr_resfirst", "migr_asyappctza"}, Notes: firstPermitsFromRelease},
	{ISO: "ES", Geo: "ES", Name: "Spain", Datasets: exportAndAsylum},
	{ISO: "FI", Geo: "FI", Name: "Finland", Datasets: []string{"migr_resfirst", "migr_asyappctza"},
		Priority: map[string]int{"migr_resfirst": 20},
		Notes: firstPermitsFromRelease + " Finland: Statistics Finland's immigration from Russia (fi-statfin-muutl, priority 10) is " +
			"preferred for the gross-flow method: it counts moves into the population register, while a first permit can go to " +
			"someone already in Finland on another status or who never moves; first permits (priority 20) feed the range."},
	{ISO: "FR", Geo: "FR", Name: "France", Datasets: []string{"migr_resvalid", "migr_resfirst", "migr_acq", "migr_asyappctza"},
		Notes: "France: no migr_pop1ctz source (the extract has Russian citizens only for 1 Jan 2015-2018, nothing since) and no migr_emi1ctz " +
			"source (all years ':'); valid permits are France's stock series."},
	{ISO: "GR", Geo: "EL", Name: "Greece", Datasets: []string{"migr_resfirst", "migr_asyappctza"}, Notes: firstPermitsFromRelease},
	{ISO: "HR", Geo: "HR", Name: "Croatia", Datasets: asylumOnly},
	{ISO: "HU", Geo: "HU", Name: "Hungary", Datasets: asylumOnly},
	{ISO: "IE", Geo: "IE", Name: "Ireland", Datasets: asylumOnly},
	{ISO: "IS", Geo: "IS", Name: "Iceland", Datasets: asylumOnly},
	{ISO: "IT", Geo: "IT", Name: "Italy", Datasets: exportAndAsylum},
	{ISO: "LI", Geo: "LI", Name: "Liechtenstein", Datasets: asylumOnly},
	{ISO: "LT", Geo: "LT", Name: "Lithuania", Datasets: asylumOnly},
	{ISO: "LU", Geo: "LU", Name: "Luxembourg", Datasets: exportAndAsylum},
	{ISO: "LV", Geo: "LV", Name: "Latvia", Datasets: asylumOnly},
	{ISO: "ME", Geo: "ME", Name: "Montenegro", Datasets: asylumOnly,
		Notes: "Montenegro is not an EU or EFTA member; it reports asylum statistics to Eurostat as a candidate country."},
	{ISO: "MT", Geo: "MT", Name: "Malta", Datasets: []string{"migr_resfirst", "migr_asyappctza"}, Notes: firstPermitsFromRelease},
	{ISO: "NL", Geo: "NL", Name: "Netherlands", Datasets: exportAndAsylum},
	{ISO: "NO", Geo: "NO", Name: "Norway", Datasets: exportAndAsylum},
	{ISO: "PL", Geo: "PL", Name: "Poland", Datasets: []string{"migr_resfirst", "migr_asyappctza"}, Notes: firstPermitsFromRelease},
	{ISO: "PT", Geo: "PT", Name: "Portugal", Datasets: asylumOnly},
	{ISO: "RO", Geo: "RO", Name: "Romania", Datasets: []string{"migr_resfirst", "migr_asyappctza"}, Notes: firstPermitsFromRelease},
	{ISO: "SE", Geo: "SE", Name: "Sweden", Datasets: asylumOnly},
	{ISO: "SI", Geo: "SI", Name: "Slovenia", Datasets: asylumOnly},
	{ISO: "SK", Geo: "SK", Name: "Slovakia", Datasets: asylumOnly},
}

// EurostatCountryByISO returns the reporting country with the ISO code.
func EurostatCountryByISO(iso string) (EurostatCountry, bool) {
	for _, c := range EurostatCountries {
		if c.ISO == iso {
			return c, true
		}
	}
	return EurostatCountry{}, false
}

// EurostatDatasetByCode returns the dataset row with the code.
func EurostatDatasetByCode(code string) (EurostatDataset, bool) {
	for _, d := range EurostatDatasets {
		if d.Code == code {
			return d, true
		}
	}
	return EurostatDataset{}, false
}

// EurostatURL is the statistics API query for Russian citizens of one
// dataset in one reporting country.
func EurostatURL(d EurostatDataset, geo string) string {
	q := []string{"format=JSON", "lang=EN", "geo=" + url.QueryEscape(geo), "citizen=RU"}
	for _, f := range d.Filters {
		q = append(q, url.QueryEscape(f[0])+"="+url.QueryEscape(f[1]))
	}
	return EurostatAPI + d.Code + "?" + strings.Join(q, "&")
}

// EurostatSourceID is the catalogue id of a dataset for a country.
func EurostatSourceID(iso, dataset string) string {
	return strings.ToLower(iso) + "-eurostat-" + dataset
}

func eurostatSource(c EurostatCountry, d EurostatDataset) *extractors.Source {
	filter := map[string]string{"freq": "A", "geo": c.Geo}
	for _, f := range d.Filters {
		filter[f[0]] = f[1]
	}
	priority := d.Priority
	if p, ok := c.Priority[d.Code]; ok {
		priority = p
	}
	notes := fmt.Sprintf("Russian citizens in %s, Eurostat %s. %s %s", c.Name, d.Code, d.Notes, eurostatAPINotes)
	if c.Notes != "" {
		notes += " " + c.Notes
	}
	return &extractors.Source{
		ID:          EurostatSourceID(c.ISO, d.Code),
		Destination: c.ISO,
		Publisher:   "Eurostat",
		Dataset:     d.Code,
		Title:       d.Title + ": citizens of Russia in " + c.Name,
		Homepage:    "https://ec.europa.eu/eurostat/databrowser/view/" + d.Code + "/default/table?lang=en",
		Requests:    []extractors.Request{{URL: EurostatURL(d, c.Geo)}},
		Format:      "jsonstat",
		Map: extractors.Mapping{
			Time:        "time",
			Citizenship: "citizen",
			Filter:      filter,
			Metric:      d.Metric,
			Codes:       map[string]string{"EL": "GR", "UK": "GB"},
			StockAt:     d.StockAt,
		},
		Cadence:   extractors.Annual,
		LagMonths: d.LagMonths,
		Licence:   eurostatLicence,
		Notes:     notes,
		Priority:  priority,
	}
}

func init() {
	for _, c := range EurostatCountries {
		for code := range c.Priority {
			if !slices.Contains(c.Datasets, code) {
				panic("sources: priority for " + code + ", which " + c.ISO + " does not register")
			}
		}
		for _, code := range c.Datasets {
			d, ok := EurostatDatasetByCode(code)
			if !ok {
				panic("sources: unknown Eurostat dataset " + code + " for " + c.ISO)
			}
			extractors.Register(eurostatSource(c, d))
		}
	}
}
