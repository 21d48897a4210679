package schedules

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/emigre/emigre/extractors/fetch"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/transform"
)

func TestJobsGroupOverridesAndListNextFirings(t *testing.T) {
	srcs := []*extractors.Source{srcFresh, srcLate, srcSlow, srcStatement}
	jobs, err := Jobs("", map[string]string{srcSlow.ID: "0 7 1 * *", srcStatement.ID: "0 7 1 * *"}, srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].Spec != DefaultRefresh || len(jobs[0].Sources) != 2 || len(jobs[1].Sources) != 2 {
		t.Fatalf("jobs: %+v", jobs)
	}
	for _, s := range jobs[0].Sources {
		if s == srcSlow || s == srcStatement {
			t.Errorf("overridden source %s also in the global job", s.ID)
		}
	}
	from := instant("2025-08-31T12:00:00Z")
	next := Upcoming(jobs, from, 2)
	var got []string
	for _, f := range next {
		got = append(got, f.At.Format(time.RFC3339)+" "+f.Job.Spec)
	}
	want := []string{"2025-09-01T06:00:00Z 0 6 * * *", "2025-09-01T07:00:00Z 0 7 1 * *",
		"2025-09-02T06:00:00Z 0 6 * * *", "2025-10-01T07:00:00Z 0 7 1 * *"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("upcoming:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := Jobs("", map[string]string{"xx-nope": "@daily"}, srcs); err == nil || !strings.Contains(err.Error(), "xx-nope") {
		t.Errorf("unknown source override: %v", err)
	}
	if _, err := Jobs("61 * * * *", nil, srcs); err == nil {
		t.Error("a bad spec is accepted")
	}
	tz, err := ParseSpec("CRON_TZ=Europe/Berlin 0 6 * * *")
	if err != nil {
		t.Fatal(err)
	}
	if got := tz.Next(from).UTC().Format(time.RFC3339); got != "2025-09-01T04:00:00Z" {
		t.Errorf("06:00 Berlin in summer is %s UTC", got)
	}
}

// A source whose reader panics fails alone, every time, and the cron
// schedule keeps firing.
func TestAPanickingSourceDoesNotStopTheSchedule(t *testing.T) {
	c := &clock{t: instant("2025-08-04T10:00:00Z"), step: time.Second}
	dir := writeArchive(t, map[*extractors.Source]struct {
		a  answer
		at time.Time
	}{
		srcFresh:  {jsonAnswer(2024), instant("2025-08-01T00:00:00Z")},
		srcPanics: {jsonAnswer(2024), instant("2025-08-01T00:00:00Z")},
	})
	opt := offlineOptions(t, dir, c)
	jobs, err := Jobs("@every 1s", nil, []*extractors.Source{srcFresh, srcPanics})
	if err != nil {
		t.Fatal(err)
	}
	reports := make(chan Report, 16)
	d := &Daemon{Monitor: &Monitor{Policy: testPolicy(t), Now: c.Now}, Refresh: refresher(opt), Jobs: jobs,
		OnRefresh: func(r Report) { reports <- r }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var runs []Report
	deadline := time.After(30 * time.Second) // a hang guard, not a timing assertion
	for len(runs) < 2 {
		select {
		case r := <-reports:
			if !r.Skipped {
				runs = append(runs, r)
			}
		case <-deadline:
			t.Fatalf("the schedule stopped firing after %d refreshes", len(runs))
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i, r := range runs {
		if r.Err != nil {
			t.Fatalf("refresh %d: %v", i, r.Err)
		}
		for _, o := range r.Run.Sources {
			switch o.Source {
			case srcPanics:
				if o.Err == nil || o.Stage != load.StageParse || !strings.Contains(o.Err.Error(), "panic") {
					t.Errorf("refresh %d: panicking source: stage %s, %v", i, o.Stage, o.Err)
				}
			case srcFresh:
				if o.Err != nil {
					t.Errorf("refresh %d: the healthy source failed: %v", i, o.Err)
				}
			}
		}
	}
	db := openRO(t, opt.Warehouse)
	got := queryRows(t, db, `select count(*) from runs`)
	if got[0] != "2" {
		t.Errorf("runs published: %v, want 2", got)
	}
	states := queryRows(t, db, `select source_id, state, reason from source_states where source_id = ? order by run_id`, srcPanics.ID)
	if len(states) != 2 || !strings.Contains(states[0], "broken") || !strings.Contains(states[0], "panic") {
		t.Errorf("the panicking source's states: %v", states)
	}
}

// One refresh at a time: a firing while another runs is skipped; and a
// panic outside the sources (here in a hook) is recovered by the daemon.
func TestFiringWhileARefreshRunsIsSkippedAndAPanicIsRecovered(t *testing.T) {
	c := &clock{t: instant("2025-08-04T10:00:00Z"), step: time.Second}
	dir := writeArchive(t, map[*extractors.Source]struct {
		a  answer
		at time.Time
	}{srcFresh: {jsonAnswer(2024), instant("2025-08-01T00:00:00Z")}})
	opt := offlineOptions(t, dir, c)
	entered, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	calls := 0
	opt.AfterLoad = func(ctx context.Context, tx *load.Tx, sum *pipeline.Summary) error {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		switch n {
		case 1:
			close(entered)
			<-release
		case 2:
			panic("a bug after loading")
		}
		return nil
	}
	jobs, _ := Jobs("@daily", nil, []*extractors.Source{srcFresh})
	d := &Daemon{Monitor: &Monitor{Policy: testPolicy(t), Now: c.Now}, Refresh: refresher(opt), Jobs: jobs}
	first := make(chan Report)
	go func() { first <- d.Fire(context.Background(), jobs[0]) }()
	<-entered
	if r := d.Fire(context.Background(), jobs[0]); !r.Skipped {
		t.Errorf("a firing during a refresh ran: %+v", r)
	}
	close(release)
	if r := <-first; r.Err != nil || r.Skipped {
		t.Fatalf("first refresh: %+v", r)
	}
	if r := d.Fire(context.Background(), jobs[0]); r.Err == nil || !strings.Contains(r.Err.Error(), "panicked") {
		t.Errorf("panicking refresh: %v", r.Err)
	}
	if _, err := os.Stat(opt.Warehouse + load.WorkSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the panicked refresh left its working file: %v", err)
	}
	if r := d.Fire(context.Background(), jobs[0]); r.Err != nil || r.Skipped {
		t.Errorf("refresh after the panic: %+v", r)
	}
	if got := queryRows(t, openRO(t, opt.Warehouse), `select count(*) from runs`); got[0] != "2" {
		t.Errorf("runs published: %v, want 2 (the panicked one publishes nothing)", got)
	}
}

// daemonHelper is the daemon as a process of its own: it refreshes every
// second from the test publisher at $EMIGRE_TEST_PUBLISHER until SIGTERM.
func daemonHelper() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	srcs := []*extractors.Source{srcFresh, srcLate}
	jobs, err := Jobs("@every 1s", nil, srcs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	dir := os.Getenv("EMIGRE_TEST_DIR")
	lock, err := AcquireLock(filepath.Join(dir, "emigre.duckdb"), "daemon helper")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer func() {
		if err := lock.Release(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	d := &Daemon{
		Monitor: &Monitor{Policy: DefaultPolicy()},
		Refresh: refresher(pipeline.Options{
			Warehouse: filepath.Join(dir, "emigre.duckdb"), ArchiveDir: filepath.Join(dir, "archive"),
			Fetch: fetch.FetchConfig{UserAgent: "emigre-test", Timeout: time.Minute, Record: true,
				Mirrors: map[string]string{testHost: os.Getenv("EMIGRE_TEST_PUBLISHER")}},
			Estimate: transform.Options{Origin: "RU", WindowStart: day("2022-01-01")},
			Version:  "test",
		}),
		Jobs: jobs,
	}
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// SIGTERM while a refresh waits on a publisher: the daemon abandons the
// refresh, publishes nothing of it, and exits cleanly.
func TestSIGTERMMidRunPublishesNothingPartial(t *testing.T) {
	var mu sync.Mutex
	lateHits := 0
	blocked := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/data/" + srcFresh.ID + ".json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(table(2024))
		case "/data/" + srcLate.ID + ".json":
			mu.Lock()
			lateHits++
			n := lateHits
			mu.Unlock()
			if n == 2 {
				// The second refresh: hang mid-run until the client goes.
				close(blocked)
				<-r.Context().Done()
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(table(2023))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=daemon", "EMIGRE_TEST_DIR="+dir, "EMIGRE_TEST_PUBLISHER="+srv.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-time.After(60 * time.Second): // a hang guard, not a timing assertion
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // killed: its error says so
		t.Fatalf("the second refresh never reached the publisher:\n%s", stderr.String())
	}
	wh := filepath.Join(dir, "emigre.duckdb")
	before, err := os.ReadFile(wh)
	if err != nil {
		t.Fatalf("the first refresh published nothing: %v\n%s", err, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("daemon exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	after, err := os.ReadFile(wh)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the published warehouse changed after SIGTERM mid-run (err %v)", err)
	}
	if _, err := os.Stat(wh + load.WorkSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("working file left behind: %v", err)
	}
	if !strings.Contains(stderr.String(), "abandoned") {
		t.Errorf("the daemon did not log the abandoned refresh:\n%s", stderr.String())
	}
	db := openRO(t, wh)
	if got := queryRows(t, db, `select count(*), min(status) from runs`); got[0] != "1 ok" {
		t.Errorf("runs: %v, want the first refresh only", got)
	}
	if b, _ := os.ReadFile(LockPath(wh)); len(b) != 0 {
		t.Errorf("the daemon left its lock held: %q", b)
	}
}
