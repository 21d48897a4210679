package reliability

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/formats"
)

// deflateBomb returns a deflate stream of size bytes of spaces (a multiple
// of 1 MiB) and their CRC-32, built from one compressed MiB repeated: a
// block after a flush only refers back to spaces, so it can follow itself.
func deflateBomb(size int64) ([]byte, uint32) {
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = zw.Write(chunk)
	zw.Flush()
	first := bytes.Clone(buf.Bytes())
	buf.Reset()
	_, _ = zw.Write(chunk)
	zw.Flush()
	next := bytes.Clone(buf.Bytes())
	buf.Reset()
	zw.Close()
	out := append(first, bytes.Repeat(next, int(size>>20)-1)...)
	out = append(out, buf.Bytes()...)
	var crc uint32
	for range size >> 20 {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	return out, crc
}

// xlsxBomb is a workbook whose sheet inflates to 1 GiB. honest declares
// that size in the zip directory; otherwise the directory claims 4 KiB.
func xlsxBomb(t *testing.T, honest bool) []byte {
	t.Helper()
	const size = 1 << 30
	data, crc := deflateBomb(size)
	declared := uint64(size)
	if !honest {
		declared = 4 << 10
	}
	zw, done := workbookWithout(t, "xl/worksheets/sheet1.xml")
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(data)
	return done()
}

// workbookWithout starts a copy of a real workbook (excelize's, one sheet
// "Sheet1" with one cell) without the named member, for the caller to add
// its own; done closes it and returns its bytes.
func workbookWithout(t *testing.T, member string) (*zip.Writer, func() []byte) {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetCellValue("Sheet1", "A1", "country"); err != nil {
		t.Fatal(err)
	}
	book, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(book.Bytes()), int64(book.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range zr.File {
		if m.Name == member {
			continue
		}
		if err := zw.Copy(m); err != nil {
			t.Fatal(err)
		}
	}
	return zw, func() []byte {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// TestXLSXZipBomb is the matrix's zip bomb inside an XLSX. No catalogue
// source reads XLSX yet, so it goes to the xlsx reader directly, with its
// default limits: a sheet of 1 GiB, declared or hidden behind a declared
// 4 KiB, fails with a reason, allocating a bounded amount of memory.
func TestXLSXZipBomb(t *testing.T) {
	r, err := extractors.ReaderFor(formats.XLSX)
	if err != nil {
		t.Fatalf("no xlsx reader: %v", err) // never a skip: a rename must not turn the test into a no-op
	}
	for _, tc := range []struct {
		name   string
		honest bool
		reason []string
	}{
		{"declared 1 GiB", true, []string{"sheet1.xml", "zip bomb"}},
		// archive/zip inflates no further than the declared size: the
		// reader sees 4 KiB of blanks, a sheet without rows.
		{"declared 4 KiB", false, []string{"no data rows"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := xlsxBomb(t, tc.honest)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cells := 0
			err := r.Read(context.Background(), extractors.Input{Name: "bomb.xlsx", Body: bytes.NewReader(body)},
				func(extractors.Cell) error { cells++; return nil })
			runtime.ReadMemStats(&m1)
			grew := m1.TotalAlloc - m0.TotalAlloc
			t.Logf("%d KiB on the wire, 1 GiB inflated: %d MiB allocated: %v", len(body)>>10, grew>>20, err)
			if err == nil {
				t.Fatalf("a zip bomb was read (%d cells)", cells)
			}
			for _, want := range tc.reason {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if grew > 64<<20 {
				t.Errorf("reading the bomb allocated %d MiB, want < 64 MiB", grew>>20)
			}
		})
	}
}
