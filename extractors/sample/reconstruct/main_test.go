package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

const sharedDir = "../../../../shared"

// TestArchiveIsUpToDate regenerates the sample archive and compares it,
// byte for byte, with the one checked in: the generator is deterministic
// and the embedded archive matches the catalogue and the figures.
func TestArchiveIsUpToDate(t *testing.T) {
	if _, err := os.Stat(filepath.Join(sharedDir, eurostatCSV)); err != nil {
		t.Skipf("shared research folder not available (%v): cannot regenerate the sample", err)
	}
	a, b := t.TempDir(), t.TempDir()
	if err := run(sharedDir, a); err != nil {
		t.Fatal(err)
	}
	if err := run(sharedDir, b); err != nil {
		t.Fatal(err)
	}
	if diff := compareDirs(a, b); diff != "" {
		t.Fatalf("two runs differ: %s", diff)
	}
	if diff := compareDirs(a, "../archive"); diff != "" {
		t.Fatalf("extractors/sample/archive is stale (%s): run make sample (go run ./extractors/sample/reconstruct -shared ../shared -out extractors/sample/archive)", diff)
	}
}

func compareDirs(x, y string) string {
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			b, _ := os.ReadFile(p)
			m[filepath.ToSlash(rel)] = b
			return nil
		})
		return m
	}
	fx, fy := files(x), files(y)
	for k, v := range fx {
		w, ok := fy[k]
		if !ok {
			return k + " missing in " + y
		}
		if !bytes.Equal(v, w) {
			return k + " differs"
		}
	}
	for k := range fy {
		if _, ok := fx[k]; !ok {
			return k + " extra in " + y
		}
	}
	return ""
}

func TestFiguresTable(t *testing.T) {
	figs, err := parseFigures(figuresEuropeTSV)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range figs {
		k := f.Dataset + "|" + f.Destination + "|" + f.Period + "|" + f.Code
		if seen[k] {
			t.Errorf("figure %s given twice", k)
		}
		seen[k] = true
	}
}
