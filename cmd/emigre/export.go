package main

import (
	"context"
	"fmt"
	"io"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/warehouse"
)

// cmdExport writes every table and view of the published warehouse as
// Parquet or CSV with a manifest.json, reading the file read-only so a
// refresh can publish meanwhile.
func cmdExport(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("export")
	format := fs.String("format", warehouse.FormatParquet, "parquet (a folder per table and view; observations partitioned by destination) or csv (a file per table and view)")
	out := fs.String("out", "", "export directory (required; created, or empty)")
	db := fs.String("db", "", "published warehouse file (default from config)")
	cfgPath := fs.String("config", "", "config file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	if *out == "" {
		return usagef("usage: emigre export [--format parquet|csv] --out DIR")
	}
	if *format != warehouse.FormatParquet && *format != warehouse.FormatCSV {
		return usagef("--format %q: want parquet or csv", *format)
	}
	_, path, err := configAndWarehouse(*cfgPath, *db)
	if err != nil {
		return err
	}
	conn, err := load.OpenForExport(ctx, path)
	if err != nil {
		return err
	}
	defer conn.Close()
	m, err := warehouse.Export(ctx, conn, warehouse.ExportOptions{Format: *format, Dir: *out, Warehouse: path, EmigreVersion: version})
	if err != nil {
		return err
	}
	var rows int64
	for _, o := range m.Objects {
		rows += o.Rows
	}
	run := "no run"
	if m.Run != nil {
		run = "run " + m.Run.RunID
	}
	_, err = fmt.Fprintf(w, "exported %d tables and views (%d rows, %s) as %s to %s; see %s\n",
		len(m.Objects), rows, run, m.Format, *out, warehouse.ManifestName)
	return err
}
