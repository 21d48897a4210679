package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the side a program writes to, as its
// standard error, and the side the test reads what it wrote from.
func openPTY(t *testing.T) (terminal, reader *os.File) {
	t.Helper()
	reader, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	fd := int(reader.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("name the pseudo-terminal: %v", err)
	}
	terminal, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open the pseudo-terminal: %v", err)
	}
	return terminal, reader
}

// runOnTerminal runs the built binary with its standard error on a
// terminal and returns its standard output and what reached the terminal.
func runOnTerminal(t *testing.T, dir string, args ...string) (stdout, terminalText string) {
	t.Helper()
	term, reader := openPTY(t)
	defer reader.Close()
	cmd := exec.Command(emigreBinary(t), args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, term
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(reader) // ends with EIO once the last writer closes
		got <- string(b)
	}()
	err := cmd.Run()
	term.Close()
	text := <-got
	if err != nil {
		t.Fatalf("emigre %v: %v\n%s\n%s", args, err, out.String(), text)
	}
	return out.String(), text
}

// On a terminal, a run's summary is not interleaved with its log: no JSON
// alert lines (nor any other log line) unless -v asks for the log, which
// then comes as JSON lines, one per alert opened.
func TestRunLogStaysOffATerminalUnlessAsked(t *testing.T) {
	dir := t.TempDir()
	out, text := runOnTerminal(t, dir, "run", "--offline", "--db", filepath.Join(dir, "a.duckdb"))
	m := healthLine.FindStringSubmatch(lastLine(out))
	if m == nil {
		t.Fatalf("no health line at the end of the summary:\n%s", out)
	}
	if m[4] == "0" {
		t.Fatal("the sample run opened no alert: nothing to keep off the terminal")
	}
	if strings.TrimSpace(text) != "" {
		t.Errorf("the log reached the terminal without -v:\n%s", text)
	}
	_, text = runOnTerminal(t, dir, "run", "--offline", "-v", "--db", filepath.Join(dir, "b.duckdb"))
	if n := strings.Count(text, `"msg":"alert opened"`); strconv.Itoa(n) != m[4] {
		t.Errorf("with -v the terminal got %d JSON alert lines, want %s (one per alert opened)\n%.2000s", n, m[4], text)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
