package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/emigre/emigre/warehouse"
)

// stdin is where `emigre sql` reads a query (or its prompt's keys) from;
// tests replace it.
var stdin = os.Stdin

// outputFormats are the --format values of `emigre sql`.
var outputFormats = []string{"table", "csv", "json"}

// cmdSQL queries the published warehouse, read-only, so it never blocks or
// disturbs a refresh: the query from the arguments, else from stdin, else
// (stdin is a terminal) an interactive prompt with history.
func cmdSQL(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("sql")
	db := fs.String("db", "", "published warehouse file (default from config)")
	cfgPath := fs.String("config", "", "config file")
	format := fs.String("format", "table", "output: table (aligned), csv or json (an array of objects)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	_, path, err := configAndWarehouse(*cfgPath, *db)
	if err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	interactive := query == "" && term.IsTerminal(int(stdin.Fd()))
	if query == "" && !interactive {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("read the query from stdin: %w", err)
		}
		query = string(b)
		if strings.TrimSpace(query) == "" {
			return usagef(`usage: emigre sql [--format table|csv|json] "QUERY" (or the query on stdin, or no query on a terminal for a prompt)`)
		}
	}
	conn, err := openPublished(ctx, path)
	if err != nil {
		return err
	}
	defer conn.Close()
	if interactive {
		return interactiveSQL(ctx, conn, w, path, *format)
	}
	return runQuery(ctx, conn, w, query, *format)
}

func checkFormat(format string) error {
	for _, f := range outputFormats {
		if f == format {
			return nil
		}
	}
	return usagef("--format %q: want %s", format, strings.Join(outputFormats, ", "))
}

// runQuery runs one query and writes its rows.
func runQuery(ctx context.Context, db *sql.DB, w io.Writer, query, format string) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	return writeRows(rows, w, format)
}

// interactiveSQL puts the terminal in raw mode and runs the prompt on it.
func interactiveSQL(ctx context.Context, db *sql.DB, w io.Writer, path, format string) error {
	fd := int(stdin.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return fmt.Errorf("interactive prompt: %w", err)
	}
	defer term.Restore(fd, state) //nolint:errcheck // best effort: the terminal is ours to give back
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{stdin, w}, "")
	if width, height, err := term.GetSize(fd); err == nil {
		t.SetSize(width, height) //nolint:errcheck // a size the terminal reported is valid
	}
	t.History = openHistory(historyPath())
	fmt.Fprintf(t, "emigre sql on %s (read-only). End a query with ';'. .help lists commands; .quit or Ctrl-D leaves.\n", path)
	return prompt(ctx, db, t, format)
}

// prompt reads statements from t until .quit or end of input. A statement
// ends with a line ending in ';'; lines starting with '.' are commands.
// Errors of a statement are printed, not returned: the session goes on.
func prompt(ctx context.Context, db *sql.DB, t *term.Terminal, format string) error {
	var stmt strings.Builder
	for {
		if stmt.Len() == 0 {
			t.SetPrompt("emigre> ")
		} else {
			t.SetPrompt("   ...> ")
		}
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(t) // leave the shell's prompt a line of its own
			return nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return fmt.Errorf("read the prompt: %w", err)
		}
		text := strings.TrimSpace(line)
		if stmt.Len() == 0 && strings.HasPrefix(text, ".") {
			quit, err := dotCommand(ctx, db, t, text, &format)
			if err != nil {
				fmt.Fprintln(t, "error:", err)
			}
			if quit {
				return nil
			}
			continue
		}
		if text == "" && stmt.Len() == 0 {
			continue
		}
		stmt.WriteString(line)
		stmt.WriteByte('\n')
		if strings.HasSuffix(text, ";") {
			if err := runQuery(ctx, db, t, stmt.String(), format); err != nil {
				fmt.Fprintln(t, "error:", err)
			}
			stmt.Reset()
		}
	}
}

const promptHelp = `.tables            the tables and views, analyst views first
.describe NAME     a table's or view's columns with their descriptions
.queries           the example queries (warehouse/queries)
.run NAME          run an example query
.format FORMAT     table, csv or json
.quit              leave (so does Ctrl-D)
Anything else is SQL, run when a line ends with ';'. Up and down recall earlier lines.`

// dotCommand runs one prompt command; quit says the session ends.
func dotCommand(ctx context.Context, db *sql.DB, w io.Writer, text string, format *string) (quit bool, err error) {
	name, arg, _ := strings.Cut(text, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ".quit", ".exit", ".q":
		return true, nil
	case ".help":
		_, err := fmt.Fprintln(w, promptHelp)
		return false, err
	case ".format":
		if err := checkFormat(arg); err != nil {
			return false, err
		}
		*format = arg
		return false, nil
	case ".tables", ".describe":
		dict, err := warehouse.ReadDictionary(ctx, db)
		if err != nil {
			return false, err
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if name == ".tables" {
			for _, o := range dict.Objects {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, o.Kind, oneLine(o.Comment, 90))
			}
			return false, tw.Flush()
		}
		o, ok := dict.Lookup(arg)
		if !ok {
			return false, fmt.Errorf("no table or view %q (.tables lists them)", arg)
		}
		fmt.Fprintln(w, o.Comment)
		for _, c := range o.Columns {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Type, oneLine(c.Comment, 90))
		}
		return false, tw.Flush()
	case ".queries", ".run":
		for _, e := range warehouse.Examples() {
			switch {
			case name == ".queries":
				fmt.Fprintf(w, "%s\n    %s\n", e.Name, e.Description)
			case e.Name == arg:
				return false, runQuery(ctx, db, w, e.SQL, *format)
			}
		}
		if name == ".run" {
			return false, fmt.Errorf("no example query %q (.queries lists them)", arg)
		}
		return false, nil
	}
	return false, fmt.Errorf("unknown command %s (.help lists them)", name)
}

// oneLine shortens text to one line of at most n runes.
func oneLine(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return text
}

// historyPath is where the prompt keeps its history: $EMIGRE_SQL_HISTORY,
// else ~/.emigre_sql_history; "" keeps it in memory only.
func historyPath() string {
	if p, ok := os.LookupEnv("EMIGRE_SQL_HISTORY"); ok {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".emigre_sql_history")
}

// maxHistory bounds the lines the prompt recalls.
const maxHistory = 1000

// fileHistory is the prompt's history (term.History): the lines typed,
// newest last, appended to a file as they are entered so that the next
// session recalls them.
type fileHistory struct {
	path   string
	lines  []string
	warned bool
}

// openHistory loads the history file at path; a missing or unreadable file
// starts an empty history ("" keeps it in memory).
func openHistory(path string) *fileHistory {
	h := &fileHistory{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h.lines = append(h.lines, sc.Text())
	}
	if len(h.lines) > maxHistory {
		h.lines = h.lines[len(h.lines)-maxHistory:]
	}
	return h
}

// Add implements term.History.
func (h *fileHistory) Add(line string) {
	if strings.TrimSpace(line) == "" || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == line) {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > maxHistory {
		h.lines = h.lines[1:]
	}
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.WriteString(line + "\n")
		err = errors.Join(err, f.Close())
	}
	if err != nil && !h.warned {
		// Once: the session works without a history file.
		h.warned = true
		slog.Warn("sql prompt history not saved", "path", h.path, "error", err)
	}
}

// Len implements term.History.
func (h *fileHistory) Len() int { return len(h.lines) }

// At implements term.History: 0 is the newest line.
func (h *fileHistory) At(i int) string { return h.lines[len(h.lines)-1-i] }

// writeRows writes a result as an aligned table, CSV (NULL is an empty
// field) or a JSON array of objects (keys in column order, NULL is null,
// numbers stay numbers).
func writeRows(rows *sql.Rows, w io.Writer, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	var out func(vals []any) error
	var flush func() error
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return err
		}
		out = func(vals []any) error {
			rec := make([]string, len(vals))
			for i, v := range vals {
				if v != nil {
					rec[i] = cell(v, types[i].DatabaseTypeName())
				}
			}
			return cw.Write(rec)
		}
		flush = func() error { cw.Flush(); return cw.Error() }
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if _, err := fmt.Fprintln(tw, strings.Join(cols, "\t")); err != nil {
			return err
		}
		out = func(vals []any) error {
			rec := make([]string, len(vals))
			for i, v := range vals {
				rec[i] = flatten.Replace(cell(v, types[i].DatabaseTypeName()))
			}
			_, err := fmt.Fprintln(tw, strings.Join(rec, "\t"))
			return err
		}
		flush = tw.Flush
	case "json":
		bw := bufio.NewWriter(w)
		bw.WriteString("[")
		n := 0
		out = func(vals []any) error {
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			bw.WriteString("\n{")
			for i, v := range vals {
				if i > 0 {
					bw.WriteString(",")
				}
				k, _ := json.Marshal(cols[i])
				val, err := json.Marshal(jsonValue(v, types[i].DatabaseTypeName()))
				if err != nil {
					return fmt.Errorf("column %s: %w", cols[i], err)
				}
				bw.Write(k)
				bw.WriteString(":")
				bw.Write(val)
			}
			bw.WriteString("}")
			return nil
		}
		flush = func() error {
			bw.WriteString("\n]\n")
			return bw.Flush()
		}
	default:
		return usagef("--format %q: want %s", format, strings.Join(outputFormats, ", "))
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
		if err := out(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// flatten keeps a table cell on one line and in one column.
var flatten = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ")

// cell renders a value as text; dbType is DuckDB's name of the column's
// type, which tells a DATE from a midnight timestamp.
func cell(v any, dbType string) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return formatTime(x, dbType)
	case []byte:
		return string(x)
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cell(e, strings.TrimSuffix(dbType, "[]"))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprint(x)
	}
}

func formatTime(t time.Time, dbType string) string {
	switch dbType {
	case "DATE":
		return t.Format(time.DateOnly)
	case "TIME":
		return t.Format(time.TimeOnly)
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func formatFloat(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// jsonValue turns a scanned value into one encoding/json writes faithfully.
func jsonValue(v any, dbType string) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, uint8, uint16, uint32, uint64, int, uint, *big.Int:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64) // JSON has no NaN or Infinity
		}
		return x
	case float32:
		return jsonValue(float64(x), dbType)
	case time.Time:
		return formatTime(x, dbType)
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e, strings.TrimSuffix(dbType, "[]"))
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e, "")
		}
		return out
	case interface{ Float64() float64 }: // DECIMAL
		return x.Float64()
	default:
		return fmt.Sprint(x)
	}
}
