package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/emigre/emigre/report"
)

// cmdReport writes the report of one run (the latest by default) from the
// published warehouse, read-only.
func cmdReport(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("report")
	run := fs.String("run", "", "run id (default: the latest run for --origin)")
	origin := fs.String("origin", "", "citizenship whose latest run to report, ISO alpha-2 (default from config: RU)")
	format := fs.String("format", "html", "html, json or md")
	out := fs.String("out", "", "write to this file instead of standard output")
	db := fs.String("db", "", "published warehouse file (default from config)")
	cfgPath := fs.String("config", "", "config file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	if !slices.Contains(report.Formats, *format) {
		return usagef("--format %q: want one of %s", *format, strings.Join(report.Formats, ", "))
	}
	cfg, path, err := configAndWarehouse(*cfgPath, *db)
	if err != nil {
		return err
	}
	code, err := cfg.origin(*origin)
	if err != nil {
		return err
	}
	r, err := report.Load(ctx, path, report.Options{RunID: *run, Origin: code})
	if err != nil {
		return err
	}
	if *out == "" {
		return report.Write(w, r, *format)
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := report.Write(f, r, *format); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(os.Stderr, "wrote the %s report of run %s to %s\n", *format, r.Run.ID, *out)
	return nil
}

// configAndWarehouse loads the config and returns it with the published
// warehouse's path: --db when given, else the config's.
func configAndWarehouse(cfgPath, db string) (Config, string, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return cfg, "", usageError{err}
	}
	if db != "" {
		return cfg, db, nil
	}
	return cfg, cfg.Warehouse, nil
}
