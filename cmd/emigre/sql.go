package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emigre/emigre/load"
)

// cmdSQL runs one query against the published warehouse, read-only, so it
// never blocks or disturbs a refresh.
func cmdSQL(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("sql")
	db := fs.String("db", "", "published warehouse file (default from config)")
	cfgPath := fs.String("config", "", "config file")
	format := fs.String("format", "table", "output: table or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return usageError{err}
	}
	path := cfg.Warehouse
	if *db != "" {
		path = *db
	}
	query := strings.Join(fs.Args(), " ")
	if query == "" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return usagef(`usage: emigre sql "QUERY" (or the query on stdin)`)
	}
	conn, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	return writeRows(rows, w, *format)
}

func writeRows(rows *sql.Rows, w io.Writer, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var out func([]string) error
	var flush func() error
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		out = cw.Write
		flush = func() error { cw.Flush(); return cw.Error() }
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		out = func(r []string) error { _, err := fmt.Fprintln(tw, strings.Join(r, "\t")); return err }
		flush = tw.Flush
	default:
		return usagef("--format %q: want table or csv", format)
	}
	if err := out(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = cell(v)
		}
		if err := out(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprint(x)
	default:
		return fmt.Sprint(x)
	}
}
