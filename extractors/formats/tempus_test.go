package formats

import (
	"slices"
	"testing"
)

const (
	tempusAM    = "tempus_es_population_tipAM_reconstructed.json"
	tempusPlain = "tempus_es_population_plain_reconstructed.json"
)

// A DATOS_TABLA answer in its tip=AM and plain shapes (reconstructions,
// testdata/reconstructed.md): the same values and periods either way, the periods
// read from Anyo and the period (1 January: a date), the data type as the
// status, null and Secreto as missing. The figures are Spain's population
// of Russian citizens in the realdata Eurostat export.
func TestTempusShapes(t *testing.T) {
	am := mustRead(t, "tempus", tempusAM, testdata(t, tempusAM), nil)
	plain := mustRead(t, "tempus", tempusPlain, testdata(t, tempusPlain), nil)
	wantDims(t, am, 5, "series", "Total Nacional", "Nacionalidad", "Sexo", "period")
	wantDims(t, plain, 5, "series", "name", "period")
	for i := range am {
		a, p := am[i], plain[i]
		if a.Codes[0] != p.Codes[0] || a.Codes[4] != p.Codes[2] || a.Value != p.Value || a.Missing != p.Missing {
			t.Errorf("cell %d: tip=AM %v=%v, plain %v=%v", i, a.Codes, a.Value, p.Codes, p.Value)
		}
	}
	if got := am[0].Codes; !slices.Equal(got, []string{"ECP320", "00", "643", "Total", "2024-01-01"}) {
		t.Errorf("first cell codes %q", got)
	}
	if am[0].Status != "Provisional" || plain[0].Status != "Provisional" || am[1].Status != "Definitivo" || plain[1].Status != "Definitivo" {
		t.Errorf("statuses %q %q / %q %q", am[0].Status, am[1].Status, plain[0].Status, plain[1].Status)
	}
	if plain[0].Codes[1] != "Total Nacional. Rusia. Total. Población" {
		t.Errorf("name %q: the trailing '. ' stays", plain[0].Codes[1])
	}
	if c := am[4]; !c.Missing || c.Status != "Provisional" {
		t.Errorf("Valor null: %+v", c)
	}
	if c := plain[4]; !c.Missing || c.Status != "Provisional secreto" {
		t.Errorf("Secreto: %+v", c)
	}
	real := cellIndex(t, mustRead(t, "xlsx", "pop1ctz", realBytes(t, "KiraKicka-Ru-EU-Migration-Retention-Analyzer__migr_pop1ctz.xlsx"),
		map[string]string{"dim.geo": "TIME", "melt_dims": "year"}))
	for _, c := range am[:4] {
		if want := real["Spain|"+c.Codes[4][:4]].Value; c.Value != want {
			t.Errorf("%s: %v, Eurostat export says %v", c.Codes[4], c.Value, want)
		}
	}
}

func TestTempusPeriods(t *testing.T) {
	body := `{"COD":"X1","Nombre":"x. ","Data":[
{"Anyo":2024,"FK_Periodo":3,"Valor":1},{"Anyo":2024,"FK_Periodo":20,"Valor":2},{"Anyo":2024,"FK_Periodo":24,"Valor":3},
{"Anyo":2024,"FK_Periodo":28,"Valor":4},{"Anyo":2024,"T3_Periodo":"M11","Valor":5},{"Anyo":2024,"T3_Periodo":"T4","Valor":6},
{"Anyo":2024,"T3_Periodo":"A","Valor":7},{"NombrePeriodo":"2022 (avance)","Valor":8},
{"Anyo":2022,"FK_Periodo":27,"Fecha":1656626400000,"Valor":9}]}`
	cells := mustRead(t, "tempus", "serie.json", []byte(body), nil)
	var got []string
	for _, c := range cells {
		got = append(got, c.Codes[2])
	}
	want := []string{"2024M03", "2024Q2", "2024S2", "2024", "2024M11", "2024Q4", "2024", "2022 (avance)", "2022-07-01"}
	if !slices.Equal(got, want) {
		t.Errorf("periods %q, want %q", got, want)
	}
}

func TestTempusErrors(t *testing.T) {
	for name, c := range map[string]struct {
		body string
		pos  string
		says []string
	}{
		"bad value":    {`[{"COD":"A","Data":[{"Anyo":2024,"FK_Periodo":28,"Valor":1},{"Anyo":2024,"FK_Periodo":28,"Valor":"12"}]}]`, "$[0].Data[1]", []string{"Valor"}},
		"no data":      {`[{"COD":"A","Nombre":"a"}]`, "$[0]", []string{"without Data"}},
		"empty":        {`[]`, "$", []string{"no series"}},
		"no points":    {`[{"COD":"A","Data":[]}]`, "$", []string{"not one data point"}},
		"not a series": {`{"status":"La tabla no existe"}`, "$", []string{"no Data", "no existe"}},
		"no period":    {`{"COD":"A","Data":[{"Valor":1}]}`, "$.Data[0]", []string{"neither Anyo nor NombrePeriodo"}},
		"bad fecha":    {`{"COD":"A","Data":[{"Anyo":2020,"FK_Periodo":99,"Fecha":"soon","Valor":1}]}`, "$.Data[0]", []string{"not a date"}},
		"html":         {`<html><title>Error 500</title></html>`, "byte 0", []string{"HTML", "Error 500"}},
		"truncated":    {`[{"COD":"A","Data":[{"Anyo":20`, "", []string{"truncated"}},
		"nameless":     {`[{"Data":[]}]`, "$[0]", []string{"neither COD nor Nombre"}},
		"bad metadata": {`[{"COD":"A","MetaData":[{"Nombre":"x"}],"Data":[]}]`, "$[0].MetaData[0]", []string{"without its variable"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readBody(t, "tempus", "bad.json", []byte(c.body), nil)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
}

func FuzzTempus(f *testing.F) {
	for _, name := range []string{tempusAM, tempusPlain} {
		if b, err := readFileHead("testdata/"+name, 1<<20); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "tempus", "fuzz", body, map[string]string{"max_cells": "100000"})
		checkFuzzResult(t, "tempus", cells, err)
	})
}
