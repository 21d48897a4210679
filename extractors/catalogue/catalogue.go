// Package catalogue reads the sources: configured instances of the readers,
// kept as data. Each source is one YAML file under sources/ (named by its
// id, in a folder per destination); publishers.yaml names the official
// bodies, outlets.yaml the relays a statement may cite, gaps.yaml the
// destinations without a source, sums.yaml the destinations estimated as a
// sum of named gross components. The files beside this package are
// embedded in the binary; a user's own folder of the same layout adds
// sources or overrides them by id, without recompiling. Every file is
// validated on load, and a problem names the file, the line and the field.
package catalogue

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emigre/emigre/extractors"
	_ "github.com/emigre/emigre/extractors/formats" // the readers the sources name
)

//go:embed publishers.yaml outlets.yaml gaps.yaml sums.yaml sources
var embedded embed.FS

// The catalogue's files besides the sources.
const (
	PublishersFile = "publishers.yaml"
	OutletsFile    = "outlets.yaml"
	GapsFile       = "gaps.yaml"
	SumsFile       = "sums.yaml"
)

// Catalogue is every source, publisher, outlet and gap, validated.
type Catalogue struct {
	sources    []*extractors.Source // by destination, then id
	entries    map[string]*Entry
	publishers map[string]Publisher
	outlets    []Outlet
	gaps       []extractors.Gap
	sums       []extractors.ComponentSum
}

// Entry is one source with what its file says for tests and the sample.
type Entry struct {
	Source   *extractors.Source
	Expected []Expected // figures the publisher published, for tests
	Sample   *Sample    // inputs of the sample generator, when it needs them
	// LiveOnly is set for a source that is not in the sample archive.
	LiveOnly *LiveOnly
}

// LiveOnly says a source's answer is fetched live only: no real figures
// here reconstruct it, so the sample archive has no snapshot of it. Its
// reader and mapping are tested on a fixture with made-up figures.
type LiveOnly struct {
	Reason   string
	Fixture  string     // a file in extractors/catalogue/testdata, *_madeup.*
	Expected []Expected // the fixture's made-up figures
}

// FixtureDir is where live-only sources' fixtures are, relative to this
// package's folder.
const FixtureDir = "testdata"

// Expected is one published figure a source's sample (or fixture) must
// read to.
type Expected struct {
	Destination string
	Metric      extractors.Metric
	Period      extractors.Period
	Value       float64
	Missing     bool
}

// Sample is what the sample generator needs for a source whose figures are
// not in a shared file: the pages of a statement, or figures a release
// published.
type Sample struct {
	// Link is the data file a discovery request's page links to in the
	// sample (the release the figures are from).
	Link    string
	Pages   []SamplePage
	Figures []SampleFigure
}

// SamplePage is a statement's page as it was read.
type SamplePage struct {
	URL        string // an earlier figure's page; empty for the first request
	Lang       string
	Title      string
	Published  string
	FetchedAt  time.Time
	Paragraphs []string
	Note       string
}

// SamplePage returns the text of the statement page at url as the sample
// keeps it: the page without a url answers the source's first request.
func (e *Entry) SamplePage(url string) (SamplePage, bool) {
	if e == nil || e.Sample == nil || len(e.Source.Requests) == 0 {
		return SamplePage{}, false
	}
	for _, p := range e.Sample.Pages {
		if p.URL == url || (p.URL == "" && url == e.Source.Requests[0].URL) {
			return p, true
		}
	}
	return SamplePage{}, false
}

// SampleFigure is one published figure with the page that relays it.
type SampleFigure struct {
	Period, Code string
	Value        float64
	Evidence     string
}

// Publisher is an official body.
type Publisher struct {
	ID, Name, Homepage, Licence string
	Domains                     []string // its own web domains
	Notes                       string
}

// Outlet is a relay a statement may cite when the body publishes nothing
// online itself, with the reason it is trusted.
type Outlet struct {
	Host, Name, Kind, Reason string
}

// OutletKinds are the kinds of relay the catalogue accepts.
var OutletKinds = []string{"wire agency", "public broadcaster", "newspaper of record"}

var (
	defaultOnce sync.Once
	defaultCat  *Catalogue
	defaultErr  error
)

// Default is the embedded catalogue. It is validated by the package's
// tests, so an error here is a build that skipped them. It is decoded once
// per build of emigre and kept (cache.go).
func Default() (*Catalogue, error) {
	defaultOnce.Do(func() { defaultCat, defaultErr = loadEmbedded(cachePath()) })
	return defaultCat, defaultErr
}

// loadEmbedded is the embedded catalogue as kept at path, or decoded (and
// then kept) when there is none there ("" keeps nothing).
func loadEmbedded(path string) (*Catalogue, error) {
	if c, ok := readCached(path); ok {
		return c, nil
	}
	c, err := Load(embedded, "")
	if err == nil {
		writeCached(path, c)
	}
	return c, err
}

// MustDefault is Default for tests and tools; it panics on an invalid
// embedded catalogue.
func MustDefault() *Catalogue {
	c, err := Default()
	if err != nil {
		panic(err)
	}
	return c
}

// Embedded is the catalogue folder built into the binary.
func Embedded() fs.FS { return embedded }

// Open is the embedded catalogue with the user's folder over it; an empty
// dir is the embedded catalogue alone.
func Open(dir string) (*Catalogue, error) {
	if dir == "" {
		return Default()
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("catalogue folder %s: not a readable folder", dir)
	}
	return Load(embedded, dir)
}

// Load reads the catalogue in base and, when dir is set, the user's folder
// over it: a source of the same id replaces the embedded one, publishers,
// outlets, gaps and sums are added or replaced by key.
func Load(base fs.FS, dir string) (*Catalogue, error) {
	var probs []Problem
	l := &loader{probs: &probs, pubs: map[string]Publisher{}, docs: map[string]sourceFile{}}
	l.folder(base, "")
	if dir != "" {
		l.folder(os.DirFS(dir), dir)
	}
	c := l.build()
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return c, nil
}

// sourceFile is a source document not yet validated (publishers must be
// known first).
type sourceFile struct {
	d   doc
	doc *sourceDoc
}

type loader struct {
	probs   *[]Problem
	pubs    map[string]Publisher
	outlets map[string]Outlet
	gaps    map[string]extractors.Gap
	sums    map[string]sumFile    // by destination
	docs    map[string]sourceFile // by id
	order   []string
}

// folder reads one catalogue folder; prefix names it in messages.
func (l *loader) folder(fsys fs.FS, prefix string) {
	name := func(p string) string {
		if prefix == "" {
			return path.Join("extractors/catalogue", p)
		}
		return path.Join(prefix, p)
	}
	var sources []string // source files, decoded together below
	err := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		if !slices.Contains([]string{PublishersFile, OutletsFile, GapsFile, SumsFile}, p) {
			sources = append(sources, p)
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		switch p {
		case PublishersFile:
			l.publishers(name(p), data)
		case OutletsFile:
			l.outletFile(name(p), data)
		case GapsFile:
			l.gapFile(name(p), data)
		case SumsFile:
			l.sumFile(name(p), data)
		}
		return nil
	})
	if err != nil {
		*l.probs = append(*l.probs, Problem{File: prefix, Msg: err.Error()})
	}
	for _, ds := range decodeSources(fsys, sources, name) {
		l.sourceFile(ds, prefix != "")
	}
}

// decodedSource is one source file decoded, with what its decoding found
// wrong.
type decodedSource struct {
	d     doc
	sd    *sourceDoc
	ok    bool
	probs []Problem
}

// decodeSources reads and decodes the source files, one worker per CPU
// (YAML decoding is most of a catalogue's load, and every command that
// reads the catalogue waits for it), and returns them in the order given.
func decodeSources(fsys fs.FS, files []string, name func(string) string) []decodedSource {
	out := make([]decodedSource, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				ds := &out[i]
				ds.sd = &sourceDoc{}
				data, err := fs.ReadFile(fsys, files[i])
				if err != nil {
					ds.probs = append(ds.probs, Problem{File: name(files[i]), Msg: err.Error()})
					continue
				}
				ds.d, ds.ok = decode(name(files[i]), data, ds.sd, &ds.probs)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func (l *loader) publishers(file string, data []byte) {
	var docs []publisherDoc
	d, ok := decode(file, data, &docs, l.probs)
	if !ok {
		return
	}
	for i, p := range docs {
		f := fmt.Sprintf("[%d]", i)
		if !reID.MatchString(p.ID) || p.Name == "" || p.Homepage == "" || p.Licence == "" {
			d.problem(f, "a publisher needs id (lower case), name, homepage and licence")
		}
		l.pubs[p.ID] = Publisher{ID: p.ID, Name: p.Name, Homepage: p.Homepage, Licence: strings.TrimSpace(p.Licence),
			Domains: p.Domains, Notes: strings.TrimSpace(p.Notes)}
	}
}

func (l *loader) outletFile(file string, data []byte) {
	var docs []outletDoc
	d, ok := decode(file, data, &docs, l.probs)
	if !ok {
		return
	}
	if l.outlets == nil {
		l.outlets = map[string]Outlet{}
	}
	for i, o := range docs {
		f := fmt.Sprintf("[%d]", i)
		if o.Host == "" || o.Name == "" || strings.TrimSpace(o.Reason) == "" {
			d.problem(f, "an outlet needs host, name and the reason it is trusted")
		}
		if !slices.Contains(OutletKinds, o.Kind) {
			d.problem(f+".kind", "%q: want one of %s", o.Kind, quoteList(OutletKinds))
		}
		l.outlets[o.Host] = Outlet{Host: o.Host, Name: o.Name, Kind: o.Kind, Reason: strings.TrimSpace(o.Reason)}
	}
}

func (l *loader) gapFile(file string, data []byte) {
	var docs []gapDoc
	d, ok := decode(file, data, &docs, l.probs)
	if !ok {
		return
	}
	if l.gaps == nil {
		l.gaps = map[string]extractors.Gap{}
	}
	for i, g := range docs {
		f := fmt.Sprintf("[%d]", i)
		if !reCountry.MatchString(g.Country) {
			d.problem(f+".country", "%q is not an ISO 3166-1 alpha-2 code", g.Country)
		}
		if strings.TrimSpace(g.Reason) == "" || strings.TrimSpace(g.Evidence) == "" {
			d.problem(f, "a gap needs the reason nothing qualifies and the evidence checked")
		}
		l.gaps[g.Country] = extractors.Gap{Country: g.Country, Reason: strings.TrimSpace(g.Reason),
			Evidence: strings.TrimSpace(g.Evidence), Checked: d.date(g.Checked, f+".checked", true)}
	}
}

func (l *loader) sourceFile(ds decodedSource, user bool) {
	*l.probs = append(*l.probs, ds.probs...)
	if !ds.ok {
		return
	}
	d, sd, file := ds.d, ds.sd, ds.d.file
	d.probs = l.probs // what validating it finds goes with the rest
	if want := sd.ID + ".yaml"; path.Base(file) != want {
		d.problem("id", "%q: the file of a source is named after its id (%s)", sd.ID, want)
	}
	if prev, dup := l.docs[sd.ID]; dup {
		if !user || !strings.HasPrefix(prev.d.file, "extractors/catalogue/") {
			d.problem("id", "%q is also the id of %s", sd.ID, prev.d.file)
			return
		}
		slog.Info("catalogue: a source of the user's folder replaces the embedded one", "source", sd.ID, "file", file)
	} else {
		l.order = append(l.order, sd.ID)
	}
	l.docs[sd.ID] = sourceFile{d: d, doc: sd}
}

func (l *loader) build() *Catalogue {
	c := &Catalogue{entries: map[string]*Entry{}, publishers: l.pubs}
	for _, id := range l.order {
		sf := l.docs[id]
		e, ok := sf.d.source(sf.doc, l.pubs)
		if !ok {
			continue
		}
		c.entries[id] = e
		c.sources = append(c.sources, e.Source)
	}
	slices.SortFunc(c.sources, func(a, b *extractors.Source) int {
		if a.Destination != b.Destination {
			return strings.Compare(a.Destination, b.Destination)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, o := range l.outlets {
		c.outlets = append(c.outlets, o)
	}
	slices.SortFunc(c.outlets, func(a, b Outlet) int { return strings.Compare(a.Host, b.Host) })
	for _, g := range l.gaps {
		c.gaps = append(c.gaps, g)
	}
	slices.SortFunc(c.gaps, func(a, b extractors.Gap) int { return strings.Compare(a.Country, b.Country) })
	c.sums = l.checkSums(c)
	return c
}

// Sources returns every source, ordered by destination then id (sources
// that cover many destinations first).
func (c *Catalogue) Sources() []*extractors.Source { return slices.Clone(c.sources) }

// SampleSources returns the sources the sample archive holds: every source
// but the live-only ones.
func (c *Catalogue) SampleSources() []*extractors.Source {
	var out []*extractors.Source
	for _, s := range c.sources {
		if c.entries[s.ID].LiveOnly == nil {
			out = append(out, s)
		}
	}
	return out
}

// ErrUnknownSource is the error of a source id the catalogue lacks.
var ErrUnknownSource = errors.New("unknown source")

// Source returns the source with the id.
func (c *Catalogue) Source(id string) (*extractors.Source, error) {
	e, ok := c.entries[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSource, id)
	}
	return e.Source, nil
}

// Entry returns the source with the id and what its file says for tests and
// the sample; nil when there is none.
func (c *Catalogue) Entry(id string) *Entry { return c.entries[id] }

// Publisher returns the publisher with the id.
func (c *Catalogue) Publisher(id string) (Publisher, bool) {
	p, ok := c.publishers[id]
	return p, ok
}

// Outlets returns the relays statements may cite, by host.
func (c *Catalogue) Outlets() []Outlet { return slices.Clone(c.outlets) }

// Gaps returns the destinations without a source, by country.
func (c *Catalogue) Gaps() []extractors.Gap { return slices.Clone(c.gaps) }

// Sums returns the destinations estimated as a sum of named gross
// components, by destination.
func (c *Catalogue) Sums() []extractors.ComponentSum { return slices.Clone(c.sums) }

// EstimableDestinations are the countries with a source that feeds an
// estimate (each source's destination, or every country a multi-country
// answer covers, of the sources counting something other than asylum
// applications), with those sources' ids: the count `emigre sources`
// prints. A country of the gaps register is left out even when an answer
// lists it: the register says no source gives it a figure (Eurostat's
// population answer lists Azerbaijan, Serbia and others with none for
// Russian citizens).
func (c *Catalogue) EstimableDestinations() map[string][]string {
	gap := map[string]bool{}
	for _, g := range c.gaps {
		gap[g.Country] = true
	}
	out := map[string][]string{}
	for _, s := range c.sources {
		if !s.FeedsEstimate() {
			continue
		}
		for _, d := range s.Destinations() {
			if !gap[d] {
				out[d] = append(out[d], s.ID)
			}
		}
	}
	return out
}
