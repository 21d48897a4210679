package sources

import "github.com/emigre/emigre/extractors"

// StatFinURL is the StatFin PxWeb v1 table of immigration by country of
// departure. The API root and the muutl database are verified; the table id
// is not (see the source's Notes).
const StatFinURL = "https://pxdata.stat.fi/PxWeb/api/v1/en/StatFin/muutl/statfin_muutl_pxt_11a8.px"

// StatFinQuery is the PxWeb v1 POST body: immigration (vm41) from Russia,
// the latest two years, answered as json-stat2. "top" keeps the query
// current as years are added; the warehouse keeps the earlier years.
const StatFinQuery = `{
  "query": [
    {
      "code": "Maa",
      "selection": {
        "filter": "item",
        "values": [
          "RU"
        ]
      }
    },
    {
      "code": "Tiedot",
      "selection": {
        "filter": "item",
        "values": [
          "vm41"
        ]
      }
    },
    {
      "code": "Vuosi",
      "selection": {
        "filter": "top",
        "values": [
          "2"
        ]
      }
    }
  ],
  "response": {
    "format": "json-stat2"
  }
}
`

func init() {
	extractors.Register(&extractors.Source{
		ID:          "fi-statfin-muutl",
		Destination: "FI",
		Publisher:   "Statistics Finland (Tilastokeskus)",
		Dataset:     "statfin_muutl_pxt_11a8",
		Title:       "Immigration to Finland by country of departure: Russia",
		Homepage:    "https://pxdata.stat.fi/PxWeb/pxweb/en/StatFin/StatFin__muutl/",
		Requests: []extractors.Request{{
			Method: "POST",
			URL:    StatFinURL,
			Body:   StatFinQuery,
			Header: map[string]string{"Content-Type": "application/json"},
		}},
		Format: "pxweb",
		Map: extractors.Mapping{
			Time:             "Vuosi",
			FixedCitizenship: "RU",
			Filter:           map[string]string{"Maa": "RU"},
			MetricDim:        "Tiedot",
			Metrics:          map[string]extractors.Metric{"vm41": extractors.Immigration},
		},
		Cadence:   extractors.Annual,
		LagMonths: 5,
		Licence:   "Statistics Finland terms of use: open data under CC BY 4.0 (Source: Statistics Finland).",
		Notes: "Immigration to Finland from Russia. This counts moves by COUNTRY OF DEPARTURE, not by citizenship: Statistics Finland's " +
			"release of 24 May 2023 says 94% of the 2022 immigrants from Russia were Russian citizens, so the series is mapped to " +
			"citizenship RU as a close proxy, not an exact count. VERIFIED: the figures (6,003 in 2022, the highest in 30 years, " +
			"and 2,724 in 2021; Statistics Finland via Talouselama, AP/KRDO, UrduPoint/Sputnik, 24 May 2023), the release month (May, " +
			"so a 5-month lag), the API root https://pxdata.stat.fi/PxWeb/api/v1/{lang}/StatFin/ and the muutl (migration) database " +
			"(public code), the codes Vuosi (year) and Tiedot with vm41 = immigration to Finland and vm42 = emigration (StatFin " +
			"table 11ae as documented in public code), the PxWeb v1 query form and the \"top\" filter (shared/formats/pxweb " +
			"queries, public code), json-stat2 answers from StatFin (shared/formats/pxweb/stefur-pxwebpy__response_fi.json), " +
			"CC BY 4.0 (stat.fi terms of use). NOT VERIFIED: the table id statfin_muutl_pxt_11a8 (guessed from StatFin's numbering " +
			"next to 11a7, 'International migration by age and sex', which is verified), the country variable code Maa and the value " +
			"code RU. Confirm them with a GET of https://pxdata.stat.fi/PxWeb/api/v1/en/StatFin/muutl/ (table list) before trusting " +
			"a live run; until then a live fetch may answer 404, which raises an alert. Only 2021 and 2022 are sourced, so no " +
			"emigration to Russia and no 2019-2020 baseline.",
		Priority: 10,
	})
}
