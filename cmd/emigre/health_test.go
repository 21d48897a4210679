package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/internal/seriesstate"
	"github.com/emigre/emigre/load"
)

// Issue 16, items 6 and 7: one picture of health. Each test runs the built
// binary as the reproduction did.

// healthLine is the last line of a run's summary.
var healthLine = regexp.MustCompile(`^health: series (.+); checks (\d+) failed, (\d+) warned; ` +
	`alerts (\d+) opened, (\d+) resolved \((\d+) open\); see: emigre status (--db \S+ )?and (\S+)$`)

// cleanSampleRun replays the whole sample into a new warehouse and returns
// its path, the run's standard output and error.
func cleanSampleRun(t *testing.T, dir string, args ...string) (db, out, errs string) {
	t.Helper()
	db = filepath.Join(dir, "w.duckdb")
	code, out, errs := cli(t, dir, nil, append([]string{"run", "--offline", "--db", db}, args...)...)
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errs)
	}
	return db, out, errs
}

// Right after a clean sample run, the run's last line, status, sources and
// the report (Markdown, JSON, HTML) count the same series in the same
// states; the run's alerts are the open ones, each a bad state status
// shows; the JSON alert lines are in the log, not in the summary.
func TestOnePictureOfHealth(t *testing.T) {
	dir := t.TempDir()
	db, out, errs := cleanSampleRun(t, dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	m := healthLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("the summary does not end with one line of health counts and where to look:\n%s", out)
	}
	counts, opened, open := m[1], atoi(t, m[4]), atoi(t, m[6])
	if m[7] == "" || !strings.Contains(m[7], db) {
		t.Errorf("the hint %q does not name the warehouse run into (--db %s)", m[0], db)
	}
	reportPath := m[8]
	if !filepath.IsAbs(reportPath) {
		reportPath = filepath.Join(dir, reportPath)
	}
	if _, err := os.Stat(reportPath); err != nil {
		t.Errorf("the report the summary points to: %v", err)
	}
	if strings.Contains(out, `"alert opened"`) || strings.Contains(out, `"level"`) {
		t.Errorf("log lines in the summary:\n%s", out)
	}
	if n := strings.Count(errs, `"msg":"alert opened"`); n != opened {
		t.Errorf("the log (stderr, not a terminal) has %d JSON alert lines, the summary says %d opened", n, opened)
	}

	// status: the same counts, in its table, its counts line and its JSON.
	code, text, e := cli(t, dir, nil, "status", "--db", db)
	if code != exitOK || !strings.Contains(text, "\nseries: "+counts+"; ") {
		t.Errorf("status: exit %d, want the line %q\n%s\n%s", code, "series: "+counts, text, e)
	}
	var st struct {
		Counts  map[string]int `json:"counts"`
		Sources []struct {
			SourceID  string `json:"source_id"`
			State     string `json:"state"`
			OpenAlert *struct {
				Kind string `json:"kind"`
			} `json:"open_alert"`
		} `json:"sources"`
	}
	code, text, e = cli(t, dir, nil, "status", "--db", db, "--json")
	if code != exitOK || json.Unmarshal([]byte(text), &st) != nil {
		t.Fatalf("status --json: exit %d\n%.300s\n%s", code, text, e)
	}
	if got := seriesstate.Counts(st.Counts); got != counts {
		t.Errorf("status --json counts %q, the run %q", got, counts)
	}
	bad, withAlert := 0, 0
	for _, s := range st.Sources {
		switch s.State {
		case "stale", "failing", "broken", "dead-link":
			bad++
			if s.OpenAlert == nil || s.OpenAlert.Kind != s.State {
				t.Errorf("%s is %s without an open %s alert", s.SourceID, s.State, s.State)
			}
		}
		if s.OpenAlert != nil {
			withAlert++
		}
	}
	if bad != opened || withAlert != open || open != opened {
		t.Errorf("%d series in a bad state, %d with an open alert; the run opened %d, says %d open", bad, withAlert, opened, open)
	}

	// sources: its STATE column and its JSON, per series.
	var rows []sourceInfo
	code, text, e = cli(t, dir, nil, "sources", "--db", db, "--json")
	if code != exitOK || json.Unmarshal([]byte(text), &rows) != nil {
		t.Fatalf("sources --json: exit %d\n%s", code, e)
	}
	byState := map[string]int{}
	for _, r := range rows {
		if len(r.Series) == 0 && r.State != "" {
			byState[r.State]++
		}
		for _, s := range r.Series {
			byState[s.State]++
		}
	}
	if got := seriesstate.Counts(byState); got != counts {
		t.Errorf("sources --json states %q, the run %q", got, counts)
	}
	if code, text, _ = cli(t, dir, nil, "sources", "--db", db); !strings.Contains(text, "\nseries: "+counts+" ") {
		t.Errorf("sources: exit %d, want %q\n%s", code, "series: "+counts, text)
	}

	// The report, in its three renderings.
	code, md, e := cli(t, dir, nil, "report", "--db", db, "--format", "md")
	if code != exitOK || !strings.Contains(md, "Health: series "+counts+"; checks "+m[2]+" failed, "+m[3]+" warned.") ||
		!strings.Contains(md, "): "+counts+", each judged as of when its source's answer was fetched") {
		t.Errorf("report --format md: exit %d, want the run's counts %q\n%s\n%s", code, counts, md, e)
	}
	var rep struct {
		Health struct {
			Summary string         `json:"state_summary"`
			Counts  map[string]int `json:"state_counts"`
		} `json:"source_health"`
	}
	code, text, _ = cli(t, dir, nil, "report", "--db", db, "--format", "json")
	if code != exitOK || json.Unmarshal([]byte(text), &rep) != nil || rep.Health.Summary != counts ||
		seriesstate.Counts(rep.Health.Counts) != counts {
		t.Errorf("report --format json: exit %d, health %+v, want %q", code, rep.Health, counts)
	}
	html, err := os.ReadFile(reportPath)
	if err != nil || !strings.Contains(string(html), "Health: series "+counts+";") {
		t.Errorf("the HTML report %s does not say %q", m[8], counts)
	}
}

// An offline replay judges each series as of when its answer was fetched
// (the archive's fetched_at), never the day of the replay, and status on
// the warehouse says those dates; Eurostat's asylum answer is dated by the
// release of its figures, so its series are judged, and on time, then.
func TestOfflineReplayIsJudgedAsOfItsFetchTimes(t *testing.T) {
	dir := t.TempDir()
	db, _, _ := cleanSampleRun(t, dir)
	fetched := map[string]time.Time{}
	conn, err := load.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(`select source_id, max(fetched_at) from snapshots group by source_id`)
	if err != nil {
		t.Fatal(err)
	}
	var first, last time.Time
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		fetched[id] = at.UTC()
		if first.IsZero() || at.Before(first) {
			first = at
		}
		last = later(last, at)
	}
	rows.Close()
	conn.Close()

	code, text, e := cli(t, dir, nil, "status", "--db", db)
	want := "each as of when its source's answer was fetched: " + first.UTC().Format(time.DateOnly) + " to " +
		last.UTC().Format(time.DateOnly) + " (the latest run replayed an archive"
	if code != exitOK || !strings.HasPrefix(text, "states as the runs judged them, "+want) {
		t.Errorf("status: exit %d, want its first line to say %q\n%.400s\n%s", code, want, text, e)
	}
	var st struct {
		At      *time.Time `json:"at"`
		Sources []struct {
			SourceID    string    `json:"source_id"`
			Destination string    `json:"destination"`
			State       string    `json:"state"`
			JudgedAt    time.Time `json:"judged_at"`
		} `json:"sources"`
	}
	if code, text, _ = cli(t, dir, nil, "status", "--db", db, "--json"); code != exitOK || json.Unmarshal([]byte(text), &st) != nil {
		t.Fatalf("status --json: exit %d", code)
	}
	if st.At != nil {
		t.Errorf("status --json at %v without --at: want null (the states as judged)", st.At)
	}
	asylum := 0
	for _, s := range st.Sources {
		f, ok := fetched[s.SourceID]
		if !ok {
			continue // not in the sample: judged at the run's newest fetch
		}
		if !s.JudgedAt.Equal(f) {
			t.Errorf("%s %s judged at %s, its answer fetched %s", s.SourceID, s.Destination, s.JudgedAt.UTC(), f)
		}
		if s.SourceID == "eurostat-migr_asyappctza" && (s.Destination == "AT" || s.Destination == "DE") {
			asylum++
			if s.State != "ok" || s.JudgedAt.Format(time.DateOnly) != "2025-03-20" {
				t.Errorf("Eurostat asylum %s: %s judged %s, want ok as of the release of its 2024 figures, 2025-03-20",
					s.Destination, s.State, s.JudgedAt.Format(time.DateOnly))
			}
		}
	}
	if asylum != 2 {
		t.Errorf("%d of Eurostat's asylum series for AT and DE in status", asylum)
	}
}

// A clean sample run has no failed check: the 2022 jump in asylum
// applications, the window start, is an expected break and no anomaly; each
// check that leaves a series unjudged names the reason; each warning left
// is listed in the test's log.
func TestCleanSampleRunHasNoFailedCheck(t *testing.T) {
	dir := t.TempDir()
	db, _, _ := cleanSampleRun(t, dir)
	conn, err := load.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`select check_name, outcome, coalesce(source_id, destination), detail from quality_checks`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	spike := false
	for rows.Next() {
		var check, outcome, subject, detail string
		if err := rows.Scan(&check, &outcome, &subject, &detail); err != nil {
			t.Fatal(err)
		}
		switch outcome {
		case load.OutcomeFail:
			t.Errorf("%s of %s failed on the sample:\n%s", check, subject, detail)
		case load.OutcomeWarn:
			t.Logf("warning a person should read: %s of %s:\n%s", check, subject, detail)
		}
		for _, l := range strings.Split(detail, "\n") {
			if strings.Contains(l, "not judged:") && !strings.Contains(l, "the window start") &&
				!strings.Contains(l, "flagged b") && !strings.Contains(l, "published as missing") {
				t.Errorf("%s of %s leaves a series unjudged without naming why: %s", check, subject, l)
			}
		}
		if check == load.CheckAnomaly && subject == "unhcr-asylum-applications" {
			spike = strings.Contains(detail, "asylum_applications 2022-01-01..2022-12-31: not judged: the first value since the window start 2022-01-01, an expected break")
		}
	}
	if !spike {
		t.Error("UNHCR's 2022 asylum applications are not named as the expected break at the window start")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
