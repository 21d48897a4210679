package catalogue

import (
	"strings"
	"testing"
)

// The page rule on a made-up catalogue: the publisher's own domain passes,
// a listed outlet passes only on its exact host (a typo host does not), and
// a relay must say what it relays and when it was read.
func TestStatementPageRule(t *testing.T) {
	outlets := `- host: www.example-daily.com
  name: Example Daily
  kind: newspaper of record
  reason: A made-up outlet for this test.
`
	relay := strings.NewReplacer(
		"https://mpb.rks-gov.net/news/2024/residence", "https://www.example-daily.com/residence",
		"  speaker: {body: Ministry of Internal Affairs of Kosovo}",
		"  speaker: {body: Ministry of Internal Affairs of Kosovo, person: A. Spokesperson}\n  relay_of: the ministry's answer to Example Daily",
	).Replace(aStatement)
	for _, c := range []struct{ name, doc, want string }{
		{"own page", aStatement, ""},
		{"listed outlet", relay, ""},
		{"typo host", strings.Replace(relay, "www.example-daily.com", "nwww.example-daily.com", 1), "neither a domain of the publisher"},
		{"relay without relay_of", strings.Replace(relay, "\n  relay_of: the ministry's answer to Example Daily", "", 1), "relay_of"},
		{"relay without read_on", strings.Replace(relay, "  read_on: 2026-01-03\n", "", 1), "read_on"},
		{"own page claiming a relay", strings.Replace(aStatement, "  speaker: {body: Ministry of Internal Affairs of Kosovo}",
			"  speaker: {body: Ministry of Internal Affairs of Kosovo}\n  relay_of: an interview", 1), "own page, yet relay_of"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "outlets.yaml": outlets,
				"xk-interior-statement-2024.yaml": c.doc})
			cat, err := Load(embedded, dir)
			if err != nil {
				t.Fatal(err)
			}
			var probs []string
			for _, p := range cat.StatementPages() {
				if p.Source.ID == "xk-interior-statement-2024" {
					probs = append(probs, p.Problems()...)
				}
			}
			got := strings.Join(probs, "; ")
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Errorf("problems %q, want %q", got, c.want)
			}
		})
	}
}
