package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// helpOut is where a command's -h (and `emigre help CMD`) prints its flags;
// realMain points it at its standard output.
var helpOut io.Writer = os.Stdout

// newFlags returns a command's flag set. It reports errors instead of
// exiting, and prints nothing itself: parseFlags returns the error once
// and prints the help when asked for it.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("emigre "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a command's arguments with its flags anywhere among
// them, before or after the other arguments, as pflag-style parsers do:
// `emigre sql "select 1" --db x.duckdb` reads --db as a flag, never as
// part of the query. "--" ends the flags: what follows is arguments, even
// if it starts with a dash. The other arguments are then fs.Args().
// A flag error is a usage error; -h prints the command's help.
func parseFlags(fs *flag.FlagSet, args []string) error {
	flags, rest := splitFlags(fs, args)
	err := fs.Parse(append(append(flags, "--"), rest...))
	switch {
	case errors.Is(err, flag.ErrHelp):
		printCommandHelp(helpOut, fs)
		return err
	case err != nil:
		return usagef("%v (emigre %s -h lists its flags)", err, strings.TrimPrefix(fs.Name(), "emigre "))
	}
	return nil
}

// splitFlags separates the flags (each with its value, when the value is
// the next argument) from the other arguments, keeping both in order. An
// unknown flag is kept among the flags so that fs.Parse reports it.
func splitFlags(fs *flag.FlagSet, args []string) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(rest, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil || isBoolFlag(f) {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, rest
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// noArguments refuses arguments a command does not take: a stray word is a
// mistake to name, not to ignore.
func noArguments(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	cmd := strings.TrimPrefix(fs.Name(), "emigre ")
	return usagef("%s takes no arguments, got %q (flags start with --; emigre %s -h lists them)",
		cmd, strings.Join(fs.Args(), " "), cmd)
}

// printCommandHelp prints a command's synopsis and flags.
func printCommandHelp(w io.Writer, fs *flag.FlagSet) {
	name := strings.TrimPrefix(fs.Name(), "emigre ")
	for _, c := range commands() {
		if c.name == name {
			fmt.Fprintf(w, "emigre %s: %s\n\nUsage: emigre %s [flags]%s\n\nFlags (before or after the arguments; -- ends them):\n",
				name, c.summary, name, c.args)
		}
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// multiFlag collects a repeatable flag (--source a --source b).
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
