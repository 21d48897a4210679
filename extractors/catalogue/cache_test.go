package catalogue

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The embedded catalogue kept after its first decode is what the next
// load returns, equal to a fresh decode in every source, entry, publisher,
// outlet, gap and sum; a kept file that cannot be read is decoded again.
func TestTheDecodedCatalogueIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalogue-test.gob")
	decoded, err := loadEmbedded(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the decoded catalogue was not kept: %v", err)
	}
	kept, err := loadEmbedded(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, decoded) {
		t.Fatal("the kept catalogue differs from the decoded one")
	}
	for _, s := range kept.Sources() {
		if kept.Entry(s.ID).Source != s {
			t.Fatalf("%s: the entry's source is not the catalogue's", s.ID)
		}
	}

	// Taken as kept: a change to the kept file shows (so the file is what
	// was used).
	c, _ := readCached(path)
	c.sources[0].Title = "changed in the kept file"
	writeCached(path, c)
	if again, _ := loadEmbedded(path); again.Sources()[0].Title != "changed in the kept file" {
		t.Error("the kept catalogue was not used")
	}

	// Unreadable: decoded again, and kept again.
	if err := os.WriteFile(path, []byte("not a catalogue"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := loadEmbedded(path)
	if err != nil || !reflect.DeepEqual(again, decoded) {
		t.Fatalf("an unreadable kept file: %v, or not the decoded catalogue", err)
	}
	if c, ok := readCached(path); !ok || !reflect.DeepEqual(c, decoded) {
		t.Error("the catalogue decoded again was not kept again")
	}
}

// Only the newest build's file is kept; without a place, nothing is.
func TestOnlyTheNewestBuildsCatalogueIsKept(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(embedded, "")
	if err != nil {
		t.Fatal(err)
	}
	older, newer := filepath.Join(dir, "catalogue-a.gob"), filepath.Join(dir, "catalogue-b.gob")
	writeCached(older, c)
	writeCached(newer, c)
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Errorf("an earlier build's catalogue is still kept: %v", err)
	}
	if _, ok := readCached(newer); !ok {
		t.Error("the newest build's catalogue is not kept")
	}
	writeCached("", c) // nowhere: nothing to do, no panic
	if _, ok := readCached(""); ok {
		t.Error("a catalogue read from nowhere")
	}
}
