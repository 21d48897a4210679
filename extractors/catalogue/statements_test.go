package catalogue_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestStatementPagesAreOfficialOrListedRelays checks every page of every
// statement (the first request and every earlier figure's): on the
// publisher's own domain, or on an outlet of outlets.yaml by its exact
// host; a relay names the speaker, said_on, relay_of and read_on; read_on
// is the day the sample's copy of the page was read.
func TestStatementPagesAreOfficialOrListedRelays(t *testing.T) {
	for _, p := range cat.StatementPages() {
		for _, prob := range p.Problems() {
			t.Errorf("%s: page %s %s", p.Source.ID, p.URL, prob)
		}
		for _, f := range p.Figures {
			page, ok := cat.Entry(p.Source.ID).SamplePage(p.URL)
			if !ok {
				t.Errorf("%s: no sample text of page %s", p.Source.ID, p.URL)
				continue
			}
			if read := page.FetchedAt.Format(time.DateOnly); f.ReadOn.Format(time.DateOnly) != read {
				t.Errorf("%s: read_on %s, but the sample's copy of %s was read on %s", p.Source.ID, f.ReadOn.Format(time.DateOnly), p.URL, read)
			}
		}
	}
}

// TestNoTypoHosts checks every request of every source for a mistyped host
// label ("nwww.koreaherald.com"): a copy stored under a wrong address is
// not the publisher's page.
func TestNoTypoHosts(t *testing.T) {
	for _, s := range cat.Sources() {
		for _, r := range s.Requests {
			u, err := url.Parse(r.URL)
			if err != nil {
				t.Errorf("%s: %v", s.ID, err)
				continue
			}
			first, _, _ := strings.Cut(u.Hostname(), ".")
			if first != "www" && strings.Contains(first, "ww") {
				t.Errorf("%s: host %s looks mistyped", s.ID, u.Hostname())
			}
		}
	}
}
