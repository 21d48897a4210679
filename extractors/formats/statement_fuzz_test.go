package formats

import (
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/sample"
)

// FuzzStatement feeds the statement reader mutated pages, seeded with the
// sample archive's statement pages: it must never panic, must fail only
// with a FormatError, and a figure it reads must be one finite,
// non-negative number.
func FuzzStatement(f *testing.F) {
	addSampleSeeds(f, func(b []byte) bool { return strings.Contains(strings.ToLower(string(b[:min(len(b), 512)])), "<html") })
	f.Add([]byte(`<html><head><meta charset="windows-1251"></head><body>12 345 граждан</body></html>`))
	f.Add([]byte("<p>около 40\u00a0тысяч граждан</p>"))
	params := map[string]string{"pattern": `(\d[\d\s.,]*) (?:тысяч )?граждан`, "scale": "1000", "max_bytes": "1000000"}
	f.Fuzz(func(t *testing.T, page []byte) {
		cells, err := readBody(t, "statement", "fuzz.html", page, params)
		if err != nil {
			var fe *extractors.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FormatError: %T %v", err, err)
			}
			return
		}
		if len(cells) != 1 {
			t.Fatalf("%d cells, want 1", len(cells))
		}
		if v := cells[0].Value; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("figure %v", v)
		}
	})
}

// addSampleSeeds seeds a fuzz target with the sample archive's bodies (up
// to 64 KiB) that keep selects: real answers of the catalogue's publishers.
func addSampleSeeds(f *testing.F, keep func([]byte) bool) {
	fsys := sample.FS()
	objects, _ := fs.Glob(fsys, "objects/*/*")
	for _, name := range objects {
		if b, err := fs.ReadFile(fsys, name); err == nil && len(b) < 64<<10 && keep(b) {
			f.Add(b)
		}
	}
}
