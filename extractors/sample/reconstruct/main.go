// Command reconstruct rebuilds the sample archive that `emigre run
// --offline` replays: one snapshot per request of every catalogued source,
// written in the publisher's real format from figures the publisher really
// published.
//
//	go run ./extractors/sample/reconstruct -shared ../shared -out extractors/sample/archive
//
// Eurostat figures come from shared/realdata (Data Browser exports and
// extracts of Russian-citizen tables); a statement's page text and figures
// relayed from a national release come from the source's catalogue file
// (its sample section), each next to the page that published it. Every
// snapshot's manifest entry says so (provenance kind "reconstructed"). The
// output is deterministic: fixed fetch times, sources in catalogue order,
// so regenerating gives identical bytes.
//
// Each publisher family (eurostat.go, pxweb.go, statements.go, ircc.go,
// us.go, unhcr.go) registers the builder of its snapshots from its own
// file, so adding a family never means editing this one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared research folder (realdata/, sources/)")
	out := flag.String("out", "extractors/sample/archive", "the archive directory to (re)write")
	flag.Parse()
	if err := run(*shared, *out); err != nil {
		fmt.Fprintln(os.Stderr, "reconstruct:", err)
		os.Exit(1)
	}
}

// sharedRoot is the shared research folder of the current run, for
// builders that serve real files from it.
var sharedRoot string

// inputs is what a builder may read besides the source: the Eurostat rows
// of every shared extract, and the source's catalogue entry (its sample
// section).
type inputs struct {
	eurostat eurostatRows
	entry    *catalogue.Entry
	// origin is the citizenship the answer is for (ISO alpha-2), and
	// originCode how the source writes it; a builder without figures for
	// it returns errNotInSample.
	origin, originCode string
}

// sampleOrigins are the citizenships the shared files hold figures for:
// Russian citizens throughout, Ukrainian citizens in Eurostat's valid
// permits and the whole files of IRCC and the State Department. A source
// that asks for the run's origin gets an answer per origin it has figures
// for.
var sampleOrigins = []string{"RU", "UA"}

// A family builds the snapshots of the sources it knows: builds says which,
// build writes one request's answer in the publisher's format and fills the
// manifest entry (headers, fetch time, provenance).
type family struct {
	name   string
	builds func(s *extractors.Source) bool
	build  func(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error)
	// page writes a discovery request's page in the publisher's markup,
	// linking the source's sample.link; nil for discoveryPage, a plain
	// listing of that one link.
	page func(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error)
}

// families are added from each family's file.
var families []family

// run rewrites the archive in out from scratch.
func run(shared, out string) error {
	sharedRoot = shared
	cat, err := catalogue.Default()
	if err != nil {
		return err
	}
	es, err := loadEurostat(filepath.Join(shared, eurostatCSV))
	if err != nil {
		return err
	}
	for _, load := range eurostatLoaders {
		if err := load(shared, cat, es); err != nil {
			return err
		}
	}
	if err := clearArchive(out); err != nil {
		return err
	}
	a, err := archive.Open(out)
	if err != nil {
		return err
	}
	for _, s := range cat.Sources() {
		if err := buildSource(a, cat, es, s); err != nil {
			return err
		}
	}
	return nil
}

// buildSource writes the answers to the source's requests, for each origin
// it asks for that the shared files have figures of; a source the sample
// holds nothing of (catalogue: live_only) gets none.
func buildSource(a *archive.Archive, cat *catalogue.Catalogue, es eurostatRows, s *extractors.Source) error {
	entry := cat.Entry(s.ID)
	if entry.LiveOnly != nil {
		return nil
	}
	f, err := familyOf(s)
	if err != nil {
		return err
	}
	origins := sampleOrigins[:1]
	if s.OriginCode != "" {
		origins = sampleOrigins
	}
	done := map[string]bool{} // requests already answered (a whole file filtered after reading is one)
	for _, origin := range origins {
		r, err := catalogue.ForRun(s, catalogue.RunParams{Origin: origin})
		if err != nil {
			return err
		}
		code := origin
		if s.OriginCode != "" {
			if code, err = catalogue.OriginIn(s.OriginCode, origin); err != nil {
				return err
			}
		}
		in := inputs{eurostat: es, entry: entry, origin: origin, originCode: code}
		for _, req := range r.Requests {
			if done[req.MethodOrGet()+" "+req.URL+" "+req.Body] {
				continue
			}
			done[req.MethodOrGet()+" "+req.URL+" "+req.Body] = true
			if req.RoleOrData() == extractors.RoleDiscovery {
				// The page and the file it links (the source's sample.link).
				if err := putRequest(a, f, r, req, in); err != nil {
					return err
				}
				continue
			}
			pages, err := reconstructPages(f, r, req, in)
			switch {
			case errors.Is(err, errNotInSample) && origin != sampleOrigins[0]:
				continue // no figures of this origin: an offline run says "not in the sample archive"
			case err != nil:
				return fmt.Errorf("%s: %s: %w", s.ID, req.URL, err)
			}
			for _, p := range pages {
				if _, err := a.Put(p.body, p.entry); err != nil {
					return fmt.Errorf("%s: %w", s.ID, err)
				}
			}
		}
	}
	return nil
}

// familyOf is the one family that builds the source's snapshots.
func familyOf(s *extractors.Source) (family, error) {
	var found []family
	for _, f := range families {
		if f.builds(s) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return family{}, fmt.Errorf("%s: no reconstruction for this source: add a family to the sample generator", s.ID)
	default:
		return family{}, fmt.Errorf("%s: both %s and %s would build it", s.ID, found[0].name, found[1].name)
	}
}

// clearArchive removes a previous manifest and its objects (and nothing
// else), so the archive holds exactly one snapshot per request.
func clearArchive(out string) error {
	if err := os.Remove(filepath.Join(out, archive.ManifestName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(filepath.Join(out, "objects"))
}

// putRequest writes one request's answer; for a discovery request, its
// page and the data file the page links to, fetched at the same time.
func putRequest(a *archive.Archive, f family, s *extractors.Source, req extractors.Request, in inputs) error {
	discovery := req
	if req.RoleOrData() == extractors.RoleDiscovery {
		if in.entry == nil || in.entry.Sample == nil || in.entry.Sample.Link == "" {
			return fmt.Errorf("%s: a discovery request needs sample.link in the source's file", s.ID)
		}
		req = extractors.Request{Role: extractors.RoleData, URL: in.entry.Sample.Link}
	}
	body, e, err := reconstruct(f, s, req, in)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", s.ID, req.URL, err)
	}
	if _, err := a.Put(body, e); err != nil {
		return fmt.Errorf("%s: %w", s.ID, err)
	}
	if discovery.RoleOrData() != extractors.RoleDiscovery {
		return nil
	}
	page, pe, err := pageOf(f, s, discovery, in, e.FetchedAt)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", s.ID, discovery.URL, err)
	}
	if _, err := a.Put(page, pe); err != nil {
		return fmt.Errorf("%s: %w", s.ID, err)
	}
	return nil
}

func reconstruct(f family, s *extractors.Source, req extractors.Request, in inputs) ([]byte, archive.Entry, error) {
	e := archive.Entry{
		Source:        s.ID,
		Method:        req.MethodOrGet(),
		URL:           req.URL,
		RequestSHA256: archive.HashBytes([]byte(req.Body)),
		Status:        200,
	}
	body, err := f.build(s, in, &e)
	return body, e, err
}

// answerPage is one archived answer: a whole answer, or a page of one.
type answerPage struct {
	body  []byte
	entry archive.Entry
}

// pagedBuild is a family that writes a paged request's pages itself (each
// with its entry, URLs set); the others write one answer per request.
type pagedBuild func(s *extractors.Source, req extractors.Request, in inputs) ([]answerPage, error)

// pagedBuilders are the families that page, by name.
var pagedBuilders = map[string]pagedBuild{}

func reconstructPages(f family, s *extractors.Source, req extractors.Request, in inputs) ([]answerPage, error) {
	if req.Paging != nil {
		b, ok := pagedBuilders[f.name]
		if !ok {
			return nil, fmt.Errorf("a paged request, and family %s does not write pages", f.name)
		}
		return b(s, req, in)
	}
	body, e, err := reconstruct(f, s, req, in)
	if err != nil {
		return nil, err
	}
	return []answerPage{{body, e}}, nil
}

// readShared reads a file of the shared research folder.
func readShared(rel string) ([]byte, error) {
	if sharedRoot == "" {
		return nil, fmt.Errorf("no shared folder set")
	}
	b, err := os.ReadFile(filepath.Join(sharedRoot, rel))
	if err != nil {
		return nil, fmt.Errorf("reading shared/%s: %w", rel, err)
	}
	return b, nil
}
