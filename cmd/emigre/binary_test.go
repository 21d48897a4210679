package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The command-line tests run the built emigre binary as a user does: a
// process of its own, with its exit code, standard output and error, its
// working directory and environment. It is built once per test run.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// emigreBinary returns the path of the built binary ($EMIGRE_TEST_BINARY
// when set: another build to hold the tests against).
func emigreBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("EMIGRE_TEST_BINARY"); p != "" {
		return p
	}
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "emigre-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "emigre")
		binary.out, binary.err = exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
	})
	if binary.err != nil {
		t.Fatalf("go build: %v\n%s", binary.err, binary.out)
	}
	return binary.path
}

// cli runs the binary in dir with args (env adds to the test's
// environment) and returns its exit code, standard output and error.
func cli(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(emigreBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("emigre %v: %v", args, err)
	return -1, "", ""
}

// sampleWarehouse publishes the named sources of the embedded sample into
// dir/name with the built binary and returns its path.
func sampleWarehouse(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	db := filepath.Join(dir, name)
	code, out, errs := cli(t, dir, nil, append([]string{"run", "--offline", "--db", db}, args...)...)
	if code != exitOK && code != exitPartial {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errs)
	}
	return db
}
