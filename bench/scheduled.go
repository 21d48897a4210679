package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// benchScheduled: the same two refreshes as benchUnchanged, inside
// `emigre schedule`, the daemon that runs the scheduled refreshes: its
// first firing is a full live refresh into a new warehouse, the next one
// finds every source unchanged. Each refresh is timed from the daemon's
// "refresh starting" to its "refresh published" log line, so neither pays
// the process start, the catalogue's decoding or DuckDB's first start,
// which the daemon pays once.
func benchScheduled(bin, tmp string, reps int) row {
	srv := sampleServer()
	defer srv.Close()
	cfg := filepath.Join(tmp, "scheduled.yaml")
	// Every 2 s: a full refresh of the sample takes about 1.3 s here; a
	// refresh still running when the next is due skips that one.
	check(os.WriteFile(cfg, []byte(liveConfig(srv, tmp)+"schedule:\n  refresh: \"@every 2s\"\n"), 0o644))
	var full, again []time.Duration
	for i := range reps {
		dir := filepath.Join(tmp, fmt.Sprintf("scheduled%d", i))
		d := scheduledRefreshes(bin, cfg, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "archive"), 2)
		full, again = append(full, d[0].took), append(again, d[1].took)
		if d[0].loaded == 0 || d[1].loaded != 0 || d[1].unchanged == 0 {
			check(fmt.Errorf("scheduled refreshes: the first loaded %d sources, the second %d (%d unchanged); want all, then none",
				d[0].loaded, d[1].loaded, d[1].unchanged))
		}
	}
	f, u := median(full), median(again)
	return row{"unchanged refresh inside emigre schedule (all 304)", ms(u), ms(f) + " (full live refresh, same daemon)",
		ratio(u, f), "<= 0.2x"}
}

// refreshTimed is one published refresh of the daemon.
type refreshTimed struct {
	took              time.Duration
	loaded, unchanged int
}

// scheduledRefreshes starts `emigre schedule` on a new warehouse, waits
// for n published refreshes, stops it and returns them, timed from the
// log's timestamps.
func scheduledRefreshes(bin, cfg, db, arch string, n int) []refreshTimed {
	cmd := exec.Command(bin, "schedule", "--config", cfg, "--db", db, "--archive", arch)
	stderr, err := cmd.StderrPipe()
	check(err)
	check(cmd.Start())
	var out []refreshTimed
	var started time.Time
	lines := bufio.NewScanner(stderr)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for len(out) < n && lines.Scan() {
		var e struct {
			Time              time.Time
			Msg               string
			Loaded, Unchanged int
			Error             string
		}
		if json.Unmarshal(lines.Bytes(), &e) != nil {
			continue
		}
		switch e.Msg {
		case "refresh starting":
			started = e.Time
		case "refresh published":
			out = append(out, refreshTimed{took: e.Time.Sub(started), loaded: e.Loaded, unchanged: e.Unchanged})
		case "refresh failed: nothing published":
			check(fmt.Errorf("scheduled refresh failed: %s", e.Error))
		}
	}
	check(cmd.Process.Signal(os.Interrupt))
	_ = cmd.Wait() // stopped on purpose
	if len(out) < n {
		check(fmt.Errorf("emigre schedule stopped after %d refreshes, want %d: %v", len(out), n, lines.Err()))
	}
	return out
}
