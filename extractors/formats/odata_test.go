package formats

import (
	"testing"
)

const (
	odataV4 = "odata_v4_cbs_population_reconstructed.json"
	odataV3 = "odata_v3_cbs_population_reconstructed.json"
)

var odataV4Params = map[string]string{
	"dim.measure": "Measure", "dim.sex": "Geslacht", "dim.nationality": "Nationaliteit", "dim.period": "Perioden",
	"value": "Value", "status": "ValueAttribute", "cbs_period": "Perioden",
}

// CBS pages in OData v4 (long) and v3 (wide) JSON (reconstructions,
// testdata/reconstructed.md): the same figures, which are the Netherlands' in the
// realdata Eurostat export.
func TestODataCBSPages(t *testing.T) {
	// A page with a next link is part of a table: an error unless the
	// source requested every page.
	_, err := readBody(t, "odata", odataV4, testdata(t, odataV4), odataV4Params)
	wantFormatError(t, err, "$.value", "one page of several", "$skip=5", "next_link=ignore")

	p := map[string]string{"next_link": "ignore"}
	for k, v := range odataV4Params {
		p[k] = v
	}
	v4 := mustRead(t, "odata", odataV4, testdata(t, odataV4), p)
	wantDims(t, v4, 5, "measure", "sex", "nationality", "period")
	if c := v4[4]; !c.Missing || c.Status != "Impossible" || c.Codes[3] != "2025" {
		t.Errorf("null value: %+v", c)
	}
	if v4[0].Status != "" {
		t.Errorf("ValueAttribute None: status %q, want none", v4[0].Status)
	}
	v3 := mustRead(t, "odata", odataV3, testdata(t, odataV3), map[string]string{
		"dim.sex": "Geslacht", "dim.nationality": "Nationaliteit", "dim.period": "Perioden", "melt": `_\d+$`, "melt_dims": "topic", "cbs_period": "Perioden",
	})
	wantDims(t, v3, 8, "sex", "nationality", "period", "topic")
	i3 := cellIndex(t, v3)
	real := cellIndex(t, mustRead(t, "xlsx", "pop1ctz", realBytes(t, "KiraKicka-Ru-EU-Migration-Retention-Analyzer__migr_pop1ctz.xlsx"),
		map[string]string{"dim.geo": "TIME", "melt_dims": "year"}))
	for _, c := range v4[:4] {
		y := c.Codes[3]
		if want := real["Netherlands|"+y].Value; c.Value != want {
			t.Errorf("v4 %s = %v, Eurostat export says %v", y, c.Value, want)
		}
		wantAt(t, i3, "T001038|NAT9400|"+y+"|BevolkingOp1Januari_1", c.Value)
		if m := i3["T001038|NAT9400|"+y+"|Immigratie_2"]; !m.Missing {
			t.Errorf("v3 null topic %s: %+v", y, m)
		}
	}
}

func TestODataShapesAndErrors(t *testing.T) {
	verbose := `{"d":{"results":[{"__metadata":{"uri":"x"},"Perioden":"2023KW02","Land":"RU","Aantal":12}],"__next":"https://x/?$skiptoken=1"}}`
	_, err := readBody(t, "odata", "v2.json", []byte(verbose), map[string]string{"dim.p": "Perioden", "value": "Aantal"})
	wantFormatError(t, err, "$.d.results", "one page of several")
	cells := mustRead(t, "odata", "v2.json", []byte(verbose), map[string]string{"dim.p": "Perioden", "dim.land": "Land", "value": "Aantal", "next_link": "ignore", "cbs_period": "Perioden"})
	wantCell(t, cells, 0, 12, "2023Q2", "RU")

	for name, c := range map[string]struct {
		body string
		pos  string
		says []string
	}{
		"v4 error":      {`{"error":{"code":"400","message":"Invalid filter"}}`, "$.error", []string{"Invalid filter", "400"}},
		"v3 error":      {`{"odata.error":{"code":"","message":{"lang":"en-US","value":"Resource not found"}}}`, "$[\"odata.error\"]", []string{"Resource not found"}},
		"new property":  {`{"value":[{"P":"2023JJ00","V":1},{"P":"2024JJ00","V":2,"X":3}]}`, "$.value[1].X", []string{`property "X"`}},
		"empty page":    {`{"value":[]}`, "$.value", []string{"empty page"}},
		"service doc":   {`{"@odata.context":"x","value":{"name":"Observations"}}`, "$.value", []string{"not rows"}},
		"not odata":     {`{"rows":[]}`, "$", []string{"not an OData feed"}},
		"array":         {`[1]`, "$", []string{"is an object"}},
		"row not obj":   {`{"value":[1]}`, "$.value[0]", []string{"want an object"}},
		"bad value":     {`{"value":[{"P":"2023JJ00","V":"n/b"}]}`, "$.value[0].V", []string{`"n/b"`}},
		"no period dim": {`{"value":[{"P":"2023JJ00","V":1}]}`, "", []string{"cbs_period"}},
	} {
		t.Run(name, func(t *testing.T) {
			params := map[string]string{"dim.p": "P", "value": "V"}
			if name == "no period dim" {
				params["cbs_period"] = "Perioden"
			}
			_, err := readBody(t, "odata", "bad.json", []byte(c.body), params)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
}

func FuzzOData(f *testing.F) {
	for _, name := range []string{odataV4, odataV3} {
		if b, err := readFileHead("testdata/"+name, 1<<20); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"d":[{"A":"x","B":null,"C":true,"D":1e308}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "odata", "fuzz", body, map[string]string{"dim.a": "#1", "next_link": "ignore", "max_rows": "10000"})
		checkFuzzResult(t, "odata", cells, err)
	})
}
