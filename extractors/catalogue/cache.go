package catalogue

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/internal/buildid"
	"github.com/emigre/emigre/internal/gobfile"
)

// The embedded catalogue, decoded, is kept between runs of one build of
// emigre: decoding its YAML is most of what a command does before its own
// work (about 20 of a one-shot no-change refresh's 250 ms on the
// development machine, 2026-12-05), and the embedded files cannot change
// without a new build. The file is keyed by the executable's Go build ID,
// which any change to the code or to the catalogue changes; it lives in
// the user's cache folder ($XDG_CACHE_HOME/emigre, ~/.cache/emigre), and
// only the newest build's is kept. A user's own catalogue folder is
// decoded every time. It is a cache and nothing more: delete it at any
// time; without a build ID (not an ELF executable) or a cache folder,
// nothing is kept.

// cacheDir is where the decoded catalogue is kept; "" keeps nothing.
var cacheDir = func() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "emigre")
}

// cachedCatalogue is a Catalogue as kept: its entries in the catalogue's
// order (each holding its source), and the rest as they are.
type cachedCatalogue struct {
	Entries    []*Entry
	Publishers map[string]Publisher
	Outlets    []Outlet
	Gaps       []extractors.Gap
	Sums       []extractors.ComponentSum
}

// buildName accepts the build IDs that make a file name: a Go build ID is
// four base64url hashes joined by slashes.
var buildName = regexp.MustCompile(`^[A-Za-z0-9_/-]+$`)

// cachePath is the kept catalogue of the running build; "" for none.
func cachePath() string {
	build, dir := buildid.Executable(), cacheDir()
	if build == "" || dir == "" || !buildName.MatchString(build) {
		return ""
	}
	return filepath.Join(dir, "catalogue-"+strings.ReplaceAll(build, "/", ".")+".gob")
}

// readCached returns the catalogue kept at path, if it can be read.
func readCached(path string) (*Catalogue, bool) {
	if path == "" {
		return nil, false
	}
	var cc cachedCatalogue
	if err := gobfile.Read(path, &cc); err != nil || len(cc.Entries) == 0 {
		if !errors.Is(err, fs.ErrNotExist) {
			slog.Debug("unreadable kept catalogue: decoding the embedded one", "path", path, "error", err)
		}
		return nil, false
	}
	c := &Catalogue{entries: map[string]*Entry{}, publishers: cc.Publishers, outlets: cc.Outlets, gaps: cc.Gaps, sums: cc.Sums}
	for _, e := range cc.Entries {
		if e == nil || e.Source == nil {
			return nil, false
		}
		c.entries[e.Source.ID] = e
		c.sources = append(c.sources, e.Source)
	}
	return c, true
}

// writeCached keeps c at path (a temporary file renamed into place, so a
// reader never sees half of one) and removes earlier builds' files. A
// failure costs the next command a decode: it is logged, not returned.
func writeCached(path string, c *Catalogue) {
	if path == "" {
		return
	}
	cc := cachedCatalogue{Publishers: c.publishers, Outlets: c.outlets, Gaps: c.gaps, Sums: c.sums}
	for _, s := range c.sources {
		cc.Entries = append(cc.Entries, c.entries[s.ID])
	}
	if err := gobfile.Write(path, cc); err != nil {
		slog.Debug("could not keep the decoded catalogue (the next command decodes it again)", "path", path, "error", err)
		return
	}
	gobfile.SweepTemps(filepath.Dir(path), time.Now().Add(-time.Hour))
	older, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "catalogue-*.gob"))
	for _, o := range older {
		if o != path {
			_ = os.Remove(o) // a cache: what cannot be removed now is removed another time
		}
	}
}
