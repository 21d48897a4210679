package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emigre/emigre/reliability"
)

// TestRunExitCodeUnderFaults drives `emigre run` live against a local
// server that injects faults of the reliability matrix, one at a time: the
// run still publishes, exits 1, names the faulty source with its reason in
// the summary and in the JSON log, and the next healthy run exits 0 with
// the observations of the first.
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
	if err := os.WriteFile(cfg, []byte(srv.Config(db, filepath.Join(dir, "archive"))), 0o644); err != nil {
		t.Fatal(err)
	}

	if code, out, errs := run(t, "run", "--config", cfg); code != exitOK {
		t.Fatalf("healthy run: exit %d\n%s\n%s", code, out, errs)
	}
	before, err := reliability.ReadState(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]reliability.Fault{}
	for _, f := range reliability.Faults() {
		byName[f.Name] = f
	}
	for _, tc := range []struct{ fault, source string }{
		{"HTTP 503 with Retry-After", "de-eurostat-migr_pop1ctz"},
		{"HTML error page with status 200", "fi-statfin-muutl"},
		{"gzip bomb", "it-eurostat-migr_resvalid"},
		{"truncated body", "rs-mup-statement-2023-02"},
		{"duplicated period (two codes, one period)", "nl-eurostat-migr_emi1ctz"},
	} {
		f := byName[tc.fault]
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
