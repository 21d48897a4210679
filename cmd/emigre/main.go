// Command emigre collects official statistics on emigrants from ~70
// publishers, estimates arrivals since 2022 net of returns per destination,
// and publishes them to a DuckDB warehouse.
//
// Usage: emigre <command> [flags]; `emigre help` lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/emigre/emigre/extractors/formats" // registers the readers
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes: what a scheduler needs to tell apart.
const (
	exitOK      = 0 // everything loaded
	exitPartial = 1 // some sources failed, the rest loaded (or a run failed)
	exitUsage   = 2 // usage or configuration error
)

// usageError marks errors that are the caller's: exit code 2.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "fetch (or replay) every source, estimate, and publish the warehouse", cmdRun},
		{"sources", "list the source catalogue (--json for machines)", cmdSources},
		{"parse", "read a local file with a format reader and print tidy CSV", cmdParse},
		{"sql", "query the published warehouse, read-only (a prompt on a terminal)", cmdSQL},
		{"export", "write every table and view as Parquet or CSV with a manifest", cmdExport},
		{"docs", "write docs/warehouse.md, the data dictionary, from the schema's comments", cmdDocs},
		{"schedule", "refresh on cron schedules, alert on sources in trouble (--list: next runs)", cmdSchedule},
		{"status", "each source's state, newest period, expected period and open alerts", cmdStatus},
		{"report", "write the report of a run: HTML, JSON or Markdown", cmdReport},
		{"serve", "serve a read-only dashboard of the published warehouse, with /metrics", cmdServe},
		{"version", "print the version", func(_ context.Context, _ []string, w io.Writer) error {
			_, err := fmt.Fprintln(w, "emigre", version)
			return err
		}},
	}
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	setupLogging(stderr)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout)
		var ue usageError
		var pe partialError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintln(stderr, "emigre:", err)
			return exitUsage
		case errors.As(err, &pe):
			fmt.Fprintln(stderr, "emigre:", err)
			return exitPartial
		default:
			fmt.Fprintln(stderr, "emigre:", err)
			return exitPartial
		}
	}
	fmt.Fprintf(stderr, "emigre: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return exitUsage
}

// partialError is a run that loaded some sources and failed others.
type partialError struct{ failed, attempted int }

func (e partialError) Error() string {
	return fmt.Sprintf("%d of %d sources failed (the others loaded)", e.failed, e.attempted)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "emigre: official migration statistics to a DuckDB warehouse\n\nUsage: emigre <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'emigre <command> -h' for a command's flags.")
}

// setupLogging logs text to a terminal and JSON lines otherwise (a
// scheduler's log collector).
func setupLogging(w io.Writer) {
	level := slog.LevelInfo
	if os.Getenv("EMIGRE_DEBUG") != "" {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if isTerminal(w) {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("emigre "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// multiFlag collects a repeatable flag (--source a --source b).
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
