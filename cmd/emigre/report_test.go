package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportAndServe runs once offline, then checks the report files and
// the report and serve commands on that warehouse.
func TestReportAndServe(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if code, out, errs := run(t, "run", "--offline", "--db", db); code != exitOK && code != exitPartial {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errs)
	}
	t.Run("report", func(t *testing.T) { testReportCommand(t, dir, db) })
	t.Run("serve", func(t *testing.T) { testServe(t, db) })
}

// testReportCommand: a run leaves its reports in reports/ beside the
// warehouse; `emigre report` renders any run in any format, to standard
// output or a file.
func testReportCommand(t *testing.T, dir, db string) {
	for _, name := range []string{"latest-RU.html", "latest-RU.json", "latest-RU.md"} {
		if fi, err := os.Stat(filepath.Join(dir, "reports", name)); err != nil || fi.Size() == 0 {
			t.Errorf("the run did not write reports/%s: %v", name, err)
		}
	}

	code, out, errs := run(t, "report", "--db", db, "--format", "md")
	if code != exitOK || !strings.HasPrefix(out, "> **SAMPLE DATA") || !strings.Contains(out, "## Data-quality checks") {
		t.Fatalf("report --format md: exit %d\n%.300s\n%s", code, out, errs)
	}
	file := filepath.Join(t.TempDir(), "r.json")
	if code, _, errs := run(t, "report", "--db", db, "--format", "json", "--out", file); code != exitOK {
		t.Fatalf("report --out: exit %d: %s", code, errs)
	}
	var rep struct {
		Schema string `json:"schema"`
		Run    struct {
			ID string `json:"id"`
		} `json:"run"`
	}
	b, err := os.ReadFile(file)
	if err != nil || json.Unmarshal(b, &rep) != nil || rep.Schema != "emigre.report/v2" || rep.Run.ID == "" {
		t.Fatalf("report --out wrote %.200s (%v)", b, err)
	}
	// --run picks the run; the HTML of that run names it.
	if code, out, _ := run(t, "report", "--db", db, "--run", rep.Run.ID); code != exitOK || !strings.Contains(out, rep.Run.ID) || !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("report --run %s: exit %d", rep.Run.ID, code)
	}
	if code, _, errs := run(t, "report", "--db", db, "--run", "no-such-run"); code != exitPartial || !strings.Contains(errs, `"no-such-run" is not in the warehouse`) {
		t.Errorf("an unknown run: exit %d, %q", code, errs)
	}
	if code, _, _ := run(t, "report", "--db", db, "--format", "pdf"); code != exitUsage {
		t.Errorf("--format pdf: exit %d, want %d", code, exitUsage)
	}
}

// testServe starts `emigre serve` on a free loopback port, reads its
// health, estimates and metrics, and stops it by cancelling.
func testServe(t *testing.T, db string) {
	host, _, err := net.SplitHostPort(defaultServeAddr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Errorf("serve binds %s by default: it must be a loopback address", defaultServeAddr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := cmdServe(ctx, []string{"--db", db, "--addr", "127.0.0.1:0"}, pw)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // drain the rest of the log
	_, rest, _ := strings.Cut(line, "http://")
	base := "http://" + strings.TrimSuffix(strings.Fields(rest)[0], "/")
	for path, want := range map[string]string{
		"/healthz":       "ok: latest run",
		"/api/estimates": `"destination": "DE"`,
		"/metrics":       "emigre_warehouse_up 1",
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, body lacks %q:\n%.300s", path, resp.StatusCode, want, body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve did not stop cleanly: %v", err)
	}
}
