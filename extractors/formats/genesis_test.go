package formats

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"hash/crc32"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/emigre/emigre/extractors"
)

const (
	genesisDE = "genesis/CorrelAid-pystatis__46181-0001_1773174944165_de_flat.csv"
	genesisEN = "genesis/CorrelAid-pystatis__46181-0001_1773175245062_en_flat.csv"
	genesis3G = "genesis/CorrelAid-pystatis__3000G-1008_1773175200276_de_flat.csv"
	genesisCb = "genesis/CorrelAid-restatis__cubefile-86e7c4-bdf8da-POST.csv"
)

// csvShape counts a flat file's data rows and columns as pandas would.
func csvShape(t *testing.T, body []byte) (rows, cols int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(string(bytes.TrimPrefix(body, utf8BOM)), "\n"), "\n")
	return len(lines) - 1, len(strings.Split(lines[0], ";"))
}

// MANIFEST facts: 46181-0001 has shape (16, 21) in German and English, the
// first value is 2780526000 (value_unit Person-km, GUT004), two measures
// interleaved row by row; the English file has the same codes and values.
func TestGenesisFlatFiles(t *testing.T) {
	de := readShared(t, "genesis", genesisDE, nil)
	en := readShared(t, "genesis", genesisEN, nil)
	rows, cols := csvShape(t, sharedBytes(t, genesisDE))
	if rows != 16 || cols != 21 {
		t.Fatalf("file shape (%d, %d), MANIFEST says (16, 21)", rows, cols)
	}
	wantDims(t, de, rows, "time", "DINSG", "VERAR1", "VERVZ4", "value_variable")
	wantCell(t, de, 0, 2780526000, "2023", "DG", "VERLINGVOBUS", "HAUPTVKBIN02", "GUT004")
	if de[1].Codes[4] != "VER013" {
		t.Errorf("second cell measure %q, want VER013 (measures interleaved)", de[1].Codes[4])
	}
	if len(en) != len(de) {
		t.Fatalf("English %d cells, German %d", len(en), len(de))
	}
	for i := range de {
		if !slices.Equal(de[i].Codes, en[i].Codes) || de[i].Value != en[i].Value || de[i].Missing != en[i].Missing {
			t.Errorf("cell %d: de %v=%v, en %v=%v", i, de[i].Codes, de[i].Value, en[i].Codes, en[i].Value)
		}
	}

	// 3000G-1008: (20, 17), a date as time, comma decimals, percent and
	// counts alternating in one value column.
	g := readShared(t, "genesis", genesis3G, nil)
	rows, cols = csvShape(t, sharedBytes(t, genesis3G))
	if rows != 20 || cols != 17 {
		t.Fatalf("file shape (%d, %d), MANIFEST says (20, 17)", rows, cols)
	}
	wantDims(t, g, 20, "time", "GEODL1", "GEBEN1", "value_variable")
	wantCell(t, g, 0, 53.9, "2022-05-15", "DG", "ENERG-GAS", "GEB001")
	wantValues(t, g, 1, 10755706, 0.1)
}

type vcrCassette struct {
	Interactions []struct {
		Request struct {
			URI  string `yaml:"uri"`
			Body string `yaml:"body"`
		} `yaml:"request"`
		Response struct {
			Body struct {
				String string `yaml:"string"`
			} `yaml:"body"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

// The tablefile answers recorded in the cassette are zips holding the flat
// files above: read through the zip they give the same cells.
func TestGenesisTablefileZip(t *testing.T) {
	var cas vcrCassette
	if err := yaml.Unmarshal(sharedBytes(t, "genesis/CorrelAid-pystatis__46181-0001.yaml"), &cas); err != nil {
		t.Fatal(err)
	}
	flat := map[string][]extractors.Cell{"de": readShared(t, "genesis", genesisDE, nil), "en": readShared(t, "genesis", genesisEN, nil)}
	zips := 0
	for i, it := range cas.Interactions {
		body := []byte(it.Response.Body.String)
		if !strings.HasSuffix(it.Request.URI, "/data/tablefile") {
			// metadata/table: JSON, which is not data.
			_, err := readBody(t, "genesis", "metadata.json", body, nil)
			wantFormatError(t, err, "$.Object", "46181-0001", "not data")
			continue
		}
		if !isZip(body) {
			t.Fatalf("interaction %d: tablefile answer is not a zip", i)
		}
		zips++
		lang := "de"
		if strings.Contains(it.Request.Body, "language=en") {
			lang = "en"
		}
		cells := mustRead(t, "genesis", "tablefile.zip", body, nil)
		want := flat[lang]
		if len(cells) != len(want) {
			t.Fatalf("interaction %d (%s): %d cells, the flat file has %d", i, lang, len(cells), len(want))
		}
		for j := range cells {
			if !slices.Equal(cells[j].Codes, want[j].Codes) || cells[j].Value != want[j].Value {
				t.Fatalf("interaction %d cell %d: %v=%v, flat file %v=%v", i, j, cells[j].Codes, cells[j].Value, want[j].Codes, want[j].Value)
			}
		}
	}
	_, err := readBody(t, "genesis", "cassette.yaml", sharedBytes(t, "genesis/CorrelAid-pystatis__46181-0001.yaml"), nil)
	wantFormatError(t, err, "line 1", "VCR cassette", "tablefile")
	if len(cas.Interactions) != 7 || zips == 0 {
		t.Errorf("%d interactions (MANIFEST: 7), %d tablefile zips", len(cas.Interactions), zips)
	}
}

// The metadata answers are not data: the error says which table and which
// time range, as the files say (read here from the files themselves).
func TestGenesisMetadataIsNotData(t *testing.T) {
	for _, rel := range []string{
		"genesis/CorrelAid-pystatis__46181-0001_metadata_table_de.json",
		"genesis/CorrelAid-pystatis__52111-0001_metadata_table_de.json",
		"genesis/CorrelAid-restatis__table-86e7c4-b5d932-POST.json",
	} {
		body := sharedBytes(t, rel)
		var meta struct {
			Status struct{ Code int }
			Object struct {
				Code string
				Time struct{ From, To string }
			}
		}
		if err := json.Unmarshal(body, &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Status.Code != 0 {
			t.Fatalf("%s: status %d, MANIFEST says 0", rel, meta.Status.Code)
		}
		_, err := readBody(t, "genesis", rel, body, nil)
		wantFormatError(t, err, "$.Object", meta.Object.Code, meta.Object.Time.From, meta.Object.Time.To, "not data")
	}
}

// The cube export: K/D blocks, facts with value, quality, locked and
// falsified columns; "D;DG;WZ08-49-01;NOMINAL;2024;136.6;p;;0.0" is the
// first fact (MANIFEST).
func TestGenesisCubefile(t *testing.T) {
	body := sharedBytes(t, genesisCb)
	cells := readShared(t, "genesis", genesisCb, nil)
	facts := 0
	inQEI := false
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "K;") {
			inQEI = strings.HasPrefix(line, "K;QEI;")
		} else if inQEI && strings.HasPrefix(line, "D;") {
			facts++
		}
	}
	wantDims(t, cells, facts, "DINSG", "WZ08N7", "WERTE4", "time", "value_variable")
	wantCell(t, cells, 0, 136.6, "DG", "WZ08-49-01", "NOMINAL", "2024", "UMS103")
	for _, c := range cells {
		if c.Status != "p" {
			t.Fatalf("cell %v status %q, want the quality flag p", c.Codes, c.Status)
		}
	}
}

// The older flat-file layout: German headers, one column per measure with
// its "__q" quality column, ISO-8859-1 (a reconstruction, testdata/reconstructed.md,
// with Germany's figures from the realdata Eurostat export).
func TestGenesisWideLayoutWithQuality(t *testing.T) {
	body := testdata(t, "genesis_12411_wide_latin1_reconstructed.csv")
	cells := mustRead(t, "genesis", "wide.csv", body, map[string]string{"charset": "iso-8859-1"})
	wantDims(t, cells, 4, "time", "DINSG", "STAAG", "value_variable")
	idx := cellIndex(t, cells)
	if c := idx["2024-01-01|DG|STAAG-RUS|BEVSTD"]; c.Status != "p" {
		t.Errorf("2024 status %q, want the quality flag p", c.Status)
	}
	if c := idx["2021-01-01|DG|STAAG-RUS|BEVSTD"]; !c.Missing || c.Status != "." {
		t.Errorf("'.' = %+v, want missing with status .", c)
	}
	real := cellIndex(t, mustRead(t, "xlsx", "pop1ctz", realBytes(t, "KiraKicka-Ru-EU-Migration-Retention-Analyzer__migr_pop1ctz.xlsx"),
		map[string]string{"dim.geo": "TIME", "melt_dims": "year"}))
	for _, y := range []string{"2022", "2023", "2024"} {
		wantAt(t, idx, y+"-01-01|DG|STAAG-RUS|BEVSTD", real["Germany|"+y].Value)
	}
	_, err := readBody(t, "genesis", "wide.csv", body, nil)
	wantFormatError(t, err, "line 1", "not UTF-8", "charset")
}

// zipOf builds a zip with the members given, compressed.
func zipOf(t testing.TB, members map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(members[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lyingZip has one member that declares declared bytes but inflates to
// actual zeros: a bomb that hides from a check of declared sizes.
func lyingZip(t testing.TB, name string, actual int, declared uint64) []byte {
	t.Helper()
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for n := 0; n < actual; n += len(zeros) {
		_, _ = fw.Write(zeros[:min(len(zeros), actual-n)])
	}
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(nil),
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(packed.Bytes())
	zw.Close()
	return b.Bytes()
}

// Zip bombs fail within bounded memory: an honest one by its declared
// ratio before anything is inflated, a lying one when it passes its
// declared size.
func TestGenesisZipBomb(t *testing.T) {
	honest := zipOf(t, map[string][]byte{"bomb_flat.csv": make([]byte, 16<<20)})
	_, err := readBody(t, "genesis", "bomb.zip", honest, nil)
	wantFormatError(t, err, "bomb_flat.csv", "max_zip_ratio", "zip bomb")

	lying := lyingZip(t, "liar_flat.csv", 64<<20, 1000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = readBody(t, "genesis", "liar.zip", lying, nil)
	runtime.ReadMemStats(&after)
	wantFormatError(t, err, "liar_flat.csv", "declares")
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("reading a 64 MiB bomb allocated %d MiB", grew>>20)
	}

	_, err = readBody(t, "genesis", "big.zip", honest, map[string]string{"max_unzipped_bytes": "1048576"})
	wantFormatError(t, err, "bomb_flat.csv", "max_unzipped_bytes=1048576")
}

func TestGenesisErrors(t *testing.T) {
	flat := sharedBytes(t, genesisDE)
	for name, c := range map[string]struct {
		body []byte
		pos  string
		says []string
	}{
		"two members":    {zipOf(t, map[string][]byte{"a.csv": flat, "b.csv": flat}), "", []string{"2 matching CSV members", "member parameter"}},
		"no csv member":  {zipOf(t, map[string][]byte{"readme.txt": []byte("x")}), "", []string{"0 matching"}},
		"broken zip":     {flat[:0:0], "", []string{"empty body"}},
		"job queued":     {[]byte(`{"Ident":{"Service":"data","Method":"tablefile"},"Status":{"Code":99,"Content":"Die Tabelle ist zu groß und wird als Job erstellt","Type":"Warnung"}}`), "$.Status", []string{"status 99", "Job"}},
		"error status":   {[]byte(`{"Status":{"Code":104,"Content":"Es gibt keine Objekte zum angegebenen Selektionskriterium","Type":"Fehler"}}`), "$.Status", []string{"status 104", "keine Objekte"}},
		"html":           {[]byte("<html><head><title>Wartungsarbeiten</title></head></html>"), "byte 0", []string{"HTML page", "Wartungsarbeiten"}},
		"bad value":      {bytes.Replace(flat, []byte(";2780526000;"), []byte(";27805x6000;"), 1), "line 2, column 18", []string{`"27805x6000"`}},
		"ragged row":     {append(bytes.Clone(flat), "46181;x;JAHR\n"...), "line 18, column 1", []string{"wrong number of fields"}},
		"no data":        {[]byte("statistics_code;time;value;value_variable_code\n"), "", []string{"no data rows"}},
		"not genesis":    {[]byte("a;b\n1;2\n"), "line 1", []string{"no time (Zeit) column"}},
		"cube no facts":  {[]byte("K;DQA;NAME\nD;DINSG\n"), "", []string{"without facts"}},
		"cube bad line":  {[]byte("K;DQA;NAME\nX;DINSG\n"), "line 2", []string{"not a GENESIS cube line"}},
		"cube qei first": {[]byte("K;QEI;FACH-SCHL;ZI-WERT;WERT;QUALITAET;GESPERRT;WERT-VERFAELSCHT\nD;DG;2024;1;p;;0\n"), "line 1", []string{"before the cube's axes"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readBody(t, "genesis", "bad", c.body, nil)
			wantFormatError(t, err, c.pos, c.says...)
		})
	}
	trunc := zipOf(t, map[string][]byte{"x_flat.csv": flat})
	_, err := readBody(t, "genesis", "trunc.zip", trunc[:len(trunc)/2], nil)
	wantFormatError(t, err, "", "zip")
}

func FuzzGenesis(f *testing.F) {
	fuzzSeeds(f, "genesis", 8<<10)
	f.Add([]byte("K;DQA;NAME\nD;DINSG\nK;DQZ;NAME\nD;JAHR\nK;DQI;NAME\nD;BEV001\nK;QEI;FACH-SCHL;ZI-WERT;WERT;QUALITAET;GESPERRT;WERT-VERFAELSCHT\nD;DG;2024;1,5;p;;0\n"))
	f.Add(zipOf(f, map[string][]byte{"a_flat.csv": []byte("Zeit;1_Merkmal_Code;1_Auspraegung_Code;X__Y__q;X__Y__Anzahl\n2024;DINSG;DG;e;12\n")}))
	params := map[string]string{"max_rows": "10000", "max_unzipped_bytes": "1048576"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "genesis", "fuzz", body, params)
		checkFuzzResult(t, "genesis", cells, err)
	})
}

// GENESIS numbers the variants of one classification per table (STAAG5 in
// 12531-0043, STAAG6 in 12521-0041): dim.ID=REGEX names the variable whose
// code matches, in flat files and cubes alike, so a mapping survives the
// number; two variables matching one rule are refused.
func TestGenesisDimPatterns(t *testing.T) {
	cells := readShared(t, "genesis", genesis3G, map[string]string{"dim.GEO": `^GEODL\d*$`})
	wantDims(t, cells, 20, "time", "GEO", "GEBEN1", "value_variable")
	wantCell(t, cells, 0, 53.9, "2022-05-15", "DG", "ENERG-GAS", "GEB001")

	cube := readShared(t, "genesis", genesisCb, map[string]string{"dim.BRANCH": `^WZ08`})
	if got := cube[0].Table.Dims; !slices.Equal(got, []string{"DINSG", "BRANCH", "WERTE4", "time", "value_variable"}) {
		t.Errorf("cube dims %q", got)
	}

	_, err := readBody(t, "genesis", genesis3G, sharedBytes(t, genesis3G), map[string]string{"dim.X": `^GE`})
	wantFormatError(t, err, "line 2", `dimension "X" appears twice`)
	if _, err := readBody(t, "genesis", genesis3G, sharedBytes(t, genesis3G), map[string]string{"dim.X": `(`}); err == nil ||
		!strings.Contains(err.Error(), "dim.X") {
		t.Errorf("a bad pattern: %v, want an error naming the parameter", err)
	}
}
