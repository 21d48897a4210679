// Package gobfile keeps a value in a file as gob, whole or not at all: the
// caches beside the warehouse and in the user's cache folder are written
// through it, so that a reader never sees half a file.
package gobfile

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"time"
)

// TempPattern names a file being written, before it is renamed into place.
const TempPattern = ".tmp-*"

// Write replaces path with v encoded as gob: a temporary file in the same
// folder (made if need be), renamed over path.
func Write(path string, v any) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, TempPattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if err := gob.NewEncoder(tmp).Encode(v); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Read decodes the gob file at path into v.
func Read(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return gob.NewDecoder(bytes.NewReader(b)).Decode(v)
}

// SweepTemps removes the temporary files in dir of writes begun before
// cutoff: a write takes milliseconds, so an older one was cut short (by a
// kill) and will never be renamed into place. (A newer one may be another
// process's, still writing.)
func SweepTemps(dir string, cutoff time.Time) {
	temps, _ := filepath.Glob(filepath.Join(dir, TempPattern))
	for _, t := range temps {
		if fi, err := os.Lstat(t); err == nil && fi.ModTime().Before(cutoff) {
			_ = os.Remove(t) // a cache's: what cannot be removed now is removed another time
		}
	}
}
