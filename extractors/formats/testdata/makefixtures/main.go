// Command makefixtures writes the reconstructed test files of the grid,
// Tempus and OData readers (see ../reconstructed.md): small files in each
// publisher's documented format, holding figures read from the realdata
// Eurostat exports. (The sample archive has its own generator,
// extractors/sample/reconstruct.) Run from the module root:
//
//	go run ./extractors/formats/testdata/makefixtures -shared ../shared -out extractors/formats/testdata
package main

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

var (
	shared = flag.String("shared", "../shared", "the shared folder (realdata/)")
	out    = flag.String("out", "extractors/formats/testdata", "where to write the files")
)

// figures reads one country's row of a realdata Eurostat export: year -> value text.
func figures(table, country string) ([]string, map[string]string) {
	f, err := excelize.OpenFile(filepath.Join(*shared, "realdata", "KiraKicka-Ru-EU-Migration-Retention-Analyzer__"+table+".xlsx"))
	if err != nil {
		panic(err)
	}
	rows, _ := f.GetRows("Sheet 1", excelize.Options{RawCellValue: true})
	out := map[string]string{}
	var years []string
	for _, r := range rows[1:] {
		if r[0] == country {
			for i, v := range r[1:] {
				out[rows[0][i+1]] = v
				years = append(years, rows[0][i+1])
			}
		}
	}
	return years, out
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
		panic(err)
	}
}

func group(v string, sep string) string { // 272362 -> 272<sep>362
	n := len(v)
	var b strings.Builder
	for i, c := range v {
		if i > 0 && (n-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func main() {
	flag.Parse()
	odsUK()
	htmlDE()
	tempusES()
	odataNL()
	genesisDE()
	csvDE()
}

// odsUK writes the ODS file: United Kingdom valid and first permits (Home
// Office figures via Eurostat migr_resvalid, migr_resfirst).
func odsUK() {
	_, uk := figures("migr_resvalid", "United Kingdom")
	_, ukFirst := figures("migr_resfirst", "United Kingdom")
	years := []string{"2012", "2013", "2014", "2015", "2016", "2017", "2018"}
	var c strings.Builder
	c.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="Cover_sheet"><table:table-row><table:table-cell office:value-type="string"><text:p>Permits held by Russian nationals</text:p></table:table-cell></table:table-row></table:table>
<table:table table:name="Perm_01">
<table:table-row><table:table-cell office:value-type="string" table:number-columns-spanned="8"><text:p>Table Perm_01: Russian nationals, residence permits</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="7"/><table:table-cell table:number-columns-repeated="16376"/></table:table-row>
<table:table-row table:number-rows-repeated="1"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row><table:table-cell office:value-type="string" table:number-rows-spanned="2"><text:p>Measure</text:p></table:table-cell><table:table-cell office:value-type="string" table:number-columns-spanned="7"><text:p>Year</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="6"/></table:table-row>
<table:table-row><table:covered-table-cell/>`)
	for _, y := range years {
		fmt.Fprintf(&c, `<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>`, y, y)
	}
	c.WriteString("</table:table-row>\n")
	row := func(label string, fig map[string]string) {
		fmt.Fprintf(&c, `<table:table-row><table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>`, label)
		for _, y := range years {
			v := fig[y]
			if v == ":" || v == "" {
				c.WriteString(`<table:table-cell office:value-type="string"><text:p>[x]</text:p></table:table-cell>`)
				continue
			}
			fmt.Fprintf(&c, `<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>`, v, group(v, ","))
		}
		c.WriteString(`<table:table-cell table:number-columns-repeated="16376"/></table:table-row>` + "\n")
	}
	row("Valid permits on 31 December", uk)
	row("First permits<text:s/>issued", ukFirst)
	c.WriteString(`<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>`)
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.Create("META-INF/manifest.xml")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`))
	w, _ = zw.Create("content.xml")
	w.Write([]byte(c.String()))
	zw.Close()
	write("ods_uk_permits_reconstructed.ods", z.Bytes())
}

// htmlDE writes the HTML table: Germany's valid permits and population,
// Spain's permits; rowspan/colspan, NBSP and thin-space groups, <sup>
// footnotes, windows-1252.
func htmlDE() {
	_, deValid := figures("migr_resvalid", "Germany")
	_, dePop := figures("migr_pop1ctz", "Germany")
	_, esValid := figures("migr_resvalid", "Spain")
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html>
<html lang="de"><head><meta charset="windows-1252"><title>Ausländische Bevölkerung: Russische Föderation</title></head><body>
<h2>Navigation</h2><table class="layout"><tr><td>Start</td><td>Daten</td></tr></table>
<table class="data">
<caption>Tabelle 1: Russische Staatsangehörige – Aufenthaltstitel und Bevölkerung</caption>
<thead>
<tr><th rowspan="2">Land</th><th rowspan="2">Merkmal</th><th colspan="4">Jahr</th></tr>
<tr><th>2021</th><th>2022</th><th>2023</th><th>2024</th></tr>
</thead><tbody>
`)
	cells := func(fig map[string]string, sep string, footnote string) string {
		var b strings.Builder
		for i, y := range []string{"2021", "2022", "2023", "2024"} {
			v := fig[y]
			if v == ":" {
				b.WriteString("<td>–</td>")
				continue
			}
			t := group(v, sep)
			if i == 3 && footnote != "" {
				t += "<sup>" + footnote + "</sup>"
			}
			fmt.Fprintf(&b, "<td>%s</td>", t)
		}
		return b.String()
	}
	fmt.Fprintf(&h, "<tr><td rowspan=\"2\">Deutschland</td><td>Gültige Aufenthaltstitel</td>%s</tr>\n", cells(deValid, "&nbsp;", "1"))
	fmt.Fprintf(&h, "<tr><td>Bevölkerung am 1.&nbsp;Januar</td>%s</tr>\n", cells(dePop, "&thinsp;", ""))
	fmt.Fprintf(&h, "<tr><td>Spanien</td><td>Gültige Aufenthaltstitel</td>%s</tr>\n", cells(esValid, ".", ""))
	h.WriteString(`</tbody><tfoot><tr><td colspan="6">1) vorläufig. Quelle: Eurostat.</td></tr></tfoot></table>
</body></html>
`)
	enc, err := charmap.Windows1252.NewEncoder().String(h.String())
	if err != nil {
		panic(err)
	}
	write("htmltable_de_permits_reconstructed.html", []byte(enc))
}

// tempusES writes the Tempus3 answers: Spain's population of Russian
// nationality on 1 January (INE ECP), in the tip=AM and plain shapes.
func tempusES() {
	_, esPop := figures("migr_pop1ctz", "Spain")
	esYears := []string{"2024", "2023", "2022", "2021"} // newest first, as INE serves
	var am, plain strings.Builder
	am.WriteString(`[{"COD":"ECP320","Nombre":"Total Nacional. Rusia. Total. Población. ","T3_Unidad":"Personas","T3_Escala":" ","MetaData":[{"Id":16473,"T3_Variable":"Total Nacional","Nombre":"Total Nacional","Codigo":"00"},{"Id":10280,"T3_Variable":"Nacionalidad","Nombre":"Rusia","Codigo":"643"},{"Id":451,"T3_Variable":"Sexo","Nombre":"Total","Codigo":""}],"Data":[`)
	plain.WriteString(`[{"COD":"ECP320","Nombre":"Total Nacional. Rusia. Total. Población. ","FK_Unidad":3,"FK_Escala":1,"Data":[`)
	for i, y := range esYears {
		if i > 0 {
			am.WriteString(",")
			plain.WriteString(",")
		}
		tipo, fk := "Definitivo", 1
		if i == 0 {
			tipo, fk = "Provisional", 2
		}
		v := esPop[y]
		yi, _ := strconv.Atoi(y)
		// 1 January in Madrid = 23:00 UTC the day before.
		ms := (int64(yi-1970)*365 + int64((yi-1969)/4)) * 86400000
		ms -= 3600000
		fmt.Fprintf(&am, `{"Fecha":"%s-01-01T00:00:00.000+01:00","T3_TipoDato":"%s","T3_Periodo":"1 de enero","Anyo":%s,"Valor":%s}`, y, tipo, y, v)
		fmt.Fprintf(&plain, `{"Fecha":%d,"FK_TipoDato":%d,"FK_Periodo":26,"Anyo":%s,"Valor":%s,"Secreto":false}`, ms, fk, y, v)
	}
	am.WriteString(`]},{"COD":"ECP321","Nombre":"Total Nacional. Rusia. Hombres. Población. ","T3_Unidad":"Personas","T3_Escala":" ","MetaData":[{"Id":16473,"T3_Variable":"Total Nacional","Nombre":"Total Nacional","Codigo":"00"},{"Id":10280,"T3_Variable":"Nacionalidad","Nombre":"Rusia","Codigo":"643"},{"Id":452,"T3_Variable":"Sexo","Nombre":"Hombres","Codigo":"1"}],"Data":[{"Fecha":"2024-01-01T00:00:00.000+01:00","T3_TipoDato":"Provisional","T3_Periodo":"1 de enero","Anyo":2024,"Valor":null}]}]`)
	plain.WriteString(`]},{"COD":"ECP321","Nombre":"Total Nacional. Rusia. Hombres. Población. ","FK_Unidad":3,"FK_Escala":1,"Data":[{"Fecha":1704063600000,"FK_TipoDato":2,"FK_Periodo":26,"Anyo":2024,"Valor":null,"Secreto":true}]}]`)
	write("tempus_es_population_tipAM_reconstructed.json", []byte(am.String()))
	write("tempus_es_population_plain_reconstructed.json", []byte(plain.String()))
}

// odataNL writes the OData answers: CBS Netherlands population of Russian
// nationality on 1 January, v4 Observations and v3 TypedDataSet.
func odataNL() {
	_, nl := figures("migr_pop1ctz", "Netherlands")
	nlYears := []string{"2021", "2022", "2023", "2024"}
	var v4, v3 strings.Builder
	v4.WriteString(`{"@odata.context":"https://datasets.cbs.nl/odata/v1/CBS/03743/$metadata#Observations","value":[`)
	v3.WriteString(`{"odata.metadata":"https://opendata.cbs.nl/ODataApi/OData/03743/$metadata#Cbs.OData.WebAPI.TypedDataSet","value":[`)
	for i, y := range nlYears {
		if i > 0 {
			v4.WriteString(",")
			v3.WriteString(",")
		}
		fmt.Fprintf(&v4, `{"Id":%d,"Measure":"M000352","ValueAttribute":"None","Value":%s.0,"Geslacht":"T001038","Nationaliteit":"NAT9400","Perioden":"%sJJ00"}`, i, nl[y], y)
		fmt.Fprintf(&v3, `{"ID":%d,"Geslacht":"T001038","Nationaliteit":"NAT9400","Perioden":"%sJJ00","BevolkingOp1Januari_1":%s,"Immigratie_2":null}`, i, y, nl[y])
	}
	v4.WriteString(`,{"Id":4,"Measure":"M000352","ValueAttribute":"Impossible","Value":null,"Geslacht":"T001038","Nationaliteit":"NAT9400","Perioden":"2025JJ00"}],"@odata.nextLink":"https://datasets.cbs.nl/odata/v1/CBS/03743/Observations?$skip=5"}`)
	v3.WriteString(`]}`)
	write("odata_v4_cbs_population_reconstructed.json", []byte(v4.String()))
	write("odata_v3_cbs_population_reconstructed.json", []byte(v3.String()))
}

// genesisDE writes the older GENESIS flat file (German headers, wide
// measures with __q quality columns), ISO-8859-1.
func genesisDE() {
	_, dePop2 := figures("migr_pop1ctz", "Germany")
	var g strings.Builder
	g.WriteString("Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;1_Auspraegung_Code;1_Auspraegung_Label;2_Merkmal_Code;2_Merkmal_Label;2_Auspraegung_Code;2_Auspraegung_Label;BEVSTD__Bevölkerungsstand__Anzahl;BEVSTD__Bevölkerungsstand__q\r\n")
	for _, y := range []string{"2022", "2023", "2024"} {
		q := "e"
		if y == "2024" {
			q = "p"
		}
		fmt.Fprintf(&g, "12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;01.01.%s;DINSG;Deutschland insgesamt;DG;Deutschland;STAAG;Staatsangehörigkeit;STAAG-RUS;Russische Föderation;%s;%s\r\n", y, dePop2[y], q)
	}
	g.WriteString("12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;01.01.2021;DINSG;Deutschland insgesamt;DG;Deutschland;STAAG;Staatsangehörigkeit;STAAG-RUS;Russische Föderation;.;\r\n")
	latin, err := charmap.ISO8859_1.NewEncoder().String(g.String())
	if err != nil {
		panic(err)
	}
	write("genesis_12411_wide_latin1_reconstructed.csv", []byte(latin))
}

// csvDE writes the CSV file: windows-1251, ';', decimal comma, NBSP and
// thin-space groups, footnote markers, a title line.
func csvDE() {
	_, deFirst := figures("migr_resfirst", "Germany")
	var k strings.Builder
	k.WriteString("Таблица 1. Первые разрешения на жительство, граждане России\r\n")
	k.WriteString("Страна;Показатель;2021;2022;2023;2024\r\n")
	k.WriteString("\"Германия\";\"Первые разрешения\"")
	for i, y := range []string{"2021", "2022", "2023", "2024"} {
		sep := "\u00a0"
		if i%2 == 1 {
			sep = " "
		}
		v := group(deFirst[y], sep)
		if y == "2024" {
			v += "*"
		}
		k.WriteString(";" + v)
	}
	k.WriteString("\r\n\"Германия\";\"Доля, %\";0,5;0,7;0,8;..\r\n")
	k.WriteString("* предварительные данные\r\n")
	cyr, err := charmap.Windows1251.NewEncoder().String(k.String())
	if err != nil {
		panic(err)
	}
	write("csv_windows1251_reconstructed.csv", []byte(cyr))
}
