package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors/catalogue"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/calendar"
	"github.com/emigre/emigre/extractors/sample"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/schedules"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "emigre.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScheduleListPrintsTheNextRefreshes(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg := writeConfig(t, `
schedule:
  refresh: "30 5 * * *"
  sources:
    fi-statfin-muutl: "0 7 1 6 *"
alerts:
  digest: "0 9 * * 5"
`)
	code, out, errs := run(t, "schedule", "--list", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	others := len(catalogue.MustDefault().Sources()) - 1
	for _, want := range []string{
		"30 5 * * *", fmt.Sprintf("all other sources (%d)", others), "0 7 1 6 *", "fi-statfin-muutl",
		"05:30", "07:00", `open alerts repeat on "0 9 * * 5"`, "emigre.duckdb.lock",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--list lacks %q:\n%s", want, out)
		}
	}
	// Three firings of each job: a header and six lines after NEXT REFRESH.
	_, next, _ := strings.Cut(out, "NEXT REFRESH")
	if n := strings.Count(strings.Split(next, "\n\n")[0], "\n"); n != 6 {
		t.Errorf("%d upcoming refreshes listed, want 6:\n%s", n, next)
	}
}

func TestScheduleAndAlertConfigErrorsAreUsageErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	for name, c := range map[string]struct{ yaml, want string }{
		"bad spec":        {"schedule:\n  refresh: \"61 * * * *\"\n", "61"},
		"unknown source":  {"schedule:\n  sources:\n    xx-nope: \"@daily\"\n", "xx-nope"},
		"bad digest":      {"alerts:\n  digest: \"every monday\"\n", "alerts.digest"},
		"unset secret":    {"sinks:\n  webhook:\n    url: https://hooks.example.org/x\n    secret_env: EMIGRE_TEST_UNSET_SECRET\n", "EMIGRE_TEST_UNSET_SECRET"},
		"unset slack url": {"sinks:\n  slack:\n    url_env: EMIGRE_TEST_UNSET_SLACK\n", "EMIGRE_TEST_UNSET_SLACK"},
		"bad recipient":   {"sinks:\n  smtp:\n    host: mail.example.org\n    from: a@example.org\n    to: [\"not an address\"]\n", "not an address"},
		"misspelt key":    {"alerts:\n  failing_afer: 2\n", "failing_afer"},
		"bad grace":       {"alerts:\n  grace: soon\n", "soon"},
	} {
		code, _, errs := run(t, "schedule", "--list", "--config", writeConfig(t, c.yaml))
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q: want exit %d naming %q", name, code, errs, exitUsage, c.want)
		}
	}
}

func TestRunRefusesWhileAnotherWriterHoldsTheWarehouse(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "w.duckdb")
	lock, err := schedules.AcquireLock(db, "emigre schedule")
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "run", "--offline", "--db", db)
	if code != exitLocked || !strings.Contains(errs, fmt.Sprintf("PID %d", os.Getpid())) || !strings.Contains(errs, "emigre schedule") {
		t.Errorf("exit %d, stderr %q: want a refusal naming the holder", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the refused run published a warehouse")
	}
	if err := lock.Release(); err != nil {
		t.Error(err)
	}
}

// hook is a webhook receiver that checks the signature and keeps what it got.
type hook struct {
	mu      sync.Mutex
	batches []schedules.Batch
	raw     [][]byte
	bad     int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !schedules.VerifySignature([]byte(os.Getenv("EMIGRE_TEST_WEBHOOK_SECRET")), body, r.Header.Get(schedules.SignatureHeader)) {
		h.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var b schedules.Batch
	if err := json.Unmarshal(body, &b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.batches, h.raw = append(h.batches, b), append(h.raw, body)
}

// The embedded sample is an old archive: replayed offline today, its
// sources are judged as of the day each was fetched (the manifest's
// fetched_at), and exactly the overdue ones raise stale alerts, which the
// configured webhook receives signed.
func TestReplayingTheSampleArchiveAlertsTheSourcesOverdueWhenFetched(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("EMIGRE_TEST_WEBHOOK_SECRET", "sample-secret")
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfg := writeConfig(t, fmt.Sprintf(`
alerts:
  grace: 30d
sinks:
  webhook:
    url: %s/emigre
    secret_env: EMIGRE_TEST_WEBHOOK_SECRET
`, srv.URL))
	db := filepath.Join(t.TempDir(), "w.duckdb")
	code, out, errs := run(t, "run", "--offline", "--db", db, "--config", cfg)
	if code != exitOK && code != exitPartial {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}

	// What the archive says: when each source was fetched.
	arch, err := archive.OpenFS(sample.FS())
	if err != nil {
		t.Fatal(err)
	}
	fetched := map[string]time.Time{}
	entries, err := arch.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.FetchedAt.After(fetched[e.Source]) {
			fetched[e.Source] = e.FetchedAt
		}
	}
	conn, err := load.OpenReadOnly(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// One judgement per series: a source's figures for one destination.
	rows, err := conn.Query(`select s.source_id, coalesce(s.destination, ''), s.state, s.judged_at, h.newest_period
		from source_states s join source_health h
		  on h.source_id = s.source_id and h.destination is not distinct from s.destination`)
	if err != nil {
		t.Fatal(err)
	}
	grace := 30 * 24 * time.Hour
	var wantStale []string
	judged := 0
	for rows.Next() {
		var id, dest, state string
		var at time.Time
		var newest *time.Time
		if err := rows.Scan(&id, &dest, &state, &at, &newest); err != nil {
			t.Fatal(err)
		}
		f, ok := fetched[id]
		if !ok {
			continue // not in the sample: failed to replay, judged at the run's time
		}
		judged++
		if !at.Equal(f) {
			t.Errorf("%s judged at %s, fetched at %s", id, at.UTC(), f)
		}
		src, err := catalogue.MustDefault().Source(id)
		if err != nil {
			t.Fatal(err)
		}
		// The calendar, by hand: the newest period due more than the grace
		// period before the fetch.
		// A country of a multi-country answer the source does not cover
		// owes no period.
		ref, _, hasCalendar := calendar.Of(src).Expected(f.Add(-grace))
		covered := !src.MultiCountry() || len(src.Covers) == 0 || slices.Contains(src.Covers, dest)
		overdue := hasCalendar && covered && newest != nil && newest.Before(ref)
		if overdue {
			wantStale = append(wantStale, id+" "+dest)
		}
		if overdue != (state == string(schedules.Stale)) {
			t.Errorf("%s %s: state %s; newest %v, due %s when fetched %s", id, dest, state, newest, ref.Format(time.DateOnly), f)
		}
	}
	if judged < 10 || len(wantStale) == 0 || len(wantStale) == judged {
		t.Fatalf("%d sources judged, %d overdue: the sample should hold both kinds", judged, len(wantStale))
	}
	// The webhook got one signed batch: an opened stale alert for each.
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bad != 0 || len(h.batches) != 1 {
		t.Fatalf("webhook: %d batches, %d badly signed", len(h.batches), h.bad)
	}
	var got []string
	for _, n := range h.batches[0].Alerts {
		if n.Kind == schedules.Stale {
			if n.Event != schedules.Opened || !n.FirstSeen.Equal(fetched[n.SourceID]) {
				t.Errorf("%s: %s first seen %s", n.SourceID, n.Event, n.FirstSeen)
			}
			got = append(got, n.SourceID+" "+n.Destination)
		}
	}
	slices.Sort(got)
	slices.Sort(wantStale)
	if !slices.Equal(got, wantStale) {
		t.Errorf("stale alerts received:\n%v\nwant\n%v", got, wantStale)
	}
	if !h.batches[0].Sample {
		t.Error("the payload does not say the run replayed the sample")
	}
	t.Logf("a stale alert as the webhook received it:\n%s", h.raw[0])
}

func TestStatusAtADateSaysWhatWillBeOverdue(t *testing.T) {
	t.Chdir(t.TempDir())
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if code, _, errs := run(t, "run", "--offline", "--db", db); code != exitOK && code != exitPartial {
		t.Fatalf("run: %s", errs)
	}
	code, out, errs := run(t, "status", "--db", db)
	if code != exitOK || !strings.Contains(out, "SERIES") || !strings.Contains(out, "eurostat-migr_pop1ctz (DE)") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	type source struct {
		SourceID       string  `json:"source_id"`
		Destination    string  `json:"destination"`
		Cadence        string  `json:"cadence"`
		State          string  `json:"state"`
		NewestPeriod   *string `json:"newest_period"`
		ExpectedPeriod *string `json:"expected_period"`
		LastJudged     *struct {
			State string `json:"state"`
		} `json:"last_judged"`
	}
	var st struct {
		At      time.Time `json:"at"`
		LastRun *struct {
			Sample bool `json:"sample"`
		} `json:"last_run"`
		Sources []source `json:"sources"`
	}
	code, out, errs = run(t, "status", "--db", db, "--json", "--at", "2031-07-01")
	if code != exitOK {
		t.Fatalf("status --json: exit %d: %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if st.At.Format(time.DateOnly) != "2031-07-01" || st.LastRun == nil || !st.LastRun.Sample || len(st.Sources) < len(catalogue.MustDefault().Sources()) {
		t.Fatalf("status header: at %s, last run %+v, %d sources", st.At, st.LastRun, len(st.Sources))
	}
	for _, s := range st.Sources {
		if s.LastJudged == nil {
			continue // never attempted
		}
		// By mid-2031 every annual table whose data stop in the sample's
		// years is overdue; statements have no calendar, nor does a
		// country a multi-country answer holds outside its covers.
		src, err := catalogue.MustDefault().Source(s.SourceID)
		if err != nil {
			t.Fatal(err)
		}
		if src.MultiCountry() && s.Destination != "" && !slices.Contains(src.Covers, s.Destination) {
			if s.State != string(schedules.OK) || s.ExpectedPeriod != nil {
				t.Errorf("%s %s, not covered: %s, expected %v", s.SourceID, s.Destination, s.State, s.ExpectedPeriod)
			}
			continue
		}
		switch {
		case s.Cadence == string(extractors.AdHoc) && s.ExpectedPeriod != nil:
			t.Errorf("%s: a statement with an expected period", s.SourceID)
		case s.Cadence == string(extractors.Annual) && (s.State == string(schedules.OK) || s.ExpectedPeriod == nil):
			t.Errorf("%s at 2031-07-01: %s, expected %v, newest %v", s.SourceID, s.State, s.ExpectedPeriod, s.NewestPeriod)
		}
	}
	if code, _, _ := run(t, "status", "--db", db, "--at", "July 2031"); code != exitUsage {
		t.Errorf("a malformed --at: exit %d", code)
	}
}
