package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// repoRoot is the repository's root, from this package's folder.
const repoRoot = "../.."

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The README tells a new user how to get the emigre command, how long the
// tests take, what skips and how to see it, and lists every reader.
func TestReadmeGetsANewUserStarted(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for _, want := range []string{
		"go install ./cmd/emigre", "go build -o emigre ./cmd/emigre", // the binary the page calls emigre
		"-- SKIP", "../shared", "chromium", "CI=true", "-count=1", // what skips, and how to see it
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("the README does not say %q", want)
		}
	}
	if !regexp.MustCompile(`go test \./\.\.\.` + "`" + ` takes about \d+ minutes`).MatchString(readme) {
		t.Error("the README does not say how long `go test ./...` takes")
	}
	for _, name := range extractors.ReaderFormats() {
		if !strings.Contains(readme, "| `"+name+"` |") {
			t.Errorf("the README's table of readers lacks %s", name)
		}
	}
	ci := readRepoFile(t, ".ci/run")
	if !strings.Contains(ci, "export CI=true") || !regexp.MustCompile(`(?m)^go test -count=1 \./\.\.\.$`).MatchString(ci) {
		t.Error(".ci/run must set CI=true itself and run the tests with -count=1")
	}
}

// Every `emigre parse` example of the README and docs/formats.md runs as
// printed, from the repository's root; the README's read a file of the
// repository, so they work in a clone without ../shared.
func TestParseExamplesRun(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/formats.md"} {
		examples := parseExamples(readRepoFile(t, doc))
		if len(examples) == 0 {
			t.Errorf("%s has no emigre parse example", doc)
		}
		for _, args := range examples {
			file := args[len(args)-1]
			if doc == "README.md" && strings.HasPrefix(file, "../") {
				t.Errorf("README: the example reads %s, outside a clone", file)
			}
			if _, err := os.Stat(filepath.Join(repoRoot, file)); err != nil {
				// ../shared absent, or a placeholder (FILE, page.html).
				if doc == "README.md" {
					t.Errorf("README: the example's file %s: %v", file, err)
				}
				t.Logf("%s: %s is absent: example not run", doc, file)
				continue
			}
			code, out, errs := cli(t, repoRoot, nil, args...)
			if code != exitOK || strings.Count(out, "\n") < 2 {
				t.Errorf("%s: emigre %s: exit %d, %d lines\n%s", doc, strings.Join(args, " "), code, strings.Count(out, "\n"), errs)
			}
		}
	}
}

// parseExamples finds the `emigre parse ...` commands of a Markdown page
// (continued lines joined, a pipe and what follows dropped) and splits
// each into its arguments as a POSIX shell would.
func parseExamples(page string) [][]string {
	var out [][]string
	page = strings.ReplaceAll(page, "\\\n", " ")
	for _, line := range strings.Split(page, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "$ ")
		if !strings.HasPrefix(line, "emigre parse --") {
			continue
		}
		args := shellWords(line)
		for i, a := range args {
			if a == "|" {
				args = args[:i]
				break
			}
		}
		out = append(out, args[1:])
	}
	return out
}

// shellWords splits a command line into words with single and double
// quotes (enough for the documentation's examples).
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
