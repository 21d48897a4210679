//go:build reliability

package reliability

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// buildEmigre builds the emigre binary into the test's directory.
func buildEmigre(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "emigre")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/emigre/emigre/cmd/emigre").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// instance is a warehouse and archive that emigre runs against the server
// through a config file.
type instance struct {
	dir, db, archive, config string
}

func newInstance(t *testing.T, dir string, srv *Server) instance {
	t.Helper()
	in := instance{dir: dir, db: filepath.Join(dir, "emigre.duckdb"), archive: filepath.Join(dir, "archive"),
		config: filepath.Join(dir, "emigre.yaml")}
	if err := os.WriteFile(in.config, []byte(srv.Config(in.db, in.archive)), 0o644); err != nil {
		t.Fatal(err)
	}
	return in
}

// command is `emigre run` on the instance, not started.
func (in instance) command(bin string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(bin, "run", "--config", in.config)
	cmd.Dir = in.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs `emigre run` to the end and returns its exit code and output.
func (in instance) run(t *testing.T, bin string) (int, string) {
	t.Helper()
	cmd, out := in.command(bin)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("emigre run: %v", err)
	return -1, ""
}

// exists reports whether a path exists.
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
