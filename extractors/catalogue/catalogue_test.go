package catalogue

import (
	"bytes"
	"os"
	"testing"
)

func TestEmbeddedCatalogueIsValid(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources()) == 0 || len(c.Gaps()) == 0 {
		t.Fatalf("%d sources, %d gaps", len(c.Sources()), len(c.Gaps()))
	}
}

// TestSourcesPage keeps docs/sources.md in step with the catalogue.
func TestSourcesPage(t *testing.T) {
	var b bytes.Buffer
	if err := MustDefault().WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../docs/sources.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Error("docs/sources.md is out of date: run emigre docs (go run ./cmd/emigre docs)")
	}
}
