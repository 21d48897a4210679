package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := realMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunOfflineExitCodesAndSummary(t *testing.T) {
	t.Chdir(t.TempDir()) // no emigre.yaml here: defaults apply
	db := filepath.Join(t.TempDir(), "w.duckdb")
	code, out, errs := run(t, "run", "--offline", "--db", db)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"SAMPLE DATA", "sources attempted", "TOTAL", "DE", db} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "sources", "--db", db)
	if code != exitOK || !regexp.MustCompile(`eurostat-migr_pop1ctz .* \d+ ok(, \d+ [a-z ]+)*\s+\d{4}-\d{2}-\d{2}\s+2024-01-01`).MatchString(out) {
		t.Errorf("sources after a run must show its series by state, the last run and the newest period:\n%s", out)
	}
	code, out, _ = run(t, "sql", "--db", db, "--format", "csv", "select destination, net from latest_estimates where destination = 'DE'")
	if code != exitOK || !strings.Contains(out, "DE,34546") {
		t.Errorf("sql: exit %d, output %q", code, out)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"no-such-command"},
		{"run", "--no-such-flag"},
		{"run", "--offline", "--source", "xx-no-such-source"},
		{"run", "--offline", "--origin", "Atlantis"},
		{"parse", "--format", "jsonstat"},
		{"parse", "--format", "no-such-format", "x.json"},
	} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestBadConfigIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "emigre.yaml")
	if err := os.WriteFile(cfg, []byte("warehuose: typo.duckdb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "run", "--offline", "--config", cfg)
	if code != exitUsage || !strings.Contains(errs, "warehuose") {
		t.Errorf("exit %d, stderr %q: a misspelt key must be named", code, errs)
	}
}

func TestParsePrintsTidyCSV(t *testing.T) {
	path := "../../../shared/formats/jsonstat/26fe-jsonstat.py__oecd.json"
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared/formats is absent (a user's clone): skipping")
	}
	code, out, errs := run(t, "parse", "--format", "jsonstat", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "concept,area,year,value,status" {
		t.Errorf("header = %q", lines[0])
	}
	if len(lines) != 433 {
		t.Errorf("%d lines, want a header and 432 cells", len(lines))
	}
	// MANIFEST: concept=UNR, area=US, year=2010 -> 9.627692959 (flat index 403).
	if lines[404] != "UNR,US,2010,9.627692959,e" && !strings.HasPrefix(lines[404], "UNR,US,2010,9.627692959,") {
		t.Errorf("row 403 = %q", lines[404])
	}
}

// TestSourcesJSON: Eurostat is one source per dataset, each answering for
// every reporting country (covers), with a request that asks for the run's
// origin and no country; Germany is among the countries of migr_pop1ctz.
func TestSourcesJSON(t *testing.T) {
	code, out, _ := run(t, "sources", "--json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var rows []sourceInfo
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	var datasets []string
	for _, r := range rows {
		if r.Publisher != "Eurostat" {
			continue
		}
		datasets = append(datasets, r.Dataset)
		if r.ID != "eurostat-"+r.Dataset || r.Destination != "" || len(r.Covers) < 30 || r.OriginCode != "eurostat" ||
			len(r.Requests) != 1 || !strings.Contains(r.Requests[0].URL, "{origin}") || strings.Contains(r.Requests[0].URL, "geo=") {
			t.Errorf("%s: destination %q, %d countries covered, origin code %q, requests %v", r.ID, r.Destination,
				len(r.Covers), r.OriginCode, r.Requests)
		}
		if r.Dataset == "migr_pop1ctz" && !slices.Contains(r.Covers, "DE") {
			t.Errorf("migr_pop1ctz does not cover Germany")
		}
		if r.Dataset == "migr_resfirst" && r.PerDestination["FI"].Priority != 20 {
			t.Errorf("migr_resfirst: Finland's own priority %v, want 20", r.PerDestination["FI"])
		}
	}
	slices.Sort(datasets)
	want := []string{"migr_acq", "migr_asyappctza", "migr_emi1ctz", "migr_imm1ctz", "migr_pop1ctz", "migr_resfirst", "migr_resvalid"}
	if !slices.Equal(datasets, want) {
		t.Errorf("Eurostat sources %v, want one per dataset %v", datasets, want)
	}
	// A discovery request says how its file is found.
	var sources []struct {
		ID       string
		Requests []struct {
			Role string
			URL  string
			Link *struct{ Select, Match string }
		}
	}
	if err := json.Unmarshal([]byte(out), &sources); err != nil {
		t.Fatal(err)
	}
	for _, s := range sources {
		if s.ID != "us-cbp-encounters" {
			continue
		}
		if r := s.Requests; len(r) != 1 || r[0].Role != "discovery" || r[0].Link == nil || r[0].Link.Select == "" || !strings.Contains(r[0].Link.Match, "nationwide-encounters") {
			t.Errorf("CBP's requests %+v: want the data page with its link rule", r)
		}
		return
	}
	t.Error("no us-cbp-encounters in the output")
}

func TestRunIntoANewFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "not", "yet", "there", "w.duckdb")
	if code, out, errs := run(t, "run", "--offline", "--db", db); code != exitOK {
		t.Fatalf("exit %d: a first run into a new folder must create it\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(db); err != nil {
		t.Error(err)
	}
}
