// Package archive keeps every response the fetcher receives: bodies stored
// once by SHA-256, and a JSON-lines manifest of what was asked and answered.
// A later live run sends conditional requests from it; an offline run
// replays it through Replay, the same code path as a live fetch.
package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// ManifestName is the manifest's file name inside an archive directory.
const ManifestName = "manifest.jsonl"

// Entry is one manifest line: one response received for one request.
type Entry struct {
	Source        string            `json:"source"`
	Method        string            `json:"method"`
	URL           string            `json:"url"`
	RequestSHA256 string            `json:"request_sha256,omitempty"` // hash of a POST body
	Status        int               `json:"status"`
	Header        map[string]string `json:"header,omitempty"` // Content-Type and the like
	ETag          string            `json:"etag,omitempty"`
	LastModified  string            `json:"last_modified,omitempty"`
	FetchedAt     time.Time         `json:"fetched_at"`
	SHA256        string            `json:"sha256"` // the body; for a 304, the unchanged body's
	Size          int64             `json:"size"`
	Provenance    *Provenance       `json:"provenance,omitempty"`
}

// Provenance says what a stored body is. Live runs record "recorded";
// sample snapshots rebuilt from published figures say "reconstructed" and
// from where.
type Provenance struct {
	Kind      string `json:"kind"`                // "recorded" or "reconstructed"
	From      string `json:"from,omitempty"`      // the file or table the figures were taken from
	Published string `json:"published,omitempty"` // the page or release that published them
	Note      string `json:"note,omitempty"`
}

// Sample reports whether the entry belongs to a sample snapshot rather than a
// live recording.
func (e Entry) Sample() bool { return e.Provenance != nil && e.Provenance.Kind == "reconstructed" }

// RequestKey identifies a request: method, URL and the hash of its body.
func RequestKey(method, url, bodySHA string) string { return method + " " + url + " " + bodySHA }

// Key returns the entry's request key.
func (e Entry) Key() string { return RequestKey(e.Method, e.URL, e.RequestSHA256) }

// HashBytes returns the hex SHA-256 of b ("" for an empty request body, so a
// GET's key has no hash).
func HashBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return Sum(b)
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Archive is a content-addressed store with its manifest. An archive opened
// from a directory can be written; one opened from an fs.FS (the sample
// embedded in the binary) is read-only.
type Archive struct {
	fsys fs.FS
	dir  string // "" when read-only

	replay bool // opened to replay: creates nothing, not even an index

	mu     sync.Mutex
	latest map[string]Entry // request key -> the newest entry with a body
	// decoded counts the manifest lines the open read: those after the
	// index (index.go), or all of them.
	decoded int
}

// Open opens (creating if needed) the archive in dir.
func Open(dir string) (*Archive, error) {
	if err := os.MkdirAll(filepath.Join(dir, "objects"), 0o755); err != nil {
		return nil, fmt.Errorf("archive %s: %w", dir, err)
	}
	a := &Archive{fsys: os.DirFS(dir), dir: dir}
	if err := a.load(); err != nil {
		return nil, fmt.Errorf("archive %s: %w", dir, err)
	}
	return a, nil
}

// OpenReplay opens the archive in dir to replay it, creating nothing: a
// folder that does not exist or holds no manifest is an error (CheckReplay),
// not an empty archive whose every request would fail.
func OpenReplay(dir string) (*Archive, error) {
	if err := CheckReplay(dir); err != nil {
		return nil, err
	}
	a := &Archive{fsys: os.DirFS(dir), dir: dir, replay: true}
	if err := a.load(); err != nil {
		return nil, fmt.Errorf("archive %s: %w", dir, err)
	}
	return a, nil
}

// CheckReplay says whether dir is an archive a run can replay: an existing
// folder with a manifest.
func CheckReplay(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("archive %s does not exist (a live run records one: emigre run --archive %s)", dir, dir)
	case err != nil:
		return fmt.Errorf("archive %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("archive %s is not a folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err != nil {
		return fmt.Errorf("archive %s has no %s: not an archive a run recorded", dir, ManifestName)
	}
	return nil
}

// OpenFS opens a read-only archive from a file system (the embedded sample).
func OpenFS(fsys fs.FS) (*Archive, error) {
	a := &Archive{fsys: fsys}
	if err := a.load(); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return a, nil
}

// Dir is the archive's directory, "" for a read-only archive.
func (a *Archive) Dir() string { return a.dir }

// load reads the newest entry with a body per request: from the index and
// the manifest's lines after it, or the whole manifest when the index is
// missing or does not match it. It writes a new index when it read many
// lines past the old one.
func (a *Archive) load() error {
	a.latest = map[string]Entry{}
	f, size, err := a.openManifest()
	if err != nil || f == nil {
		return err
	}
	defer f.Close()
	from := int64(0)
	if ix := a.readIndex(f, size); ix != nil {
		for _, e := range ix.Latest {
			a.latest[e.Key()] = e
		}
		from = ix.Covers
	}
	end, lines, err := a.scanLines(f, from, size)
	if err != nil {
		return err
	}
	a.decoded = lines
	if lines >= indexEvery {
		_ = a.writeIndex(f, end) // a cache: without it the next open reads more
	}
	return nil
}

func (a *Archive) add(e Entry) {
	if e.Status >= 200 && e.Status < 300 {
		a.latest[e.Key()] = e
	}
}

// Entries returns every line of the manifest, oldest first, read from the
// file (a run needs only Latest; this is for tools and tests).
func (a *Archive) Entries() ([]Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	data, err := fs.ReadFile(a.fsys, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var out []Entry
	if _, _, err := decodeLines(data, 0, func(e Entry) { out = append(out, e) }); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return out, nil
}

// Latest returns the newest entry with a body for the request.
func (a *Archive) Latest(method, url, bodySHA string) (Entry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.latest[RequestKey(method, url, bodySHA)]
	return e, ok
}

// Object returns the stored body with the hash, verifying it.
func (a *Archive) Object(sha string) ([]byte, error) {
	if !validSHA(sha) {
		return nil, fmt.Errorf("archive: bad object hash %q", sha)
	}
	b, err := fs.ReadFile(a.fsys, objectPath(sha))
	if err != nil {
		return nil, fmt.Errorf("archive: object %s: %w", sha, err)
	}
	if Sum(b) != sha {
		return nil, fmt.Errorf("archive: object %s is corrupt (hash differs)", sha)
	}
	return b, nil
}

// Put stores body (if not stored already) and appends e to the manifest with
// the body's hash and size filled in. The object is written before the
// manifest line, each durably, so a crash never leaves a line without its
// object.
func (a *Archive) Put(body []byte, e Entry) (Entry, error) {
	if a.dir == "" {
		return e, errors.New("archive: read-only")
	}
	if e.Status != 304 {
		e.SHA256 = Sum(body)
		e.Size = int64(len(body))
	}
	if !validSHA(e.SHA256) {
		return e, fmt.Errorf("archive: entry for %s without a body hash", e.URL)
	}
	if e.Status != 304 {
		if err := a.writeObject(e.SHA256, body); err != nil {
			return e, err
		}
	}
	line, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("archive: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(a.dir, ManifestName), os.O_CREATE|os.O_APPEND|os.O_RDWR, 0o644)
	if err != nil {
		return e, fmt.Errorf("archive: manifest: %w", err)
	}
	if torn, err := endsTorn(f); err != nil {
		f.Close()
		return e, fmt.Errorf("archive: manifest: %w", err)
	} else if torn {
		// A crash mid-append left a line without its newline: end it, so
		// this line is not glued onto it (and skipped with it).
		line = append([]byte{'\n'}, line...)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return e, fmt.Errorf("archive: manifest: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return e, fmt.Errorf("archive: manifest: %w", err)
	}
	if err := f.Close(); err != nil {
		return e, fmt.Errorf("archive: manifest: %w", err)
	}
	a.add(e)
	return e, nil
}

// endsTorn reports whether the manifest's last line lacks its newline.
func endsTorn(f *os.File) (bool, error) {
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], info.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

func (a *Archive) writeObject(sha string, body []byte) error {
	// The path comes from the hash alone: a URL or header never names a file.
	p := filepath.Join(a.dir, filepath.FromSlash(objectPath(sha)))
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return fmt.Errorf("archive: writing object %s: %w", sha, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("archive: writing object %s: %w", sha, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("archive: writing object %s: %w", sha, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

func objectPath(sha string) string { return path.Join("objects", sha[:2], sha) }

func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
