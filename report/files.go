package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/emigre/emigre/load"
)

// Dir is the folder, beside the warehouse file, that runs write their
// reports into.
func Dir(warehouse string) string { return filepath.Join(filepath.Dir(warehouse), "reports") }

// Load opens the published warehouse read-only and builds the report of
// opt.RunID (the latest run when empty).
func Load(ctx context.Context, warehouse string, opt Options) (*Report, error) {
	db, err := load.OpenReadOnly(ctx, warehouse)
	if err != nil {
		return nil, err
	}
	r, err := Build(ctx, db, opt)
	return r, errors.Join(err, db.Close())
}

// WriteFiles writes r in every format into dir as FileName(run, origin)
// and LatestName(origin), each file replaced atomically so a reader never
// sees half a report. It returns the paths written, the HTML first.
func WriteFiles(dir string, r *Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports folder: %w", err)
	}
	var written []string
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, r, format); err != nil {
			return written, err
		}
		for _, name := range []string{FileName(r.Run.ID, r.Run.Origin, format), LatestName(r.Run.Origin, format)} {
			path := filepath.Join(dir, name)
			if err := writeAtomic(path, b.Bytes()); err != nil {
				return written, err
			}
			written = append(written, path)
		}
	}
	return written, nil
}

// FileName is the report file of one run: report-<run>-<origin>.<format>.
func FileName(runID, origin, format string) string {
	return "report-" + runID + "-" + origin + "." + format
}

// LatestName is the file holding the newest report for an origin,
// latest-<origin>.<format>: one per origin, so a run for another
// citizenship never replaces the report people read for this one.
func LatestName(origin, format string) string { return "latest-" + origin + "." + format }

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
