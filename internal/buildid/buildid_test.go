package buildid

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The ID read from the test binary is the one the Go toolchain reports.
func TestExecutableIsTheToolchainsBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("build IDs are read from ELF executables")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to ask for the build ID")
	}
	out, err := exec.Command(goTool, "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	if got := Executable(); got != want || got == "" {
		t.Errorf("Executable() = %q, want %q", got, want)
	}
}

func TestNotAnExecutableHasNoBuildID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-elf")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if id := OfFile(path); id != "" {
		t.Errorf("OfFile(a shell script) = %q, want \"\"", id)
	}
	if id := OfFile(filepath.Join(t.TempDir(), "missing")); id != "" {
		t.Errorf("OfFile(a missing file) = %q, want \"\"", id)
	}
}

func TestTornNoteIsNoBuildID(t *testing.T) {
	for _, note := range [][]byte{nil, make([]byte, 15), {3, 0, 0, 0, 200, 0, 0, 0, 4, 0, 0, 0, 'G', 'o', 0, 0, 'x'}} {
		if id := fromNote(note, binary.LittleEndian); id != "" {
			t.Errorf("fromNote(%v) = %q, want \"\"", note, id)
		}
	}
}
