package formats

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/formats/internal/gentsv"
)

const (
	lifeTSV      = "eurostat-tsv/franciscojcsilva-life-expectancy__eu_life_expectancy_raw.tsv"
	lifePTCSV    = "eurostat-tsv/franciscojcsilva-life-expectancy__pt_life_expectancy_expected.csv"
	debtTSV      = "eurostat-tsv/christophergandrud-eurostat_revisions__tsdde410.tsv"
	namaTSV      = "eurostat-tsv/dataciviclab-eurostat__nama_10r_3gdp_sample.tsv"
	tsvLifeYears = 62 // 2021 down to 1960
)

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkLifeExpectancy(t *testing.T, cells []extractors.Cell) {
	t.Helper()
	wantDims(t, cells, 2912*tsvLifeYears, "unit", "sex", "age", "geo", "time")
	if r := cells[0].Table.Roles; r["time"] != "time" || r["geo"] != "geo" {
		t.Errorf("roles %v", r)
	}
	if n := countMissing(cells); n != 84933 {
		t.Errorf("%d missing cells, want 84933", n)
	}
	st := statuses(cells)
	for flag, n := range map[string]int{"b": 2949, "e": 238, "p": 309, "ep": 465, "bep": 156} {
		if st[flag] != n {
			t.Errorf("status %q on %d cells, want %d", flag, st[flag], n)
		}
	}
	for _, c := range cells {
		if c.Missing && c.Status != "" {
			t.Fatalf("missing cell %v has status %q: the file has no ': <flag>' cell", c.Codes, c.Status)
		}
	}
	pt := 0
	for _, c := range cells {
		if geo, _ := c.Code("geo"); geo == "PT" && !c.Missing {
			pt++
		}
	}
	if pt != 3173 {
		t.Errorf("%d non-missing PT cells, want 3173", pt)
	}
	c := lookup(t, cells, "", map[string]string{"unit": "YR", "sex": "M", "age": "Y65", "geo": "PT", "time": "2021"})
	if c.Missing || c.Value != 17.8 || c.Status != "e" {
		t.Errorf("YR,M,Y65,PT 2021 = %+v, want 17.8 e", c)
	}
	var xk []extractors.Cell
	for _, c := range cells[len(cells)-tsvLifeYears:] {
		if !c.Missing {
			xk = append(xk, c)
		}
	}
	if len(xk) != 1 || xk[0].Value != 58.3 || xk[0].Status != "p" || strings.Join(xk[0].Codes[:4], ",") != "YR,F,Y24,XK" {
		t.Errorf("last row's values %+v, want one 58.3 p on YR,F,Y24,XK", xk)
	}
}

func TestEurostatTSVSharedFiles(t *testing.T) {
	sharedChecks(t, "eurostat-tsv", map[string]func(t *testing.T, rel string){
		filepath.Base(lifeTSV): func(t *testing.T, rel string) {
			checkLifeExpectancy(t, readShared(t, "eurostat-tsv", rel, nil))
		},
		filepath.Base(lifePTCSV): func(t *testing.T, rel string) {
			// The expected table holds the PT cells of the TSV (in its own
			// order), flags removed and ":" dropped.
			records, err := csv.NewReader(bytes.NewReader(sharedBytes(t, rel))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(records[0], ",") != "unit,sex,age,country,year,life_expectancy" {
				t.Fatalf("header %q", records[0])
			}
			pt := map[string]float64{}
			for _, c := range readShared(t, "eurostat-tsv", lifeTSV, nil) {
				if geo, _ := c.Code("geo"); geo == "PT" && !c.Missing {
					pt[strings.Join(c.Codes, ",")] = c.Value
				}
			}
			rows := records[1:]
			if len(rows) != len(pt) {
				t.Fatalf("%d expected rows, reader has %d PT values", len(rows), len(pt))
			}
			for i, row := range rows {
				want, err := strconv.ParseFloat(row[5], 64)
				if err != nil {
					t.Fatal(err)
				}
				if got, ok := pt[strings.Join(row[:5], ",")]; !ok || got != want {
					t.Fatalf("row %d: expected %q, reader has %v (%v)", i+2, row, got, ok)
				}
			}
		},
		filepath.Base(debtTSV): func(t *testing.T, rel string) {
			cells := readShared(t, "eurostat-tsv", rel, nil)
			wantDims(t, cells, 68*20, "unit", "geo", "time")
			wantCell(t, cells, 0, 124398.7, "MIO_EUR", "AT", "1995")
			wantCell(t, cells, len(cells)-1, 88.2, "PC_GDP", "UK", "2014")
			for _, year := range []string{"1995", "1996"} {
				if c := lookup(t, cells, "", map[string]string{"unit": "MIO_EUR", "geo": "BG", "time": year}); !c.Missing {
					t.Errorf("MIO_EUR,BG %s = %v, want missing", year, c.Value)
				}
			}
		},
		filepath.Base(namaTSV): func(t *testing.T, rel string) {
			cells := readShared(t, "eurostat-tsv", rel, nil)
			wantDims(t, cells, 9*25, "freq", "unit", "geo", "TIME_PERIOD")
			if cells[0].Table.Roles["TIME_PERIOD"] != "time" {
				t.Errorf("roles %v", cells[0].Table.Roles)
			}
			for y := 2000; y <= 2024; y++ {
				c := lookup(t, cells, "", map[string]string{"unit": "EUR_HAB", "geo": "AL", "TIME_PERIOD": strconv.Itoa(y)})
				if missing := y < 2008 || y > 2022; c.Missing != missing {
					t.Errorf("AL %d missing = %v, want %v", y, c.Missing, missing)
				}
			}
			wantCell(t, cells, 8, 3100, "A", "EUR_HAB", "AL", "2008")
			wantCell(t, cells, 22, 6500, "A", "EUR_HAB", "AL", "2022")
		},
	})
}

func TestEurostatTSVGzip(t *testing.T) {
	plain := sharedBytes(t, lifeTSV)
	cells, err := readBody(t, "eurostat-tsv", "life.tsv.gz", gzipped(t, plain), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkLifeExpectancy(t, cells)
}

func TestEurostatTSVQuirks(t *testing.T) {
	// Flags without a space after ":", flagged missing cells, negative
	// values, a BOM, CRLF, no trailing space, a last line without LF.
	body := "\ufeffunit,citizen,geo\\time\t2022 \t2021\r\nNR,RU,DE\t: c\t-12 p\r\nNR,UA,DE\t:z \t1.5e3\r\n\r\nNR,BY,DE\t0 \t7"
	cells, err := readBody(t, "eurostat-tsv", "quirks.tsv", []byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDims(t, cells, 6, "unit", "citizen", "geo", "time")
	type want struct {
		codes   string
		value   float64
		missing bool
		status  string
	}
	for i, w := range []want{
		{"NR,RU,DE,2022", 0, true, "c"}, {"NR,RU,DE,2021", -12, false, "p"},
		{"NR,UA,DE,2022", 0, true, "z"}, {"NR,UA,DE,2021", 1500, false, ""},
		{"NR,BY,DE,2022", 0, false, ""}, {"NR,BY,DE,2021", 7, false, ""},
	} {
		c := cells[i]
		if strings.Join(c.Codes, ",") != w.codes || c.Value != w.value || c.Missing != w.missing || c.Status != w.status {
			t.Errorf("cell %d = %v %v missing=%v %q, want %+v", i, c.Codes, c.Value, c.Missing, c.Status, w)
		}
	}
	// Each cell owns its codes: a consumer may keep them.
	cells[0].Codes[0] = "changed"
	if cells[1].Codes[0] != "NR" {
		t.Error("cells share their codes")
	}
}

func TestEurostatTSVErrors(t *testing.T) {
	const head = "unit,geo\\time\t2021 \t2020 \n"
	for _, tc := range []struct {
		name, body string
		params     map[string]string
		position   string
		says       []string
	}{
		{"text value", head + "NR,DE\t12x \t3\n", nil, "line 2, column 2 (2021)", []string{`"12x"`}},
		{"zero for missing is not guessed", head + "NR,DE\t \t3\n", nil, "line 2, column 2 (2021)", []string{"empty cell"}},
		{"bad flags", head + "NR,DE\t12 (e)\t3\n", nil, "line 2, column 2 (2021)", []string{"flags"}},
		{"short key", head + "NR\t1 \t3\n", nil, "line 2, column 1", []string{"1 codes", "2 dimensions"}},
		{"long key", head + "NR,DE,X\t1 \t3\n", nil, "line 2, column 1", []string{"3 codes"}},
		{"missing column", head + "NR,DE\t1 \n", nil, "line 2", []string{"1 values", "2 columns"}},
		{"extra column", head + "NR,DE\t1 \t2 \t3\n", nil, "line 2", []string{"more values"}},
		{"no data", head, nil, "line 2", []string{"no data rows"}},
		{"empty", "", nil, "", []string{"empty body"}},
		{"html", "<!DOCTYPE html><html><title>Maintenance</title></html>\n", nil, "line 1", []string{"markup"}},
		{"not tsv", "unit,geo,time,value\nNR,DE,2021,3\n", nil, "line 1", []string{"not a Eurostat TSV header"}},
		{"duplicate year", "unit,geo\\time\t2021 \t2021 \n", nil, "line 1, column 3", []string{"also column 2"}},
		{"duplicate dim", "geo,geo\\time\t2021 \n", nil, "line 1, column 1", []string{"named twice"}},
		{"long line", head + "NR,DE\t1 \t" + strings.Repeat("9", 300) + "\n", map[string]string{"max_line_bytes": "100"}, "line 2", []string{"max_line_bytes=100"}},
		{"long cell", head + "NR,DE\t1 \t" + strings.Repeat("9", 300) + "\n", map[string]string{"max_cell_bytes": "100"}, "line 2, column 3 (2020)", []string{"max_cell_bytes=100"}},
		{"rows", head + "NR,DE\t1 \t2\nNR,FR\t1 \t2\n", map[string]string{"max_rows": "1"}, "line 3", []string{"max_rows=1"}},
		{"max_bytes", head + "NR,DE\t1 \t2\n", map[string]string{"max_bytes": "20"}, "", []string{"max_bytes=20"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBody(t, "eurostat-tsv", "bad.tsv", []byte(tc.body), tc.params)
			wantFormatError(t, err, tc.position, append(tc.says, "bad.tsv")...)
		})
	}
}

func TestEurostatTSVGzipLimits(t *testing.T) {
	body := []byte("unit,geo\\time\t2021 \nNR,DE\t1 \n")
	gz := gzipped(t, body)
	corrupted := append([]byte{}, gz...)
	corrupted[len(corrupted)-8] ^= 0xff // the CRC-32
	for _, tc := range []struct {
		name   string
		body   []byte
		params map[string]string
		says   string
	}{
		{"truncated", gz[:len(gz)-6], nil, "truncated gzip"},
		{"corrupt", corrupted, nil, "corrupt gzip"},
		{"unzipped size", gz, map[string]string{"max_unzipped_bytes": "10"}, "max_unzipped_bytes=10"},
		// One row repeated packs like a bomb.
		{"ratio", gzipped(t, append(body, bytes.Repeat([]byte("NR,DE\t1 \n"), 8<<20/9)...)), map[string]string{"max_zip_ratio": "50"}, "max_zip_ratio=50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBody(t, "eurostat-tsv", "bad.tsv.gz", tc.body, tc.params)
			wantFormatError(t, err, "", tc.says)
		})
	}
}

// TestEurostatTSVMemoryFlat reads a generated file through a pipe and
// checks that the live heap at the end of it is no larger than near its
// start: the reader holds a line, never the file. It also checks the
// reader against what the generator wrote.
func TestEurostatTSVMemoryFlat(t *testing.T) {
	size := int64(24 << 20)
	if testing.Short() {
		size = 8 << 20
	}
	pr, pw := io.Pipe()
	stats := make(chan gentsv.Stats, 1)
	go func() {
		st, err := gentsv.Write(pw, 7, size)
		stats <- st
		pw.CloseWithError(err)
	}()
	var (
		n, missing, flagged int64
		sum                 float64
		heap                []uint64
	)
	err := eurostatTSVReader{}.Read(context.Background(), extractors.Input{Name: "generated.tsv", Body: pr}, func(c extractors.Cell) error {
		n++
		if c.Missing {
			missing++
		} else {
			sum += c.Value
		}
		if c.Status != "" {
			flagged++
		}
		if n%500_000 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = append(heap, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st := <-stats
	if n != st.Cells || missing != st.Missing || flagged != st.Flagged || sum != st.Sum {
		t.Errorf("read %d cells, %d missing, %d flagged, sum %v; generator wrote %d, %d, %d, %v",
			n, missing, flagged, sum, st.Cells, st.Missing, st.Flagged, st.Sum)
	}
	if len(heap) < 3 {
		t.Fatalf("only %d heap samples", len(heap))
	}
	first, last := heap[0], heap[len(heap)-1]
	t.Logf("%d MB read; live heap %d KiB after the first 500k cells, %d KiB at the end", st.Bytes>>20, first>>10, last>>10)
	if last > first+1<<20 {
		t.Errorf("live heap grew from %d KiB to %d KiB over %d MB of input", first>>10, last>>10, st.Bytes>>20)
	}
}

func TestGeneratedTSVIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	sa, err := gentsv.Write(&a, 42, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gentsv.Write(&b, 42, 1<<20); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed and size, different bytes")
	}
	if sa.Bytes != int64(a.Len()) || sa.Bytes > 1<<20 || sa.Bytes < 1<<20-2048 {
		t.Errorf("wrote %d bytes (stats say %d) for size %d", a.Len(), sa.Bytes, 1<<20)
	}
	var c bytes.Buffer
	if _, err := gentsv.Write(&c, 43, 1<<20); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same bytes")
	}
}

// BenchmarkEurostatTSV reports the reader's throughput (MB/s) and
// allocations on a generated 64 MB file, plain and gzipped.
func BenchmarkEurostatTSV(b *testing.B) {
	var plain bytes.Buffer
	st, err := gentsv.Write(&plain, 1, 64<<20)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		body []byte
	}{{"plain", plain.Bytes()}, {"gzip", gzipped(b, plain.Bytes())}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(plain.Len()))
			b.ReportAllocs()
			for b.Loop() {
				var n int64
				err := eurostatTSVReader{}.Read(context.Background(), extractors.Input{Name: "bench.tsv", Body: bytes.NewReader(bc.body)},
					func(extractors.Cell) error { n++; return nil })
				if err != nil || n != st.Cells {
					b.Fatalf("%d cells, %v", n, err)
				}
			}
			b.ReportMetric(float64(st.Cells), "cells/op")
		})
	}
}

// checkFuzzResult is what every reader owes any input: a FormatError or
// well-formed cells, never a panic, never a silent empty result.
func checkFuzzResult(t *testing.T, format string, cells []extractors.Cell, err error) {
	t.Helper()
	if err != nil {
		var fe *extractors.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("%s: not a FormatError: %T %v", format, err, err)
		}
		return
	}
	if len(cells) == 0 {
		t.Fatalf("%s: no cells and no error", format)
	}
	for i, c := range cells {
		if c.Table == nil || len(c.Codes) != len(c.Table.Dims) {
			t.Fatalf("%s: cell %d has %d codes for dims %v", format, i, len(c.Codes), c.Table)
		}
		if c.Missing && c.Value != 0 || math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
			t.Fatalf("%s: cell %d = %+v", format, i, c)
		}
	}
}

// fuzzSeeds adds the shared files of a folder (their first maxBytes) as
// seeds.
func fuzzSeeds(f *testing.F, folder string, maxBytes int) {
	files, _ := filepath.Glob(filepath.Join(sharedFormats, folder, "*"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b[:min(len(b), maxBytes)])
		}
	}
}

func FuzzEurostatTSV(f *testing.F) {
	fuzzSeeds(f, "eurostat-tsv", 16<<10)
	f.Add([]byte("unit,citizen,geo\\time\t2022 \t2021\r\nNR,RU,DE\t: c\t-12 p\r\n"))
	f.Add(gzipped(f, []byte("unit,geo\\TIME_PERIOD\t2021 \nNR,DE\t1 e\n")))
	params := map[string]string{"max_line_bytes": "65536", "max_rows": "10000"}
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "eurostat-tsv", "fuzz", body, params)
		checkFuzzResult(t, "eurostat-tsv", cells, err)
		if err == nil && cells[0].Table.Dims[len(cells[0].Table.Dims)-1] == "" {
			t.Fatalf("empty column dimension: %v", cells[0].Table.Dims)
		}
	})
}

// TestDecimalFastAgreesWithParseFloat checks the fast path against strconv
// on every shape it accepts and some it must refuse.
func TestDecimalFastAgreesWithParseFloat(t *testing.T) {
	inputs := []string{"0", "-0", "7", "12.5", "-3.75", "0.1", "999999999999999", "123456789.012345",
		"1234567890123456", "1e3", "12.", ".5", "-", "", "1.2.3", "+1", "0x10"}
	for i := 0; i < 20000; i++ {
		inputs = append(inputs, strconv.FormatFloat(float64(i*7919%1000003)/float64(1+i%1000), 'f', i%7, 64))
	}
	for _, s := range inputs {
		got, ok := decimalFast([]byte(s))
		if !ok {
			continue
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("decimalFast(%q) = %v, ParseFloat = %v, %v", s, got, want, err)
		}
	}
	for _, s := range []string{"1234567890123456", "1e3", "12.", "-", "", "1.2.3", "+1", "0x10"} {
		if _, ok := decimalFast([]byte(s)); ok {
			t.Errorf("decimalFast(%q) accepted", s)
		}
	}
}
