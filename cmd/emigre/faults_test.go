package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/reliability"
)

// TestRunExitCodeUnderFaults drives `emigre run` live against a local
// server that injects faults of the reliability matrix, one at a time: the
// run still publishes, exits 1, names the faulty source with its reason in
// the summary and in the JSON log, and opens an alert for it (failing
// after one run here, or broken) that resolves when it recovers; the next
// healthy run exits 0 with the observations of the first.
func TestRunExitCodeUnderFaults(t *testing.T) {
	t.Chdir(t.TempDir())
	srv, err := reliability.NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	cfg := filepath.Join(dir, "emigre.yaml")
	faults := []struct{ fault, source string }{
		// One fault per stage that fails a source: fetch, parse, load.
		{"HTTP 503 with Retry-After", "eurostat-migr_pop1ctz"},
		{"HTML error page with status 200", "fi-statfin-muutl"},
		{"duplicated period (two codes, one period)", "eurostat-migr_emi1ctz"},
	}
	// The faulted sources and a few healthy ones of other formats and
	// countries: what is checked is the command's exit code, summary, log
	// and alerts, which do not need the whole catalogue (the reliability
	// suite runs every source), and five runs of all of it took most of
	// this package's time.
	keep := map[string]bool{"eurostat-migr_resvalid": true, "ge-geostat-migration-citizenship": true,
		"am-migration-service-statement-2024-08": true, "ca-ircc-pr-citizenship": true}
	for _, f := range faults {
		keep[f.source] = true
	}
	config := srv.Config(db, filepath.Join(dir, "archive")) // ends with its exclude list
	kept := 0
	for _, s := range srv.Sources() {
		if keep[s.ID] {
			kept++
		} else {
			config += fmt.Sprintf("  - %q\n", s.ID)
		}
	}
	if kept != len(keep) {
		t.Fatalf("%d of the %d kept sources are in the sample: a source was renamed", kept, len(keep))
	}
	if err := os.WriteFile(cfg, []byte(config+"alerts:\n  failing_after: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	if code, out, errs := run(t, "run", "--config", cfg); code != exitOK {
		t.Fatalf("healthy run: exit %d\n%s\n%s", code, out, errs)
	}
	before, err := reliability.ReadState(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range faults {
		f := reliability.FaultNamed(tc.fault)
		srv.Inject(tc.source, f)
		code, out, errs := run(t, "run", "--config", cfg)
		srv.Set(tc.source, nil)
		if code != exitPartial {
			t.Errorf("%s: exit %d, want %d\n%s", tc.fault, code, exitPartial, errs)
		}
		if want := fmt.Sprintf("FAILED %s (%s):", tc.source, f.Stage); !strings.Contains(out, want) {
			t.Errorf("%s: the summary lacks %q:\n%s", tc.fault, want, out)
		}
		if !loggedFailure(errs, tc.source, f) {
			t.Errorf("%s: no JSON log line names %s with an error matching %q:\n%s", tc.fault, tc.source, f.Reason, errs)
		}
		if reasons := failureAlerts(t, db, tc.source); len(reasons) != 1 || !f.Reason.MatchString(reasons[0]) {
			t.Errorf("%s: open failure alerts of %s: %q, want one matching %q", tc.fault, tc.source, reasons, f.Reason)
		}
	}
	if code, out, errs := run(t, "run", "--config", cfg); code != exitOK {
		t.Fatalf("healthy run after the faults: exit %d\n%s\n%s", code, out, errs)
	}
	after, err := reliability.ReadState(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range before.Observations {
		if after.Observations[k] != v {
			t.Errorf("%s: %s became %q", k, v, after.Observations[k])
		}
	}
	if open := failureAlerts(t, db, ""); len(open) != 0 {
		t.Errorf("failure alerts still open after the sources recovered: %q", open)
	}
}

// failureAlerts returns the reasons of the open alerts that say a source
// fails (of every source for ""): failing, after failing_after runs that
// could not fetch, or broken, at once, when it fetches but no longer reads.
// Stale alerts (the sample's periods are old) are not about the faults.
func failureAlerts(t *testing.T, path, source string) []string {
	t.Helper()
	db, err := load.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT reason FROM alerts WHERE state = 'open'
		AND (alert_id LIKE '%:failing:%' OR alert_id LIKE '%:broken:%') AND (source_id = ? OR ? = '')`, source, source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// loggedFailure finds the JSON log line of the source's failure.
func loggedFailure(log, source string, f reliability.Fault) bool {
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Level, Source, Stage, Error string
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Level == "ERROR" && rec.Source == source &&
			rec.Stage == f.Stage && f.Reason.MatchString(rec.Error) {
			return true
		}
	}
	return false
}
