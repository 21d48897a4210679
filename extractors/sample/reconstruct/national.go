package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// National registers and censuses whose figures shared/realdata holds as a
// public repository transcribed or flattened them: written back in the
// publisher's API format.

func init() {
	families = append(families,
		family{name: "destatis-genesis", builds: func(s *extractors.Source) bool { return s.ID == destatisSource }, build: destatisBody},
		family{name: "cso-pxstat", builds: func(s *extractors.Source) bool { return s.ID == csoSource }, build: csoBody},
	)
}

const (
	destatisSource = "de-destatis-genesis-12521"
	destatisFile   = "realdata/vitcipher-W9_Capstone_Project_Round1__germany_foreign_population_by_citizenship__RU+Total.csv"
	csoSource      = "ie-cso-census-f5065"
	csoFile        = "realdata/mhbvr-irish-migration-stats__cso_F5065__RU+Total.csv"
)

// destatisFetched is the reconstructed fetch time: after the end-2025
// figures the transcription holds were on Destatis' page.
var destatisFetched = time.Date(2026, 6, 15, 8, 0, 0, 0, time.UTC)

// destatisBody writes the Russian Federation rows of the transcribed
// foreigners-register table as GENESIS answers data/tablefile with
// format=ffcsv: a zip holding one flat CSV (UTF-8 with a BOM, ';', LF), in
// the long layout Destatis' answers recorded by pystatis show.
func destatisBody(s *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	rows, err := readCSVRows(destatisFile, "year", "nationality", "population")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("\ufeffstatistics_code;statistics_label;time_code;time_label;time;" +
		"1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;" +
		"2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;" +
		"value;value_unit;value_variable_code;value_variable_label\n")
	n := 0
	for _, r := range rows {
		if r["nationality"] != "Russian Federation" {
			continue // the transcription's Total row has no attribute code in the table
		}
		if _, err := strconv.Atoi(r["population"]); err != nil {
			return nil, fmt.Errorf("shared/%s: year %s: population %q is not a whole number", destatisFile, r["year"], r["population"])
		}
		fmt.Fprintf(&b, "12521;Ausländerstatistik;STAG;Stichtag;%s-12-31;DINSG;Deutschland insgesamt;DG;Deutschland;"+
			"STAAG;Staatsangehörigkeit;ST160;Russische Föderation;%s;Anzahl;;Ausländer\n", r["year"], r["population"])
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("shared/%s: no Russian Federation rows", destatisFile)
	}
	stamp := strconv.FormatInt(destatisFetched.UnixMilli(), 10)
	name := "12521-0002_" + stamp + "_de_flat"
	body, err := zipOne(name+".csv", b.Bytes(), destatisFetched)
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/zip", "Content-Disposition": "attachment; filename=" + name + ".zip"}
	e.FetchedAt = destatisFetched
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: "shared/" + destatisFile + " (github.com/vitcipher/W9_Capstone_Project_Round1, " +
			"data/germany_foreign_population_by_citizenship.csv at commit 56b6d12; see shared/realdata/MANIFEST.tsv)",
		Published: "Destatis, foreigners statistic 12521 (Ausländerzentralregister), 31 December 2018-2025: the web table " +
			"'Ausländische Bevölkerung nach ausgewählten Staatsangehörigkeiten' (destatis.de, page " +
			"auslaendische-bevoelkerung-staatsangehoerigkeit-jahre) as the repository transcribed it",
		Note: fmt.Sprintf("The figures were transcribed from Destatis' web page by the repository's author, not recorded from "+
			"the GENESIS API: %d dates of the Russian Federation, written as a tablefile ffcsv answer (zipped, as GENESIS "+
			"serves it). The page gives totals only, so each date is one row with no breakdown by sex; a live answer's rows "+
			"by sex are summed by the source's mapping. Reconstructed, not recorded: the citizenship variable's code "+
			"(written STAAG; 12521-0002's own number is not known, the source matches any STAAG<n>), the measure code (left "+
			"empty, label 'Ausländer'), the file and zip member names, the headers and the fetch time. ST160 = Russische "+
			"Föderation, STAG/Stichtag and the column layout follow Destatis' answers recorded by CorrelAid/pystatis "+
			"(tests/cassettes/12531-0043.yaml, 46181-0001.yaml).", n),
	}
	return body, nil
}

// zipOne zips one member the way GENESIS does (deflated), with a fixed
// modification time so the archive is rebuilt byte for byte.
func zipOne(name string, body []byte, modified time.Time) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// csoBody writes the flattened census rows back as the PxStat JSON-stat 2.0
// answer they were flattened from: the same dataset layout, trimmed to the
// rows the flattened file kept (both sexes; all citizenships and Russia).
func csoBody(s *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	rows, err := readCSVRows(csoFile, "Statistic", "Statistic_code", "Census Year_code", "Sex", "Sex_code",
		"Citizenship", "Citizenship_code", "value")
	if err != nil {
		return nil, err
	}
	statLabel := ""
	citIndex, citLabel := []any{}, object{}
	var values []any
	for _, r := range rows {
		if r["Statistic_code"] != "F5065C01" || r["Census Year_code"] != "2022" || r["Sex_code"] != "-" {
			return nil, fmt.Errorf("shared/%s: a row outside F5065C01, 2022, both sexes: %v", csoFile, r)
		}
		v, err := strconv.ParseFloat(r["value"], 64)
		if err != nil || v != float64(int64(v)) {
			return nil, fmt.Errorf("shared/%s: %s: value %q is not a whole number", csoFile, r["Citizenship"], r["value"])
		}
		statLabel = r["Statistic"]
		citIndex = append(citIndex, r["Citizenship_code"])
		citLabel = append(citLabel, member{r["Citizenship_code"], r["Citizenship"]})
		values = append(values, int64(v))
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("shared/%s: no rows", csoFile)
	}
	api := "https://ws.cso.ie/public/api.restful/PxStat.Data.Cube_API.ReadDataset/F5065/"
	doc := object{
		{"class", "dataset"},
		{"dimension", object{
			{"STATISTIC", object{
				{"category", object{{"index", []any{"F5065C01"}}, {"label", object{{"F5065C01", statLabel}}},
					{"unit", object{{"F5065C01", object{{"decimals", 0}, {"label", "Number"}, {"position", "end"}}}}}}},
				{"label", "Statistic"}}},
			{"TLIST(A1)", object{{"category", object{{"index", []any{"2022"}}, {"label", object{{"2022", "2022"}}}}}, {"label", "Census Year"}}},
			{"C02199V02655", object{{"category", object{{"index", []any{"-"}}, {"label", object{{"-", rows[0]["Sex"]}}}}}, {"label", "Sex"}}},
			{"C04149V04916", object{{"category", object{{"index", citIndex}, {"label", citLabel}}}, {"label", "Citizenship"}}},
		}},
		{"extension", object{{"matrix", "F5065"}, {"language", object{{"code", "en"}, {"name", "English"}}},
			{"elimination", object{{"C02199V02655", "-"}, {"C04149V04916", "-"}}},
			{"subject", object{{"code", 76}, {"value", "Census 2022"}}},
			{"product", object{{"code", "C2022P5"}, {"value", "Profile 5 - Diversity, Migration, Ethnicity, Irish Travellers & Religion"}}},
			{"official", true},
			{"copyright", object{{"name", "Central Statistics Office, Ireland"}, {"code", "CSO"}, {"href", "https://www.cso.ie/"}}}}},
		{"href", api + "PX/2013/en"},
		{"id", []any{"STATISTIC", "TLIST(A1)", "C02199V02655", "C04149V04916"}},
		{"label", "Non-Irish citizens usually resident and present in the State by country of citizenship"},
		{"link", object{{"alternate", []any{
			object{{"type", "text/csv"}, {"href", api + "CSV/1.0/en"}},
			object{{"type", "application/json"}, {"href", api + "JSON-stat/2.0/en"}},
		}}}},
		{"note", []any{"A Citizenship question was asked for the first time on the Census 2022 form. Previously a question was asked on Nationality."}},
		{"role", object{{"geo", []any{"C04149V04916"}}, {"metric", []any{"STATISTIC"}}, {"time", []any{"TLIST(A1)"}}}},
		{"size", []any{1, 1, 1, len(values)}},
		{"updated", "2023-10-26T11:00:00.000Z"},
		{"value", values},
		{"version", "2.0"},
	}
	body, err := encode(doc)
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json; charset=utf-8"}
	e.FetchedAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: "shared/" + csoFile + " (github.com/mhbvr/irish-migration-stats, data/processed/naturalisation_baseline/cso_F5065.csv " +
			"at commit 749b252, flattened by the repository from CSO's PxStat answer; see shared/realdata/MANIFEST.tsv)",
		Published: "CSO, Census of Population 2022 Profile 5, table F5065 (" + api + "JSON-stat/2.0/en, updated 2023-10-26)",
		Note: fmt.Sprintf("CSO's PxStat JSON-stat 2.0 answer rebuilt from the repository's flattened CSV: %d citizenship rows "+
			"(all citizenships and the Russian Federation), both sexes only, as the file was trimmed; the whole answer has 179 "+
			"citizenships by 3 sexes. Dimension ids, the 'updated' stamp and the extension follow CSO's answer as the same "+
			"repository committed it (data/raw/naturalisation_baseline/cso_F5065.json); the fetch time is reconstructed.", len(values)),
	}
	return body, nil
}
