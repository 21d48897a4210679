package gobfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

type kept struct {
	Name   string
	Values []float64
}

// What is written is read back whole; a second write replaces the first;
// no temporary file is left.
func TestWriteThenRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "kept.gob")
	for _, v := range []kept{{"first", []float64{1, 2}}, {"second", []float64{3}}} {
		if err := Write(path, v); err != nil {
			t.Fatal(err)
		}
		var got kept
		if err := Read(path, &got); err != nil || got.Name != v.Name || len(got.Values) != len(v.Values) {
			t.Fatalf("read %+v, %v; want %+v", got, err, v)
		}
	}
	if temps, _ := filepath.Glob(filepath.Join(dir, "sub", TempPattern)); len(temps) != 0 {
		t.Errorf("temporary files left: %v", temps)
	}
	if err := os.WriteFile(path, []byte("not gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Read(path, &kept{}); err == nil {
		t.Error("a file that is not gob was read")
	}
}

// A write a kill cut short leaves a temporary file; it is removed once it
// is old enough that no process can still be writing it.
func TestCutShortWritesAreSwept(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, ".tmp-1"), filepath.Join(dir, ".tmp-2")
	for _, f := range []string{old, fresh} {
		if err := os.WriteFile(f, []byte("half a file"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	SweepTemps(dir, time.Now().Add(-time.Hour))
	if _, err := os.Stat(old); err == nil {
		t.Error("a write cut short two hours ago is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a write begun just now was removed: %v", err)
	}
}
