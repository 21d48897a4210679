package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

// cmdDocs writes docs/warehouse.md, the data dictionary, from the COMMENT
// ON statements of a freshly migrated warehouse and the example queries,
// so the page and the SQL never drift apart.
func cmdDocs(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("docs")
	out := fs.String("out", filepath.Join("docs", "warehouse.md"), "file to write; - for stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("usage: emigre docs [--out FILE]")
	}
	page, err := warehouseDocs(ctx)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err := w.Write(page)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, page, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", *out, err), os.Remove(tmp))
	}
	_, err = fmt.Fprintf(w, "wrote %s\n", *out)
	return err
}

// warehouseDocs renders the data dictionary of the schema this binary
// writes (not of any published file, whose data does not matter here).
func warehouseDocs(ctx context.Context) ([]byte, error) {
	dir, err := os.MkdirTemp("", "emigre-docs-*")
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	defer os.RemoveAll(dir)
	db, err := load.Open(ctx, filepath.Join(dir, "schema.duckdb"))
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	defer db.Close()
	dict, err := warehouse.ReadDictionary(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	var b bytes.Buffer
	if err := dict.WriteMarkdown(&b, warehouse.Examples()); err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	return b.Bytes(), nil
}
