package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

// cmdDocs writes docs/warehouse.md, the data dictionary, from the COMMENT
// ON statements of a freshly migrated warehouse and the example queries,
// and docs/sources.md from the catalogue, so the pages never drift from the
// SQL and the sources.
func cmdDocs(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("docs")
	out := fs.String("out", "", "the data dictionary's file; - for stdout (default docs/warehouse.md, in the emigre repository only)")
	sourcesOut := fs.String("sources", "", "the catalogue's page (default sources.md beside the data dictionary; none with --out -)")
	cfgPath := fs.String("config", "", "config file")
	catDir := fs.String("catalogue", "", "a folder of your own source files over the embedded catalogue (default from config)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	if *out == "" {
		// The default rewrites the repository's own page: elsewhere it
		// would scatter a docs/ folder into the user's directory.
		if !inRepository() {
			return usagef("docs: not in the emigre repository's root, where docs/warehouse.md lives: " +
				"give --out FILE (or --out - for standard output)")
		}
		*out = filepath.Join("docs", "warehouse.md")
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return usageError{err}
	}
	cat, err := cfg.catalogue(*catDir)
	if err != nil {
		return err
	}
	page, err := warehouseDocs(ctx)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err := w.Write(page)
		return err
	}
	if err := writeFile(w, *out, page); err != nil {
		return err
	}
	if *sourcesOut == "" {
		*sourcesOut = filepath.Join(filepath.Dir(*out), "sources.md")
	}
	var b bytes.Buffer
	if err := cat.WriteMarkdown(&b); err != nil {
		return err
	}
	return writeFile(w, *sourcesOut, b.Bytes())
}

// inRepository says whether the working directory is the emigre
// repository's root: its go.mod names the module.
func inRepository() bool {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == "module github.com/emigre/emigre"
}

// writeFile replaces path with data through a temporary file, and says so.
func writeFile(w io.Writer, path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), os.Remove(tmp))
	}
	_, err := fmt.Fprintf(w, "wrote %s\n", path)
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
