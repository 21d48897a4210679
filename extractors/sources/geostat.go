package sources

import "github.com/emigre/emigre/extractors"

// GeostatURL is the PxWeb v1 table queried for immigrants and emigrants by
// citizenship. The host and API root are verified; the folder and table
// file name are inferred (see the source's Notes).
const GeostatURL = "https://pc-axis.geostat.ge/PXWeb/api/v1/en/Database/Demography/Migration/Immigrants%20and%20Emigrants%20by%20Citizenship.px"

// GeostatQuery is the PxWeb v1 POST body: Russian citizens, both
// indicators, every year, answered as json-stat2.
const GeostatQuery = `{
  "query": [
    {
      "code": "Citizenship",
      "selection": {
        "filter": "item",
        "values": [
          "RU"
        ]
      }
    },
    {
      "code": "Indicator",
      "selection": {
        "filter": "item",
        "values": [
          "Immigrants",
          "Emigrants"
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
		ID:          "ge-geostat-migration-citizenship",
		Destination: "GE",
		Publisher:   "National Statistics Office of Georgia (Geostat)",
		Dataset:     "Immigrants and Emigrants by Citizenship",
		Title:       "Immigrants and emigrants by citizenship: citizens of Russia",
		Homepage:    "https://pc-axis.geostat.ge/PXWeb/pxweb/en/Database/Database__Demography",
		Requests: []extractors.Request{{
			Method: "POST",
			URL:    GeostatURL,
			Body:   GeostatQuery,
			Header: map[string]string{"Content-Type": "application/json"},
		}},
		Format: "pxweb",
		Map: extractors.Mapping{
			Time:        "Year",
			Citizenship: "Citizenship",
			MetricDim:   "Indicator",
			Metrics: map[string]extractors.Metric{
				"Immigrants": extractors.Immigration,
				"Emigrants":  extractors.Emigration,
			},
		},
		Cadence:   extractors.Annual,
		LagMonths: 4,
		Licence:   "Geostat publications may be reused with Geostat cited as the source (terms not re-checked for this source).",
		Notes: "Net flows of Russian citizens to Georgia (immigrants: arrived and stayed at least 183 days within 12 months, Georgia " +
			"not their previous residence; emigrants: the mirror definition, as Geostat's release describes them). " +
			"VERIFIED: the figures (RU citizens: 2022 in 62,304 / out 5,935; 2023 in 52,627 / out 35,344; 2024 in 23,574 / out 25,612) " +
			"from Geostat's releases as relayed by Sputnik/UrduPoint (2023-04-27), Pravda.com.ua, Statista and nlevshits.com (2025); " +
			"Geostat runs PxWeb with API root https://pc-axis.geostat.ge/PXWeb/api/v1/en/Database (public client code) and a " +
			"Demography folder (Geostat's own site links to pxweb/en/Database/Database__Demography); release in late April for " +
			"the previous year (2022 data on 27 Apr 2023), hence a 4-month lag. " +
			"INFERRED, confirm with a GET of the table URL (PxWeb metadata) before trusting a live run: the folder Migration, the " +
			"table file name, the variable codes Year/Citizenship/Indicator and the value codes RU/Immigrants/Emigrants. A public " +
			"client that probed this installation reports that json-stat2 answers 404, that a query with a selection answers 404 " +
			"and that only format \"json\" with an empty query works there, with positional value codes (\"0\", \"1\", ...): if the " +
			"live request fails, switch the body to {\"query\":[],\"response\":{\"format\":\"json\"}} and map the codes from the " +
			"metadata. No Russian-citizen figures before 2022 were found, so no pre-war trend for Georgia.",
		Priority: 10,
	})
}
