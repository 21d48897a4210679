//go:build reliability

package reliability

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/load"
)

// smallDisk mounts a tmpfs of the given size at dir (root only), unmounted
// when the test ends.
func smallDisk(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a small file system here (root is needed): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fill allocates the file system's free space but leave bytes in a filler
// file, and returns a function that removes it.
func fill(t *testing.T, dir string, leave int64) func() {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	if free <= leave {
		t.Fatalf("%s has %d bytes free, cannot leave %d", dir, free, leave)
	}
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Fallocate(int(f.Fd()), 0, 0, free-leave); err != nil {
		t.Fatalf("fallocate: %v", err)
	}
	return func() {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiskFullWhileWritingTheWarehouse runs out of space while copying the
// published warehouse to its working file, then while DuckDB writes the
// working file: each run fails, exit 1, saying the disk is full; the
// published warehouse is as it was and whole; no working file stays; once
// space is back the next run succeeds.
func TestDiskFullWhileWritingTheWarehouse(t *testing.T) {
	bin := buildEmigre(t)
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	smallDisk(t, disk, "64m") // the published file, its working copy, the WAL and a checkpoint at once
	in := newInstance(t, dir, srv)
	in.db = filepath.Join(disk, "emigre.duckdb") // the archive stays on the big disk
	if err := os.WriteFile(in.config, []byte(srv.Config(in.db, in.archive)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	before, err := ReadState(t.Context(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(in.db)
	if err != nil {
		t.Fatal(err)
	}
	srv.Set("eurostat-migr_pop1ctz", Revised(1))
	for _, tc := range []struct {
		name  string
		leave int64
	}{
		{"copying the published file", info.Size() / 2},
		{"DuckDB writing the working file", info.Size() + 16<<10},
	} {
		free := fill(t, disk, tc.leave)
		code, out := in.run(t, bin)
		free()
		t.Logf("disk full while %s (%d bytes left): exit %d: %s", tc.name, tc.leave, code, lastLine(out))
		if code != 1 || !strings.Contains(strings.ToLower(out), "no space left on device") {
			t.Errorf("disk full while %s: exit %d, want 1 saying no space is left:\n%s", tc.name, code, out)
		}
		after, err := ReadState(t.Context(), in.db)
		if err != nil {
			t.Fatalf("disk full while %s: the published warehouse: %v", tc.name, err)
		}
		if ok, why := after.Equal(before); !ok {
			t.Errorf("disk full while %s: the published warehouse changed: %s", tc.name, why)
		}
		for _, p := range []string{in.db + load.WorkSuffix, in.db + load.WorkSuffix + ".wal"} {
			if exists(p) {
				t.Errorf("disk full while %s: %s left behind", tc.name, p)
			}
		}
	}
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("with space again: exit %d\n%s", code, out)
	}
	after, err := ReadState(t.Context(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Runs) != len(before.Runs)+1 {
		t.Errorf("runs went from %d to %d", len(before.Runs), len(after.Runs))
	}
}

// TestDiskFullWhileWritingTheArchive fills the archive's disk: every source
// fails to archive its answer and says so, the run still publishes (exit
// 1) with every earlier observation current, the archive stays valid (each
// manifest line has its object, no temporary file), and once space is back
// the next run records and loads the revision.
func TestDiskFullWhileWritingTheArchive(t *testing.T) {
	bin := buildEmigre(t)
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	in := newInstance(t, dir, srv)
	smallDisk(t, in.archive, "2m")
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	before, err := ReadState(t.Context(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	const revised = "eurostat-migr_pop1ctz"
	srv.Set(revised, Revised(1))
	free := fill(t, in.archive, 0)
	code, out := in.run(t, bin)
	free()
	t.Logf("archive disk full: exit %d: %s", code, lastLine(out))
	if code != 1 || !strings.Contains(strings.ToLower(out), "no space left on device") {
		t.Errorf("archive disk full: exit %d, want 1 saying no space is left:\n%s", code, out)
	}
	full, err := ReadState(t.Context(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := (State{Observations: full.Observations, Estimates: full.Estimates}).Equal(
		State{Observations: before.Observations, Estimates: before.Estimates}); !ok {
		t.Errorf("with the archive full, the data changed: %s", why)
	}
	checkArchiveFiles(t, in.archive, false)

	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("with space again: exit %d\n%s", code, out)
	}
	checkArchiveFiles(t, in.archive, false)
	recovered, err := ReadState(t.Context(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for k, v := range recovered.Observations {
		if before.Observations[k] != v {
			changed = append(changed, k)
		}
	}
	if len(changed) != 1 || !strings.HasPrefix(changed[0], revised+"|") {
		t.Errorf("with space again, observations changed at %v, want the revision of %s", changed, revised)
	}
	// The archive recorded the revision after the lines the full disk
	// refused (or tore).
	a, err := archive.Open(in.archive)
	if err != nil {
		t.Fatal(err)
	}
	var first, last string
	entries, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Source == revised {
			if first == "" {
				first = e.SHA256
			}
			last = e.SHA256
		}
	}
	if first == last {
		t.Errorf("the archive holds no revised answer of %s", revised)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
