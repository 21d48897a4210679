package catalogue

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// A statement's page is the official body's own page wherever one exists.
// A relay is allowed only where the body publishes nothing online (or
// nothing that can be read): then it must be an outlet listed in
// outlets.yaml, and the statement says who spoke, when, what the page
// relays and when it was read.

// StatementPage is one page a statement source reads figures from, and
// whose page it is.
type StatementPage struct {
	Source  *extractors.Source
	URL     string
	Host    string
	Figures []*extractors.StatementEntry
	// Own: the page is on one of the publisher's own domains.
	Own bool
	// Outlet is the listed outlet the page is on, when it is a relay.
	Outlet *Outlet
}

// StatementPages returns every page of every statement source, in the
// order of the sources and their requests.
func (c *Catalogue) StatementPages() []StatementPage {
	var out []StatementPage
	for _, s := range c.sources {
		if s.Statement == nil {
			continue
		}
		pub := c.publishers[s.PublisherID]
		for _, r := range s.Requests {
			p := StatementPage{Source: s, URL: r.URL, Figures: s.StatementFigures(r.URL)}
			if u, err := url.Parse(r.URL); err == nil {
				p.Host = strings.ToLower(u.Hostname())
			}
			p.Own = onDomain(p.Host, pub.Domains)
			for i := range c.outlets {
				if c.outlets[i].Host == p.Host {
					p.Outlet = &c.outlets[i]
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// onDomain reports whether host is one of the domains or under one: a
// body owns its subdomains (dubai.mid.ru, pc-axis.geostat.ge).
func onDomain(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// Problems says what breaks the rule for this page: a host that is neither
// the publisher's nor a listed outlet (an outlet is matched by its exact
// host, so a typo such as nwww.example.com never passes for www.example.com),
// a relay that does not say who spoke, when, what it relays and when it was
// read, an own page that claims to relay.
func (p StatementPage) Problems() []string {
	var probs []string
	if len(p.Figures) == 0 {
		probs = append(probs, "gives none of the statement's figures")
	}
	switch {
	case p.Own:
		for _, f := range p.Figures {
			if f.RelayOf != "" {
				probs = append(probs, fmt.Sprintf("is the body's own page, yet relay_of says it relays %q", f.RelayOf))
			}
		}
	case p.Outlet == nil:
		probs = append(probs, fmt.Sprintf("host %s is neither a domain of the publisher (publishers.yaml) nor a listed outlet (outlets.yaml)", p.Host))
	}
	for _, f := range p.Figures {
		if f.Speaker.Body == "" || f.SaidOn.IsZero() || f.ReadOn.IsZero() {
			probs = append(probs, "a figure lacks its speaker's body, said_on or read_on")
		}
		if !p.Own && f.RelayOf == "" {
			probs = append(probs, "a relayed figure does not say what the page relays (relay_of)")
		}
	}
	return probs
}

// Where says whose page it is, for people: "own page (gov.uk)" or
// "relay: Reuters (wire agency, reuters.com)".
func (p StatementPage) Where() string {
	switch {
	case p.Own:
		return "own page (" + p.Host + ")"
	case p.Outlet != nil:
		return fmt.Sprintf("relay: %s (%s, %s)", p.Outlet.Name, p.Outlet.Kind, p.Host)
	}
	return "unlisted host " + p.Host
}
