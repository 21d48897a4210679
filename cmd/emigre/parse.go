package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// cmdParse reads a local file with a reader and prints its cells as tidy
// CSV: one column per dimension (codes), then value and status; a first
// dataset column when the file holds several. The tool for writing a new
// source: see what a reader makes of a downloaded file.
func cmdParse(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("parse")
	format := fs.String("format", "", "reader name: "+strings.Join(extractors.ReaderFormats(), ", "))
	var params multiFlag
	fs.Var(&params, "param", "reader parameter k=v (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format == "" || fs.NArg() != 1 {
		return usagef("usage: emigre parse --format NAME [--param k=v ...] FILE")
	}
	r, err := extractors.ReaderFor(*format)
	if err != nil {
		return usageError{err}
	}
	p := map[string]string{}
	for _, kv := range params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usagef("--param %q: want k=v", kv)
		}
		p[k] = v
	}
	if err := extractors.CheckParams(r, p); err != nil {
		return usagef("--param: %v", err)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return usageError{err}
	}
	defer f.Close()
	return writeTidy(ctx, r, extractors.Input{Name: path, Body: f, Params: p}, w)
}

// writeTidy streams a file of one unnamed table straight to CSV; a file
// of several (named) tables is gathered first so that the header can hold
// every table's dimensions.
func writeTidy(ctx context.Context, r extractors.Reader, in extractors.Input, w io.Writer) error {
	cw := csv.NewWriter(w)
	var (
		streamed *extractors.Table // the one table being streamed
		cells    []extractors.Cell
		tables   []*extractors.Table
		seen     = map[*extractors.Table]bool{}
	)
	err := r.Read(ctx, in, func(c extractors.Cell) error {
		if !seen[c.Table] {
			seen[c.Table] = true
			tables = append(tables, c.Table)
			switch {
			case streamed != nil:
				return fmt.Errorf("%s: a second table after an unnamed one", in.Name)
			case len(tables) == 1 && c.Table.Dataset == "":
				streamed = c.Table
				if err := cw.Write(append(append([]string{}, c.Table.Dims...), "value", "status")); err != nil {
					return err
				}
			}
		}
		if c.Table == streamed {
			return cw.Write(append(append([]string{}, c.Codes...), value(c), c.Status))
		}
		cells = append(cells, c)
		return nil
	})
	if err != nil {
		return err
	}
	if len(cells) > 0 {
		writeGathered(cw, tables, cells)
	}
	cw.Flush()
	return cw.Error()
}

func writeGathered(cw *csv.Writer, tables []*extractors.Table, cells []extractors.Cell) {
	var dims []string
	idx := map[string]int{}
	for _, t := range tables {
		for _, d := range t.Dims {
			if _, ok := idx[d]; !ok {
				idx[d] = len(dims)
				dims = append(dims, d)
			}
		}
	}
	_ = cw.Write(append(append([]string{"dataset"}, dims...), "value", "status"))
	for _, c := range cells {
		row := make([]string, len(dims)+3)
		row[0] = c.Table.Dataset
		for i, d := range c.Table.Dims {
			row[1+idx[d]] = c.Codes[i]
		}
		row[len(dims)+1], row[len(dims)+2] = value(c), c.Status
		_ = cw.Write(row)
	}
}

func value(c extractors.Cell) string {
	if c.Missing {
		return ""
	}
	return strconv.FormatFloat(c.Value, 'f', -1, 64)
}
