package reliability

import (
	"net/url"
	"testing"

	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/pipeline"
)

// TestOneRequestPerDataset runs a live refresh of the whole catalogue
// against the local publisher and counts what reaches each publisher's
// host: Eurostat gets one request per dataset, whatever the number of
// countries it answers for, and UNHCR one request for every country of
// asylum, plus the pages of its answer. (robots.txt is asked of the local
// server once, and counted apart.)
func TestOneRequestPerDataset(t *testing.T) {
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	opt := liveOptions(dir, srv)
	opt.Sources = catalogue.MustDefault().Sources() // the whole catalogue, live-only sources too
	if _, err := pipeline.Run(t.Context(), opt); err != nil {
		t.Fatal(err)
	}
	hits := srv.HostHits()
	datasets := map[string]int{}
	for _, s := range catalogue.MustDefault().Sources() {
		switch s.PublisherID {
		case "eurostat":
			datasets["ec.europa.eu"]++
		case "unhcr":
			datasets["api.unhcr.org"]++
		}
	}
	pages := 0
	for _, e := range mustSampleEntries(t) {
		if e.Source == "unhcr-asylum-applications" {
			pages++
		}
	}
	for host, want := range map[string]int{"ec.europa.eu": datasets["ec.europa.eu"], "api.unhcr.org": pages} {
		if hits[host] != want {
			t.Errorf("%s received %d requests, want %d (one per dataset, plus pages)", host, hits[host], want)
		}
	}
	if datasets["ec.europa.eu"] != 7 || datasets["api.unhcr.org"] != 1 || pages != 2 {
		t.Errorf("%d Eurostat datasets, %d UNHCR sources, %d pages: the catalogue changed", datasets["ec.europa.eu"],
			datasets["api.unhcr.org"], pages)
	}
	if hits["robots.txt"] > 1 {
		t.Errorf("robots.txt asked %d times of one host", hits["robots.txt"])
	}
	t.Logf("requests per host: %v", hits)
}

// mustSampleEntries are the manifest lines of the embedded sample archive.
func mustSampleEntries(t *testing.T) []archive.Entry {
	t.Helper()
	a, err := archive.OpenFS(sample.FS())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// ServePerHost gives every publisher's host an address of its own, as
// publishers have: a live refresh then asks each host's robots.txt once,
// and its data requests arrive as they do at one address.
func TestServePerHost(t *testing.T) {
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.ServePerHost()
	addresses := map[string]string{}
	for from, to := range srv.Mirrors() {
		u, err := url.Parse(to)
		if err != nil {
			t.Fatal(err)
		}
		if other, ok := addresses[u.Host]; ok {
			t.Errorf("%s and %s share the address %s", from, other, u.Host)
		}
		addresses[u.Host] = from
	}
	if _, err := pipeline.Run(t.Context(), liveOptions(t.TempDir(), srv)); err != nil {
		t.Fatal(err)
	}
	hits := srv.HostHits()
	asked, datasets := 0, 0
	for host, n := range hits {
		if host != "robots.txt" && n > 0 {
			asked++
		}
	}
	for _, s := range srv.Sources() {
		if s.PublisherID == "eurostat" {
			datasets++
		}
	}
	if hits["ec.europa.eu"] != datasets || hits["robots.txt"] != asked {
		t.Errorf("ec.europa.eu received %d requests (want %d, one per dataset); robots.txt asked %d times of %d hosts",
			hits["ec.europa.eu"], datasets, hits["robots.txt"], asked)
	}
}
