package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/internal/buildid"
	"github.com/emigre/emigre/internal/gobfile"
	"github.com/emigre/emigre/load"
)

// ParsedSuffix is appended to the warehouse's path to name the folder of
// parsed answers beside it.
const ParsedSuffix = ".parsed"

// parsedCache keeps each source's figures as this build of emigre last
// read them, one file per source and origin in a folder beside the
// warehouse, so that a refresh that gets the bytes it had (a 304, a pinned
// file) does not read them again: a data engineer expects a day on which
// nothing changed to cost a conditional request per dataset, not a parse.
//
// A file is used only when its key matches: the build of emigre (its Go
// build ID: any change to a reader changes it), the source as the run
// instantiated it, the origin, and every answer's address and SHA-256.
// Anything else reads the answers again. The answers are still checked for
// error pages (whose content type a 304 may not repeat). It is a cache and
// nothing more: delete the folder at any time, and a build whose ID cannot
// be read (not an ELF executable) never uses it.
type parsedCache struct {
	dir, build string
	warned     sync.Once // one warning a run when files cannot be kept
}

// newParsedCache is the cache of the run's warehouse; nil (no caching)
// without a build ID or a warehouse path. It removes what writes cut short
// by a kill left behind.
func newParsedCache(warehouse string) *parsedCache {
	build := buildid.Executable()
	if build == "" || warehouse == "" {
		return nil
	}
	c := &parsedCache{dir: warehouse + ParsedSuffix, build: build}
	gobfile.SweepTemps(c.dir, time.Now().Add(-time.Hour))
	return c
}

// parsedFile holds one source's figures, the key they were read under, and
// their summary (load.Summarise: what loading them would do), which a run
// that changes nothing needs and would otherwise make again from every
// figure. Answer is nil for figures the load refuses.
type parsedFile struct {
	Key    string
	Obs    []extractors.Observation
	Answer *load.Answer
}

// key identifies what a source's parse depends on; "" (nothing kept) for
// a source that does not encode. The request's secrets are left out: they
// change nothing that is read, and no hash of them should be kept.
func (c *parsedCache) key(f fetch.SourceFetch, origin string) string {
	h := sha256.New()
	fmt.Fprintf(h, "emigre parsed answers v1\n%s\n%s\n", c.build, origin)
	src := *f.Source
	src.Requests = make([]extractors.Request, len(f.Source.Requests))
	for i, r := range f.Source.Requests {
		r.Secrets = nil
		src.Requests[i] = r
	}
	// Maps encode in key order: the same source, the same key.
	if err := json.NewEncoder(h).Encode(src); err != nil {
		return ""
	}
	for _, r := range f.Responses {
		fmt.Fprintf(h, "%s %d %q %s\n", r.Request.RoleOrData(), r.Page, r.Request.URL, r.Entry.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// parsedName accepts the source ids and origins that make a file name.
var parsedName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// path is the source's file for origin; "" for names no file should have.
func (c *parsedCache) path(f fetch.SourceFetch, origin string) string {
	if !parsedName.MatchString(f.Source.ID) || !parsedName.MatchString(origin) {
		return ""
	}
	return filepath.Join(c.dir, f.Source.ID+"."+origin+".gob")
}

// get returns the figures (and their summary) last read from the same
// answers, if any.
func (c *parsedCache) get(f fetch.SourceFetch, origin string) (parsedFile, bool) {
	if c == nil {
		return parsedFile{}, false
	}
	path := c.path(f, origin)
	if path == "" {
		return parsedFile{}, false
	}
	var pf parsedFile
	if err := gobfile.Read(path, &pf); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			slog.Debug("unreadable parsed answer: reading the answer again", "source", f.Source.ID, "path", path, "error", err)
		}
		return parsedFile{}, false
	}
	if key := c.key(f, origin); key == "" || pf.Key != key {
		return parsedFile{}, false
	}
	return pf, true
}

// put keeps the figures read from the source's answers, replacing what
// the source's file held. A failure to keep them costs the next run a
// parse, nothing else: it is logged, not returned.
func (c *parsedCache) put(f fetch.SourceFetch, origin string, obs []extractors.Observation, answer *load.Answer) {
	if c == nil {
		return
	}
	path := c.path(f, origin)
	if path == "" {
		return
	}
	key := c.key(f, origin)
	if key == "" {
		return
	}
	if err := gobfile.Write(path, parsedFile{Key: key, Obs: obs, Answer: answer}); err != nil {
		c.warned.Do(func() {
			slog.Warn("could not keep the parsed answers beside the warehouse (the next run reads them again)",
				"folder", c.dir, "source", f.Source.ID, "error", err)
		})
	}
}
