package sources_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

var update = flag.Bool("update", false, "rewrite SOURCES.md from the catalogue")

// sourcesMarkdown renders the catalogue as the README's table.
func sourcesMarkdown() string {
	var b strings.Builder
	b.WriteString("# Sources\n\n")
	b.WriteString("The catalogue registered by `extractors/sources`, one row per source (generated from the registry by\n")
	b.WriteString("`go test ./extractors/sources -run TestSourcesMarkdown -update`). Each source's notes say what was verified\n")
	b.WriteString("about its API and what is inferred; its sample snapshot is in `extractors/sample/archive`.\n\n")
	b.WriteString("| id | country | publisher | metric | format | cadence |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, s := range extractors.Sources() {
		var metric string
		switch {
		case s.Statement != nil:
			metric = fmt.Sprintf("statement (%s)", s.Statement.Measure)
		case s.Map.MetricDim != "":
			var ms []string
			for _, m := range s.Map.Metrics {
				if !slices.Contains(ms, string(m)) {
					ms = append(ms, string(m))
				}
			}
			slices.Sort(ms)
			metric = strings.Join(ms, ", ")
		default:
			metric = string(s.Map.Metric)
		}
		dest := s.Destination
		if dest == "" {
			dest = "(multi)" // each observation names its destination
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", s.ID, dest, s.Publisher, metric, s.Format, s.Cadence)
	}
	b.WriteString("\n## Countries with no source\n\n")
	b.WriteString("Destinations known to receive emigrants for which no usable figure was found (status \"" + extractors.GapStatus + "\"):\n")
	b.WriteString("reports name them so that a missing country is not read as zero.\n\n")
	b.WriteString("| country | why | evidence |\n| --- | --- | --- |\n")
	for _, g := range extractors.Gaps() {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", g.Country, g.Reason, g.Evidence)
	}
	return b.String()
}

// TestSourcesMarkdown keeps SOURCES.md in step with the registry.
func TestSourcesMarkdown(t *testing.T) {
	want := sourcesMarkdown()
	if *update {
		if err := os.WriteFile("SOURCES.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != want {
		t.Error("SOURCES.md is out of date: go test ./extractors/sources -run TestSourcesMarkdown -update")
	}
}
