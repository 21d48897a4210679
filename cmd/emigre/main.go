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
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/emigre/emigre/schedules"

	_ "github.com/emigre/emigre/extractors/formats" // registers the readers
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes: what a scheduler needs to tell apart.
const (
	exitOK      = 0 // everything loaded
	exitPartial = 1 // some sources failed, the rest loaded (or a run failed)
	exitUsage   = 2 // usage or configuration error
	exitLocked  = 3 // another process holds the warehouse lock: nothing was done
)

// usageError marks errors that are the caller's: exit code 2.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

type command struct {
	name, summary string
	args          string // the arguments besides flags, for the help: ` "QUERY"`
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "fetch (or replay) every source, estimate, and publish the warehouse", "", cmdRun},
		{"sources", "list the source catalogue (--json for machines)", "", cmdSources},
		{"parse", "read a local file with a format reader and print tidy CSV", " FILE", cmdParse},
		{"sql", "query the published warehouse, read-only (a prompt on a terminal)", ` ["QUERY"]`, cmdSQL},
		{"export", "write every table and view as Parquet or CSV with a manifest", "", cmdExport},
		{"docs", "write docs/warehouse.md, the data dictionary, from the schema's comments", "", cmdDocs},
		{"schedule", "refresh on cron schedules, alert on sources in trouble (--list: next runs)", "", cmdSchedule},
		{"status", "each series' state as the runs judged it, why, newest and expected period, open alerts", "", cmdStatus},
		{"report", "write the report of a run: HTML, JSON or Markdown", "", cmdReport},
		{"serve", "serve a read-only dashboard of the published warehouse, with /metrics", "", cmdServe},
		{"version", "print the version", "", cmdVersion},
	}
}

func cmdVersion(_ context.Context, args []string, w io.Writer) error {
	fs := newFlags("version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "emigre", version)
	return err
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	setupLogging(stderr)
	helpOut = stdout
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1) {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "help" {
		// emigre help CMD is emigre CMD -h.
		if len(args) > 2 {
			fmt.Fprintf(stderr, "emigre: help takes one command, got %q\n", strings.Join(args[1:], " "))
			return exitUsage
		}
		args = []string{args[1], "-h"}
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(stderr, c.run(ctx, args[1:], stdout))
		}
	}
	fmt.Fprintf(stderr, "emigre: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return exitUsage
}

// exitCode prints a command's error once and returns the exit code a
// scheduler tells apart: usage (2), a warehouse locked by another writer
// (3), or some sources failed or the run failed (1).
func exitCode(stderr io.Writer, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "emigre:", err)
	var ue usageError
	var le *schedules.LockedError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &le):
		return exitLocked
	}
	return exitPartial
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
	fmt.Fprintln(w, "\nRun 'emigre help <command>' (or 'emigre <command> -h') for a command's flags.")
}

// logOut is where the log goes (standard error), and whether a person
// watches it (a terminal).
var logOut struct {
	w        io.Writer
	terminal bool
}

// setupLogging logs text to a terminal and JSON lines otherwise (a
// scheduler's log collector).
func setupLogging(w io.Writer) {
	logOut.w, logOut.terminal = w, isTerminal(w)
	h := slog.Handler(slog.NewJSONHandler(w, logOptions()))
	if logOut.terminal {
		h = slog.NewTextHandler(w, logOptions())
	}
	slog.SetDefault(slog.New(h))
}

func logOptions() *slog.HandlerOptions {
	level := slog.LevelInfo
	if os.Getenv("EMIGRE_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return &slog.HandlerOptions{Level: level}
}

// summaryLogging sets the log of a command that ends with a summary of its
// own (run): JSON lines on standard error when it is not a terminal or
// when verbose (-v), as a log collector wants them; on a terminal
// otherwise only errors, so that the log (a JSON line per alert opened,
// per destination absent) never interleaves with the summary the person
// reads. It reports whether the log is quiet.
func summaryLogging(verbose bool) (quiet bool) {
	if !logOut.terminal {
		return false
	}
	if verbose {
		slog.SetDefault(slog.New(slog.NewJSONHandler(logOut.w, logOptions())))
		return false
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(logOut.w, &slog.HandlerOptions{Level: slog.LevelError})))
	return true
}

// isTerminal reports whether w is a terminal (not a pipe, a file or
// /dev/null).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
