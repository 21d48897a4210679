package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The manifest grows by a line per response, a 304 included: a daily
// refresh adds a few dozen lines, and three years of them took half a
// second to decode at every start (38,088 lines, 2026-12-05), more than
// the rest of a refresh that changes nothing. The index beside it records,
// up to a byte offset of the manifest, the newest entry with a body for
// each request (all a run needs from the past); a run decodes only the
// lines after that offset. The manifest stays the record: an index that is
// missing, unreadable, or does not match the manifest's bytes is ignored
// and the manifest read whole.

// IndexName is the manifest index's file name inside an archive directory.
const IndexName = "manifest.index.json"

// indexEvery is how many lines past the index an open decodes before it
// writes a new index.
const indexEvery = 256

// tailLen is how many bytes before the offset an index checks, so that a
// manifest replaced or rewritten under it is noticed.
const tailLen = 4096

// manifestIndex is the index file.
type manifestIndex struct {
	Version int     `json:"version"`
	Covers  int64   `json:"covers"`      // bytes of the manifest indexed: whole lines
	Tail    string  `json:"tail_sha256"` // SHA-256 of the tailLen bytes (or fewer) before Covers
	Latest  []Entry `json:"latest"`      // the newest entry with a body per request key
}

// tailSum is the SHA-256 of the manifest's bytes just before offset.
func tailSum(f io.ReaderAt, offset int64) (string, error) {
	start := max(0, offset-tailLen)
	b := make([]byte, offset-start)
	if _, err := f.ReadAt(b, start); err != nil {
		return "", err
	}
	return Sum(b), nil
}

// readIndex returns the index when it matches the manifest f (of size
// size); nil when there is none or it does not match.
func (a *Archive) readIndex(f io.ReaderAt, size int64) *manifestIndex {
	data, err := fs.ReadFile(a.fsys, IndexName)
	if err != nil {
		return nil
	}
	var ix manifestIndex
	if json.Unmarshal(data, &ix) != nil || ix.Version != 1 || ix.Covers <= 0 || ix.Covers > size {
		return nil
	}
	if sum, err := tailSum(f, ix.Covers); err != nil || sum != ix.Tail {
		return nil
	}
	for _, e := range ix.Latest {
		if !validSHA(e.SHA256) || e.Status < 200 || e.Status >= 300 {
			return nil
		}
	}
	return &ix
}

// writeIndex records the newest entries up to offset covers of the
// manifest f. It is a cache: written to a temporary file and renamed, and
// a failure only means the next open reads more of the manifest.
func (a *Archive) writeIndex(f io.ReaderAt, covers int64) error {
	if a.dir == "" || a.replay || covers == 0 {
		return nil
	}
	tail, err := tailSum(f, covers)
	if err != nil {
		return err
	}
	ix := manifestIndex{Version: 1, Covers: covers, Tail: tail}
	for _, e := range a.latest {
		ix.Latest = append(ix.Latest, e)
	}
	data, err := json.Marshal(ix)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(a.dir, ".index-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil { // as readable as the manifest
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(a.dir, IndexName))
}

// manifestFile is the open manifest: a reader from which both the index's
// check and the lines after it are read.
type manifestFile interface {
	io.ReaderAt
	io.Closer
}

// openManifest opens the manifest for reading with its size; nil when the
// archive has none yet.
func (a *Archive) openManifest() (manifestFile, int64, error) {
	f, err := a.fsys.Open(ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	ra, ok := f.(manifestFile)
	if !ok { // os.DirFS, embed and fstest files all read at offsets
		f.Close()
		return nil, 0, fmt.Errorf("%s cannot be read at an offset (%T)", ManifestName, f)
	}
	return ra, info.Size(), nil
}

// scanLines decodes the manifest's lines from offset to end into the
// index of newest entries, and returns the offset after the last whole
// line and how many lines it read.
func (a *Archive) scanLines(f io.ReaderAt, offset, size int64) (int64, int, error) {
	data := make([]byte, size-offset)
	if _, err := f.ReadAt(data, offset); err != nil && !errors.Is(err, io.EOF) {
		return 0, 0, err
	}
	return decodeLines(data, offset, a.add)
}

// decodeLines hands each entry of data, the manifest's bytes from offset
// base, to each, and returns the offset after the last whole line and how
// many lines there were. A line that does not decode (a crash while appending can tear the
// last one) is skipped; an entry without a valid body hash is an error.
func decodeLines(data []byte, base int64, each func(Entry)) (end int64, lines int, err error) {
	end = base
	for len(data) > 0 {
		line, rest, whole := bytes.Cut(data, []byte{'\n'})
		data = rest
		lines++
		start := end
		if whole {
			end += int64(len(line)) + 1
		}
		var e Entry
		if len(bytes.TrimSpace(line)) == 0 || json.Unmarshal(line, &e) != nil {
			continue
		}
		if !validSHA(e.SHA256) {
			return 0, 0, fmt.Errorf("%s at byte %d: bad sha256 %q", ManifestName, start, e.SHA256)
		}
		each(e)
	}
	return end, lines, nil
}
